from __future__ import annotations

from sqlalchemy import func, select

from bot.db.models import (
    ConsentRecord,
    Contact,
    Conversation,
    ErasureTombstone,
    Message,
    Person,
)
from tests.support.flows import onboarded


async def count(services, model) -> int:
    async with services.sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_delete_my_data_erases_everything_personal(client, services) -> None:
    person = await onboarded(client, services, lang="ar")
    await person.choose("delete")
    assert person.offered == ["confirm", "keep"]
    bot = await person.choose("confirm")
    assert bot[-1]["lang"] == "ar"  # the goodbye, in the person's language
    for model in (Person, ConsentRecord, Conversation):
        assert await count(services, model) == 0, model
    # Only the goodbye and the detached contact that carries it remain, briefly.
    async with services.sessionmaker() as session:
        messages = list(await session.scalars(select(Message)))
        contact = await session.scalar(select(Contact))
        tombstone = await session.scalar(select(ErasureTombstone))
    assert len(messages) == 1 and messages[0].person_id is None
    assert contact is not None and contact.person_id is None and contact.purge_after
    assert tombstone is not None and tombstone.erased_on == "2026-11-23"
    assert tombstone.reason == "request"
    # The session is closed: posting is refused; the page can still show the goodbye.
    assert await person.post(text="hello") == 410
    response = await client.get(f"/chat/api/sessions/{person.session}/messages")
    shown = (await response.json())["messages"]
    assert [m["from"] for m in shown] == ["bot"]
    assert (await response.json())["ended"] is True


async def test_keeping_the_data_changes_nothing(client, services) -> None:
    person = await onboarded(client, services)
    await person.choose("delete")
    bot = await person.choose("keep")
    assert bot[0]["text"] == "Nothing was deleted."
    assert await count(services, Person) == 1
    assert await count(services, ErasureTombstone) == 0


async def test_a_new_session_after_erasure_starts_fresh(client, services) -> None:
    person = await onboarded(client, services)
    await person.choose("delete")
    await person.choose("confirm")
    again = await onboarded(client, services)
    assert again.session != person.session
    assert await count(services, Person) == 1
