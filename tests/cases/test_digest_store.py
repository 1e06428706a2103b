"""The digest end to end: cases in the database, the registered job, a real SMTP server
on 127.0.0.1 (aiosmtpd). The figures follow the access rule; the e-mail holds counts and
links only; nobody gets two on one day; disabled logins and office staff get none."""

from __future__ import annotations

import asyncio
import re
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.cases import CaseDigestSource, Field, Request, assign, digest_jobs, hand_off, withdraw
from bot.cases.digest import INBOX_PATH
from bot.config import load_settings
from bot.db.models import AdviceService, Person, ServiceLevel
from bot.db.session import make_engine, make_sessionmaker
from bot.i18n import Catalogs
from bot.kernel.clock import utcnow
from bot.kernel.crypto import Vault
from bot.kernel.types import Channel
from bot.runtime.jobs import registered_jobs
from bot.runtime.services import Services
from tests.cases.test_cli import env, run
from tests.cases.test_digest import PUBLIC_URL, Server, body, catalogs, settings_for, smtp
from tests.support.cases import (
    DESCRIPTION,
    FIRST_NAME,
    PASSWORD,
    handed_off,
    new_person,
    seed_world,
)
from tests.support.clock import Clock

__all__ = ["catalogs", "env", "smtp"]


async def _level(services: Services, slug: str, first: int = 120) -> None:
    async with services.sessionmaker() as session, session.begin():
        service_id = await session.scalar(
            select(AdviceService.id).where(AdviceService.slug == slug)
        )
        assert service_id is not None
        session.add(ServiceLevel(service_id=service_id, first_response_minutes=first,
                                 next_response_minutes=60, digest_to=[]))  # fmt: skip


def figures(text: str) -> dict[str, int]:
    return {m[1]: int(m[2]) for m in re.finditer(r"^- (.+): (\d+)$", text, re.MULTILINE)}


async def test_the_digest_counts_what_each_advisor_may_see_once_a_day(
    services: Services, clock: Clock, smtp: Server, catalogs: Catalogs
) -> None:
    world = await seed_world(services)
    await _level(services, "svc-a")
    shared = {Field.FIRST_NAME: FIRST_NAME, Field.DESCRIPTION: DESCRIPTION}
    overdue = await handed_off(services, await new_person(services), values=shared)
    async with services.sessionmaker() as session, session.begin():
        await assign(session, world.logins["advisor:svc-a"], overdue,
                     world.logins["advisor:svc-a"], clock.now)  # fmt: skip
    clock.advance(hours=2)  # the first case's 120 business minutes are over
    soon = await handed_off(services, await new_person(services), values=shared)
    clock.advance(minutes=100)  # 20 of the second case's 120 minutes left: due soon
    elsewhere = await new_person(services)
    withdrawn = await handed_off(services, elsewhere, "svc-b")
    async with services.sessionmaker() as session, session.begin():
        # svc-b's only hand-off is withdrawn: its advisors see nothing, get nothing.
        assert await withdraw(session, elsewhere, withdrawn, clock.now, case_days=180)

    settings = settings_for(smtp.port, database_url=services.settings.database_url)
    [job] = digest_jobs(CaseDigestSource(services.sessionmaker), settings, catalogs, clock)
    await job.run()
    await job.run()  # the next quarter-hour, the same day: nothing again
    received = {to[0]: message for to, message in smtp.mailbox.received}
    assert sorted(received) == ["advisor@svc-a.example", "service-admin@svc-a.example"]
    assert len(smtp.mailbox.received) == 2

    mine = body(received["advisor@svc-a.example"])
    assert figures(mine) == {
        "Neu und nicht zugewiesen": 1, "Ihnen zugewiesen": 1, "Bald fällig": 1, "Überfällig": 1,
    }  # fmt: skip
    admin = body(received["service-admin@svc-a.example"])
    # The admin's own figures: the case assigned to a colleague is not theirs to chase.
    assert figures(admin) == {
        "Neu und nicht zugewiesen": 1, "Ihnen zugewiesen": 0, "Bald fällig": 1, "Überfällig": 0,
    }  # fmt: skip
    for text in (mine, admin):
        for word in (FIRST_NAME, "schwanger", "Aufenthalt", "residence", "arabisch", "ar,"):
            assert word not in text
        links = re.findall(r"https?://\S+", text)
        assert links and all(
            re.fullmatch(re.escape(PUBLIC_URL + INBOX_PATH) + r"\?view=[a-z-]+&service=svc-a", link)
            for link in links
        ), links
        # No case number anywhere: the only figures are the counts (and the date).
        numbers = set(re.findall(r"\d+", re.sub(r"https?://\S+", "", text)))
        assert numbers <= {"0", "1", "23", "2026"}, numbers
        assert str(overdue) not in links and str(soon) not in "".join(links)


@pytest.mark.usefixtures("env")
def test_the_command_refuses_without_an_smtp_server() -> None:
    done = run("advisor", "digest", "--now")
    assert done.returncode == 2 and "LOTSE_SMTP_HOST" in done.stderr


def test_the_job_is_registered_only_with_an_smtp_server(
    services: Services, smtp: Server, tmp_path: Path
) -> None:
    assert "advice-digest" not in {job.id for job in registered_jobs(services)}
    with_mail = services.settings.model_copy(update=dict(
        smtp_host="127.0.0.1", smtp_port=smtp.port, smtp_starttls=False,
        smtp_from="lotse@musterstadt.example"))  # fmt: skip
    object.__setattr__(services, "settings", with_mail)
    assert "advice-digest" in {job.id for job in registered_jobs(services)}


async def _hand_off_now(slug: str) -> None:
    """A hand-off to `slug` as the person would make it, at the real time."""
    engine = make_engine(load_settings(require_secret=False).database_url)
    now = utcnow()
    request = Request(service_slug=slug, values={Field.FIRST_NAME: FIRST_NAME}, language="ar",
                      channel=Channel.WEBCHAT, expires_at=now + timedelta(days=30))  # fmt: skip
    try:
        async with make_sessionmaker(engine)() as session, session.begin():
            person = Person(language="ar")
            session.add(person)
            await session.flush()
            await hand_off(session, Vault("k" * 32), person.id, request, now)
    finally:
        await engine.dispose()


def test_the_command_sends_at_once_and_not_twice(
    env: Path, smtp: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    for key, value in (("SMTP_HOST", "127.0.0.1"), ("SMTP_PORT", str(smtp.port)),
                       ("SMTP_STARTTLS", "false"), ("SMTP_FROM", "lotse@musterstadt.example"),
                       ("PUBLIC_URL", PUBLIC_URL)):  # fmt: skip
        monkeypatch.setenv(f"LOTSE_{key}", value)
    for email, slug in (("a@svc-a.example", "svc-a"), ("b@svc-b.example", "svc-b")):
        done = run("advisor", "create", "--email", email, "--service", slug,
                   "--password-stdin", stdin=PASSWORD + "\n")  # fmt: skip
        assert done.returncode == 0, done.stderr
    asyncio.run(_hand_off_now("svc-a"))
    first = run("advisor", "digest", "--now")
    assert first.returncode == 0 and first.stdout.startswith("1 digest"), first
    assert run("advisor", "digest", "--now").stdout.startswith("0 digest")
    [(to, message)] = smtp.mailbox.received
    assert to == ["a@svc-a.example"]  # svc-b's advisor has nothing to count
    assert figures(body(message))["Neu und nicht zugewiesen"] == 1
    assert FIRST_NAME not in body(message)
