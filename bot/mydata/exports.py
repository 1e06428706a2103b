"""Exports of a person's data: made once per request, found again only by their person.

- One export per person at a time (`mydata_exports.person_id` is unique): a request made
  twice at once (two messages, a double click) inserts once; the other finds that row.
- Web chat: the export is opened through the session that asked (its token in the path
  is the credential); Telegram: the files are sent there; SMS and WhatsApp: a short link
  whose capability token is stored only as a keyed hash, for a short time.
- Every way in answers the same `ExportGone` for a wrong, expired, erased or someone
  else's export, so a link tells nothing about whether it ever worked.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.audit import Actor, Category, Concerned, record
from bot.config import LINKED_CHANNELS, Settings
from bot.db.models import Contact, MyDataExport
from bot.kernel.crypto import Vault
from bot.kernel.jobs import Job
from bot.kernel.types import Channel

#: Actions in the access log: the person made an export, or fetched one.
EXPORT_ACTION, DOWNLOAD_ACTION = "mydata.export", "mydata.download"
#: Everything is in an export.
ALL_CATEGORIES = tuple(Category)
#: A second request from the same chat within this time is the same request.
REPEAT_WINDOW = timedelta(minutes=2)
#: The reference a message carries for its export (bot.kernel.types.Reply.attachment).
REFERENCE = "mydata-export:"
_TOKEN_KIND = "mydata-link"
#: Where a short link points: LOTSE_PUBLIC_URL + this + the token.
LINK_PATH = "/d/"


class ExportGone(LookupError):
    """No such export for this reader: never was, expired, erased, or someone else's."""


@dataclass(frozen=True, slots=True)
class Issued:
    export_id: int
    expires_at: datetime
    #: False when this request found an export made moments ago (a double request).
    fresh: bool
    #: The short link with its capability token (SMS, WhatsApp; fresh exports only);
    #: the token itself is never stored.
    link: str | None = None

    @property
    def reference(self) -> str:
        return f"{REFERENCE}{self.export_id}"


@dataclass(frozen=True, slots=True)
class Opened:
    """An export as its reader gets it."""

    export_id: int
    person_id: int
    lang: str
    document: dict[str, Any]
    expires_at: datetime


def token_index(vault: Vault, token: str) -> str:
    return vault.index(_TOKEN_KIND, token)


async def issue(
    session: AsyncSession,
    vault: Vault,
    *,
    person_id: int,
    contact_id: int,
    channel: Channel,
    lang: str,
    document: dict[str, Any],
    settings: Settings,
    now: datetime,
) -> Issued:
    """The person's export from this request, in the caller's transaction. A live one
    this chat asked for moments ago is that same export (not fresh); any other earlier
    one is replaced. The access log records each export made."""
    existing = await session.scalar(select(MyDataExport).where(MyDataExport.person_id == person_id))
    if existing is not None:
        if (
            existing.contact_id == contact_id
            and existing.expires_at > now
            and now - existing.created_at < REPEAT_WINDOW
        ):
            return Issued(existing.id, existing.expires_at, fresh=False)
        await session.execute(delete(MyDataExport).where(MyDataExport.id == existing.id))
    token = secrets.token_urlsafe(16) if channel in LINKED_CHANNELS else None
    expires_at = now + settings.link_lifetime(channel)
    upsert = sqlite_insert if settings.is_sqlite else pg_insert
    new_id = (
        await session.execute(
            upsert(MyDataExport)
            .values(
                person_id=person_id,
                contact_id=contact_id,
                channel=channel.value,
                lang=lang,
                token_index=None if token is None else token_index(vault, token),
                document_enc=vault.encrypt(json.dumps(document, ensure_ascii=False)),
                created_at=now,
                expires_at=expires_at,
            )
            .on_conflict_do_nothing(index_elements=["person_id"])
            .returning(MyDataExport.id)
        )
    ).scalar_one_or_none()
    if new_id is None:  # made by the same request running alongside: that one counts
        other = await session.scalar(
            select(MyDataExport).where(MyDataExport.person_id == person_id)
        )
        if other is None:
            raise ExportGone(person_id)
        return Issued(other.id, other.expires_at, fresh=False)
    await record(
        session, Actor.person(), EXPORT_ACTION, now,
        concerns=[Concerned(person_id=person_id)], categories=ALL_CATEGORIES,
        detail=channel.value,
    )  # fmt: skip
    link = None if token is None else f"{settings.public_url}{LINK_PATH}{token}"
    return Issued(new_id, expires_at, fresh=True, link=link)


def _opened(vault: Vault, row: MyDataExport) -> Opened:
    return Opened(
        row.id, row.person_id, row.lang, json.loads(vault.decrypt(row.document_enc)),
        row.expires_at,
    )  # fmt: skip


async def _downloaded(
    session: AsyncSession, person_id: int, channel: Channel, now: datetime
) -> None:
    await record(
        session, Actor.person(), DOWNLOAD_ACTION, now,
        concerns=[Concerned(person_id=person_id)], categories=ALL_CATEGORIES,
        detail=channel.value,
    )  # fmt: skip


async def open_in_chat(
    sessionmaker: async_sessionmaker[AsyncSession],
    vault: Vault,
    *,
    contact_id: int,
    export_id: int,
    now: datetime,
) -> Opened:
    """The export `export_id` if the chat `contact_id` asked for it (and its person is
    still theirs); the download is logged. Raises ExportGone."""
    async with sessionmaker() as session, session.begin():
        row = await session.scalar(
            select(MyDataExport)
            .join(Contact, Contact.id == MyDataExport.contact_id)
            .where(
                MyDataExport.id == export_id,
                MyDataExport.contact_id == contact_id,
                Contact.person_id == MyDataExport.person_id,
                MyDataExport.expires_at > now,
            )
        )
        if row is None:
            raise ExportGone(export_id)
        await _downloaded(session, row.person_id, Channel(row.channel), now)
        return _opened(vault, row)


async def open_by_token(
    sessionmaker: async_sessionmaker[AsyncSession],
    vault: Vault,
    token: str,
    now: datetime,
    *,
    log: bool = True,
) -> Opened:
    """The export a short link's token opens; the download is logged when `log` (not for
    the page that only links to the files). Raises ExportGone."""
    async with sessionmaker() as session, session.begin():
        row = await session.scalar(
            select(MyDataExport).where(
                MyDataExport.token_index == token_index(vault, token),
                MyDataExport.expires_at > now,
            )
        )
        if row is None:
            raise ExportGone("link")
        if log:
            await _downloaded(session, row.person_id, Channel(row.channel), now)
        return _opened(vault, row)


async def purge_expired(sessionmaker: async_sessionmaker[AsyncSession], now: datetime) -> int:
    """Delete exports whose time is up; how many."""
    async with sessionmaker() as session, session.begin():
        gone = await session.execute(
            delete(MyDataExport).where(MyDataExport.expires_at <= now).returning(MyDataExport.id)
        )
        return len(gone.all())


def export_jobs(
    sessionmaker: async_sessionmaker[AsyncSession], clock: Callable[[], datetime]
) -> list[Job]:
    """Exports go when their time is up, whether or not anyone fetched them."""

    async def purge() -> bool:
        await purge_expired(sessionmaker, clock())
        return False

    return [Job("mydata-exports", timedelta(minutes=10), purge, at_start=True)]
