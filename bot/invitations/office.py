"""An office's own invitations, for its API and its staff page: create one, read one,
list them with their counts. Each function writes the access log itself, one entry per
invitation it shows or writes, so that no caller can forget to."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.audit import Actor, Category, Concerned, record
from bot.db.models import Invitation, Office
from bot.invitations.create import create_invitation
from bot.invitations.request import InvitationRequest
from bot.invitations.sending import InvitationSender
from bot.invitations.views import (
    Event,
    OfficeInvitation,
    office_invitation,
    status_counts,
    timeline,
)
from bot.kernel.crypto import Vault
from bot.messaging import Waker

#: What an office sees of an invitation: reference, status, channels, times, language, code.
VIEW_CATEGORIES = (Category.INVITATION, Category.CODE, Category.LANGUAGE)
CREATE_ACTION, REPEAT_ACTION = "invitation.create", "invitation.repeat"
READ_ACTION, LIST_ACTION = "invitation.read", "invitation.list"


class BadCursor(Exception):
    """`after` names no invitation of this office."""


class OfficeContext(Protocol):
    """What the office's functions need; `bot.runtime.services.Services` has it."""

    @property
    def sessionmaker(self) -> async_sessionmaker[AsyncSession]: ...
    @property
    def vault(self) -> Vault: ...
    @property
    def invitations(self) -> InvitationSender: ...
    @property
    def dispatcher(self) -> Waker: ...


@dataclass(frozen=True, slots=True)
class Listing:
    """One page of an office's invitations, newest first."""

    invitations: tuple[OfficeInvitation, ...]
    #: Every status of the office, whatever the filter.
    counts: dict[str, int]
    #: How many match the filter.
    total: int
    #: The page shown (paging by number; 1 when paging by cursor), and how many there are.
    page: int
    pages: int
    #: The public id to continue `after` (paging by cursor), None on the last page.
    next: str | None


async def create_for_office(
    services: OfficeContext,
    office: Office,
    request: InvitationRequest,
    actor: Actor,
    now: datetime,
) -> tuple[OfficeInvitation, bool]:
    """The office's invitation for the request, and whether it is new (see
    `create_invitation`; raises ReferenceConflict). Recorded as what the request gave."""
    async with services.sessionmaker() as session, session.begin():
        invitation, created = await create_invitation(
            session, office=office, request=request, sender=services.invitations, now=now
        )
        await record(
            session, actor, CREATE_ACTION if created else REPEAT_ACTION, now,
            concerns=[Concerned(invitation.person_id, invitation.id)],
            categories=request.categories(),
        )  # fmt: skip
        view = OfficeInvitation.of(invitation, services.vault)
    if created:
        services.dispatcher.wake()
    return view, created


async def read_for_office(
    services: OfficeContext, office_id: int, public_id: str, actor: Actor, now: datetime
) -> tuple[OfficeInvitation, list[Event]] | None:
    """One of the office's invitations with its timeline; None when the office has no
    such invitation (another office's looks the same)."""
    async with services.sessionmaker() as session, session.begin():
        invitation = await office_invitation(session, office_id, public_id)
        if invitation is None:
            return None
        events = await timeline(session, invitation.id)
        await record(session, actor, READ_ACTION, now,
                     concerns=[Concerned(invitation.person_id, invitation.id)],
                     categories=VIEW_CATEGORIES)  # fmt: skip
        return OfficeInvitation.of(invitation, services.vault), events


async def list_for_office(
    services: OfficeContext,
    office_id: int,
    actor: Actor,
    now: datetime,
    *,
    status: str | None = None,
    reference: str = "",
    after: str | None = None,
    page: int | None = None,
    size: int = 50,
) -> Listing:
    """The office's invitations, newest first, with a status and a part of the reference
    (any case) to filter by. Paged by cursor (`after`, the API) or by number (`page`,
    the staff page, which ends at the last page). Raises BadCursor."""
    async with services.sessionmaker() as session, session.begin():
        counts = await status_counts(session, office_id)
        where = [Invitation.office_id == office_id]
        if status is not None:
            where.append(Invitation.status == status)
        if reference:
            where.append(Invitation.reference.icontains(reference, autoescape=True))
            total = await _count(session, where)
        else:
            total = counts.get(status, 0) if status is not None else sum(counts.values())
        # Ids grow with creation, and ix_invitations_office_status ends with the id.
        query = select(Invitation).where(*where).order_by(Invitation.id.desc())
        number, pages = 1, max(1, math.ceil(total / size))
        if page is not None:
            number = max(1, min(page, pages))
            query = query.offset((number - 1) * size).limit(size)
        else:
            if after is not None:
                cursor = await office_invitation(session, office_id, after)
                if cursor is None:
                    raise BadCursor(after)
                query = query.where(Invitation.id < cursor.id)
            query = query.limit(size + 1)
        found = list(await session.scalars(query))
        shown = found[:size]
        if shown:
            detail = f"status={status or 'any'}" + (f" page={number}" if page is not None else "")
            await record(session, actor, LIST_ACTION, now,
                         concerns=[Concerned(i.person_id, i.id) for i in shown],
                         categories=VIEW_CATEGORIES, detail=detail)  # fmt: skip
    more = len(found) > size
    return Listing(
        invitations=tuple(OfficeInvitation.of(i, services.vault) for i in shown),
        counts=counts,
        total=total,
        page=number,
        pages=pages,
        next=shown[-1].public_id if more and page is None else None,
    )


async def _count(session: AsyncSession, where: list[ColumnElement[bool]]) -> int:
    found = await session.scalar(select(func.count()).select_from(Invitation).where(*where))
    return int(found or 0)
