#!/usr/bin/env python3
"""Validate rxsim JSON reports against docs/rxsim-report.schema.json.

usage: validate.py SCHEMA REPORT.json...

A minimal validator of the part of JSON Schema (draft 2020-12) the schema uses: type,
properties, required, additionalProperties, items, enum, const, minimum, maximum, pattern and
local $ref. It refuses any other keyword, so the schema cannot quietly rely on one it does not
check. It needs nothing past python3, so a plain clone validates; where the jsonschema module
is installed (python3-jsonschema, scripts/setup.sh --extras) each report is checked by it too,
and the schema itself against the draft's metaschema.
"""
import json
import re
import sys

ANNOTATIONS = {"$schema", "$id", "$defs", "title", "description"}
TYPES = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
}


def resolve(root, ref):
    if not ref.startswith("#/"):
        raise ValueError("only local $ref is supported: " + ref)
    node = root
    for part in ref[2:].split("/"):
        node = node[part]
    return node


def check(root, schema, value, path, errors):
    if schema is True:
        return
    if schema is False:
        errors.append(f"{path}: no value is allowed here")
        return
    for key in schema:
        if key not in ANNOTATIONS and key not in CHECKS:
            raise ValueError(f"schema keyword '{key}' is not supported by this validator")
    for key, fn in CHECKS.items():
        if key in schema:
            fn(root, schema, value, path, errors)


def c_ref(root, schema, value, path, errors):
    check(root, resolve(root, schema["$ref"]), value, path, errors)


def c_type(root, schema, value, path, errors):
    types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
    if not any(TYPES[t](value) for t in types):
        errors.append(f"{path}: {json.dumps(value)[:60]} is not of type {'/'.join(types)}")


def c_enum(root, schema, value, path, errors):
    if value not in schema["enum"]:
        errors.append(f"{path}: {json.dumps(value)} is not one of {schema['enum']}")


def c_const(root, schema, value, path, errors):
    if value != schema["const"] or type(value) is not type(schema["const"]):
        errors.append(f"{path}: {json.dumps(value)} is not {json.dumps(schema['const'])}")


def c_minimum(root, schema, value, path, errors):
    if TYPES["number"](value) and value < schema["minimum"]:
        errors.append(f"{path}: {value} is below {schema['minimum']}")


def c_maximum(root, schema, value, path, errors):
    if TYPES["number"](value) and value > schema["maximum"]:
        errors.append(f"{path}: {value} is above {schema['maximum']}")


def c_pattern(root, schema, value, path, errors):
    if isinstance(value, str) and not re.search(schema["pattern"], value):
        errors.append(f"{path}: '{value}' does not match {schema['pattern']}")


def c_required(root, schema, value, path, errors):
    if isinstance(value, dict):
        for key in schema["required"]:
            if key not in value:
                errors.append(f"{path}: '{key}' is missing")


def c_properties(root, schema, value, path, errors):
    if isinstance(value, dict):
        for key, sub in schema["properties"].items():
            if key in value:
                check(root, sub, value[key], f"{path}.{key}", errors)


def c_additional(root, schema, value, path, errors):
    if isinstance(value, dict):
        named = schema.get("properties", {})
        for key, v in value.items():
            if key not in named:
                check(root, schema["additionalProperties"], v, f"{path}.{key}", errors)


def c_items(root, schema, value, path, errors):
    if isinstance(value, list):
        for i, v in enumerate(value):
            check(root, schema["items"], v, f"{path}[{i}]", errors)


CHECKS = {
    "$ref": c_ref, "type": c_type, "enum": c_enum, "const": c_const, "minimum": c_minimum,
    "maximum": c_maximum, "pattern": c_pattern, "required": c_required,
    "properties": c_properties, "additionalProperties": c_additional, "items": c_items,
}


def main():
    if len(sys.argv) < 3:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    with open(sys.argv[1]) as f:
        schema = json.load(f)
    try:
        import jsonschema
        full = jsonschema.Draft202012Validator
        full.check_schema(schema)
    except ImportError:
        full = None
        print("validate.py: the jsonschema module is not installed; the minimal validator "
              "alone (scripts/setup.sh --extras installs python3-jsonschema)")
    bad = 0
    for name in sys.argv[2:]:
        with open(name) as f:
            report = json.load(f)
        errors = []
        check(schema, schema, report, "$", errors)
        if full:
            errors += [f"jsonschema: {e.json_path}: {e.message}"
                       for e in full(schema).iter_errors(report)]
        for e in errors:
            print(f"{name}: {e}")
        bad += bool(errors)
    print(f"validate.py: {len(sys.argv) - 2 - bad} of {len(sys.argv) - 2} reports valid"
          f"{' (and by jsonschema)' if full else ''}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
