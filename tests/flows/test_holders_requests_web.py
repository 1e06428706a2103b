"""My requests through the web chat API, on stored requests: listed in the person's
language, one deleted after a confirmation (its row gone), another person's untouched."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from bot.db.models import Contact, Conversation
from bot.holders import RequestKind
from bot.kernel.types import Channel
from tests.support.flows import onboarded

store = pytest.importorskip("bot.rights.store", reason="requests are stored by bot.rights")


async def stored(services: Any, holder: str, kind: RequestKind) -> int:
    """A drafted request of the only web chat person, as the request wizard opens it."""
    async with services.sessionmaker() as session, session.begin():
        contact = await session.scalar(select(Contact).where(Contact.channel == "webchat"))
        assert contact is not None and contact.person_id is not None
        view = await store.start(
            session, services.vault, person_id=contact.person_id, contact_id=contact.id,
            channel=Channel.WEBCHAT, holder=holder, kind=kind, lang="uk",
            keep_days=services.settings.request_days, now=services.clock(),
        )  # fmt: skip
        return int(view.request_id)


async def remaining(services: Any) -> list[int]:
    from bot.db.models import RightsRequest

    async with services.sessionmaker() as session:
        return list(await session.scalars(select(RightsRequest.id)))


async def test_my_requests_in_ukrainian_and_one_deleted(client, services) -> None:
    person = await onboarded(client, services, lang="uk")
    await stored(services, "azr", RequestKind.CORRECTION)
    newer = await stored(services, "bamf", RequestKind.ACCESS)
    await person.choose("my_data")
    await person.choose("holders")
    await person.choose("situation:asylum")
    await person.choose("no")
    await person.choose("no")
    [shown] = await person.choose("requests")
    assert shown["text"].startswith("Ваші запити до установ:")
    assert "виправлення" in shown["text"] and "ще не завершено" in shown["text"]
    assert person.offered == ["request:1", "request:2", "list", "back"]  # newest first
    [about] = await person.choose("request:2")
    assert person.offered == ["go-on", "delete", "requests"]
    assert "Що ви хочете зробити з цим запитом?" in about["text"]
    await person.choose("delete")
    assert person.offered == ["confirm", "keep"]
    [done] = await person.choose("confirm")
    assert done["text"].startswith("Видалено.")
    assert person.offered == ["request:1", "list", "back"]
    assert await remaining(services) == [newer]  # the older one, chosen as number 2, is gone


async def test_an_unfinished_request_goes_on_in_the_request_wizard(client, services) -> None:
    pytest.importorskip("flows.rights_request", reason="the request wizard is its own flow")
    person = await onboarded(client, services)
    request_id = await stored(services, "azr", RequestKind.ACCESS)
    await person.choose("my_data")
    await person.choose("holders")
    await person.choose("situation:eu")
    await person.choose("no")
    await person.choose("no")
    await person.choose("requests")
    await person.choose("request:1")
    await person.choose("go-on")
    async with services.sessionmaker() as session:
        row = await session.scalar(select(Conversation))
        assert row is not None and row.flow == "rights_request"
        assert row.data.get("request") == request_id
