"""A small JSON Schema (2020-12) checker for the keywords Lotse's published schemas use.

jsonschema is not among Lotse's dependencies; this covers exactly what
docs/*.schema.json use (type, const, enum, properties, required,
additionalProperties, items, oneOf, $ref to $defs, minimum, minLength, minItems,
pattern, format date and date-time) and refuses any other keyword, so a schema cannot
silently outgrow it. The holder catalog's loader checks its data files with it.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

KNOWN = {
    "$schema", "$id", "$defs", "$ref", "title", "description", "type", "const", "enum",
    "properties", "required", "additionalProperties", "items", "oneOf", "minimum", "format",
    "minLength", "minItems", "pattern",
}  # fmt: skip
TYPES: dict[str, Any] = {
    "object": dict, "array": list, "string": str, "boolean": bool, "null": type(None),
}  # fmt: skip


def errors(schema: dict[str, Any], value: Any) -> list[str]:
    """Every place where `value` breaks `schema` ("$.a.b: why"); empty when it is valid."""
    found: list[str] = []
    _check(schema, schema, value, "$", found)
    return found


def _errors_within(root: dict[str, Any], schema: dict[str, Any], value: Any) -> list[str]:
    found: list[str] = []
    _check(root, schema, value, "", found)
    return found


def _is(kind: str, value: Any) -> bool:
    if kind == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    return isinstance(value, TYPES[kind]) and not (kind != "boolean" and isinstance(value, bool))


def _check(
    root: dict[str, Any], schema: dict[str, Any], value: Any, at: str, out: list[str]
) -> None:
    unknown = set(schema) - KNOWN
    if unknown:
        raise ValueError(f"{at}: keywords this checker does not know: {sorted(unknown)}")
    if "$ref" in schema:
        name = schema["$ref"].removeprefix("#/$defs/")
        _check(root, root["$defs"][name], value, at, out)
    if "type" in schema:
        kinds = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        if not any(_is(kind, value) for kind in kinds):
            out.append(f"{at}: {type(value).__name__} is not {kinds}")
            return
    if "const" in schema and value != schema["const"]:
        out.append(f"{at}: {value!r} is not {schema['const']!r}")
    if "enum" in schema and value not in schema["enum"]:
        out.append(f"{at}: {value!r} is not one of {schema['enum']}")
    if "minimum" in schema and isinstance(value, int | float) and value < schema["minimum"]:
        out.append(f"{at}: {value} is below {schema['minimum']}")
    if "minLength" in schema and isinstance(value, str) and len(value) < schema["minLength"]:
        out.append(f"{at}: {value!r} is shorter than {schema['minLength']}")
    if "pattern" in schema and isinstance(value, str) and not re.search(schema["pattern"], value):
        out.append(f"{at}: {value!r} does not match {schema['pattern']}")
    if "minItems" in schema and isinstance(value, list) and len(value) < schema["minItems"]:
        out.append(f"{at}: has {len(value)} items, fewer than {schema['minItems']}")
    if schema.get("format") in ("date", "date-time") and isinstance(value, str):
        try:
            parsed = (date if schema["format"] == "date" else datetime).fromisoformat(value)
            if isinstance(parsed, datetime) and parsed.tzinfo is None:
                out.append(f"{at}: {value!r} has no time zone")
        except ValueError:
            out.append(f"{at}: {value!r} is not a {schema['format']}")
    if "oneOf" in schema:
        matching = [s for s in schema["oneOf"] if not _errors_within(root, s, value)]
        if len(matching) != 1:
            out.append(f"{at}: matches {len(matching)} of oneOf, not exactly one")
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        for name in schema.get("required", ()):
            if name not in value:
                out.append(f"{at}: {name} is missing")
        for name, item in value.items():
            if name in properties:
                _check(root, properties[name], item, f"{at}.{name}", out)
            elif schema.get("additionalProperties") is False:
                out.append(f"{at}: {name} is not in the schema")
    if isinstance(value, list) and "items" in schema:
        for i, item in enumerate(value):
            _check(root, schema["items"], item, f"{at}[{i}]", out)
