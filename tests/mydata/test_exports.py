"""Issuing exports: one per request, also when the request comes twice at once; the
access log records the person's own export; expired ones are purged."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import func, select

from bot.db.models import AccessEntry, Contact, MyDataExport
from bot.kernel.types import Channel
from bot.mydata import (
    ExportGone,
    Issued,
    build_export,
    issue,
    open_by_token,
    open_in_chat,
    purge_expired,
)
from bot.runtime.services import Services
from tests.mydata.test_inventory import connected_by_sms
from tests.support.clock import Clock
from tests.support.connect import PHONE


async def request(services: Services, person: int, clock: Clock, channel: Channel) -> Issued:
    """One request in a transaction of its own, as one conversation step makes it."""
    async with services.sessionmaker() as session, session.begin():
        contact_id = await session.scalar(
            select(Contact.id).where(Contact.person_id == person, Contact.channel == "sms")
        )
        assert contact_id is not None
        document = await build_export(
            session, person, settings=services.settings, vault=services.vault,
            catalogs=services.catalogs, operator="Stadt", now=clock(),
        )  # fmt: skip
        return await issue(
            session, services.vault, person_id=person, contact_id=contact_id, channel=channel,
            lang="ar", document=document, settings=services.settings, now=clock(),
        )  # fmt: skip


async def counts(services: Services) -> tuple[int, int]:
    async with services.sessionmaker() as session:
        exports = await session.scalar(select(func.count()).select_from(MyDataExport))
        logged = await session.scalar(
            select(func.count())
            .select_from(AccessEntry)
            .where(AccessEntry.action == "mydata.export")
        )
    return int(exports or 0), int(logged or 0)


async def test_twice_at_once_makes_one_export_and_one_link(
    services: Services, clock: Clock
) -> None:
    person, _ = await connected_by_sms(services, clock, PHONE)

    first, second = await asyncio.gather(
        request(services, person, clock, Channel.SMS), request(services, person, clock, Channel.SMS)
    )

    assert first.export_id == second.export_id
    assert sorted([first.fresh, second.fresh]) == [False, True]
    links = [i.link for i in (first, second) if i.link is not None]
    assert len(links) == 1 and "/d/" in links[0]
    assert await counts(services) == (1, 1)


async def test_a_later_request_replaces_the_export_with_a_current_one(
    services: Services, clock: Clock
) -> None:
    person, _ = await connected_by_sms(services, clock, PHONE)
    first = await request(services, person, clock, Channel.SMS)
    clock.advance(minutes=10)

    second = await request(services, person, clock, Channel.SMS)

    assert second.fresh and second.export_id != first.export_id
    assert await counts(services) == (1, 2)
    assert first.link is not None and second.link is not None
    old, new = first.link.rsplit("/", 1)[1], second.link.rsplit("/", 1)[1]
    try:
        await open_by_token(services.sessionmaker, services.vault, old, clock())
        raise AssertionError("the replaced link still works")
    except ExportGone:
        pass
    opened = await open_by_token(services.sessionmaker, services.vault, new, clock())
    assert opened.person_id == person


async def test_the_token_is_stored_only_as_a_keyed_hash_and_expires(
    services: Services, clock: Clock
) -> None:
    person, _ = await connected_by_sms(services, clock, PHONE)
    issued = await request(services, person, clock, Channel.SMS)
    assert issued.link is not None
    token = issued.link.rsplit("/", 1)[1]
    async with services.sessionmaker() as session:
        row = await session.scalar(select(MyDataExport))
    assert row is not None and row.token_index is not None
    assert token not in row.token_index and token not in row.document_enc
    lifetime = timedelta(minutes=services.settings.mydata_link_minutes)
    assert row.expires_at == clock() + lifetime

    clock.advance(minutes=services.settings.mydata_link_minutes, seconds=1)
    for attempt in (open_by_token(services.sessionmaker, services.vault, token, clock()),
                    open_in_chat(services.sessionmaker, services.vault, contact_id=row.contact_id,
                                 export_id=row.id, now=clock())):  # fmt: skip
        try:
            await attempt
            raise AssertionError("an expired export opened")
        except ExportGone:
            pass
    assert await purge_expired(services.sessionmaker, clock()) == 1
    assert await counts(services) == (0, 1)  # the log keeps that it was made
