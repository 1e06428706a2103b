"""The hand-off as a consent record with its case; refusals; withdrawal ends access and
erases the content at once; the person's access log words each step; retention."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.audit import access_history
from bot.cases import (
    CaseNotFound,
    CaseStatus,
    Field,
    HandoffRefused,
    Refusal,
    Request,
    add_note,
    hand_off,
    mine,
    open_case,
    purge_cases,
    set_status,
    withdraw,
)
from bot.db.models import Case, CaseMessage, CaseNote, ConsentRecord
from bot.i18n import access_sentence
from bot.kernel.types import Channel
from bot.runtime.services import Services
from tests.support.cases import (
    DESCRIPTION,
    FIRST_NAME,
    NO_HANDOFF,
    SERVICES,
    handed_off,
    new_person,
    seed_world,
)


async def test_a_hand_off_is_a_consent_record_and_a_case_with_only_the_chosen_fields(
    services: Services,
) -> None:
    world = await seed_world(services)
    person = await new_person(services)
    values = {Field.DESCRIPTION: DESCRIPTION, Field.FIRST_NAME: FIRST_NAME}
    case_id = await handed_off(services, person, values=values)
    async with services.sessionmaker() as session:
        case = await session.get(Case, case_id)
        assert case is not None
        records = list(await session.scalars(select(ConsentRecord)))
    assert [(r.purpose, r.state, r.record_id) for r in records] == [
        ("handoff", "given", case.consent_record_id)
    ]
    assert case.fields == ["first-name", "description"] and case.special_consent
    assert (
        case.shared_enc and FIRST_NAME not in case.shared_enc and "schwanger" not in case.shared_enc
    )
    assert case.status == "new" and case.service_name == SERVICES["svc-a"]
    async with services.sessionmaker() as session, session.begin():
        detail = await open_case(session, services.vault, world.logins["advisor:svc-a"],
                                 case_id, services.clock())  # fmt: skip
    assert detail.fields == (Field.FIRST_NAME, Field.DESCRIPTION)
    assert dict(detail.shared) == {Field.FIRST_NAME: FIRST_NAME, Field.DESCRIPTION: DESCRIPTION}
    assert not detail.row.language_covered  # the advisors read de and en, the case is ar

    async with services.sessionmaker() as session:
        page = await access_history(session, person)
    lines = [(line.role, line.organisation, line.action, line.via) for line in page.lines]
    assert lines == [
        ("advisor", SERVICES["svc-a"], "case.read", None),
        ("person", None, "case.handoff", "webchat"),
    ]
    said = access_sentence(at=page.lines[0].at, role="advisor", organisation=SERVICES["svc-a"],
                           action="case.read", categories=["case"])  # fmt: skip
    english = services.catalogs["en"].text(said)
    assert SERVICES["svc-a"] in english and "advisor" in english
    assert "looked at your request for advice" in english


@pytest.mark.parametrize(
    ("slug", "values", "special", "reason"),
    [
        ("no-such-service", {Field.FIRST_NAME: "A"}, False, Refusal.UNKNOWN_SERVICE),
        (NO_HANDOFF, {Field.FIRST_NAME: "A"}, False, Refusal.NO_HANDOFF),
        ("svc-a", {}, False, Refusal.NOTHING_CHOSEN),
        ("svc-a", {Field.FIRST_NAME: "   "}, False, Refusal.NOTHING_CHOSEN),
        ("svc-a", {Field.DESCRIPTION: DESCRIPTION}, False, Refusal.NO_SPECIAL_CONSENT),
        ("svc-a", {Field.DESCRIPTION: "x" * 2001}, True, Refusal.TOO_LONG),
    ],
)
async def test_refusals_write_nothing(
    services: Services, slug: str, values: dict[Field, str], special: bool, reason: Refusal
) -> None:
    await seed_world(services)
    person = await new_person(services)
    now = services.clock()
    request = Request(slug, values, "ar", Channel.WEBCHAT, now + timedelta(days=30),
                      special_consent=special)  # fmt: skip
    async with services.sessionmaker() as session, session.begin():
        with pytest.raises(HandoffRefused) as refused:
            await hand_off(session, services.vault, person, request, now)
    assert refused.value.reason is reason
    async with services.sessionmaker() as session:
        assert list(await session.scalars(select(ConsentRecord))) == []
        assert list(await session.scalars(select(Case))) == []


async def test_an_earlier_case_travels_only_if_it_is_the_persons_own(services: Services) -> None:
    await seed_world(services)
    person, stranger = await new_person(services), await new_person(services)
    theirs = await handed_off(services, stranger)
    own = await handed_off(services, person, "svc-b")
    now = services.clock()
    for earlier, works in ((theirs, False), (own, True)):
        request = Request("svc-a", {Field.FIRST_NAME: FIRST_NAME}, "ar", Channel.WEBCHAT,
                          now + timedelta(days=30), history_from=earlier)  # fmt: skip
        async with services.sessionmaker() as session, session.begin():
            if works:
                await hand_off(session, services.vault, person, request, now)
            else:
                with pytest.raises(HandoffRefused):
                    await hand_off(session, services.vault, person, request, now)


async def test_withdrawal_ends_access_and_erases_the_content_at_once(services: Services) -> None:
    world = await seed_world(services)
    person = await new_person(services)
    case_id = await handed_off(services, person)
    advisor = world.logins["advisor:svc-a"]
    now = services.clock()
    async with services.sessionmaker() as session, session.begin():
        await add_note(session, services.vault, advisor, case_id, "Rückruf", now)
        session.add(CaseMessage(case_id=case_id, direction="in", body_enc=services.vault.encrypt(
            "Hallo"), language="ar", state="stored", created_at=now))  # fmt: skip
    async with services.sessionmaker() as session, session.begin():
        assert not await withdraw(session, person + 1, case_id, now, case_days=180)
        assert await withdraw(session, person, case_id, now, case_days=180, channel=Channel.SMS)
        assert not await withdraw(session, person, case_id, now, case_days=180)
    async with services.sessionmaker() as session:
        case = await session.get(Case, case_id)
        assert case is not None and case.shared_enc is None and case.withdrawn_at == now
        assert case.status == "resolved" and case.erase_at == now + timedelta(days=180)
        assert list(await session.scalars(select(CaseNote))) == []
        message = (await session.scalars(select(CaseMessage))).one()
        assert message.body_enc is None and message.created_at == now  # the time stays
        states = [r.state for r in await session.scalars(
            select(ConsentRecord).order_by(ConsentRecord.id))]  # fmt: skip
        handoffs = await mine(session, person)
        page = await access_history(session, person)
    assert states == ["given", "withdrawn"]
    assert [(h.case_id, h.active(now), h.fields) for h in handoffs] == [
        (case_id, False, (Field.FIRST_NAME, Field.LANGUAGE))
    ]
    assert page.lines[0].action == "case.withdraw" and page.lines[0].via == "sms"
    async with services.sessionmaker() as session, session.begin():
        with pytest.raises(CaseNotFound):
            await open_case(session, services.vault, advisor, case_id, now)


async def test_retention(services: Services) -> None:
    world = await seed_world(services)
    advisor = world.logins["advisor:svc-a"]
    resolved = await handed_off(services, await new_person(services), days=365)
    expiring = await handed_off(services, await new_person(services), days=10)
    still_open = await handed_off(services, await new_person(services), days=365)
    async with services.sessionmaker() as session, session.begin():
        await set_status(session, advisor, resolved, CaseStatus.RESOLVED, services.clock(),
                         case_days=180)  # fmt: skip
    services.clock.advance(days=11)  # type: ignore[attr-defined]
    assert await purge_cases(services.sessionmaker, services.clock(), case_days=180) == (1, 0)
    async with services.sessionmaker() as session:
        gone = await session.get(Case, expiring)
        assert gone is not None and gone.shared_enc is None and gone.erase_at is not None
    # Resolved 180 days ago: gone; the expired one's timestamps stay 180 days after expiry.
    services.clock.advance(days=170)  # type: ignore[attr-defined]
    assert await purge_cases(services.sessionmaker, services.clock(), case_days=180) == (0, 1)
    services.clock.advance(days=11)  # type: ignore[attr-defined]
    assert await purge_cases(services.sessionmaker, services.clock(), case_days=180) == (0, 1)
    async with services.sessionmaker() as session:
        left = [c.id for c in await session.scalars(select(Case))]
    assert left == [still_open] and resolved not in left
