"""Checks response bodies against the schemas an OpenAPI 3.0 document declares for them, with
openapi-schema-validator (what a generated client's deserializer relies on).

Reads {"document": {...}, "responses": [{"method", "path", "status", "mediaType", "body"}]} on stdin,
`path` as in the document (`/cases/{id}`). Prints {"checked": n, "errors": ["GET /x 200: ...", ...]}.

Besides what the schema allows, a property the schema does not name is an error where the object lists its
properties and says nothing of others: a generated client drops it at best, and one that refuses unknown
properties (Jackson's default in Java SDKs) fails on the whole body.
"""
import json
import sys

from openapi_schema_validator import OAS30Validator


def resolve(node, components, seen=()):
    """The schema with every local $ref replaced by what it names (recursion stops at a cycle)."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
            name = ref.rsplit("/", 1)[1]
            if name in seen:
                return {}
            return resolve(components[name], components, seen + (name,))
        return {k: resolve(v, components, seen) for k, v in node.items()}
    if isinstance(node, list):
        return [resolve(v, components, seen) for v in node]
    return node


def undeclared(schema, body, path=""):
    """Properties of `body` its (resolved) schema does not name, as JSON paths; only objects that list properties."""
    if not isinstance(schema, dict):
        return []
    parts = schema.get("allOf")
    if isinstance(parts, list):
        merged = {"type": "object", "properties": {}}
        for part in parts:
            merged["properties"].update(part.get("properties", {}))
            if "additionalProperties" in part:
                merged["additionalProperties"] = part["additionalProperties"]
        return undeclared(merged, body, path) if merged["properties"] else []
    if isinstance(body, list) and isinstance(schema.get("items"), dict):
        return [p for i, v in enumerate(body) for p in undeclared(schema["items"], v, f"{path}/{i}")]
    if not isinstance(body, dict):
        return []
    props = schema.get("properties")
    extra = schema.get("additionalProperties")
    found = []
    for key, value in body.items():
        if isinstance(props, dict) and key in props:
            found += undeclared(props[key], value, f"{path}/{key}")
        elif isinstance(extra, dict):
            found += undeclared(extra, value, f"{path}/{key}")
        elif isinstance(props, dict) and extra is None:
            found.append(f"{path}/{key}")
    return found


def main() -> int:
    given = json.load(sys.stdin)
    doc = given["document"]
    components = doc.get("components", {}).get("schemas", {})
    errors = []
    checked = 0
    for r in given["responses"]:
        where = f'{r["method"].upper()} {r["path"]} {r["status"]}'
        op = doc["paths"].get(r["path"], {}).get(r["method"].lower())
        if op is None:
            errors.append(f"{where}: not in the document")
            continue
        response = op.get("responses", {}).get(str(r["status"]))
        content = (response or {}).get("content", {})
        if r["mediaType"] not in content:
            errors.append(f'{where}: {r["mediaType"]} not declared ({", ".join(content) or "no content"})')
            continue
        schema = resolve(content[r["mediaType"]].get("schema", {}), components)
        checked += 1
        for e in OAS30Validator(schema).iter_errors(r["body"]):
            path = "/".join(str(p) for p in e.absolute_path)
            errors.append(f"{where}: at /{path}: {e.message[:200]}")
        for path in undeclared(schema, r["body"]):
            errors.append(f"{where}: at {path}: a property the schema does not declare")
    json.dump({"checked": checked, "errors": errors}, sys.stdout, ensure_ascii=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
