"""Two runs of the follow-up jobs at the same moment act on each invitation once (one
reminder, one expiry, one retry on the next channel), even without the job claim
(bot/runtime/job_runs.py): the invitations are taken under row locks
(bot/invitations/follow_up.py).

Two "processes" are two engines on one database, running the job concurrently.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.models import Invitation, InvitationEvent, Letter, Message
from bot.db.session import make_engine, make_sessionmaker
from bot.invitations.create import create_invitation
from bot.invitations.follow_up import remind_and_expire, sync_statuses
from bot.invitations.request import InvitationRequest, Personal
from bot.invitations.sending import InvitationSender
from bot.kernel.types import Channel, OutboxStatus
from bot.offices.registry import create_office
from bot.runtime.services import Services
from tests.support.clock import Clock
from tests.support.invitations import ADDRESS, AT_OFFICE, printed, reminders


@pytest.fixture
async def sessionmakers(
    services: Services,
) -> AsyncIterator[list[async_sessionmaker[AsyncSession]]]:
    engines = [make_engine(services.settings.database_url) for _ in range(2)]
    yield [make_sessionmaker(engine) for engine in engines]
    for engine in engines:
        await engine.dispose()


async def expired_events(sessionmaker: async_sessionmaker[AsyncSession]) -> Counter[int]:
    async with sessionmaker() as session:
        return Counter(
            await session.scalars(
                select(InvitationEvent.invitation_id).where(InvitationEvent.status == "expired")
            )
        )


async def at_once(
    services: Services, sessionmakers: list[async_sessionmaker[AsyncSession]], clock: Clock
) -> tuple[int, int]:
    """Both processes run the job at the same moment: (reminded, expired) in all."""
    results = await asyncio.gather(
        *(remind_and_expire(s, services.invitations, clock()) for s in sessionmakers)
    )
    return sum(r for r, _ in results), sum(e for _, e in results)


async def test_two_runs_at_the_same_moment_send_one_reminder_per_invitation(
    services: Services,
    clock: Clock,
    sessionmakers: list[async_sessionmaker[AsyncSession]],
) -> None:
    due = await printed(services, clock(), 30)
    clock.advance(days=services.settings.invitation_reminder_days, hours=1)  # 11:00 in Berlin

    assert await at_once(services, sessionmakers, clock) == (30, 0)

    letters, events = await reminders(services.sessionmaker)
    assert letters == events == Counter(dict.fromkeys(due, 1))
    assert await at_once(services, sessionmakers, clock) == (0, 0)  # once reminded, never again


async def test_two_runs_at_the_same_moment_expire_each_invitation_once_and_remind_once(
    services: Services,
    clock: Clock,
    sessionmakers: list[async_sessionmaker[AsyncSession]],
) -> None:
    settings = services.settings
    # Printed long ago: expired by now. And invitations whose one reminder is due now.
    old = clock() - timedelta(days=settings.invitation_valid_days + 1)
    expiring = await printed(services, old, 10, prefix="OLD")
    due = await printed(services, clock(), 10)
    clock.advance(days=settings.invitation_reminder_days, hours=1)

    assert await at_once(services, sessionmakers, clock) == (10, 10)

    assert await expired_events(services.sessionmaker) == Counter(dict.fromkeys(expiring, 1))
    letters, events = await reminders(services.sessionmaker)
    assert letters == events == Counter(dict.fromkeys(due, 1))


async def test_two_runs_at_the_same_moment_try_the_next_channel_once_after_a_failure(
    services: Services,
    clock: Clock,
    sessionmakers: list[async_sessionmaker[AsyncSession]],
) -> None:
    # SMS counts as available: the invitations are queued by SMS (nothing sends them here).
    sender = InvitationSender(
        settings=services.settings, vault=services.vault, catalogs=services.catalogs,
        available=frozenset({Channel.WEBCHAT, Channel.SMS}),
    )  # fmt: skip
    personal = Personal(phone="+4915112345678", postal_address=ADDRESS)
    async with services.sessionmaker() as session, session.begin():
        office = await create_office(session, slug="mitte", name="Bürgeramt Mitte")
        for n in range(20):
            await create_invitation(
                session, office=office, sender=sender, now=clock(), request=InvitationRequest(
                    reference=f"S-{n}", language="uk", channels=(Channel.SMS, Channel.LETTER),
                    personal=personal, consent_recorded_at=AT_OFFICE,
                    notice_version="office-2026-01",
                ),
            )  # fmt: skip
        # Every SMS failed at the provider, as the dispatcher records it.
        await session.execute(
            update(Message).values(status=OutboxStatus.FAILED.value, error="30003 unreachable")
        )
    invitations = await invitation_ids(services.sessionmaker)
    clock.advance(minutes=1)

    changed = await asyncio.gather(*(sync_statuses(s, sender, clock()) for s in sessionmakers))

    assert sum(changed) == 20
    async with services.sessionmaker() as session:
        letters = Counter(await session.scalars(select(Letter.invitation_id)))
        retries = Counter(
            await session.scalars(
                select(InvitationEvent.invitation_id).where(InvitationEvent.status == "retry")
            )
        )
    assert letters == retries == Counter(dict.fromkeys(invitations, 1))


async def invitation_ids(sessionmaker: async_sessionmaker[AsyncSession]) -> list[int]:
    async with sessionmaker() as session:
        return list(await session.scalars(select(Invitation.id)))
