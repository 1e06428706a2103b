"""A person's own view of the access log: one page at a time, newest first.

One processing that touched several of the person's records at once (a CSV upload or
a print batch with two of their invitations, a list showing both) was written as one
entry per record by one `record` call: same time, actor, action and detail. It is shown
as one line; `entries` says how many it stands for.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import ColumnElement

from bot.audit.log import Category, Role
from bot.db.models import AccessEntry, Office, Person


class UnknownCursor(LookupError):
    """`before_id` names no entry of this person (another's, or a made-up one)."""


@dataclass(frozen=True, slots=True)
class AccessLine:
    """One access as the person sees it: never the data, never who exactly."""

    #: Pass as `before_id` to continue after this line.
    id: int
    at: datetime
    #: The office's name, the other Lotse's (role PEER) or the advice service's (roles
    #: ADVISOR, SERVICE_ADMIN); None for the operator of this
    #: Lotse and the person themselves, or for an office that has since been removed.
    organisation: str | None
    role: Role
    action: str
    categories: tuple[Category, ...]
    #: How many log entries this line stands for (one processing, several records).
    entries: int = 1
    #: The person's own actions (role PERSON): the channel they acted on, so that a
    #: change made from a borrowed phone or another chat stands out.
    via: str | None = None


@dataclass(frozen=True, slots=True)
class AccessPage:
    lines: tuple[AccessLine, ...]
    #: `before_id` for the next page; None on the last page.
    next_before: int | None
    #: The log holds every access to this person's data since this day (see `complete_since`).
    complete_since: date


_COLUMNS = (
    AccessEntry.id, AccessEntry.at, AccessEntry.office_id, Office.name, AccessEntry.role,
    AccessEntry.actor, AccessEntry.action, AccessEntry.detail, AccessEntry.categories,
)  # fmt: skip


def _older_than(at: datetime, entry_id: int) -> ColumnElement[bool]:
    """Keyset condition for the order (at desc, id desc)."""
    return or_(AccessEntry.at < at, and_(AccessEntry.at == at, AccessEntry.id < entry_id))


async def access_history(
    session: AsyncSession, person_id: int, *, before_id: int | None = None, limit: int = 20
) -> AccessPage:
    """The person's accesses newest first, `limit` lines after `before_id` (keyset over
    ix_access_log_person_at, so page 50 costs what page 1 does). Raises UnknownCursor."""
    if limit < 1:
        raise ValueError("limit must be at least 1")
    mine = AccessEntry.person_id == person_id
    where: list[ColumnElement[bool]] = [mine]
    if before_id is not None:
        at = await session.scalar(select(AccessEntry.at).where(AccessEntry.id == before_id, mine))
        if at is None:
            raise UnknownCursor(before_id)
        where.append(_older_than(at, before_id))
    groups: list[list[Any]] = []
    chunk = limit + 1
    while True:
        rows = (
            await session.execute(
                select(*_COLUMNS)
                .outerjoin(Office, Office.id == AccessEntry.office_id)
                .where(*where)
                .order_by(AccessEntry.at.desc(), AccessEntry.id.desc())
                .limit(chunk)
            )
        ).all()
        for row in rows:
            if groups and _key(groups[-1][0]) == _key(row):
                groups[-1].append(row)
            else:
                groups.append([row])
        # Another line has begun after the last one shown: that one is complete.
        if len(groups) > limit or len(rows) < chunk:
            break
        where = [mine, _older_than(rows[-1].at, rows[-1].id)]
    shown = [_line(group) for group in groups[:limit]]
    more = len(groups) > limit
    return AccessPage(
        tuple(shown), shown[-1].id if more else None, await complete_since(session, person_id)
    )


def _key(row: Any) -> tuple[object, ...]:
    return row.at, row.office_id, row.role, row.actor, row.action, row.detail


def _line(group: list[Any]) -> AccessLine:
    first, last = group[0], group[-1]
    role = Role(first.role)
    # Another Lotse, or an advice service, is no office here: its name is what the
    # entry's detail records.
    named = role in (Role.PEER, Role.ADVISOR, Role.SERVICE_ADMIN)
    organisation = first.detail if named else first.name
    categories: dict[Category, None] = {}
    for row in group:
        categories.update(dict.fromkeys(Category(c) for c in row.categories or ()))
    return AccessLine(
        id=last.id, at=first.at, organisation=organisation, role=role,
        action=first.action, categories=tuple(categories), entries=len(group),
        via=first.detail if role is Role.PERSON else None,
    )  # fmt: skip


async def complete_since(session: AsyncSession, person_id: int) -> date:
    """Since when the log holds every access to this person's data: the later of

    - when their data first came into Lotse: the person's creation, or their earliest
      entry if older (an office creating their invitation writes one, which becomes
      theirs when they connect): nothing could be accessed before;
    - the log's earliest entry in this installation: an installation that ran without
      the access log (or without entries per person) may have had accesses before it
      that were never written. The earliest entry is no earlier than the log itself,
      so this never claims more than is true; it may claim less (a log that began
      empty), and it moves later once tombstoned entries are purged.

    One statement, each part an index lookup (persons' key, ix_access_log_person_at,
    the index on `at`)."""
    created, first_own, first_any = (
        await session.execute(
            select(
                select(Person.created_at).where(Person.id == person_id).scalar_subquery(),
                select(func.min(AccessEntry.at))
                .where(AccessEntry.person_id == person_id)
                .scalar_subquery(),
                select(func.min(AccessEntry.at)).scalar_subquery(),
            )
        )
    ).one()
    starts = [d for d in (created, first_own) if d is not None]
    known = [d for d in (min(starts) if starts else None, first_any) if d is not None]
    return max(known).date() if known else date.min
