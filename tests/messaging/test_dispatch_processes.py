"""Real `lotse dispatch` processes on one PostgreSQL database, sending through the real
twilio client to a fake Twilio on 127.0.0.1: no row is sent twice, a person's order
holds, and a `kill -9` mid-batch ends as the outbox promises (bot/messaging/sweep.py): rows
claimed but not started are sent after the restart; only a row whose call was under way is
failed as "interrupted", never sent again, and its person gets a note about it."""

from __future__ import annotations

import asyncio
import collections
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.db.models import Contact, Message
from bot.messaging.body import decode_body
from bot.messaging.sweep import INTERRUPTED
from bot.runtime.services import Services
from tests.fakes.twilio import ACCOUNT_SID, AUTH_TOKEN, FakeTwilio
from tests.support.database import truncate
from tests.support.outbox import queue
from tests.support.settings import SECRET

pytestmark = pytest.mark.postgres
ROOT = Path(__file__).resolve().parents[2]
PEOPLE, EACH = 20, 10


@pytest.fixture
async def database_url(pg_database: str) -> str:  # PostgreSQL only: SQLite has one writer
    await truncate(pg_database)
    return pg_database


def dispatcher(database_url: str, fake_url: str, tmp_path: Path) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LOTSE_")}
    env.update(
        {
            "PYTHONPATH": str(ROOT),
            "LOTSE_DATABASE_URL": database_url,
            "LOTSE_SECRET_KEY": SECRET,
            "LOTSE_DATA_DIR": str(tmp_path),
            "LOTSE_TWILIO_ACCOUNT_SID": ACCOUNT_SID,
            "LOTSE_TWILIO_AUTH_TOKEN": AUTH_TOKEN,
            "LOTSE_TWILIO_FROM": "+4915000000000",
            "LOTSE_TWILIO_API_URL": fake_url,
            "LOTSE_TWILIO_RATE_PER_SECOND": "1000",
            "LOTSE_OUTBOX_LEASE_SECONDS": "3",
            "LOTSE_LOG_LEVEL": "WARNING",
        }
    )
    return subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "dispatch"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


async def fill(services: Services, clock) -> dict[str, list[str]]:
    expected: dict[str, list[str]] = {}
    for p in range(PEOPLE):
        number = f"+49151000{p:05d}"
        texts = [f"person {p} message {i}" for i in range(EACH)]
        # The SMS contacts are found by their encrypted number, as the engine stores them.
        await queue(services, clock, texts, address=number)
        expected[number] = texts
    return expected


async def settled(services: Services, within: float) -> dict[str, int]:
    deadline = time.monotonic() + within
    while True:
        async with services.sessionmaker() as session:
            rows = dict(
                (
                    await session.execute(
                        select(Message.status, func.count()).group_by(Message.status)
                    )
                ).all()
            )
        if not rows.get("queued") and not rows.get("sending"):
            return rows
        if time.monotonic() > deadline:
            pytest.fail(f"outbox not drained in {within} s: {rows}")
        await asyncio.sleep(0.2)


def stop(process: subprocess.Popen[str]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


async def test_two_dispatcher_processes_never_send_a_row_twice(
    services: Services, clock, database_url: str, tmp_path: Path
) -> None:
    expected = await fill(services, clock)
    async with FakeTwilio() as fake:
        fake.slow(0.02, times=-1)  # a provider that takes a moment, so the two overlap
        processes = [dispatcher(database_url, fake.url, tmp_path) for _ in range(2)]
        try:
            counts = await settled(services, within=90)
        finally:
            for process in processes:
                stop(process)
        bodies = [m.body for m in fake.messages]
        assert counts == {"sent": PEOPLE * EACH}
        assert len(bodies) == len(set(bodies)) == PEOPLE * EACH  # each row exactly once
        received: dict[str, list[str]] = collections.defaultdict(list)
        for message in fake.messages:
            received[message.to].append(message.body or "")
        assert received == expected  # and in order per person
        assert all(p.returncode == 0 for p in processes), [p.stdout.read() for p in processes]


async def test_kill_9_mid_batch_then_restart_keeps_the_promise(
    services: Services, clock, database_url: str, tmp_path: Path
) -> None:
    await fill(services, clock)
    async with FakeTwilio() as fake:
        fake.slow(0.2, times=-1)
        first = dispatcher(database_url, fake.url, tmp_path)
        deadline = time.monotonic() + 60
        while len(fake.attempts) < 15 and time.monotonic() < deadline:  # noqa: ASYNC110
            await asyncio.sleep(0.05)
        first.send_signal(signal.SIGKILL)  # no cleanup: in-flight rows stay "sending"
        first.wait()
        async with services.sessionmaker() as session:
            in_flight = int(
                await session.scalar(
                    select(func.count()).select_from(Message).where(Message.status == "sending")
                )
                or 0
            )
        assert in_flight > 0, "the kill did not catch a batch in flight"
        second = dispatcher(database_url, fake.url, tmp_path)
        try:
            counts = await settled(services, within=90)
        finally:
            stop(second)
        async with services.sessionmaker() as session:
            rows = (
                await session.execute(
                    select(
                        Message.status, Message.error, Message.body_enc, Contact.address_enc
                    ).join(Contact, Contact.id == Message.contact_id)
                )
            ).all()
    bodies = [m.body for m in fake.messages]
    assert len(bodies) == len(set(bodies)), "a message reached the provider twice"
    vault = services.vault
    decoded = [(r.status, r.error, decode_body(vault, r.body_enc)) for r in rows]
    replies = [(status, error, body["text"]) for status, error, body in decoded
               if "note_of" not in body]  # fmt: skip
    notes = [body["text"] for status, _, body in decoded if "note_of" in body]
    sent = {text for status, _, text in replies if status == "sent"}
    interrupted = {text for status, error, text in replies
                   if status == "failed" and error == INTERRUPTED}  # fmt: skip
    # Only what was really in flight is lost: the rest of the killed batch went out.
    assert len(sent) + len(interrupted) == PEOPLE * EACH
    assert 0 < len(interrupted) <= min(in_flight, PEOPLE)  # one send in flight per person
    assert sent <= set(bodies)  # every row marked sent did reach the provider
    # Each person with an uncertain message got a note repeating it, after the rest.
    assert len(notes) == len(interrupted) and counts.get("failed", 0) == len(interrupted)
    assert {note.rsplit("\n\n", 1)[-1] for note in notes} == interrupted
    assert set(bodies) <= sent | set(notes) | interrupted  # nothing unaccounted for
