"""What the outbox's durable "started" mark costs: SMS rows sent per second, CPU time
and commits per row, next to a same-run baseline.

In one process, without HTTP: the outbox is filled with N rows of each kind for
N people, and the dispatcher sends them through in-process adapters that answer at
once (an SMS channel like Twilio's, and the web chat). Three kinds:

- baseline: web chat rows (resending is harmless there: no marks, results written
  once per round), unaffected by the mark, so machine noise shows in it too;
- sms 1 part: one provider call per row;
- sms 3 parts: a reply split into three SMS, three provider calls per row.

Each kind runs `--repeat` times, interleaved; the median is printed. CPU is this
process's (the database server's work is not in it); commits are counted on the
engine, for the dispatcher alone.

    .venv/bin/python -m bench.outbox_marks [--rows 1000] [--repeat 3] [--latency 0]
        [--rate 0] [--postgres postgresql+asyncpg://…/postgres]

By default the SMS channel is unpaced, so senders run side by side; `--rate 40`
paces it as Twilio would be (then rows/s is the pace, and CPU and commits per row
are what a paced channel costs).

Without --postgres the PostgreSQL run uses LOTSE_TEST_POSTGRES_URL if set.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import event, insert

from adapters.webchat import WebChatAdapter
from bench.chat_throughput import SECRET, fresh_postgres
from bot.cli.main import DEMO_MUNICIPALITY, set_municipality
from bot.config import load_settings
from bot.db import migrate
from bot.db.models import Contact
from bot.kernel.types import Capabilities, Channel, OutboundMessage, RateLimit
from bot.messaging import Outgoing, SendResult, enqueue_many
from bot.runtime.services import Services, build_services
from flows import build_router

#: Three GSM-7 sentences of about 150 characters: one SMS each at one segment per part.
SENTENCE = "Ihr Termin im Bürgeramt ist bestätigt; bitte bringen Sie Ihren Pass mit. " * 2
THREE_PARTS = "\n".join(f"{i}. {SENTENCE.strip()}" for i in (1, 2, 3))
ONE_PART = "Ihr Termin ist bestätigt."


class InstantSms:
    """An SMS provider that accepts every message after `latency` seconds."""

    channel = Channel.SMS
    capabilities = Capabilities(
        buttons=False, max_length=None, needs_rtl_marks=True, max_sms_segments=1
    )
    resend_is_harmless = False

    def __init__(self, latency: float, rate: float) -> None:
        self.latency = latency
        self.rate_limit = RateLimit(rate) if rate else None
        self.calls = 0

    async def start(self) -> None:
        pass

    async def close(self) -> None:
        pass

    async def send(self, message: OutboundMessage) -> SendResult:
        if self.latency:
            await asyncio.sleep(self.latency)
        self.calls += 1
        return SendResult(provider_id=f"SM{uuid.uuid4().hex}")


@dataclass(frozen=True)
class Run:
    rows: int
    calls: int
    seconds: float
    cpu: float
    commits: int


async def contacts(services: Services, channel: Channel, count: int) -> list[int]:
    vault, now = services.vault, datetime.now(UTC)
    rows = [
        {
            "channel": channel.value,
            "address_index": vault.index("bench", f"{channel}-{uuid.uuid4().hex}"),
            "address_enc": vault.encrypt(f"+49151{i:08d}") if channel is Channel.SMS else None,
            "reachable": True,
            "created_at": now,
        }
        for i in range(count)
    ]
    async with services.sessionmaker() as session, session.begin():
        ids = await session.scalars(insert(Contact).returning(Contact.id), rows)
        return list(ids)


async def one_run(
    services: Services, channel: Channel, text: str, people: list[int], sms: InstantSms
) -> Run:
    async with services.sessionmaker() as session, session.begin():
        outgoing = [Outgoing(None, contact, channel.value, "de", text) for contact in people]
        await enqueue_many(session, services.vault, outgoing, datetime.now(UTC))
    commits = 0

    def count(_connection: Any) -> None:
        nonlocal commits
        commits += 1

    engine = services.db.sync_engine
    event.listen(engine, "commit", count)
    calls = sms.calls
    wall, cpu = time.perf_counter(), time.process_time()
    rows = 0
    while sent := await services.dispatcher.dispatch_once():
        rows += sent
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    event.remove(engine, "commit", count)
    return Run(rows, sms.calls - calls, wall, cpu, commits)


async def drop_postgres(admin_url: str, name: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(admin_url.replace("postgresql+asyncpg", "postgresql"))
    await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    await connection.close()


def median_line(name: str, runs: list[Run]) -> str:
    rows = runs[0].rows
    rate = statistics.median(r.rows / r.seconds for r in runs)
    cpu = statistics.median(r.cpu / r.rows * 1000 for r in runs)
    commits = statistics.median(r.commits / r.rows for r in runs)
    calls = runs[0].calls / rows if runs[0].calls else 0.0
    return (
        f"  {name:<13} {rate:7.0f} rows/s  {cpu:5.2f} ms CPU/row  "
        f"{commits:4.2f} commits/row  ({rows} rows, {calls:.0f} provider calls/row)"
    )


async def measure(database_url: str, args: argparse.Namespace, data_dir: Path) -> list[str]:
    settings = load_settings(
        database_url=database_url,
        secret_key=SECRET,
        data_dir=data_dir,
        _env_file=None,
        log_level="WARNING",
    )
    await set_municipality(settings, DEMO_MUNICIPALITY, only_if_missing=True)
    sms = InstantSms(args.latency, args.rate)
    services = await build_services(
        settings,
        router_factory=build_router,
        adapters={Channel.WEBCHAT: WebChatAdapter(), Channel.SMS: sms},
    )
    kinds = {
        "baseline": (Channel.WEBCHAT, ONE_PART),
        "sms 1 part": (Channel.SMS, ONE_PART),
        "sms 3 parts": (Channel.SMS, THREE_PARTS),
    }
    people = {c: await contacts(services, c, args.rows) for c, _ in kinds.values()}
    runs: dict[str, list[Run]] = {name: [] for name in kinds}
    for _ in range(args.repeat):
        for name, (channel, text) in kinds.items():
            runs[name].append(await one_run(services, channel, text, people[channel], sms))
    await services.close()
    return [median_line(name, found) for name, found in runs.items()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1000, help="rows of each kind per run")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--latency", type=float, default=0.0, help="provider answer, seconds")
    parser.add_argument("--rate", type=float, default=0.0, help="SMS sends per second (0: unpaced)")
    parser.add_argument("--postgres", default=os.environ.get("LOTSE_TEST_POSTGRES_URL", ""))
    args = parser.parse_args()
    pace = f"{args.rate:g}/s" if args.rate else "unpaced"
    print(f"median of {args.repeat}, provider latency {args.latency * 1000:.0f} ms, SMS {pace}")
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{tmp}/bench.sqlite3"
        migrate.upgrade(url)
        lines = asyncio.run(measure(url, args, Path(tmp)))
        print("SQLite", *lines, sep="\n")
        if args.postgres:
            url = fresh_postgres(args.postgres)
            try:
                migrate.upgrade(url)
                lines = asyncio.run(measure(url, args, Path(tmp)))
                print("PostgreSQL", *lines, sep="\n")
            finally:
                asyncio.run(drop_postgres(args.postgres, url.rsplit("/", 1)[1]))


if __name__ == "__main__":
    main()
