"""End to end by SMS: an office invites → the SMS goes out through the real twilio
client to the fake → the person texts the code back → the invitation is connected,
and the consent is recorded twice: as given at the office, then as confirmed by the
person. Plus a wrong code, an expired code, and reminders in quiet hours."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
from sqlalchemy import select

from bot.consent.book import OFFICE_NOTICE_ID
from bot.db.models import ConsentRecord, Contact, Invitation, InvitationEvent, Office, Person
from bot.invitations.codes import code_of, display_code
from bot.invitations.connect import Refusal
from bot.invitations.create import ReferenceConflict, create_invitation
from bot.invitations.follow_up import remind_and_expire, sync_statuses
from bot.invitations.request import InvitationRequest, Personal
from bot.kernel.postal import PostalAddress
from bot.kernel.types import Channel
from bot.offices.registry import create_office
from flows.invitation import REFUSALS
from tests.support.twilio import (
    TEMPLATES,
    Lotse,
    Phone,
    twilio_fake,  # noqa: F401  (the fixture `fake`)
    twilio_lotse,  # noqa: F401  (the fixture `lotse`)
)

SYRIAN = "+963944567890"
AT_OFFICE = datetime(2026, 11, 20, 10, 30, tzinfo=UTC)


def request(reference: str = "A-1", **changes: Any) -> InvitationRequest:
    values: dict[str, Any] = {
        "reference": reference,
        "language": "ar",
        "channels": (Channel.SMS, Channel.LETTER),
        "personal": Personal(
            phone=SYRIAN,
            postal_address=PostalAddress("Fatima", "Seestraße 12", "10115", "Berlin"),
        ),
        "consent_recorded_at": AT_OFFICE,
        "notice_version": "office-2026-01",
    }
    values.update(changes)
    return InvitationRequest(**values)


async def invite(lotse: Lotse, req: InvitationRequest) -> Invitation:
    services = lotse.services
    async with services.sessionmaker() as session, session.begin():
        found = await session.scalar(select(Office).where(Office.slug == "mitte"))
        if found is None:
            found = await create_office(session, slug="mitte", name="Bürgeramt Mitte")
        invitation, _ = await create_invitation(
            session, office=found, request=req, sender=services.invitations, now=lotse.clock()
        )
    return invitation


async def state(lotse: Lotse, invitation_id: int) -> tuple[Invitation, list[str]]:
    async with lotse.services.sessionmaker() as session:
        invitation = await session.get(Invitation, invitation_id)
        events = await session.scalars(
            select(InvitationEvent.status)
            .where(InvitationEvent.invitation_id == invitation_id)
            .order_by(InvitationEvent.id)
        )
        assert invitation is not None
        return invitation, list(events)


async def test_invited_by_sms_connected_by_texting_the_code(lotse: Lotse) -> None:
    invitation = await invite(lotse, request())
    assert invitation.sent_via == "sms"
    await lotse.dispatch()
    [sms] = lotse.fake.to(SYRIAN)
    ar = lotse.services.catalogs["ar"]
    assert display_code(code_of(lotse.services.vault, invitation)) in (sms.body or "")
    assert ar.gettext("Reply with the code to start, or open {link}").split("{")[0] in (
        sms.body or ""
    )
    services = lotse.services
    await sync_statuses(services.sessionmaker, services.invitations, lotse.clock())
    await lotse.fake.status(sms, "delivered")
    await sync_statuses(services.sessionmaker, services.invitations, lotse.clock())
    current, events = await state(lotse, invitation.id)
    assert (current.status, events) == ("delivered", ["created", "queued", "sent", "delivered"])

    phone = Phone(lotse, SYRIAN)
    code = code_of(lotse.services.vault, invitation)
    answer = await phone.say(f"  {code[:4].lower()} {code[4:]} ")
    assert "Bürgeramt Mitte" in answer
    current, events = await state(lotse, invitation.id)
    assert current.status == "connected" and events[-1] == "connected"
    assert current.personal_enc is None  # contact details gone once connected
    confirm = await phone.say("1")  # "Yes, that is right"
    assert ar.gettext("Thank you! Your choices are saved.") in confirm
    async with services.sessionmaker() as session:
        person = await session.scalar(select(Person))
        records = list(await session.scalars(select(ConsentRecord).order_by(ConsentRecord.id)))
    assert person is not None and person.language == "ar" and person.onboarded_at
    assert person.channel_ranking == ["sms", "letter"]
    office = [(r.channel, r.method, r.notice_id, r.recorded_at) for r in records[:2]]
    assert office == [
        ("sms", "office", OFFICE_NOTICE_ID, AT_OFFICE),
        ("letter", "office", OFFICE_NOTICE_ID, AT_OFFICE),
    ]
    assert [(r.channel, r.method, r.state) for r in records[2:]] == [
        ("sms", "chat", "given"),
        ("letter", "chat", "given"),
    ]
    # The same code again, by someone else: refused kindly, the same way as a wrong one.
    other = Phone(lotse, "+4915112345678")
    again = await other.say(display_code(code))
    de = lotse.services.catalogs["de"]  # a German number: German until they choose
    assert de.text(REFUSALS[Refusal.INVALID]) in again


async def test_a_wrong_code_gets_an_explanation_and_onboarding(lotse: Lotse) -> None:
    phone = Phone(lotse, "+4915112345678")
    answer = await phone.say("ABCD-EFGH")
    de = lotse.services.catalogs["de"]
    assert de.text(REFUSALS[Refusal.INVALID]) in answer
    assert "🌐 Lotse" in answer and "13. Français" in answer  # the SMS language menu


async def test_an_expired_code_is_explained(lotse: Lotse) -> None:
    invitation = await invite(lotse, request())
    await lotse.dispatch()
    services = lotse.services
    lotse.clock.advance(days=services.settings.invitation_valid_days + 1)
    await remind_and_expire(services.sessionmaker, services.invitations, lotse.clock())
    current, _ = await state(lotse, invitation.id)
    assert current.status == "expired" and current.personal_enc is None
    answer = await Phone(lotse, SYRIAN).say(code_of(lotse.services.vault, invitation))
    # The number is forgotten once the invitation expired: no proof, the uniform answer
    # (which says to ask the office).
    assert lotse.services.catalogs["ar"].text(REFUSALS[Refusal.INVALID]) in answer


async def test_one_reminder_after_the_configured_days_outside_quiet_hours(lotse: Lotse) -> None:
    services = lotse.services
    invitation = await invite(lotse, request())
    await lotse.dispatch()
    await sync_statuses(services.sessionmaker, services.invitations, lotse.clock())
    days = services.settings.invitation_reminder_days
    # 22:00 in Berlin on the due day: quiet hours, no reminder yet.
    lotse.clock.now = lotse.clock.now.replace(hour=21) + timedelta(days=days)
    assert await remind_and_expire(services.sessionmaker, services.invitations, lotse.clock()) == (
        0,
        0,
    )
    lotse.clock.now = lotse.clock.now.replace(hour=9) + timedelta(days=1)  # 10:00 in Berlin
    assert await remind_and_expire(services.sessionmaker, services.invitations, lotse.clock()) == (
        1,
        0,
    )
    assert await remind_and_expire(services.sessionmaker, services.invitations, lotse.clock()) == (
        0,
        0,
    )  # only one
    await lotse.dispatch()
    texts = [m.body or "" for m in lotse.fake.to(SYRIAN)]
    assert len(texts) == 2 and display_code(code_of(lotse.services.vault, invitation)) in texts[1]
    assert (
        services.catalogs["ar"]
        .gettext(
            "Reminder: {office} invites you to free advice in your language. Your code: {code}"
        )
        .split("{")[0]
        in texts[1]
    )
    _, events = await state(lotse, invitation.id)
    assert "reminded" in events


async def test_same_reference_same_request_or_conflict(lotse: Lotse) -> None:
    first = await invite(lotse, request())
    again = await invite(lotse, request())
    assert again.id == first.id
    try:
        await invite(lotse, request(language="fa"))
    except ReferenceConflict as conflict:
        assert conflict.invitation_id == first.id
    else:
        raise AssertionError("a different request under the same reference was accepted")
    await lotse.dispatch()
    assert len(lotse.fake.to(SYRIAN)) == 1  # one SMS, not three


async def test_a_failed_sms_falls_back_to_a_letter(lotse: Lotse) -> None:
    services = lotse.services
    lotse.fake.error(21211, to=SYRIAN)  # invalid 'To' number
    invitation = await invite(lotse, request())
    await lotse.dispatch()
    await sync_statuses(services.sessionmaker, services.invitations, lotse.clock())
    current, events = await state(lotse, invitation.id)
    assert current.sent_via == "letter" and events[-2:] == ["retry", "queued"]


async def test_no_usable_channel_fails_with_the_reason(lotse: Lotse) -> None:
    invitation = await invite(
        lotse, request(channels=(Channel.TELEGRAM,), personal=Personal(phone=SYRIAN))
    )
    current, events = await state(lotse, invitation.id)
    assert current.status == "failed" and events == ["created", "failed"]
    assert current.error == "telegram: LOTSE_TELEGRAM_BOT_USERNAME not set"


async def test_invited_by_whatsapp_template_connected_by_replying_the_code(lotse: Lotse) -> None:
    german = "+4915112345678"
    req = request(
        "W-1", language="de", channels=(Channel.WHATSAPP,), personal=Personal(phone=german)
    )
    invitation = await invite(lotse, req)
    assert invitation.sent_via == "whatsapp"
    await lotse.dispatch()
    [sent] = lotse.fake.to(f"whatsapp:{german}")
    assert sent.content_sid == TEMPLATES["invitation"]["de"]  # Lotse writes first: a template
    de = lotse.services.catalogs["de"]
    invites = de.gettext("{office} invites you to free advice in your language. Your code: {code}")
    first_line = invites.format(
        office="Bürgeramt Mitte", code=display_code(code_of(lotse.services.vault, invitation))
    )
    assert sent.variables == {"1": first_line}

    answer = await Phone(lotse, german, whatsapp=True).say(
        display_code(code_of(lotse.services.vault, invitation))
    )

    assert (
        de.gettext("Welcome! {office} invited you to Lotse.").format(office="Bürgeramt Mitte")
        in answer
    )
    current, _ = await state(lotse, invitation.id)
    assert current.status == "connected"
    async with lotse.services.sessionmaker() as session:
        records = list(await session.scalars(select(ConsentRecord)))
    assert [(r.channel, r.method) for r in records] == [("whatsapp", "office")]


async def test_a_code_guessed_in_the_web_chat_never_joins_the_owner_to_the_guesser(
    lotse: Lotse,
) -> None:
    """The outside review's sequence, over the real web chat API and Twilio webhook: a
    right guess in an anonymous web chat, then the invited person texting the code.
    Before, the number joined the guesser's record and the owner landed in it ("welcome
    back"); now the owner's SMS takes the invitation back into a record of their own."""
    invitation = await invite(lotse, request())
    await lotse.dispatch()
    code = code_of(lotse.services.vault, invitation)
    url = f"{lotse.url}/chat/api/sessions"
    async with aiohttp.ClientSession() as http, http.post(url, json={"code": code}) as response:
        assert response.status == 201
        guesser_session = (await response.json())["session"]

    answer = await Phone(lotse, SYRIAN).say(code)

    ar = lotse.services.catalogs["ar"]
    assert (
        ar.gettext("Welcome! {office} invited you to Lotse.").format(office="Bürgeramt Mitte")
        in answer
    )
    assert ar.gettext("You are already connected. Welcome back!") not in answer
    services = lotse.services
    async with services.sessionmaker() as session:
        contacts = list(
            await session.scalars(select(Contact).where(Contact.person_id.is_not(None)))
        )
        stored = await session.get(Invitation, invitation.id)
    by_person: dict[int | None, set[str]] = {}
    for contact in contacts:
        by_person.setdefault(contact.person_id, set()).add(contact.channel)
    assert sorted(map(sorted, by_person.values())) == [["letter", "sms"], ["webchat"]]
    assert stored is not None and stored.connected_by == "sender"
    assert by_person[stored.person_id] == {"letter", "sms"}
    # The guesser's chat shows nothing of the person: no number, no name, no address.
    url = f"{lotse.url}/chat/api/sessions/{guesser_session}/messages"
    async with aiohttp.ClientSession() as http, http.get(url) as response:
        seen = json.dumps(await response.json(), ensure_ascii=False)
    assert "963944567890" not in seen and "Fatima" not in seen and "Seestraße" not in seen
