"""The digest's figures from the case store (bot.cases.digest.DigestSource).

Each advisor's counts come from exactly the cases the access rule lets them see
(bot.cases.access.visible): the same rule as the inbox, so the e-mail never counts a
case the advisor could not open. Only counts leave here; no case is shown, so no
access-log entry is written.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.advice import load
from bot.cases.access import Member, member, visible
from bot.cases.digest import Recipient, ServiceCounts
from bot.cases.due import level_of
from bot.cases.service_level import DUE_SOON_SHARE, ServiceLevel
from bot.cases.views import CaseStatus
from bot.db.models import AdviceService, Case, StaffUser
from bot.db.models import ServiceLevel as ServiceLevelRow
from bot.staff import StaffRole


class CaseDigestSource:
    """Claims today's digests in one transaction (FOR UPDATE SKIP LOCKED where the
    database has it), so two processes never send one advisor two."""

    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        self._sessionmaker = sessionmaker

    async def claim_digests(self, day: date, now: datetime) -> Sequence[Recipient]:
        async with self._sessionmaker() as session, session.begin():
            users = list(
                await session.scalars(
                    select(StaffUser)
                    .where(
                        StaffUser.role.in_(
                            [StaffRole.ADVISOR.value, StaffRole.SERVICE_ADMIN.value]
                        ),
                        StaffUser.disabled_at.is_(None),
                        or_(StaffUser.digest_on.is_(None), StaffUser.digest_on < day),
                    )
                    .order_by(StaffUser.id)
                    .with_for_update(skip_locked=True)
                )
            )
            found = []
            for user in users:
                user.digest_on = day
                who = await member(session, user.id)
                if who is not None and who.service_ids:
                    services = await counts(session, who, now)
                    found.append(Recipient(user.id, user.email, user.language, services))
            return found


async def counts(session: AsyncSession, who: Member, now: datetime) -> tuple[ServiceCounts, ...]:
    """Per service of the advisor (by name): unassigned, theirs, due soon, overdue."""
    rows = await session.execute(
        select(AdviceService.id, AdviceService.slug).where(
            AdviceService.id.in_(sorted(who.service_ids))
        )
    )
    slugs: dict[int, str] = {service_id: slug for service_id, slug in rows}
    names = {s.slug: s.name for s in await load(session)}
    levels: dict[int, ServiceLevel] = {
        row.service_id: level_of(row)
        for row in await session.scalars(
            select(ServiceLevelRow).where(ServiceLevelRow.service_id.in_(sorted(slugs)))
        )
    }
    cases = await session.execute(
        select(Case.service_id, Case.assigned_to, Case.first_responded_at,
               Case.first_response_due, Case.next_response_due, Case.waiting_since)
        .where(visible(who, now), Case.status != CaseStatus.RESOLVED.value,
               or_(Case.assigned_to.is_(None), Case.assigned_to == who.user_id))
    )  # fmt: skip
    figures = {
        sid: dict.fromkeys(("unassigned", "mine", "due_soon", "overdue"), 0) for sid in slugs
    }
    for service_id, assigned, responded, first_due, next_due, waiting in cases:
        if service_id is None:
            continue
        figure = figures[service_id]
        figure["mine" if assigned == who.user_id else "unassigned"] += 1
        due_at = first_due if responded is None else next_due
        level = levels.get(service_id)
        if due_at is None or waiting is not None or level is None:
            continue
        if due_at <= now:
            figure["overdue"] += 1
            continue
        target = (
            level.targets.first_response_minutes
            if responded is None
            else level.targets.next_response_minutes
        )
        if level.calendar.between(now, due_at) <= target * DUE_SOON_SHARE:
            figure["due_soon"] += 1
    return tuple(
        ServiceCounts(slug=slugs[sid], name=names.get(slugs[sid], slugs[sid]), **figures[sid])
        for sid in sorted(slugs, key=lambda s: names.get(slugs[s], slugs[s]))
    )
