"""Prints the key reference of scenarios/README.md from the schema (one section per object,
one row per key with its type and default). Replace the README's "Key reference" tables with
its output after changing the schema; tests/sim/schema_test.cpp checks they agree.

usage: python3 scenarios/schema/readme_keys.py [scenarios/schema/scenario.schema.json]
"""
import json
import os
import sys

here = os.path.dirname(os.path.abspath(__file__))
schema = json.load(open(sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "scenario.schema.json")))
sections = []


def walk(node, title):
    if not node.get("properties"):
        return
    sections.append((title, node))
    for key, sub in node["properties"].items():
        if "$ref" in sub:
            continue
        walk(sub, title + "." + key)
        if "items" in sub and "$ref" not in sub["items"]:
            walk(sub["items"], title + "." + key + "[]")


def kind(sub):
    if "$ref" in sub:
        return "`" + sub["$ref"].split("/")[-1] + "`"
    if "enum" in sub:
        return " \\| ".join("`%s`" % v for v in sub["enum"])
    t = sub.get("type", "any")
    if isinstance(t, list):
        t = " or ".join(t)
    if t == "array" and "items" in sub:
        items = sub["items"]
        if "$ref" in items:
            return "array of `%s`" % items["$ref"].split("/")[-1]
        if "properties" in items:
            return "array of objects (below)"
        return "array of " + items.get("type", "any")
    if t == "object" and isinstance(sub.get("additionalProperties"), dict):
        return "object of " + kind(sub["additionalProperties"])
    return t


walk(schema, "scenario")
for name, definition in schema["$defs"].items():
    walk(definition, name)
for title, node in sections:
    print("### `%s`\n" % title)
    if node.get("description") and title != "scenario":
        print(node["description"] + "\n")
    required = set(node.get("required", []))
    print("| key | type | default | meaning |\n|---|---|---|---|")
    for key, sub in node["properties"].items():
        if "default" in sub:
            default = "`%s`" % json.dumps(sub["default"], separators=(",", ":"))
        else:
            default = "required" if key in required else "—"
        meaning = sub.get("description", "")
        if "x-cmslab-unmodelled" in sub:
            meaning = (meaning + " " if meaning else "") + "*Not simulated: %s (warning).*" % sub["x-cmslab-unmodelled"]
        print("| `%s` | %s | %s | %s |" % (key, kind(sub), default, meaning.replace("|", "\\|")))
    print()
