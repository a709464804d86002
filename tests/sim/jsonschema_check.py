"""Validates scenario files against scenarios/schema/scenario.schema.json with the
python3-jsonschema package (an implementation independent of the lab's own loader).

usage: jsonschema_check.py SCHEMA FILE...   exit 0 all valid, 1 some invalid, 3 no validator
"""
import json
import sys

try:
    import jsonschema
except ImportError:
    print("python3-jsonschema is not installed (apt-get install python3-jsonschema)")
    sys.exit(3)

schema = json.load(open(sys.argv[1]))
jsonschema.Draft202012Validator.check_schema(schema)
validator = jsonschema.Draft202012Validator(schema)
status = 0
for path in sys.argv[2:]:
    errors = list(validator.iter_errors(json.load(open(path))))
    for e in errors:
        print(f"{path}: /{'/'.join(str(p) for p in e.absolute_path)}: {e.message}")
    if errors:
        status = 1
sys.exit(status)
