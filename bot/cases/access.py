"""THE rule of who sees a case, in one place; every reader goes through it.

A staff member sees a case only when they are an advisor or service admin, their login
is not disabled, they belong to the case's service, and the hand-off is neither
withdrawn nor expired. Anyone else (office staff, another service's members, the
operator's command line, which has no staff login) gets `CaseNotFound`, exactly as for
an id that does not exist: a refusal must not tell that a case exists.

The rule is read from the database at each access, never from a session's copy: a
membership removed or a login disabled ends access with the next request. Each access
that shows or changes a case writes one access-log entry per person concerned, naming
the service, so the person sees it in "Who looked at my data".
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import ColumnElement

from bot.audit import Actor, Category, Concerned, record
from bot.db.models import Case, StaffServiceMember, StaffUser
from bot.staff import StaffRole


class CaseNotFound(LookupError):
    """No such case, or not one this staff member may see: the same answer for both."""


@dataclass(frozen=True, slots=True)
class Member:
    """A staff member as the rule sees them at this moment."""

    user_id: int
    role: StaffRole
    service_ids: frozenset[int]
    languages: tuple[str, ...]

    @property
    def actor(self) -> Actor:
        return Actor.advisor(self.user_id, admin=self.role is StaffRole.SERVICE_ADMIN)


async def member(session: AsyncSession, user_id: int) -> Member | None:
    """The advisor or service admin behind a login now; None for anyone else (office
    staff, a disabled login, an unknown id)."""
    user = await session.get(StaffUser, user_id)
    if user is None or user.disabled_at is not None or not StaffRole(user.role).advises:
        return None
    services = await session.scalars(
        select(StaffServiceMember.service_id).where(StaffServiceMember.user_id == user_id)
    )
    return Member(user.id, StaffRole(user.role), frozenset(services), tuple(user.languages or ()))


def visible(who: Member, now: datetime) -> ColumnElement[bool]:
    """The rule as a condition on `cases`, for lists."""
    return and_(
        Case.service_id.in_(sorted(who.service_ids)),
        Case.withdrawn_at.is_(None),
        Case.expires_at > now,
    )


def may_see(who: Member | None, case: Case | None, now: datetime) -> bool:
    """The same rule for one loaded case."""
    return (
        who is not None
        and case is not None
        and case.service_id is not None
        and case.service_id in who.service_ids
        and case.withdrawn_at is None
        and case.expires_at > now
    )


async def checked(
    session: AsyncSession, user_id: int, case_id: int, now: datetime, *, lock: bool = False
) -> tuple[Member, Case]:
    """The staff member and the case, if the rule lets them see it; else CaseNotFound.
    Nothing is logged: the caller logs what it shows (`look`) or changes (`log`)."""
    who = await member(session, user_id)
    if who is None:
        raise CaseNotFound(case_id)
    case = await session.get(Case, case_id, with_for_update=lock or None)
    if case is None or not may_see(who, case, now):
        raise CaseNotFound(case_id)
    return who, case


async def look(
    session: AsyncSession,
    user_id: int,
    case_id: int,
    now: datetime,
    action: str = "case.read",
    *,
    lock: bool = False,
) -> tuple[Member, Case]:
    """`checked`, then the one access-log entry of this look."""
    who, case = await checked(session, user_id, case_id, now, lock=lock)
    await log(session, who, (case,), action, now)
    return who, case


async def log(
    session: AsyncSession, who: Member, cases: Iterable[Case], action: str, now: datetime
) -> None:
    """One entry per person concerned, naming the service each case belongs to."""
    by_service: dict[str, list[Concerned]] = {}
    for case in cases:
        by_service.setdefault(case.service_name, []).append(Concerned(person_id=case.person_id))
    for service_name, concerned in by_service.items():
        await record(session, who.actor, action, now, concerns=_unique(concerned),
                     categories=(Category.CASE,), detail=service_name[:200])  # fmt: skip


def _unique(concerned: Sequence[Concerned]) -> list[Concerned]:
    return list(dict.fromkeys(concerned))
