"""The directory file: good CSV (both delimiters) and JSON read alike, and every kind of
bad row refused with its row, slug, field and a plain reason — and then nothing at all."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import time
from pathlib import Path

import pytest

from bot.advice import MAX_BYTES, Hours, ParseError, Programme, Topic, parse
from bot.advice.codec import encode
from bot.holders import Situation
from tests.advice.conftest import TODAY, demo

GOOD: dict[str, str] = {
    "slug": "caritas-mitte",
    "name": "Migrationsberatung Mitte",
    "programme": "mbe",
    "provider": "Caritas",
    "topics": "work|residence",
    "languages": "de|ar|ku|ckb",
    "min_age": "27",
    "any_age": "asylum",
    "street": "Weg 1",
    "postcode": "12345",
    "city": "Musterstadt",
    "hours": "Mo-Fr 09:00-12:00; Di 14:00-16:00",
    "phone": "030 1234567",
    "email": "mitte@example.org",
    "areas": "12345|123*",
    "source": "phone call",
    "verified_at": "2026-11-01",
}


def _csv(*rows: dict[str, str], delimiter: str = ",", bom: bool = False) -> bytes:
    columns = list(dict.fromkeys(k for row in rows for k in row))
    out = io.StringIO()
    writer = csv.DictWriter(out, columns, delimiter=delimiter, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return (("\ufeff" if bom else "") + out.getvalue()).encode()


def _problems(data: bytes, name: str = "f.csv") -> list[str]:
    with pytest.raises(ParseError) as refused:
        parse(data, name=name, today=TODAY)
    return [str(p) for p in refused.value.problems]


def _bad(**changes: str) -> list[str]:
    row = {**GOOD, **changes}
    return _problems(_csv({k: v for k, v in row.items() if v != "<drop>"}))


def test_a_good_csv_reads_every_field() -> None:
    (service,) = parse(_csv(GOOD), name="dir.csv", today=TODAY)
    assert service.programme is Programme.MBE
    assert service.topics == {Topic.WORK, Topic.RESIDENCE}
    assert service.languages == {"de", "ar", "ku", "ckb"}
    assert service.min_age == 27 and service.max_age is None
    assert service.any_age == {Situation.ASYLUM} and service.situations == frozenset()
    assert service.phone == "+49301234567"
    assert service.areas == ("12345", "123*")
    assert service.place is not None and service.place.hours[:2] == (
        Hours(0, time(9), time(12)), Hours(1, time(9), time(12)),
    )  # fmt: skip
    assert Hours(1, time(14), time(16)) in service.place.hours


def test_semicolons_a_bom_and_german_days_read_the_same_as_commas() -> None:
    german = _csv({**GOOD, "hours": "Mo-Fr 09:00-12:00; Di 14:00-16:00"}, delimiter=";", bom=True)
    english = _csv({**GOOD, "hours": "mo.–fr. 9:00-12:00; TU 14:00–16:00"})
    assert parse(german, name="x.csv", today=TODAY) == parse(english, name="x.csv", today=TODAY)


def test_json_as_a_list_or_an_object_reads_the_same_as_csv() -> None:
    (from_csv,) = parse(_csv(GOOD), name="x.csv", today=TODAY)
    record = encode(from_csv)
    as_list = json.dumps([record]).encode()
    as_object = json.dumps({"services": [record]}).encode()
    assert parse(as_list, name="x.json", today=TODAY) == (from_csv,)
    # Without a telling name the content decides.
    assert parse(as_object, name="upload", today=TODAY) == (from_csv,)


def test_the_demo_file_is_valid_and_covers_what_it_should() -> None:
    services = demo()
    spoken = set().union(*(s.languages for s in services))
    assert {"ku", "ckb", "ar", "fa", "uk", "ru", "ti", "so", "tr", "fr", "en", "de"} <= spoken
    assert "ps" not in spoken
    assert {s.programme for s in services} == set(Programme)
    assert any(not s.areas and s.place is None for s in services)  # online only, everywhere
    assert any(s.gender_choice and s.reply_hours for s in services)
    assert all("(fiktiv)" in s.name for s in services)


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"slug": "Caritas Mitte"}, "row 2, slug: 'Caritas Mitte': use small letters"),
        ({"name": ""}, "row 2 (caritas-mitte), name: required"),
        ({"programme": "beratung"}, "programme: 'beratung' is not one of: mbe, jmd, asylum"),
        ({"topics": "work|jobs"}, "topics: 'jobs' is not one of: asylum, residence, work"),
        ({"any_age": "refugee"}, "any_age: 'refugee' is not one of: asylum, protected"),
        ({"situations": "asylum|x"}, "situations: 'x' is not one of"),
        ({"languages": "de|kurdish"}, "row 2 (caritas-mitte), languages: 'kurdish' is ambiguous: "
                                      "write ku for Kurmanji or ckb for Sorani"),
        ({"languages": "kur"}, "'kur' is ambiguous"),
        ({"languages": "de;ar"}, "languages: separate the items by | (de|ar|ku)"),
        ({"topics": "work, housing"}, "topics: separate the items by |"),
        ({"languages": "kmr"}, "languages: 'kmr': write ku, Lotse's code for it"),
        ({"languages": "sorani"}, "'sorani': write ckb"),
        ({"languages": "arabic"}, "'arabic' is not a language code"),
        ({"languages": "xx"}, "'xx' is not a language code Lotse knows"),
        ({"languages": ""}, "languages: required"),
        ({"min_age": "121"}, "min_age: 121 is not between 0 and 120"),
        ({"max_age": "zwölf"}, "max_age: 'zwölf' is not a whole number"),
        ({"max_age": "26"}, "min_age: 27 is above max_age 26"),
        ({"hours": "Mo-Xy 09:00-12:00"}, "hours: 'Mo-Xy' is not a day"),
        ({"hours": "Fr-Mo 09:00-12:00"}, "from Monday towards Sunday"),
        ({"hours": "Mo 12:00-09:00"}, "hours: '12:00-09:00': it must open before it closes"),
        ({"hours": "Mo 9-12"}, "'9-12' is not a time span: write it like 09:00-12:30"),
        ({"hours": "Mo 09:00-12:00,11:00-13:00"}, "hours: Mo: the times overlap"),
        ({"hours": "Montag"}, "write the days, a space and the times"),
        ({"phone": "12345"}, "phone: '12345' is not a valid phone number"),
        ({"phone": "call us"}, "phone: 'call us' is not a phone number"),
        ({"phone_hours": "Mo 09:00-10:00", "phone": "<drop>"}, "phone_hours: is given, but"),
        ({"email": "mitte.example.org"}, "email: 'mitte.example.org' is not an e-mail address"),
        ({"online": "http://example.org/chat"}, "online: 'http://example.org/chat': only https://"),
        ({"online": "https://"}, "is not a web address"),
        ({"postcode": "1234"}, "postcode: '1234' is not a postcode: write five digits"),
        ({"areas": "12345|12"}, "areas: '12': write a postcode (12345) or the start of postcodes"),
        ({"reply_hours": "0"}, "reply_hours: 0 is not between 1 and 720"),
        ({"gender_choice": "vielleicht"}, "gender_choice: 'vielleicht': write true or false"),
        ({"verified_at": "2026-12-01"}, "verified_at: 2026-12-01 lies in the future"),
        ({"verified_at": "01.11.2026"}, "'01.11.2026' is not a date: write it as YYYY-MM-DD"),
        ({"city": "<drop>"}, "an address needs street, postcode and city: city missing"),
        ({"street": "<drop>", "postcode": "<drop>", "city": "<drop>"},
         "hours: is given, but there is no address"),
    ],
)  # fmt: skip
def test_each_bad_field_is_named_with_its_row(changes: dict[str, str], expected: str) -> None:
    problems = _bad(**changes)
    assert any(expected in p for p in problems), problems


def test_a_service_that_can_be_reached_no_way_is_refused() -> None:
    problems = _bad(street="<drop>", postcode="<drop>", city="<drop>", hours="<drop>",
                    phone="<drop>", email="<drop>")  # fmt: skip
    assert problems == [
        "row 2 (caritas-mitte): it can be reached no way: give an address, phone, email, "
        "online or lotse"
    ]


def test_every_problem_of_every_row_is_collected_and_nothing_returned() -> None:
    rows = [GOOD, {**GOOD, "slug": "b", "languages": "kurdish"}, {**GOOD, "slug": "c"},
            {**GOOD, "slug": "b", "email": "x"}, {**GOOD, "slug": "d", "email": "y@"}]  # fmt: skip
    problems = _problems(_csv(*rows))
    assert problems == [
        "row 3 (b), languages: 'kurdish' is ambiguous: write ku for Kurmanji or ckb for Sorani",
        "row 5 (b), email: 'x' is not an e-mail address",
        "row 6 (d), email: 'y@' is not an e-mail address",
    ]


def test_a_duplicate_slug_names_the_first_row() -> None:
    problems = _problems(_csv(GOOD, {**GOOD, "name": "Zweite"}))
    assert problems == ["row 3 (caritas-mitte), slug: the same slug as row 2"]


def test_unknown_and_missing_columns_are_refused_with_a_suggestion() -> None:
    problems = _problems(_csv({**GOOD, "langauges": "de"}))
    assert "row 1, langauges: unknown 'langauges' (did you mean 'languages'?) column" in problems
    missing = _problems(_csv({k: v for k, v in GOOD.items() if k != "source"}))
    assert missing == ["row 1: missing column(s): source"]


def test_json_typos_lists_and_shapes() -> None:
    record = encode(parse(_csv(GOOD), name="x.csv", today=TODAY)[0])
    typo = _problems(json.dumps([{**record, "topic": ["work"]}]).encode(), "f.json")
    assert typo == ["row 1 (caritas-mitte), topic: unknown 'topic' (did you mean 'topics'?)"]
    as_text = _problems(json.dumps([{**record, "languages": "de"}]).encode(), "f.json")
    assert as_text == ["row 1 (caritas-mitte), languages: write a list of words"]
    number = _problems(json.dumps([{**record, "min_age": "27"}, {**record, "slug": "b",
                                   "min_age": True}]).encode(), "f.json")  # fmt: skip
    assert number == ["row 2 (b), min_age: write a whole number"]
    assert _problems(b"[1]", "f.json") == ["row 1: write each service as an object {...}"]
    assert "write a list of services" in _problems(b'{"items": []}', "f.json")[0]
    assert _problems(b"[{]", "f.json")[0].startswith("file: not JSON (line 1)")


def test_files_that_are_empty_too_large_or_not_utf8() -> None:
    assert _problems(b"[]", "f.json") == ["file: no services in the file"]
    assert _problems(b"", "f.csv") == ["file: no services in the file"]
    assert _problems(b" " * (MAX_BYTES + 1)) == ["file: larger than 5 MB"]
    latin1 = _csv({**GOOD, "city": "Möhnesee"}).decode().encode("latin-1")
    assert _problems(latin1)[0].startswith("file: not UTF-8")


def test_a_row_with_more_cells_than_columns() -> None:
    data = _csv(GOOD) + b"x" + b",x" * len(GOOD) + b"\r\n"
    assert _problems(data) == [f"row 3: {len(GOOD) + 1} cells, {len(GOOD)} columns"]


def test_flags_and_blank_rows() -> None:
    data = _csv({**GOOD, "appointment": "ja", "lotse": "nein", "gender_choice": "x"}) + b",,,\r\n"
    (service,) = parse(data, name="f.csv", today=TODAY)
    assert service.place is not None and service.place.appointment
    assert not service.lotse and service.gender_choice


def test_the_examples_of_the_guide_are_valid() -> None:
    guide = (Path(__file__).parents[2] / "docs" / "advice-services.md").read_text()
    csv_example = re.search(r"```csv\n(.*?)```", guide, re.S)
    json_example = re.search(r"```json\n(.*?)```", guide, re.S)
    assert csv_example and json_example
    (mbe,) = parse(csv_example.group(1).encode(), name="x.csv", today=TODAY)
    assert mbe.languages == {"de", "ar", "ku", "ckb"} and mbe.place and len(mbe.place.hours) == 6
    (jmd,) = parse(json_example.group(1).encode(), name="x.json", today=TODAY)
    assert (jmd.min_age, jmd.max_age, jmd.reply_hours) == (12, 26, 48)
