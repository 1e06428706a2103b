"""A person's inventory: every category, masked contact details, why and until when,
and only their own data."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from bot.audit import Actor, Category, Concerned, record
from bot.consent import CONTACT, OFFICE_NOTICE_ID, ConsentBook
from bot.db.models import AccessEntry, Contact, Invitation, Message, Person
from bot.invitations.codes import code_of
from bot.invitations.connect import Connected
from bot.kernel.postal import PostalAddress
from bot.kernel.types import Channel, ConsentMethod, ConsentState, Direction
from bot.mydata import Basis, CategoryId, Inventory, UnknownPerson, inventory
from bot.people import ErasureReason, erase_person
from bot.runtime.services import Services
from tests.support.clock import Clock
from tests.support.connect import ADDRESS, PHONE, attempt, office_and_invitation, person_on

OTHER_PHONE = "+4915187654321"
OTHER_ADDRESS = PostalAddress("Olena Kovalenko", "Seestraße 12", "10115", "Berlin")


async def connected_by_sms(
    services: Services, clock: Clock, phone: str = PHONE, address: PostalAddress = ADDRESS
) -> tuple[int, Invitation]:
    """The office invites `phone` at `address`; the person texts the code from that
    number, and the office's consent for SMS and letters is recorded."""
    invitation = await office_and_invitation(services, clock, phone=phone, address=address)
    clock.advance(minutes=5)
    async with services.sessionmaker() as session, session.begin():
        await record(session, Actor.staff(invitation.office_id, 7), "letters.export", clock(),
                     concerns=[Concerned(None, invitation.id)],
                     categories=[Category.POSTAL_ADDRESS, Category.NAME])  # fmt: skip
    person, index = await person_on(services, Channel.SMS, phone)
    clock.advance(minutes=5)
    secret = code_of(services.vault, invitation)
    result = await attempt(services, clock, secret, person, index, channel=Channel.SMS, phone=phone)
    assert isinstance(result, Connected) and result.kept_postal
    async with services.sessionmaker() as session, session.begin():
        book = ConsentBook(session, person)
        for channel in (Channel.SMS, Channel.LETTER):
            book.record(purpose=CONTACT, channel=channel, state=ConsentState.GIVEN,
                        method=ConsentMethod.OFFICE, language="ar", at=clock(),
                        recorded_at=invitation.consent_recorded_at,
                        notice_id=OFFICE_NOTICE_ID, notice_version="2026-01")  # fmt: skip
        await session.execute(
            update(Person).where(Person.id == person)
            .values(language="ar", channel_ranking=["sms", "letter"], last_active_at=clock())
        )  # fmt: skip
    return person, invitation


async def add_messages(services: Services, person: int, clock: Clock) -> None:
    """One text the person sent today, one reply whose text was purged already."""
    async with services.sessionmaker() as session, session.begin():
        contact_id = await session.scalar(
            select(Contact.id).where(Contact.person_id == person, Contact.channel == "sms")
        )
        session.add_all([
            Message(person_id=person, contact_id=contact_id, direction=Direction.IN.value,
                    channel="sms", status="done", body_enc=services.vault.encrypt("hallo"),
                    created_at=clock()),
            Message(person_id=person, contact_id=contact_id, direction=Direction.OUT.value,
                    channel="sms", status="delivered", body_enc=None,
                    created_at=clock() - timedelta(days=40)),
        ])  # fmt: skip


async def inventory_of(services: Services, person: int, clock: Clock) -> Inventory:
    async with services.sessionmaker() as session:
        return await inventory(session, person, services.settings, clock())


async def test_a_connected_person_sees_each_category_masked_with_reasons_and_dates(
    services: Services, clock: Clock
) -> None:
    person, invitation = await connected_by_sms(services, clock, PHONE)
    await add_messages(services, person, clock)
    before = await _entries(services)

    found = await inventory_of(services, person, clock)

    settings = services.settings
    erased_on = (clock() + timedelta(days=settings.retention_days)).date()
    assert found.erased_if_inactive_on == erased_on
    # Everything but requests (an export, a transfer code) and hand-offs: none was made.
    absent = (CategoryId.REQUESTS, CategoryId.CASES)
    assert found.categories() == tuple(c for c in CategoryId if c not in absent)
    assert found.language.language == "ar"
    assert found.language.held.basis is Basis.SERVICE
    sms, letter = found.channels
    assert (sms.channel, sms.rank, letter.channel, letter.rank) == (
        Channel.SMS, 1, Channel.LETTER, 2)  # fmt: skip
    assert sms.consent is not None and sms.consent.state == "given"
    assert sms.consent.method == "office"
    assert sms.consent.recorded_at == invitation.consent_recorded_at
    assert sms.held.basis is Basis.CONSENT and sms.held.record_id == sms.consent.record_id
    assert sms.held.until == erased_on
    (office,) = found.invitations
    assert (office.reference, office.office_name, office.language, office.status) == (
        invitation.reference, "Bürgeramt Mitte", "ar", "connected")  # fmt: skip
    assert office.channels == (Channel.SMS, Channel.LETTER)
    assert office.held.basis is Basis.OFFICE_INVITATION
    postal = found.postal_address
    assert postal is not None
    assert (postal.street_name, postal.postcode, postal.city) == (
        "Hauptstraße", "12345", "Musterstadt")  # fmt: skip
    assert postal.held.basis is Basis.LETTERS_CONSENT
    assert letter.consent is not None and postal.held.record_id == letter.consent.record_id
    (phone,) = found.phones
    assert (phone.ending, phone.channels) == ("78", (Channel.SMS,))
    assert phone.held.record_id == sms.consent.record_id
    messages = found.messages
    assert (messages.received, messages.sent, messages.texts_kept) == (1, 1, 1)
    assert messages.texts_purged_by == (
        clock() + timedelta(days=settings.message_retention_days)).date()  # fmt: skip
    assert found.access_log.entries == 1  # the office's print, before the person connected
    assert found.access_log.held.basis is Basis.ACCOUNTABILITY
    assert found.access_log.held.until == erased_on + timedelta(
        days=settings.access_log_retention_days)  # fmt: skip

    shown = repr(found)
    for secret in (PHONE, PHONE[1:], PHONE[-6:], ADDRESS.street, ADDRESS.name, "Haddad",
                   code_of(services.vault, invitation)):  # fmt: skip
        assert secret not in shown
    assert await _entries(services) == before  # reading one's own data is no access


async def test_two_people_invited_by_the_same_office_see_only_their_own(
    services: Services, clock: Clock
) -> None:
    first, first_invitation = await connected_by_sms(services, clock, PHONE)
    second, second_invitation = await connected_by_sms(services, clock, OTHER_PHONE, OTHER_ADDRESS)
    await add_messages(services, first, clock)

    mine = await inventory_of(services, first, clock)
    theirs = await inventory_of(services, second, clock)

    assert [i.reference for i in mine.invitations] == [first_invitation.reference]
    assert [i.reference for i in theirs.invitations] == [second_invitation.reference]
    assert [p.ending for p in mine.phones] == ["78"]
    assert [p.ending for p in theirs.phones] == ["21"]
    assert mine.postal_address is not None and mine.postal_address.city == "Musterstadt"
    assert theirs.postal_address is not None and theirs.postal_address.city == "Berlin"
    assert (theirs.messages.received, theirs.messages.sent) == (0, 0)
    assert mine.access_log.entries == theirs.access_log.entries == 1
    mine_records = {c.consent.record_id for c in mine.channels if c.consent}
    theirs_records = {c.consent.record_id for c in theirs.channels if c.consent}
    assert mine_records and theirs_records and not mine_records & theirs_records


async def _entries(services: Services) -> int:
    async with services.sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(AccessEntry)) or 0)


async def test_a_person_only_in_the_web_chat_holds_little(services: Services, clock: Clock) -> None:
    person, _ = await person_on(services, Channel.WEBCHAT, "chat-1")

    found = await inventory_of(services, person, clock)

    assert found.categories() == (CategoryId.LANGUAGE, CategoryId.CHANNELS)
    (chat,) = found.channels
    assert (chat.channel, chat.consent, chat.addresses) == (Channel.WEBCHAT, None, 1)
    assert chat.held.basis is Basis.SERVICE  # the chat they opened, never asked about
    assert (found.invitations, found.postal_address, found.phones) == ((), None, ())
    assert found.messages.texts_purged_by is None


async def test_an_erased_person_has_no_inventory(services: Services, clock: Clock) -> None:
    person, _ = await person_on(services, Channel.WEBCHAT, "chat-1")
    async with services.sessionmaker() as session, session.begin():
        await erase_person(session, person, now=clock(), reason=ErasureReason.REQUEST)

    with pytest.raises(UnknownPerson):
        await inventory_of(services, person, clock)


async def test_an_export_and_a_transfer_code_are_held_until_they_expire(
    services: Services, clock: Clock
) -> None:
    from bot.db.models import TransferCode
    from tests.mydata.test_exports import request

    person, _ = await connected_by_sms(services, clock, PHONE)
    await request(services, person, clock, Channel.SMS)
    async with services.sessionmaker() as session, session.begin():
        ends = clock() + timedelta(hours=72)
        session.add(TransferCode(person_id=person, code_index="x" * 64, items=["language"],
                                 created_at=clock(), expires_at=ends))  # fmt: skip
    held = await inventory_of(services, person, clock)
    assert CategoryId.REQUESTS in held.categories()
    kinds = {str(r.kind): r for r in held.requests}
    assert set(kinds) == {"export", "transfer-code"}
    code = kinds["transfer-code"]
    assert code.held.basis is Basis.REQUEST
    assert code.expires_at == clock() + timedelta(hours=72)
    assert code.held.until == code.expires_at.date()
    clock.advance(hours=73)
    assert (await inventory_of(services, person, clock)).requests == ()
