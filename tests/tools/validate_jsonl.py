#!/usr/bin/python3
"""Validates Harrier JSON Lines reports against docs/jsonl.schema.json.

usage: validate_jsonl.py SCHEMA FILE...
Prints FILE:LINE: problem for every line that is not valid JSON or does not
match the schema; exit 0 when every line of every file is valid, 1 otherwise,
2 on a usage error. Needs Debian's python3-jsonschema.
"""
import json
import sys

import jsonschema


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    with open(argv[1], encoding="utf-8") as f:
        schema = json.load(f)
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    validator = cls(schema, format_checker=jsonschema.FormatChecker())
    bad = 0
    lines = 0
    for path in argv[2:]:
        with open(path, encoding="utf-8") as f:
            for n, text in enumerate(f, 1):
                lines += 1
                try:
                    obj = json.loads(text)
                except ValueError as e:
                    print(f"{path}:{n}: not JSON: {e}")
                    bad += 1
                    continue
                # oneOf reports little; validate against the branch harrier.type names.
                kind = obj.get("harrier", {}).get("type") if isinstance(obj, dict) else None
                sub = {"$ref": f"#/$defs/{kind}", "$defs": schema["$defs"]} \
                    if kind in schema["$defs"] else schema
                line_bad = 0
                for err in sorted(cls(sub, format_checker=jsonschema.FormatChecker())
                                  .iter_errors(obj), key=str)[:5]:
                    where = "/".join(str(p) for p in err.absolute_path)
                    print(f"{path}:{n}: {kind}: {where}: {err.message}")
                    line_bad += 1
                if not line_bad and not validator.is_valid(obj):
                    print(f"{path}:{n}: matches no line type")
                    line_bad += 1
                bad += line_bad
    print(f"{lines} lines, {bad} problems")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
