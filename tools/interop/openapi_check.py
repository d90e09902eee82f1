"""Validates an OpenAPI document with openapi-spec-validator, as a client generator's first step would.

Reads the document (JSON) on stdin. Prints {"version": ..., "operations": n, "errors": [...]} on stdout.
"""
import json
import sys

from openapi_spec_validator import OpenAPIV30SpecValidator, OpenAPIV31SpecValidator

METHODS = ("get", "put", "post", "delete", "patch", "options", "head", "trace")


def main() -> int:
    doc = json.load(sys.stdin)
    version = str(doc.get("openapi", ""))
    validator = OpenAPIV31SpecValidator(doc) if version.startswith("3.1") else OpenAPIV30SpecValidator(doc)
    errors = [str(e).splitlines()[0] for e in validator.iter_errors()]
    operations = sum(1 for item in doc.get("paths", {}).values() for m in METHODS if m in item)
    json.dump({"version": version, "operations": operations, "errors": errors}, sys.stdout, ensure_ascii=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
