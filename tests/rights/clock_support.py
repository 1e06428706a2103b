"""Requests whose letter went, for the clock's tests: a person reachable by SMS (and,
if asked, Telegram) who consented to be written to there."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from bot.consent import CONTACT, ConsentBook
from bot.db.models import Contact, Person, RightsRequest
from bot.kernel.types import Channel, ConsentMethod, ConsentState
from bot.people import address_index
from bot.rights import RequestView
from bot.runtime.services import Services
from tests.rights.support import IDENTITY, step, typed
from tests.support.clock import Clock

SMS = Channel.SMS
PHONE, CHAT_ID = "+4915112340000", "4711"


async def reachable_person(
    services: Services, clock: Clock, *, phone: str = PHONE,
    telegram: str | None = None, ranking: tuple[Channel, ...] = (SMS,),
) -> int:  # fmt: skip
    """A person with an SMS contact (and a Telegram one), consented, ranked."""
    vault = services.vault
    async with services.sessionmaker() as session, session.begin():
        person = Person(language="ar", channel_ranking=[c.value for c in ranking])
        session.add(person)
        await session.flush()
        book = ConsentBook(session, person.id)
        for channel, address in ((SMS, phone), (Channel.TELEGRAM, telegram)):
            if address is None:
                continue
            session.add(Contact(person_id=person.id, channel=channel.value,
                                address_index=address_index(vault, channel, address),
                                address_enc=vault.encrypt(address)))  # fmt: skip
            book.record(purpose=CONTACT, channel=channel, state=ConsentState.GIVEN,
                        method=ConsentMethod.CHAT, language="ar", at=clock())  # fmt: skip
        return person.id


async def ready_request(services: Services, clock: Clock, person: int, holder: str = "azr") -> int:
    """A complete access request whose letter was made."""
    view = await step(services, clock, person, SMS, lambda port: port.start(holder, "access"))
    assert isinstance(view, RequestView)
    await typed(services, clock, person, view.request_id, IDENTITY)
    assert await step(services, clock, person, SMS, lambda port: port.letter(view.request_id))
    return view.request_id


async def sent_request(
    services: Services, clock: Clock, person: int, on: date | None = None, by: str = "electronic"
) -> RequestView:
    request_id = await ready_request(services, clock, person)
    day = on or clock().date()
    view = await step(services, clock, person, SMS, lambda port: port.sent(request_id, day, by))
    assert isinstance(view, RequestView), view
    return view


async def row_of(services: Services, request_id: int) -> RightsRequest:
    async with services.sessionmaker() as session:
        row = await session.scalar(select(RightsRequest).where(RightsRequest.id == request_id))
    assert row is not None
    return row
