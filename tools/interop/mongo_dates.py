"""Finds documents by a date range with pymongo, as a BI tool would: {field: {$gte: date, $lt: date}}.

Prints {"ids": [...], "types": {field: BSON type of the first document's value}} on stdout.
"""
import argparse
import json
import sys

from dateutil.parser import isoparse
from pymongo import MongoClient


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", required=True)
    ap.add_argument("--db", required=True)
    ap.add_argument("--collection", required=True)
    ap.add_argument("--field", required=True)
    ap.add_argument("--from", dest="start", required=True)
    ap.add_argument("--to", dest="end", required=True)
    args = ap.parse_args()
    client = MongoClient(args.url, serverSelectionTimeoutMS=10_000)
    coll = client[args.db][args.collection]
    query = {args.field: {"$gte": isoparse(args.start), "$lt": isoparse(args.end)}}
    ids = [str(d["_id"]) for d in coll.find(query, {"_id": 1})]
    sample = coll.find_one({args.field: {"$exists": True}})
    kind = type(sample[args.field]).__name__ if sample else None
    client.close()
    json.dump({"ids": ids, "type": kind}, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
