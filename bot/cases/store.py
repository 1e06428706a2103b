"""The casework of an advisor or service admin: lists, one case, assignment, status and
internal notes. Every function takes the acting login's id and goes through
bot.cases.access (the one rule, and the access log); the caller commits."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, case, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import ColumnElement

from bot.cases import due
from bot.cases.access import CaseNotFound, checked, log, look, member, visible
from bot.cases.relay import Event, add_event, thread
from bot.cases.views import CaseDetail, CaseRow, CaseStatus, Field, Note, View
from bot.db.models import AdviceService, Case, CaseNote, StaffServiceMember, StaffUser
from bot.kernel.crypto import Vault
from bot.staff import StaffRole

#: Most cases one list shows.
PAGE = 50


#: The due time that runs: the first answer's until it is given, then the next one's.
running_due: ColumnElement[datetime] = case(
    (Case.first_responded_at.is_(None), Case.first_response_due),
    else_=Case.next_response_due,
)


async def list_cases(
    session: AsyncSession,
    user_id: int,
    view: View,
    now: datetime,
    *,
    include_resolved: bool = False,
    before_id: int | None = None,
    after_due: tuple[datetime, int] | None = None,
    service: str | None = None,
    limit: int = PAGE,
) -> list[CaseRow]:
    """Newest first, `limit` after `before_id`; View.DUE by due time, earliest first,
    `limit` after `after_due` (due time, id). `service` (a slug) narrows to one of the
    caller's services; another or an unknown slug gives an empty list like any. An
    empty list for anyone the rule does not know. Each listed person gets one
    access-log entry ("saw it in a list")."""
    who = await member(session, user_id)
    if who is None or not who.service_ids:
        return []
    where: list[ColumnElement[bool]] = [visible(who, now)]
    if service is not None:
        where.append(
            Case.service_id
            == select(AdviceService.id).where(AdviceService.slug == service).scalar_subquery()
        )
    if view is View.MINE:
        where.append(Case.assigned_to == user_id)
    elif view is View.UNASSIGNED:
        where.append(Case.assigned_to.is_(None))
    if view is View.DUE:
        # A waiting case's clock is paused, a resolved one's stopped: nothing is due.
        where += [Case.status.in_([CaseStatus.NEW.value, CaseStatus.OPEN.value]),
                  Case.waiting_since.is_(None), running_due.is_not(None)]  # fmt: skip
        if after_due is not None:
            due_at, case_id = after_due
            where.append(or_(running_due > due_at, and_(running_due == due_at, Case.id > case_id)))
        order: tuple[ColumnElement[Any], ...] = (running_due.asc(), Case.id.asc())
    else:
        if not include_resolved:
            where.append(Case.status != CaseStatus.RESOLVED.value)
        if before_id is not None:
            where.append(Case.id < before_id)
        order = (Case.id.desc(),)
    cases = list(
        await session.scalars(
            select(Case).where(*where).order_by(*order).limit(max(1, min(limit, 500)))
        )
    )
    if cases:
        await log(session, who, cases, "case.list", now)
    covered = await _covered(session, {c.service_id for c in cases if c.service_id})
    return [_row(c, covered) for c in cases]


async def open_case(session: AsyncSession, vault: Vault, user_id: int, case_id: int,
                    now: datetime) -> CaseDetail:  # fmt: skip
    """One case with what the person shared, the notes and the relay's messages; logged
    once. CaseNotFound."""
    _, case = await look(session, user_id, case_id, now)
    shared_json = json.loads(vault.decrypt(case.shared_enc)) if case.shared_enc else {}
    shared = {Field(k): v for k, v in shared_json.items() if k in Field._value2member_map_}
    notes = await session.scalars(
        select(CaseNote).where(CaseNote.case_id == case.id).order_by(CaseNote.id)
    )
    covered = await _covered(session, {case.service_id} if case.service_id else set())
    return CaseDetail(
        row=_row(case, covered), fields=tuple(Field(f) for f in case.fields or ()),
        shared=shared, special_consent=case.special_consent, expires_at=case.expires_at,
        history_from=case.history_from,
        notes=tuple(
            Note(n.id, n.author_id, vault.decrypt(n.body_enc) if n.body_enc else "",
                 n.created_at)
            for n in notes
        ),
        messages=await thread(session, vault, case.id),
    )  # fmt: skip


async def assign(
    session: AsyncSession, user_id: int, case_id: int, to: int | None, now: datetime
) -> None:
    """Gives the case to `to` (a member of its service), or back to nobody; a new case
    becomes open. CaseNotFound, also when `to` is not one of the service's members."""
    who, case = await checked(session, user_id, case_id, now, lock=True)
    if to is not None:
        assignee = await member(session, to)
        if assignee is None or case.service_id not in assignee.service_ids:
            raise CaseNotFound(case_id)
    case.assigned_to = to
    if to is not None and case.status == CaseStatus.NEW.value:
        case.status = CaseStatus.OPEN.value
    await log(session, who, (case,), "case.assign", now)


async def set_status(
    session: AsyncSession,
    user_id: int,
    case_id: int,
    status: CaseStatus,
    now: datetime,
    *,
    case_days: int,
) -> None:
    """Moves the case on. Waiting pauses the service-level clock (the minutes are added
    when it ends); resolving starts the retention (content erased `case_days` later)
    and tells the person the case is closed; reopening stops it. CaseNotFound."""
    who, case = await checked(session, user_id, case_id, now, lock=True)
    if status is CaseStatus.RESOLVED and case.status != status.value:
        await add_event(session, case, Event.CLOSED, now)
    if status is CaseStatus.RESOLVED:
        case.resolved_at = case.resolved_at or now
        case.erase_at = now + timedelta(days=case_days)
    else:
        case.resolved_at, case.erase_at = None, None
    case.status = status.value
    await due.status_changed(session, case, now)
    await log(session, who, (case,), "case.status", now)


async def add_note(
    session: AsyncSession, vault: Vault, user_id: int, case_id: int, body: str, now: datetime
) -> int:
    """An internal note (encrypted); its id. CaseNotFound; ValueError for an empty one."""
    text = body.strip()
    if not text:
        raise ValueError("empty note")
    who, case = await checked(session, user_id, case_id, now)
    note = CaseNote(case_id=case.id, author_id=who.user_id, body_enc=vault.encrypt(text[:4000]),
                    created_at=now)  # fmt: skip
    session.add(note)
    await session.flush()
    await log(session, who, (case,), "case.note", now)
    return note.id


async def colleagues(session: AsyncSession, user_id: int, service_id: int) -> list[tuple[int, str]]:
    """(id, e-mail) of the active members of a service the caller belongs to."""
    who = await member(session, user_id)
    if who is None or service_id not in who.service_ids:
        return []
    rows = await session.execute(
        select(StaffUser.id, StaffUser.email)
        .join(StaffServiceMember, StaffServiceMember.user_id == StaffUser.id)
        .where(StaffServiceMember.service_id == service_id, StaffUser.disabled_at.is_(None),
               StaffUser.role != StaffRole.OFFICE.value)
        .order_by(StaffUser.email)
    )  # fmt: skip
    return [(uid, email) for uid, email in rows]


async def _covered(session: AsyncSession, service_ids: set[int]) -> dict[int, set[str]]:
    """Per service, the languages its active advisors read."""
    if not service_ids:
        return {}
    rows = await session.execute(
        select(StaffServiceMember.service_id, StaffUser.languages)
        .join(StaffUser, StaffUser.id == StaffServiceMember.user_id)
        .where(StaffServiceMember.service_id.in_(sorted(service_ids)),
               StaffUser.disabled_at.is_(None))
    )  # fmt: skip
    found: dict[int, set[str]] = {}
    for service_id, languages in rows:
        found.setdefault(service_id, set()).update(languages or ())
    return found


def _row(case: Case, covered: dict[int, set[str]]) -> CaseRow:
    service_id = case.service_id or 0
    return CaseRow(
        id=case.id, service_id=service_id, service_name=case.service_name,
        status=CaseStatus(case.status), language=case.language, topic=case.topic,
        created_at=case.created_at, assigned_to=case.assigned_to,
        first_response_due=case.first_response_due, next_response_due=case.next_response_due,
        language_covered=case.language in covered.get(service_id, set()),
        due_at=case.first_response_due if case.first_responded_at is None
        else case.next_response_due,
    )  # fmt: skip
