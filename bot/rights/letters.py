"""A request's letter, made available to its person on one channel.

- Web chat: the letter opens only through the chat session that asked (its token in the
  path is the credential), for LOTSE_MYDATA_EXPORT_HOURS, as "My data" exports do.
- Telegram: the PDF is sent there as a document (the outbox's attachment loader).
- SMS and WhatsApp: a short link `/r/<token>` for LOTSE_MYDATA_LINK_MINUTES; its token is
  stored only as a keyed hash.
Every way in answers the same `LetterGone` for a wrong, expired, deleted, incomplete or
someone else's letter, so a link tells nothing about whether it ever worked.

A request has up to three letters (bot.rights.LetterKind): the request itself (once
complete, in any status: a copy goes with the reminder and the complaint), the reminder
(once the request is overdue, and again while reminded), and the complaint (once the
reminder's deadline passed, or an answer came incomplete or refused, and again once
complained). The row names the one made last (`letter_kind`): every link of the
request opens that one, as long as its status still allows it.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.audit import Actor, Category, Concerned, record
from bot.config import LINKED_CHANNELS, Settings
from bot.db.models import Contact, RightsRequest
from bot.holders import RequestKind
from bot.kernel.crypto import Vault
from bot.kernel.types import Channel
from bot.rights.deadlines import SentBy
from bot.rights.identity import Details, Identity
from bot.rights.records import GERMANY, details_of, identity_of, is_complete
from bot.rights.views import Clock, IssuedLetter, LetterKind, Outcome, RequestStatus

#: Actions in the access log: the person made a letter, or received it.
LETTER_ACTION, DOWNLOAD_ACTION = "rights.letter", "rights.download"
#: The same for each follow-up letter ("rights.letter.reminder", …).
FOLLOW_UPS = (LetterKind.REMINDER, LetterKind.COMPLAINT)
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
    #: Which of the request's letters this is.
    letter: LetterKind = LetterKind.REQUEST
    #: The request's dates (a follow-up letter states them); None before it went.
    clock: Clock | None = None
    #: When it was opened: a follow-up letter is dated the day it is made.
    opened_at: datetime | None = None

    @property
    def dated(self) -> date:
        """The letter's date: the request's for the request letter, today's for the
        reminder and the complaint (their deadline runs from it)."""
        made = self.created_at if self.letter is LetterKind.REQUEST else self.opened_at
        return (made or self.created_at).astimezone(GERMANY).date()


def _action(base: str, kind: LetterKind) -> str:
    return base if kind is LetterKind.REQUEST else f"{base}.{kind.value}"


def clock_of_row(row: RightsRequest) -> Clock | None:
    """The dates a follow-up letter states, from the row; None before the letter went."""
    if row.sent_on is None or row.sent_by is None or row.receipt_on is None or row.due_on is None:
        return None
    by = SentBy(row.sent_by)
    return Clock(
        sent_on=row.sent_on, sent_by=by, receipt_on=row.receipt_on, due_on=row.due_on,
        estimated=by is SentBy.POST, extended_on=row.extended_on, answered_on=row.answered_on,
        outcome=None if row.outcome is None else Outcome(row.outcome),
        recipients_named=row.recipients_named, reminder_on=row.reminder_on,
        reminder_due_on=row.reminder_due_on, complaint_on=row.complaint_on,
        closed_on=row.closed_on,
    )  # fmt: skip


def allows(row: RightsRequest, kind: LetterKind, today: date) -> bool:
    """Whether the request's status allows this letter now (completeness aside)."""
    status = RequestStatus(row.status)
    if kind is LetterKind.REQUEST:
        return True
    if clock_of_row(row) is None:
        return False
    if kind is LetterKind.REMINDER:
        return status in (RequestStatus.OVERDUE, RequestStatus.REMINDED)
    fell_short = row.outcome in (Outcome.PARTLY.value, Outcome.REFUSED.value)
    reminder_passed = row.reminder_due_on is not None and today > row.reminder_due_on
    return (
        status is RequestStatus.COMPLAINT
        or (status is RequestStatus.REMINDED and reminder_passed)
        or (status is RequestStatus.ANSWERED and fell_short)
    )


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
    kind: LetterKind = LetterKind.REQUEST,
) -> IssuedLetter | None:
    """Make one of a complete request's letters available on this chat (an earlier link
    of the request stops working; see `allows` for which its status allows); None when
    not possible now, or for a request that is not the person's."""
    row = await session.scalar(
        select(RightsRequest).where(
            RightsRequest.id == request_id, RightsRequest.person_id == person_id
        )
    )
    if row is None or not is_complete(vault, row):
        return None
    if not allows(row, kind, now.astimezone(GERMANY).date()):
        return None
    token = secrets.token_urlsafe(16) if channel in LINKED_CHANNELS else None
    expires_at = now + settings.link_lifetime(channel)
    if row.status == RequestStatus.DRAFTED.value:  # a copy later leaves the clock alone
        row.status = RequestStatus.READY.value
    row.letter_kind = kind.value
    row.contact_id, row.channel, row.lang = contact_id, channel.value, lang
    row.letter_token_index = None if token is None else token_index(vault, token)
    row.letter_expires_at = expires_at
    # The request outlives its link (a link lasts hours, a request months); never less.
    row.erase_at = max(row.erase_at, expires_at)
    await record(
        session, Actor.person(), _action(LETTER_ACTION, kind), now,
        concerns=[Concerned(person_id=person_id)], categories=LETTER_CATEGORIES,
        detail=channel.value,
    )  # fmt: skip
    link = None if token is None else f"{settings.public_url}{LINK_PATH}{token}"
    return IssuedLetter(request_id=row.id, expires_at=expires_at, kind=kind, link=link)


def _opened(vault: Vault, row: RightsRequest, now: datetime) -> OpenedLetter:
    assert row.letter_expires_at is not None  # only letters made are opened
    return OpenedLetter(
        request_id=row.id, person_id=row.person_id, holder=row.holder,
        kind=RequestKind(row.kind), lang=row.lang, identity=identity_of(vault, row),
        details=details_of(vault, row), created_at=row.created_at,
        updated_at=row.updated_at, expires_at=row.letter_expires_at,
        letter=LetterKind(row.letter_kind), clock=clock_of_row(row), opened_at=now,
    )  # fmt: skip


async def _downloaded(session: AsyncSession, row: RightsRequest, now: datetime) -> None:
    await record(
        session, Actor.person(), _action(DOWNLOAD_ACTION, LetterKind(row.letter_kind)), now,
        concerns=[Concerned(person_id=row.person_id)], categories=LETTER_CATEGORIES,
        detail=row.channel,
    )  # fmt: skip


def _usable(row: RightsRequest | None, vault: Vault, now: datetime) -> RightsRequest:
    # A drafted request has no letter; a status that moved on no longer allows some.
    if (
        row is None
        or row.status == RequestStatus.DRAFTED.value
        or not is_complete(vault, row)
        or not allows(row, LetterKind(row.letter_kind), now.astimezone(GERMANY).date())
    ):
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
            now,
        )
        if log:
            await _downloaded(session, row, now)
        return _opened(vault, row, now)


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
            now,
        )
        if log:
            await _downloaded(session, row, now)
        return _opened(vault, row, now)
