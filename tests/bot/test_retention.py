from __future__ import annotations

from sqlalchemy import func, select

from bot.db.models import Contact, ErasureTombstone, Message, Person
from bot.retention import apply_retention
from tests.flows.test_settings import onboarded


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
