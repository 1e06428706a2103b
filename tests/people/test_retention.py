from __future__ import annotations

from sqlalchemy import func, select

from bot.db.models import Contact, ErasureTombstone, Message, Person, ThrottleEvent
from bot.people.retention import apply_retention
from bot.throttle.attempts import record
from tests.support.factories import ChatPerson
from tests.support.flows import onboarded


async def count(services, model, *where) -> int:
    async with services.sessionmaker() as session:
        query = select(func.count()).select_from(model).where(*where)
        return int(await session.scalar(query) or 0)


async def test_message_texts_are_purged_after_the_promised_days(client, services, clock) -> None:
    await onboarded(client, services)
    settings = services.settings
    clock.advance(days=settings.message_retention_days - 1)
    result = await apply_retention(services.sessionmaker, settings, clock())
    assert result.bodies_purged == 0
    clock.advance(days=2)
    result = await apply_retention(services.sessionmaker, settings, clock())
    assert result.bodies_purged > 0
    assert await count(services, Message, Message.body_enc.is_not(None)) == 0
    assert await count(services, Person) == 1  # the person and their settings stay


async def test_inactive_people_are_erased_after_the_retention_period(
    client, services, clock
) -> None:
    await onboarded(client, services)
    clock.advance(days=services.settings.retention_days + 1)
    result = await apply_retention(services.sessionmaker, services.settings, clock())
    assert result.persons_erased == 1
    assert await count(services, Person) == 0
    assert await count(services, Contact) == 0
    assert await count(services, ErasureTombstone, ErasureTombstone.reason == "retention") == 1


async def test_the_goodbye_contact_is_purged_after_a_day(client, services, clock) -> None:
    person = await onboarded(client, services)
    await person.choose("delete")
    await person.choose("confirm")
    assert await count(services, Contact) == 1
    clock.advance(days=2)
    result = await apply_retention(services.sessionmaker, services.settings, clock())
    assert result.contacts_purged == 1
    assert await count(services, Contact) == 0
    assert await count(services, Message) == 0


async def test_a_chat_left_at_the_first_screen_is_gone_within_hours(
    client, services, clock
) -> None:
    """Anonymous sessions cost nothing to open: they must not be kept for a year."""
    left = ChatPerson(client, services)
    await left.open(language="en")  # never answered
    await onboarded(client, services)  # gave consent: stays
    clock.advance(hours=5)
    assert (
        await apply_retention(services.sessionmaker, services.settings, clock())
    ).abandoned_erased == 0
    clock.advance(hours=1, seconds=1)
    result = await apply_retention(services.sessionmaker, services.settings, clock())
    assert result.abandoned_erased == 1
    assert await count(services, Person) == 1
    assert await count(services, ErasureTombstone, ErasureTombstone.reason == "abandoned") == 1


async def test_old_throttle_rows_are_purged(client, services, clock) -> None:
    async with services.sessionmaker() as session, session.begin():
        record(session, "code", clock(), key="k", client="c")
    clock.advance(days=2, seconds=1)
    result = await apply_retention(services.sessionmaker, services.settings, clock())
    assert result.throttle_purged == 1
    assert await count(services, ThrottleEvent) == 0
