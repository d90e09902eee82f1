"""Reads every topic of a Fengqiao deployment with another language's CloudEvents SDK.

Python's `cloudevents` (core bindings, Kafka, auto-detecting binary or structured mode) decodes each
record of each topic whose name starts with the prefix, from the beginning to the current end, with
`kafka-python` (a client the project never uses itself). Prints one JSON document on stdout:
{"topics": {name: {"count", "types": {type: n}, "bad": [reasons], "events": [decoded]}}}.
"""
import argparse
import json
import sys

from cloudevents.core.bindings.kafka import KafkaMessage, from_kafka
from cloudevents.core.formats.json import JSONFormat
from cloudevents.core.v1.event import CloudEvent
from kafka import KafkaConsumer, TopicPartition

REQUIRED = ("id", "source", "type", "specversion", "subject", "time")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--brokers", required=True)
    ap.add_argument("--prefix", required=True, help="topic prefix of the deployment, e.g. journey-ab12")
    ap.add_argument("--max-events", type=int, default=200, help="decoded events kept per topic in the output")
    args = ap.parse_args()

    consumer = KafkaConsumer(bootstrap_servers=args.brokers.split(","), enable_auto_commit=False, consumer_timeout_ms=5000)
    head = args.prefix + "."
    names = sorted(t for t in consumer.topics() if t.startswith(head))
    out = {"topics": {}}
    for name in names:
        parts = [TopicPartition(name, p) for p in sorted(consumer.partitions_for_topic(name) or [])]
        consumer.assign(parts)
        consumer.seek_to_beginning(*parts)
        end = consumer.end_offsets(parts)
        remaining = {tp: end[tp] for tp in parts if end[tp] > 0}
        report = {"count": 0, "types": {}, "bad": [], "events": []}
        while remaining:
            batch = consumer.poll(timeout_ms=2000)
            if not batch:
                break
            for tp, records in batch.items():
                for r in records:
                    report["count"] += 1
                    headers = {k: (v or b"") for k, v in (r.headers or [])}
                    try:
                        event = from_kafka(KafkaMessage(headers=headers, key=r.key, value=r.value or b""), JSONFormat(), lambda a, d: CloudEvent(a, d))
                        attrs = event.get_attributes()
                        missing = [k for k in REQUIRED if not attrs.get(k)]
                        data = event.get_data()
                        if isinstance(data, (bytes, str)):
                            data = json.loads(data)
                        if missing or not isinstance(data, dict):
                            report["bad"].append(f"{tp.partition}/{r.offset}: missing {missing} or data not an object")
                        ce_type = attrs["type"]
                        report["types"][ce_type] = report["types"].get(ce_type, 0) + 1
                        if len(report["events"]) < args.max_events:
                            plain = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in attrs.items()}
                            report["events"].append({"attributes": plain, "data": data, "key": (r.key or b"").decode()})
                    except Exception as e:  # noqa: BLE001 - every undecodable record is reported
                        report["bad"].append(f"{tp.partition}/{r.offset}: {type(e).__name__}: {e}")
                    if r.offset + 1 >= end[tp]:
                        remaining.pop(tp, None)
        out["topics"][name] = report
    consumer.close()
    json.dump(out, sys.stdout, ensure_ascii=False, default=str)
    return 0


if __name__ == "__main__":
    sys.exit(main())
