"""Broken copies of the shipped data: each problem is named with its file and field."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from bot.holders.checks import read_shipped

TODAY = date(2026, 11, 30)


def edit(path: Path, change: Callable[[Any], None]) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def problems(data_dir: Path) -> tuple[str, ...]:
    return read_shipped(data_dir, TODAY).errors


def test_the_shipped_data_has_no_problem(data_copy: Path) -> None:
    shipped = read_shipped(data_copy, TODAY)
    assert shipped.errors == ()
    assert len(shipped.holders) == 10


def set_key(key: str, value: object) -> Callable[[Any], None]:
    def change(data: Any) -> None:
        data[key] = value

    return change


@pytest.mark.parametrize(
    ("file", "change", "expected"),
    [
        ("azr", set_key("supervisor", "land-xx"),
         "holders/azr.json: supervisor: 'land-xx' is not in supervisors.json"),
        ("azr", lambda d: d["address"].update(postcode="5072"),
         "holders/azr.json: address.postcode: '5072' is not five digits"),
        ("bamf", lambda d: d["requests"].update(erasure=[]),
         "holders/bamf.json: requests.erasure: a request kind without a citation"),
        ("bamf", set_key("plain-why", "   "),
         "holders/bamf.json: plain-why: the plain text is empty"),
        ("lotse", lambda d: d["holds"][0].update(plain=""),
         "holders/lotse.json: holds[0].plain: the plain text is empty"),
        ("jobcenter", set_key("verified-at", "2099-01-01"),
         "holders/jobcenter.json: verified-at: 2099-01-01 is in the future"),
        ("azr", set_key("email", "not-an-address"),
         "holders/azr.json: email: 'not-an-address' is not an e-mail address"),
        ("azr", set_key("colour", "blue"), "holders/azr.json: colour is not in the schema"),
        ("bamf", set_key("quality", "missing"),
         "holders/bamf.json: quality: only a local body can be missing"),
        ("azr", lambda d: d["address"].update(street="Ausländer\u202ezentralregister"),
         "holders/azr.json: address.street:"),
        ("bamf", set_key("land", "xx"), "holders/bamf.json: land"),
        ("meldebehoerde", set_key("office", "amt-mitte"),
         "holders/meldebehoerde.json: office: only the operator's local file links an office"),
    ],
)  # fmt: skip
def test_a_broken_holder_is_named(
    data_copy: Path, file: str, change: Callable[[Any], None], expected: str
) -> None:
    edit(data_copy / "holders" / f"{file}.json", change)
    found = problems(data_copy)
    assert any(expected in line for line in found), found
    assert all(f"holders/{file}.json" in line for line in found), found


def test_a_duplicate_slug_is_named(data_copy: Path) -> None:
    (data_copy / "holders" / "azr-copy.json").write_text(
        (data_copy / "holders" / "azr.json").read_text(encoding="utf-8"), encoding="utf-8"
    )
    found = problems(data_copy)
    assert any("azr.json: slug: 'azr' appears twice (also " in line for line in found), found
    assert any(
        "azr-copy.json: slug: 'azr' is not the file's name 'azr-copy'" in line for line in found
    )


def test_broken_json_is_named_with_its_line(data_copy: Path) -> None:
    (data_copy / "holders" / "bamf.json").write_text('{"slug": "bamf",\n oops}', encoding="utf-8")
    found = problems(data_copy)
    assert any("bamf.json: not valid JSON (line 2" in line for line in found), found


def test_a_broken_supervisor_is_named(data_copy: Path) -> None:
    path = data_copy / "supervisors.json"
    edit(path, lambda d: d[1]["address"].update(postcode="7017"))
    edit(path, lambda d: d.append(dict(d[0])))
    found = problems(data_copy)
    assert any(
        "supervisors.json: [1]: address.postcode: '7017' is not five digits" in x for x in found
    )
    assert any("supervisors.json: [17]: slug: 'bfdi' appears twice" in x for x in found), found


def test_a_missing_supervisor_is_named(data_copy: Path) -> None:
    edit(data_copy / "supervisors.json", lambda d: d.pop())
    assert any("supervisor 'land-th' is missing" in x for x in problems(data_copy))


def test_a_broken_cockpit_pointer_is_named(data_copy: Path) -> None:
    edit(data_copy / "cockpit.json", set_key("web", "http://insecure.example"))
    assert any("cockpit.json: web:" in x for x in problems(data_copy))
