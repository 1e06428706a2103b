"""The relay on Telegram (fake Bot API): the service's answer arrives in the chat, a
photo sent to the service is refused kindly, "menu" leaves the relay."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from bot.cases import Field, Request, hand_off, reply, translate_stored
from bot.db.models import CaseMessage, Person
from bot.kernel.types import Channel
from flows.relay import LEFT, NO_FILES
from tests.support.cases import SERVICES, seed_world
from tests.support.telegram import (
    Harness,
    TelegramPerson,
    telegram_fake,  # noqa: F401  (the fixture `fake`)
    telegram_harness,  # noqa: F401  (the fixture `tg`)
)

GERMAN = "Guten Tag, wir haben Ihre Nachricht gelesen."


async def test_answer_in_the_chat_a_photo_refused_and_menu_leaves(tg: Harness) -> None:
    services = tg.services
    world = await seed_world(services)
    person = TelegramPerson(tg, 6234567099, "en")
    await person.write("/start")
    for choice in ("continue", "continue", "yes", "yes", "rank:telegram"):
        await person.send(person.callback(choice))
    now = services.clock()
    async with services.sessionmaker() as session, session.begin():
        person_id = await session.scalar(select(func.max(Person.id)))
        assert person_id is not None
        request = Request(
            service_slug="svc-a", values={Field.FIRST_NAME: "Amal"}, language="en",
            channel=Channel.TELEGRAM, expires_at=now + timedelta(days=30),
        )  # fmt: skip
        case_id = await hand_off(session, services.vault, person_id, request, now)
        await reply(session, services.vault, world.logins["advisor:svc-a"], case_id, GERMAN, now)
    await translate_stored(services.sessionmaker, services.vault, services.translation,
                           services.inbox, services.clock())  # fmt: skip
    await services.inbox.process_pending()
    got = [m["text"] for m in await person.replies()]
    assert f"{SERVICES['svc-a']} has taken your request." in got[0]
    assert GERMAN in got[1]
    refused = await person.send(person.from_payload("photo"))
    assert [m["text"] for m in refused] == [NO_FILES.msgid]
    left = await person.write("menu")
    assert left[0]["text"] == LEFT.msgid
    async with services.sessionmaker() as session:
        count = await session.scalar(select(func.count()).select_from(CaseMessage).where(
            CaseMessage.direction == "in"))  # fmt: skip
    assert count == 0
