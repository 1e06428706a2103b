"""The relay by SMS and WhatsApp through the fake Twilio: a hand-off made by phone gets
the service's answers on the phone it consented to (no model for the pair: the original
and the note), each fixed part within three segments; the person's answer goes to the
service in silence; after STOP nothing more is sent."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot.cases import Field, Request, hand_off, reply, translate_stored
from bot.db.models import CaseMessage, Person
from bot.kernel.sms import segments
from bot.kernel.types import Channel
from flows.relay import NO_TRANSLATION
from tests.support.cases import SERVICES, seed_world
from tests.support.rights_channels import Texting, onboard
from tests.support.twilio import (
    Lotse,
    twilio_fake,  # noqa: F401  (the fixture `fake`)
    twilio_lotse,  # noqa: F401  (the fixture `lotse`)
)

GERMAN = "Guten Tag, bitte bringen Sie Ihren Bescheid mit."


async def _case(lotse: Lotse, channel: Channel) -> int:
    services = lotse.services
    now = services.clock()
    async with services.sessionmaker() as session, session.begin():
        person_id = await session.scalar(select(func.max(Person.id)))
        assert person_id is not None
        request = Request(
            service_slug="svc-a", values={Field.FIRST_NAME: "Amal"}, language="en",
            channel=channel, expires_at=now + timedelta(days=30),
        )  # fmt: skip
        return await hand_off(session, services.vault, person_id, request, now)


async def _advisor_writes(lotse: Lotse, advisor: int, case_id: int) -> None:
    services = lotse.services
    async with services.sessionmaker() as session, session.begin():
        await reply(session, services.vault, advisor, case_id, GERMAN, services.clock())
    await translate_stored(services.sessionmaker, services.vault, services.translation,
                           services.inbox, services.clock())  # fmt: skip


@pytest.mark.parametrize("whatsapp", [False, True], ids=["sms", "whatsapp"])
async def test_answers_reach_the_phone_and_the_person_writes_back(
    lotse: Lotse, whatsapp: bool
) -> None:
    world = await seed_world(lotse.services)
    person = Texting(lotse, "+4915112340021", whatsapp)
    await onboard(person)
    channel = Channel.WHATSAPP if whatsapp else Channel.SMS
    case_id = await _case(lotse, channel)
    seen = len(lotse.fake.to(person.phone.address))
    await _advisor_writes(lotse, world.logins["advisor:svc-a"], case_id)
    bodies = await person.received(seen)
    assert len(bodies) == 2
    assert f"{SERVICES['svc-a']} has taken your request." in bodies[0]
    assert GERMAN in bodies[1] and lotse.text("en", NO_TRANSLATION.msgid) in bodies[1]
    if not whatsapp:
        assert segments(bodies[0]) <= 3
    # The answer goes to the service; the bot says nothing.
    assert await person.say("Danke, ich komme am Montag.") == []
    async with lotse.services.sessionmaker() as session:
        written = list(await session.scalars(select(CaseMessage).where(
            CaseMessage.direction == "in")))  # fmt: skip
    assert len(written) == 1 and written[0].body_enc
    assert "Danke" not in written[0].body_enc  # encrypted


async def test_after_stop_nothing_more_is_sent(lotse: Lotse) -> None:
    world = await seed_world(lotse.services)
    person = Texting(lotse, "+4915112340022")
    await onboard(person)
    case_id = await _case(lotse, Channel.SMS)
    await person.say("STOP")
    seen = len(lotse.fake.to(person.phone.address))
    await _advisor_writes(lotse, world.logins["advisor:svc-a"], case_id)
    assert await person.received(seen) == []
