"""The export of a person's data: the JSON document (valid against its published schema,
nothing masked, only theirs) and the PDF made from it, read back in de, ar and ti."""

from __future__ import annotations

import io
import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from bot.audit import Actor, Category, Concerned, record
from bot.db.models import Contact, Message
from bot.documents import report_html
from bot.kernel.types import Channel, Direction
from bot.messaging import encode_body
from bot.mydata import Reveal, UnknownPerson, build_export, export_pdf, export_report
from bot.people import address_index
from bot.runtime.services import Services
from tests.mydata.test_inventory import OTHER_ADDRESS, OTHER_PHONE, connected_by_sms
from tests.support.clock import Clock
from tests.support.connect import ADDRESS, PHONE
from tests.support.json_schema import errors

SCHEMA = json.loads(
    (Path(__file__).resolve().parents[2] / "docs" / "my-data-export.schema.json").read_text()
)


async def add_texts(services: Services, person: int, clock: Clock) -> None:
    """A text from the person in Arabic, Lotse's answer, and an old one already purged."""
    async with services.sessionmaker() as session, session.begin():
        contact_id = await session.scalar(
            select(Contact.id).where(Contact.person_id == person, Contact.channel == "sms")
        )
        vault = services.vault
        session.add_all([
            Message(person_id=person, contact_id=contact_id, direction=Direction.IN.value,
                    channel="sms", status="done", body_enc=encode_body(vault, "مرحبا، أين مكتبي؟"),
                    created_at=clock()),
            Message(person_id=person, contact_id=contact_id, direction=Direction.OUT.value,
                    channel="sms", status="delivered", body_enc=encode_body(vault, "Hallo!"),
                    created_at=clock()),
            Message(person_id=person, contact_id=contact_id, direction=Direction.OUT.value,
                    channel="sms", status="delivered", body_enc=None,
                    created_at=clock() - timedelta(days=40)),
        ])  # fmt: skip


async def exported(
    services: Services, person: int, clock: Clock, to_phone: str | None = None
) -> dict[str, Any]:
    """The person's export, delivered to `to_phone` by SMS (or not to a phone at all)."""
    index = None if to_phone is None else address_index(services.vault, Channel.SMS, to_phone)
    async with services.sessionmaker() as session:
        return await build_export(
            session, person, settings=services.settings, vault=services.vault,
            catalogs=services.catalogs, operator=services.operator.name, now=clock(),
            reveal=Reveal(phone_index=index),
        )  # fmt: skip


async def test_the_export_holds_everything_and_matches_its_schema(
    services: Services, clock: Clock
) -> None:
    person, invitation = await connected_by_sms(services, clock, PHONE)
    await add_texts(services, person, clock)
    other, _ = await connected_by_sms(services, clock, OTHER_PHONE, OTHER_ADDRESS)

    document = await exported(services, person, clock, to_phone=PHONE)

    assert errors(SCHEMA, document) == []
    assert document["format"] == "lotse.my-data-export/1"
    assert document["installation"]["operator"] == services.operator.name
    assert document["language"] == {"chosen": "ar", "used": "ar"}
    assert document["channels"]["order"] == ["sms", "letter"]
    (sms,) = document["channels"]["contacts"]
    # Delivered to this number by SMS: the number in full.
    assert (sms["channel"], sms["address_kind"], sms["address"]) == ("sms", "phone-number", PHONE)
    assert sms["ending"] == "78"
    # The address never in full: no name, no house number (in full only on a letter).
    assert document["postal_address"] == {
        "name": None, "extra": None, "street": "Hauptstraße", "shortened": True,
        "postcode": ADDRESS.postcode, "city": ADDRESS.city,
    }  # fmt: skip
    assert {(r["channel"], r["state"]) for r in document["consents"]["records"]} == {
        ("sms", "given"),
        ("letter", "given"),
    }
    (office,) = document["invitations"]
    assert (office["office"], office["reference"]) == ("Bürgeramt Mitte", invitation.reference)
    texts = document["messages"]["texts"]
    assert [(m["direction"], m["text"]) for m in texts] == [
        ("from-you", "مرحبا، أين مكتبي؟"),
        ("to-you", "Hallo!"),
    ]
    assert document["messages"]["sent"] == 2 and document["messages"]["received"] == 1
    purged_on = (clock() + timedelta(days=services.settings.message_retention_days)).date()
    assert texts[0]["purged_on"] == purged_on.isoformat()
    actions = [entry["action"] for entry in document["access_log"]["entries"]]
    assert actions == ["letters.export"]  # the office printed the letter before they connected
    # Nothing of the other person's.
    flat = json.dumps(document, ensure_ascii=False)
    assert OTHER_PHONE not in flat and OTHER_ADDRESS.street not in flat
    assert str(other) not in document["person"]["reference"]


async def test_a_number_is_written_out_only_to_that_number(
    services: Services, clock: Clock
) -> None:
    person, _ = await connected_by_sms(services, clock, PHONE)
    for delivered_to in (None, OTHER_PHONE):
        document = await exported(services, person, clock, to_phone=delivered_to)
        assert errors(SCHEMA, document) == []
        (sms,) = document["channels"]["contacts"]
        assert (sms["address"], sms["ending"]) == (None, "78")
        flat = json.dumps(document, ensure_ascii=False)
        assert PHONE not in flat and PHONE[3:] not in flat
        assert ADDRESS.street not in flat and ADDRESS.name not in flat


async def test_an_erased_person_has_no_export(services: Services, clock: Clock) -> None:
    with pytest.raises(UnknownPerson):
        await exported(services, 999_999, clock)


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("de", ("Ihre Daten", "Zugriffsprotokoll")),
        ("ar", ("بياناتك",)),
        ("ti", ("ሓበሬታኹም",)),
    ],
)
async def test_the_pdf_reads_in_the_persons_language_with_the_details(
    services: Services, clock: Clock, lang: str, words: tuple[str, ...]
) -> None:
    person, _ = await connected_by_sms(services, clock, PHONE)
    await add_texts(services, person, clock)
    async with services.sessionmaker() as session, session.begin():
        await record(session, Actor.person(), "mydata.export", clock(),
                     concerns=[Concerned(person_id=person)], categories=list(Category),
                     detail="sms")  # fmt: skip
    document = await exported(services, person, clock, to_phone=PHONE)

    pdf = export_pdf(document, services.catalogs[lang])

    text = pdf_text(pdf)
    for word in words:
        assert word in text, (lang, word)
    assert PHONE in text
    assert "Hauptstraße" in text and ADDRESS.postcode in text
    assert ADDRESS.street not in text and ADDRESS.name not in text
    assert "Hallo!" in text
    reader = PdfReader(io.BytesIO(pdf))
    fonts = {
        str(font["/BaseFont"]).replace("-", "")
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()  # type: ignore[index, union-attr]
    }
    if lang == "ar":
        assert any("NotoNaskhArabic" in f for f in fonts), fonts
    if lang == "ti":
        assert any("NotoSansEthiopic" in f for f in fonts), fonts


@pytest.mark.parametrize(
    ("lang", "way"), [("ar", "rtl"), ("fa", "rtl"), ("ti", "ltr"), ("de", "ltr")]
)
async def test_the_document_is_laid_out_in_the_languages_direction(
    services: Services, clock: Clock, lang: str, way: str
) -> None:
    person, _ = await connected_by_sms(services, clock, PHONE)
    await add_texts(services, person, clock)
    page = report_html(
        export_report(await exported(services, person, clock), services.catalogs[lang])
    )
    assert page.startswith(f'<!DOCTYPE html><html lang="{lang}" dir="{way}">')
    # A text the person wrote keeps its own direction, whatever the document's.
    assert '<div class="lines" dir="rtl" lang="">مرحبا' in page
    assert '<div class="lines" dir="ltr" lang="">Hallo!' in page
