"""`lotse services …`: the advice directory (docs/advice-services.md)."""

from __future__ import annotations

from bot.advice import seed_demo
from bot.cli.common import run_in_session
from bot.config import Settings
from bot.kernel.clock import utcnow


def seed_demo_services(settings: Settings) -> None:
    """`lotse demo`: the fictional services, into a directory never filled."""
    now = utcnow()
    run_in_session(settings, lambda s: seed_demo(s, now=now, today=settings.local_date(now)))
