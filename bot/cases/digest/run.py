"""When the digest goes: once a working day, from LOTSE_DIGEST_HOUR local time on.

The job runs every quarter of an hour. From the digest hour on a working day it asks the
case store for the advisors whose digest for today was not tried yet; the store marks
them tried in the same transaction, so however many processes run the job, each advisor
gets at most one digest a day. Then the e-mails are sent, outside any transaction. One
that fails (server away, address refused) is logged and not tried again today: the next
working day's digest brings the figures anew. An advisor with nothing to count gets no
e-mail.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from bot.cases.digest.compose import Recipient, compose
from bot.cases.digest.smtp import Outgoing, send
from bot.cases.service_level import is_working_day
from bot.config import Settings
from bot.i18n import Catalogs
from bot.kernel.jobs import Job

log = logging.getLogger(__name__)

EVERY = timedelta(minutes=15)


class DigestSource(Protocol):
    """What the digest needs of the case store."""

    async def claim_digests(self, day: date, now: datetime) -> Sequence[Recipient]:
        """The active advisors with an e-mail address whose digest for `day` was not
        tried yet, with their services' counts; marks them tried for `day` in the same
        transaction."""
        ...


def digest_due(settings: Settings, now: datetime) -> date | None:
    """The local day whose digest may go now, or None (not configured, too early, or
    a weekend or a public holiday in all of Germany)."""
    if not settings.mail_configured:
        return None
    local = now.astimezone(ZoneInfo(settings.timezone))
    if local.hour < settings.digest_hour or not is_working_day(local.date(), None):
        return None
    return local.date()


async def send_digests(
    source: DigestSource,
    settings: Settings,
    catalogs: Catalogs,
    now: datetime,
    *,
    at_once: bool = False,
) -> int:
    """Send today's digests that are due; how many the server accepted. `at_once`: on
    any day and hour (the operator's `lotse advisor digest --now`), still once a day."""
    day = digest_due(settings, now)
    if at_once and settings.mail_configured:
        day = now.astimezone(ZoneInfo(settings.timezone)).date()
    if day is None:
        return 0
    recipients = await source.claim_digests(day, now)
    batch = [
        Outgoing(
            recipient.staff_id,
            compose(
                recipient,
                catalogs,
                sender=settings.smtp_from,
                public_url=settings.public_url,
                now=now,
                timezone=settings.timezone,
            ),
        )
        for recipient in recipients
        if recipient.anything
    ]
    sent = await send(settings, batch)
    if batch:
        log.info("digest: %d of %d e-mails sent", len(sent), len(batch))
    return len(sent)


def digest_jobs(
    source: DigestSource,
    settings: Settings,
    catalogs: Catalogs,
    clock: Callable[[], datetime],
) -> list[Job]:
    """The digest's job; none while no SMTP server is set."""
    if not settings.mail_configured:
        return []

    async def run() -> bool:
        await send_digests(source, settings, catalogs, clock())
        return False  # nothing for the outbox's dispatcher

    return [Job("advice-digest", EVERY, run)]
