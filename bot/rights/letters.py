"""A request's letter, made available to its person on one channel.

- Web chat: the letter opens only through the chat session that asked (its token in the
  path is the credential), for LOTSE_MYDATA_EXPORT_HOURS, as "My data" exports do.
- Telegram: the PDF is sent there as a document (the outbox's attachment loader).
- SMS and WhatsApp: a short link `/r/<token>` for LOTSE_MYDATA_LINK_MINUTES; its token is
  stored only as a keyed hash.
Every way in answers the same `LetterGone` for a wrong, expired, deleted, incomplete or
someone else's letter, so a link tells nothing about whether it ever worked.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.audit import Actor, Category, Concerned, record
from bot.config import LINKED_CHANNELS, Settings
from bot.db.models import Contact, RightsRequest
from bot.holders import RequestKind
from bot.kernel.crypto import Vault
from bot.kernel.types import Channel
from bot.rights.identity import Details, Identity
from bot.rights.records import details_of, identity_of, is_complete
from bot.rights.views import IssuedLetter, RequestStatus

#: Actions in the access log: the person made a letter, or received it.
LETTER_ACTION, DOWNLOAD_ACTION = "rights.letter", "rights.download"
#: What a letter holds.
LETTER_CATEGORIES = (Category.NAME, Category.IDENTITY, Category.POSTAL_ADDRESS, Category.REQUEST)
#: Where a short link points: LOTSE_PUBLIC_URL + this + the token.
LINK_PATH = "/r/"
_TOKEN_KIND = "rights-letter-link"


class LetterGone(LookupError):
    """No such letter for this reader: never was, expired, deleted, or someone else's."""


@dataclass(frozen=True, slots=True)
class OpenedLetter:
    """A request as its letter is made from it, for its own person only."""

    request_id: int
    person_id: int
    holder: str
    kind: RequestKind
    lang: str
    identity: Identity
    details: Details
    created_at: datetime
    #: Part of the PDF cache's key: a changed request is laid out anew.
    updated_at: datetime
    expires_at: datetime


def token_index(vault: Vault, token: str) -> str:
    return vault.index(_TOKEN_KIND, token)


async def issue_letter(
    session: AsyncSession,
    vault: Vault,
    *,
    person_id: int,
    request_id: int,
    contact_id: int,
    channel: Channel,
    lang: str,
    settings: Settings,
    now: datetime,
) -> IssuedLetter | None:
    """Make the letter of a complete request available on this chat (an earlier link
    stops working); None for an incomplete request or one that is not the person's."""
    row = await session.scalar(
        select(RightsRequest).where(
            RightsRequest.id == request_id, RightsRequest.person_id == person_id
        )
    )
    if row is None or not is_complete(vault, row):
        return None
    token = secrets.token_urlsafe(16) if channel in LINKED_CHANNELS else None
    expires_at = now + settings.link_lifetime(channel)
    row.status = RequestStatus.READY.value
    row.contact_id, row.channel, row.lang = contact_id, channel.value, lang
    row.letter_token_index = None if token is None else token_index(vault, token)
    row.letter_expires_at = expires_at
    # The request outlives its link (a link lasts hours, a request months); never less.
    row.erase_at = max(row.erase_at, expires_at)
    await record(
        session, Actor.person(), LETTER_ACTION, now,
        concerns=[Concerned(person_id=person_id)], categories=LETTER_CATEGORIES,
        detail=channel.value,
    )  # fmt: skip
    link = None if token is None else f"{settings.public_url}{LINK_PATH}{token}"
    return IssuedLetter(request_id=row.id, expires_at=expires_at, link=link)


def _opened(vault: Vault, row: RightsRequest) -> OpenedLetter:
    assert row.letter_expires_at is not None  # only letters made are opened
    return OpenedLetter(
        request_id=row.id, person_id=row.person_id, holder=row.holder,
        kind=RequestKind(row.kind), lang=row.lang, identity=identity_of(vault, row),
        details=details_of(vault, row), created_at=row.created_at,
        updated_at=row.updated_at, expires_at=row.letter_expires_at,
    )  # fmt: skip


async def _downloaded(session: AsyncSession, row: RightsRequest, now: datetime) -> None:
    await record(
        session, Actor.person(), DOWNLOAD_ACTION, now,
        concerns=[Concerned(person_id=row.person_id)], categories=LETTER_CATEGORIES,
        detail=row.channel,
    )  # fmt: skip


def _usable(row: RightsRequest | None, vault: Vault) -> RightsRequest:
    if row is None or row.status != RequestStatus.READY.value or not is_complete(vault, row):
        raise LetterGone("letter")
    return row


async def open_in_chat(
    sessionmaker: async_sessionmaker[AsyncSession],
    vault: Vault,
    *,
    contact_id: int,
    request_id: int,
    now: datetime,
    log: bool = True,
) -> OpenedLetter:
    """The letter of `request_id` if the chat `contact_id` asked for it (and its person is
    still theirs); the download is logged. Raises LetterGone."""
    async with sessionmaker() as session, session.begin():
        row = _usable(
            await session.scalar(
                select(RightsRequest)
                .join(Contact, Contact.id == RightsRequest.contact_id)
                .where(
                    RightsRequest.id == request_id,
                    RightsRequest.contact_id == contact_id,
                    Contact.person_id == RightsRequest.person_id,
                    RightsRequest.letter_expires_at > now,
                )
            ),
            vault,
        )
        if log:
            await _downloaded(session, row, now)
        return _opened(vault, row)


async def open_by_token(
    sessionmaker: async_sessionmaker[AsyncSession],
    vault: Vault,
    token: str,
    now: datetime,
    *,
    log: bool = True,
) -> OpenedLetter:
    """The letter a short link's token opens; the download is logged when `log` (not for
    the page that only links to the file). Raises LetterGone."""
    async with sessionmaker() as session, session.begin():
        row = _usable(
            await session.scalar(
                select(RightsRequest).where(
                    RightsRequest.letter_token_index == token_index(vault, token),
                    RightsRequest.letter_expires_at > now,
                )
            ),
            vault,
        )
        if log:
            await _downloaded(session, row, now)
        return _opened(vault, row)
