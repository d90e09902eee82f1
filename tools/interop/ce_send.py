"""Sends CloudEvents to a Fengqiao topic with another language's SDK, in binary or structured mode.

Reads a JSON list on stdin: [{"mode": "binary" | "structured", "key": str, "attributes": {...}, "data": {...}}]
and produces each with `kafka-python`, encoded by Python's `cloudevents` Kafka binding.
"""
import argparse
import json
import sys

from cloudevents.core.bindings.kafka import to_binary, to_structured
from cloudevents.core.formats.json import JSONFormat
from cloudevents.core.v1.event import CloudEvent
from dateutil.parser import isoparse
from kafka import KafkaProducer


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--brokers", required=True)
    ap.add_argument("--topic", required=True)
    args = ap.parse_args()
    producer = KafkaProducer(bootstrap_servers=args.brokers.split(","), acks="all")
    sent = []
    for spec in json.load(sys.stdin):
        attributes = dict(spec["attributes"])
        if "time" in attributes:
            attributes["time"] = isoparse(attributes["time"])
        event = CloudEvent(attributes, spec["data"])
        encode = to_binary if spec["mode"] == "binary" else to_structured
        message = encode(event, JSONFormat(), key_mapper=lambda e, k=spec["key"]: k)
        headers = [(k, v if isinstance(v, bytes) else str(v).encode()) for k, v in message.headers.items()]
        key = message.key.encode() if isinstance(message.key, str) else message.key
        producer.send(args.topic, key=key, value=message.value, headers=headers).get(timeout=30)
        sent.append({"id": attributes["id"], "mode": spec["mode"], "headers": sorted(k for k, _ in headers)})
    producer.flush()
    producer.close()
    json.dump({"sent": sent}, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
