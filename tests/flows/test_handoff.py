"""The hand-off through the web chat API, on the demo directory (its migration advice
service takes requests through Lotse): the person finds the service, chooses two things
item by item, sees exactly what goes, sends; the case holds exactly those two, the
advisor of the service reads them (and that look is in the person's access log); the
Art. 9 question comes only with a description; a cancel stores nothing; withdrawing in
"My consents" ends the advisor's access at once."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from bot.audit import access_history
from bot.cases import CaseNotFound, Field, open_case
from bot.db.models import Case, ConsentRecord, Conversation
from bot.mydata import Reveal, build_export, export_pdf
from bot.staff import StaffRole, create_advisor
from tests.mydata.test_export import SCHEMA
from tests.support.advice import MBE, NAMES, demo
from tests.support.cases import PASSWORD
from tests.support.factories import ChatPerson
from tests.support.flows import onboarded
from tests.support.json_schema import errors

ASK = f"handoff:{MBE}:residence"


async def advisor(services: Any) -> int:
    async with services.sessionmaker() as session, session.begin():
        user = await create_advisor(
            session,
            "berater@mbe.example",
            PASSWORD,
            role=StaffRole.ADVISOR,
            services=[MBE],
            languages=["de"],
        )
        return user.id


async def found(client: Any, services: Any, lang: str = "en") -> ChatPerson:
    """A person shown the services for residence questions, the MBE among them."""
    await demo(services.sessionmaker, services.clock())
    person = await onboarded(client, services, lang=lang)
    await person.choose("advice")
    await person.choose("topic:residence")
    while "age:27+" in person.offered or "unsure" in person.offered:
        await person.choose("age:27+" if "age:27+" in person.offered else "unsure")
    await person.say("12345")
    assert ASK in person.offered, person.offered
    return person


async def rows(services: Any) -> tuple[int, int]:
    """Cases and hand-off consent records."""
    async with services.sessionmaker() as session:
        cases = await session.scalar(select(func.count()).select_from(Case))
        records = await session.scalar(
            select(func.count())
            .select_from(ConsentRecord)
            .where(ConsentRecord.purpose == "handoff")
        )
    return cases or 0, records or 0


async def state(services: Any) -> dict[str, Any]:
    async with services.sessionmaker() as session:
        row = await session.scalar(select(Conversation))
        assert row is not None
        return {k: v for k, v in row.data.items() if not k.startswith("_")}


async def test_two_chosen_fields_reach_the_advisor_and_withdrawing_ends_access(
    client: Any, services: Any
) -> None:
    person = await found(client, services)
    advisor_id = await advisor(services)
    [choose] = await person.choose(ASK)
    assert NAMES[MBE] in choose["text"]
    assert "Nothing is shared unless you choose it" in choose["text"]
    # Nothing pre-ticked; every item a toggle.
    labels = {c["id"]: c["label"] for c in choose["choices"]}
    assert labels["field:language"] == "☐ Language"
    assert "field:first-name" not in labels  # no first name known: not offered
    assert person.offered[-2:] == ["send", "cancel"]
    # "Send" with nothing chosen is refused in plain words.
    refused, _ = await person.choose("send")
    assert "You have not chosen anything yet" in refused["text"]
    await person.choose("field:language")
    await person.choose("field:channel")
    [ticked] = await person.choose("field:topic")
    await person.choose("field:topic")  # and off again
    now = {c["id"]: c["label"] for c in person.last_bot["choices"]}
    assert now["field:language"] == "☑ Language" and now["field:topic"] == "☐ Topic"
    assert ticked["text"]
    assert (await state(services))["chosen"] == ["language", "channel"]
    [summary] = await person.choose("send")
    text = summary["text"]
    assert f"{NAMES[MBE]} will receive: Language: English, Preferred channel:" in text
    assert "Topic" not in text and "Art" not in text
    assert "180 days after it is closed" in text and "erased at once" in text
    assert "Your consent runs until" in text and "“My consents”" in text
    [sent] = await person.choose("send")
    assert sent["text"].startswith("Sent.") and person.offered == ["relay", "back"]

    async with services.sessionmaker() as session:
        case = await session.scalar(select(Case))
        assert case is not None
        assert case.fields == ["language", "channel"] and not case.special_consent
        assert case.topic == "residence" and case.channel == "webchat"
    async with services.sessionmaker() as session, session.begin():
        detail = await open_case(session, services.vault, advisor_id, case.id, services.clock())
    assert dict(detail.shared) == {Field.LANGUAGE: "en", Field.CHANNEL: "webchat"}
    async with services.sessionmaker() as session:
        page = await access_history(session, case.person_id)
    assert [line.action for line in page.lines] == ["case.read", "case.handoff"]
    # The advisor's look is in the person's export too, as its schema words it.
    async with services.sessionmaker() as session:
        document = await build_export(
            session, case.person_id, settings=services.settings, vault=services.vault,
            catalogs=services.catalogs, operator=services.operator.name,
            now=services.clock(), reveal=Reveal(phone_index=None),
        )  # fmt: skip
    assert errors(SCHEMA, document) == []
    assert document["access_log"]["entries"][0]["role"] == "advisor"

    # My consents: the hand-off with what it shares; withdraw, confirm.
    await person.choose("back")
    _, listing = await person.choose("my_consents")
    assert f"{NAMES[MBE]}: Language, Preferred channel. Since" in listing["text"]
    assert ": active." in listing["text"]
    assert "sharing what you chose" not in person.seen[-2]["text"]
    [confirm] = await person.choose(f"withdraw:{case.id}")
    assert "erased at once" in confirm["text"]
    [done, _menu] = await person.choose("yes")
    assert done["text"] == f"Withdrawn. {NAMES[MBE]} can no longer see your request."
    async with services.sessionmaker() as session, session.begin():
        with pytest.raises(CaseNotFound):
            await open_case(session, services.vault, advisor_id, case.id, services.clock())
    async with services.sessionmaker() as session:
        page = await access_history(session, case.person_id)
    assert page.lines[0].action == "case.withdraw"
    _, listing = await person.choose("my_consents")
    assert ": withdrawn." in listing["text"] and person.offered == ["back"]


async def test_a_description_asks_art9_consent_and_without_it_is_not_sent(
    client: Any, services: Any
) -> None:
    person = await found(client, services, lang="ar")
    await person.choose(ASK)
    [describe] = await person.choose("field:description")
    assert "500" in describe["text"] or "٥٠٠" in describe["text"]
    # The question on special categories comes only now, after a description.
    [special] = await person.say("إقامتي تنتهي في ٣٠ يومًا وأنا حامل")
    assert f"\u2066{NAMES[MBE]}\u2069" in special["text"] and special["dir"] == "rtl"
    assert person.offered == ["agree", "without"]
    await person.choose("without")
    assert (await state(services)).get("chosen") == [] and "description" not in await state(
        services
    )
    await person.choose("field:description")
    await person.say("إقامتي تنتهي في ٣٠ يومًا وأنا حامل")
    # The conversation's state is not encrypted: the description waits there sealed.
    sealed = (await state(services))["description"]
    assert "حامل" not in sealed and services.vault.decrypt(sealed).endswith("حامل")
    await person.choose("agree")
    await person.choose("field:language")
    [summary] = await person.choose("send")
    assert "إقامتي تنتهي" in summary["text"]
    await person.choose("send")
    async with services.sessionmaker() as session:
        case = await session.scalar(select(Case))
        assert case is not None
    assert case.fields == ["language", "description"] and case.special_consent


async def test_a_cancel_stores_nothing(client: Any, services: Any) -> None:
    person = await found(client, services)
    await person.choose(ASK)
    await person.choose("field:language")
    await person.choose("send")
    [cancelled, _menu] = await person.choose("cancel")
    assert cancelled["text"] == "Nothing was sent."
    assert await rows(services) == (0, 0)
    assert await state(services) == {}


async def test_a_description_that_is_too_long_is_asked_again(client: Any, services: Any) -> None:
    person = await found(client, services)
    await person.choose(ASK)
    await person.choose("field:description")
    too_long, _again = await person.say("x" * 501)
    assert "That is 501 characters; at most 500 fit." in too_long["text"]
    assert person.offered == ["cancel"]


async def test_my_data_lists_the_hand_off_in_the_chat_the_export_and_its_pdf(
    client: Any, services: Any
) -> None:
    person = await found(client, services)
    await person.choose(ASK)
    await person.choose("field:language")
    await person.choose("send")
    await person.choose("send")
    await person.choose("back")
    [overview] = await person.choose("my_data")
    assert (
        f"Your request to {NAMES[MBE]}, sharing: Language. Why: your consent." in (overview["text"])
    )
    async with services.sessionmaker() as session:
        case = await session.scalar(select(Case))
        assert case is not None
        document = await build_export(
            session, case.person_id, settings=services.settings, vault=services.vault,
            catalogs=services.catalogs, operator=services.operator.name,
            now=services.clock(), reveal=Reveal(phone_index=None),
        )  # fmt: skip
    assert errors(SCHEMA, document) == []
    [shared] = document["cases"]
    assert shared["service"] == NAMES[MBE] and shared["fields"] == ["language"]
    assert shared["consent_record_id"] == case.consent_record_id
    assert "en" not in json.dumps(shared["fields"])  # names of fields, never their values
    text = PdfReader(io.BytesIO(export_pdf(document, services.catalogs["en"]))).pages
    flat = " ".join(" ".join(page.extract_text().split()) for page in text)
    assert "Requests to advice services" in flat and "sharing Language" in flat


async def test_my_consents_leads_back_to_writing_to_the_service(client: Any, services: Any) -> None:
    """Left the relay ("menu"), the person can write to the service again from "My
    consents" while the case is open; once it is closed, only "Withdraw" is offered."""
    from bot.cases import CaseStatus, Direction, set_status
    from bot.db.models import CaseMessage

    person = await found(client, services)
    advisor_id = await advisor(services)
    await person.choose(ASK)
    await person.choose("field:language")
    await person.choose("send")
    await person.choose("send")
    async with services.sessionmaker() as session:
        case = await session.scalar(select(Case))
        assert case is not None
    await person.choose("back")
    _, _listing = await person.choose("my_consents")
    assert person.offered == [f"write:{case.id}", f"withdraw:{case.id}", "back"]
    [hint] = await person.choose(f"write:{case.id}")
    assert hint["text"].startswith("To answer, just write here.")
    assert await person.say("I have a new letter from the office.") == []  # the bot is silent
    async with services.sessionmaker() as session:
        [message] = list(await session.scalars(select(CaseMessage)))
    assert message.case_id == case.id and message.direction == Direction.IN.value
    assert "new letter" not in (message.body_enc or "")  # stored encrypted
    await person.say("menu")
    async with services.sessionmaker() as session, session.begin():
        await set_status(session, advisor_id, case.id, CaseStatus.RESOLVED, services.clock(),
                         case_days=180)  # fmt: skip
    _, _listing = await person.choose("my_consents")
    assert person.offered == [f"withdraw:{case.id}", "back"]
