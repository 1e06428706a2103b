"""STOP and START on channels that push to a phone, unreadable input, and falling back
to another channel when an important message cannot be delivered."""

from __future__ import annotations

from sqlalchemy import select

from bot.db.models import ConsentRecord, Contact, Message
from bot.i18n.labels import CHANNEL_NAMES
from bot.kernel.types import Channel, InboundMessage, t
from bot.messaging.channel import PermanentFailure
from bot.messaging.dispatcher import Dispatcher
from bot.runtime.services import Services
from flows.router import START
from tests.support.outbox import FlakyChannel

PHONE = "+4915112345678"


class Person:
    """Someone texting Lotse; replies are read back from the channel they go out on."""

    def __init__(
        self, services: Services, channel: Channel = Channel.SMS, address: str = PHONE
    ) -> None:
        self.services, self.channel, self.address = services, channel, address
        self.count = 0

    async def send(self, text: str | None = None, **extra: object) -> None:
        self.count += 1
        await self.services.engine.handle(
            InboundMessage(
                channel=self.channel,
                address=self.address,
                provider_id=f"{self.address}-{self.count}",
                text=text,
                **extra,
            )
        )  # type: ignore[arg-type]


def dispatcher(services: Services, clock, *channels: FlakyChannel) -> Dispatcher:
    return Dispatcher(
        sessionmaker=services.sessionmaker,
        adapters={c.channel: c for c in channels},
        vault=services.vault,
        catalogs=services.catalogs,
        postgres=not services.settings.is_sqlite,
        clock=clock,
    )


async def test_stop_mid_flow_withdraws_and_confirms_once(services, clock) -> None:
    sms = FlakyChannel(channel=Channel.SMS)
    out = dispatcher(services, clock, sms)
    person = Person(services)
    await person.send(None, start=True, language_hints=("ru",))
    await person.send("1")  # mid-onboarding
    await out.dispatch_once()
    before = len(sms.sent)
    await person.send(" Stop! ")
    await person.send("stop")  # a second STOP is not confirmed again
    await person.send("1")  # anything else: nothing more goes out
    await out.dispatch_once()
    new = sms.sent[before:]
    confirmation = t(
        "You will get no more messages from us by {channel}. Write “{start}” to get them again.",
        channel=CHANNEL_NAMES[Channel.SMS],
        start=START,
    )
    assert new == [services.catalogs["ru"].text(confirmation)]
    assert "SMS" in new[0]
    async with services.sessionmaker() as session:
        contact = await session.scalar(select(Contact))
        records = list(await session.scalars(select(ConsentRecord)))
        statuses = list(
            await session.scalars(
                select(Message.status).where(Message.direction == "out").order_by(Message.id)
            )
        )
    assert contact is not None and contact.opted_out_at is not None
    assert [(r.channel, r.state, r.method) for r in records] == [("sms", "withdrawn", "chat")]
    assert statuses[-1] == "failed"  # the reply to "1" was held back


async def test_start_after_stop_opts_in_again(services, clock) -> None:
    sms = FlakyChannel(channel=Channel.SMS)
    out = dispatcher(services, clock, sms)
    person = Person(services)
    await person.send(None, start=True, language_hints=("en",))
    await person.send("STOP")
    await out.dispatch_once()
    before = len(sms.sent)
    await person.send("start")
    await out.dispatch_once()
    assert (
        "Welcome back! You will get our messages by SMS (text message) again." in sms.sent[before]
    )
    async with services.sessionmaker() as session:
        contact = await session.scalar(select(Contact))
        states = list(await session.scalars(select(ConsentRecord.state).order_by(ConsentRecord.id)))
    assert contact is not None and contact.opted_out_at is None
    assert states == ["withdrawn", "given"]


async def test_stop_is_only_a_keyword_where_carriers_use_it(services, clock) -> None:
    web = Person(services, channel=Channel.WEBCHAT, address="session-token")
    await web.send(None, start=True, language_hints=("en",))
    await web.send("stop")
    async with services.sessionmaker() as session:
        assert await session.scalar(select(ConsentRecord)) is None


async def test_unreadable_input_gets_a_polite_answer_and_the_question_again(
    services, clock
) -> None:
    sms = FlakyChannel(channel=Channel.SMS)
    out = dispatcher(services, clock, sms)
    person = Person(services)
    await person.send(None, start=True, language_hints=("en",))
    await out.dispatch_once()
    before = len(sms.sent)
    await person.send(None, unsupported=True)
    await out.dispatch_once()
    assert sms.sent[before].startswith("Sorry, I can only read written text.")
    assert "1. Continue" in sms.sent[before + 1]
    assert "Reply with the number of your choice." in sms.sent[before + 1]


async def test_important_message_falls_back_to_the_next_consented_channel(services, clock) -> None:
    from bot.consent.book import CONTACT, ConsentBook
    from bot.db.models import Person as PersonRow
    from bot.kernel.types import ConsentMethod, ConsentState
    from bot.messaging.body import encode_body

    telegram = FlakyChannel(
        channel=Channel.TELEGRAM,
        failures=[PermanentFailure("Forbidden: bot was blocked by the user", unreachable=True)],
    )
    sms = FlakyChannel(channel=Channel.SMS)
    out = dispatcher(services, clock, telegram, sms)
    tg_person = Person(services, channel=Channel.TELEGRAM, address="4242")
    await tg_person.send(None, start=True, language_hints=("en",))
    vault = services.vault
    async with services.sessionmaker() as session, session.begin():
        tg = await session.scalar(select(Contact))
        assert tg is not None and tg.person_id is not None
        person_id = tg.person_id
        # The same person also has a phone number on record, and consented to both.
        phone = Contact(
            person_id=person_id,
            channel="sms",
            address_index=vault.index("address/sms", PHONE),
            address_enc=vault.encrypt(PHONE),
            created_at=clock(),
        )
        session.add(phone)
        book = ConsentBook(session, person_id)
        for channel in (Channel.TELEGRAM, Channel.SMS):
            book.record(
                purpose=CONTACT,
                channel=channel,
                state=ConsentState.GIVEN,
                method=ConsentMethod.CHAT,
                language="en",
                at=clock(),
            )
        row = await session.get(PersonRow, person_id)
        assert row is not None
        row.channel_ranking = ["telegram", "sms"]
        await session.execute(Message.__table__.update().values(status="sent"))
        session.add(
            Message(
                person_id=person_id,
                contact_id=tg.id,
                direction="out",
                channel="telegram",
                status="queued",
                important=True,
                body_enc=encode_body(vault, "Your appointment is confirmed."),
                lang="en",
                next_attempt_at=clock(),
                created_at=clock(),
                attempts=0,
            )
        )
    await out.dispatch_once()
    await out.dispatch_once()
    assert telegram.sent == []
    assert sms.sent == ["Your appointment is confirmed."]
    async with services.sessionmaker() as session:
        tg_contact = await session.scalar(select(Contact).where(Contact.channel == "telegram"))
        copies = list(
            await session.scalars(select(Message).where(Message.fallback_of.is_not(None)))
        )
    assert tg_contact is not None and tg_contact.reachable is False
    assert len(copies) == 1 and copies[0].channel == "sms" and copies[0].status == "sent"
