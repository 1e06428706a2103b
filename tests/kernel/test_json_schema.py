"""The small JSON Schema checker: the keywords the published schemas use, and no others."""

from __future__ import annotations

import pytest

from bot.kernel.json_schema import errors


def test_strings_and_lists() -> None:
    schema = {"type": "object", "properties": {
        "code": {"type": "string", "pattern": "^[0-9]{5}$"},
        "text": {"type": "string", "minLength": 1},
        "items": {"type": "array", "minItems": 1, "items": {"type": "string"}},
    }}  # fmt: skip
    assert errors(schema, {"code": "50728", "text": "x", "items": ["a"]}) == []
    found = errors(schema, {"code": "5072", "text": "", "items": []})
    assert "$.code: '5072' does not match ^[0-9]{5}$" in found
    assert "$.text: '' is shorter than 1" in found
    assert "$.items: has 0 items, fewer than 1" in found


def test_dates_and_unknown_keywords() -> None:
    assert errors({"type": "string", "format": "date"}, "2026-11-31") == [
        "$: '2026-11-31' is not a date"
    ]
    assert errors({"type": "string", "format": "date-time"}, "2026-11-30T10:00:00") == [
        "$: '2026-11-30T10:00:00' has no time zone"
    ]
    with pytest.raises(ValueError, match="keywords this checker does not know"):
        errors({"maxLength": 3}, "abcd")
