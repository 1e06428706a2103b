"""A service survives being stored: encode, then decode, gives the same service."""

from __future__ import annotations

import json
from datetime import date, time

from bot.advice import Hours, Place, Programme, Service, Topic
from bot.advice.codec import FIELDS, decode, dumps, encode, loads
from bot.holders import Situation
from tests.advice.conftest import demo, service


def test_every_demo_service_round_trips() -> None:
    for one in demo():
        assert loads(dumps(one)) == one


def test_a_full_record_round_trips_with_every_field() -> None:
    full = Service(
        slug="full", name="Volle Beratung", programme=Programme.MBE, provider="Träger",
        topics=frozenset({Topic.WORK, Topic.HOUSING}), languages=frozenset({"ku", "ckb", "ti"}),
        verified_at=date(2026, 1, 31), source="Anruf", min_age=27, max_age=120,
        situations=frozenset({Situation.ASYLUM, Situation.PROTECTED}),
        any_age=frozenset({Situation.ASYLUM}),
        place=Place("Weg 1", "12345", "Musterstadt",
                    (Hours(0, time(9), time(12)), Hours(0, time(13), time(23, 59)),
                     Hours(6, time(0), time(23, 59))), appointment=True),
        phone="+49301234567", phone_hours=(Hours(2, time(8, 30), time(9, 45)),),
        email="a@example.org", online="https://example.org/x", lotse=True,
        areas=("12345", "123*"), reply_hours=48, gender_choice=True,
    )  # fmt: skip
    assert loads(dumps(full)) == full
    assert list(encode(full)) == list(FIELDS)
    assert encode(full)["hours"] == "Mo 09:00-12:00,13:00-24:00; So 00:00-24:00"


def test_a_minimal_record_round_trips_and_stores_equal_text_for_equal_services() -> None:
    plain = service(place=None, email="x@example.org")
    assert loads(dumps(plain)) == plain
    # Sets in any order store the same text: an unchanged import is recognised.
    shuffled = service(place=None, email="x@example.org", languages=frozenset({"de"}))
    assert dumps(plain) == dumps(shuffled)
    assert json.loads(dumps(plain))["street"] is None


def test_decode_reads_what_the_import_format_writes() -> None:
    record = encode(service(place=None, phone="+49301234567"))
    record.update({"hours": None, "topics": ["work"], "languages": ["fa", "ar"]})
    decoded = decode(record)
    assert decoded.topics == {Topic.WORK} and decoded.languages == {"fa", "ar"}
    assert decoded.place is None and decoded.phone == "+49301234567"
