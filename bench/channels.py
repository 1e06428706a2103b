"""Provider channels under load: Twilio webhooks in, outbox dispatch out, against fakes.

Everything runs on 127.0.0.1: Lotse as real `lotse serve` / `lotse dispatch`
processes, the fake providers (tests/fakes) in this process, load generators in
this process or a child. Each figure is printed next to a baseline measured in
the same run, because the machine is shared and noisy.

1. Inbound SMS webhook: signed `POST /webhooks/twilio/sms` accepted per second
   by `lotse serve` (distinct MessageSids, a few hundred numbers, signatures
   computed before the clock starts), against a bare aiohttp form handler
   (bench/baseline_server.py /form). Lotse's dispatcher runs in the same process
   at Twilio's default pace (LOTSE_TWILIO_RATE_PER_SECOND=1), as deployed.
2. End to end: simulated people each text Lotse and wait until the whole reply
   has reached the fake Twilio REST API, then text again (pacing set out of the
   way). Inbound messages/s, SMS requests/s at the fake, and the time from the
   inbound POST to the first and to the last part of the reply.
3. Outbound dispatch against a provider limited to R messages/s: the fake answers
   429 with Retry-After beyond R in any sliding 1-second window; Lotse is paced at
   R; one `lotse dispatch` process drains a pre-filled outbox. Achieved rate / R,
   429s, and the most messages the fake saw in any 1-second window.
4. Outbound dispatch, unlimited: the same with no limit and pacing set out of the
   way. The ceiling is how fast the same fake absorbs a plain aiohttp client loop
   (a child process, 64 connections), measured first.

    .venv/bin/python -m bench.channels [--seconds 10] [--postgres postgresql+asyncpg://…/postgres]
        [--only 1,2,3,4] [--rates 50,200]

Without --postgres the PostgreSQL runs use LOTSE_TEST_POSTGRES_URL if set; each
PostgreSQL run gets a fresh database, dropped afterwards.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import bisect
import contextlib
import itertools
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from collections import deque
from collections.abc import AsyncIterator, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import aiohttp
from aiohttp import web
from sqlalchemy import func, insert, select
from twilio.request_validator import RequestValidator  # type: ignore[import-untyped]

from bench.chat_throughput import SECRET, fresh_postgres, prepare_lotse
from bench.common import ROOT, Figures, free_port, server
from bot.conversation.tables import CONTACTS, MESSAGES
from bot.db.session import make_engine
from bot.kernel.clock import utcnow
from bot.kernel.crypto import Vault
from bot.kernel.types import Channel, Direction, OutboxStatus
from bot.messaging.body import encode_body
from bot.people.contacts import address_index
from tests.fakes.telegram import TOKEN as TELEGRAM_TOKEN
from tests.fakes.telegram import FakeTelegram
from tests.fakes.twilio import ACCOUNT_SID, AUTH_TOKEN, FakeTwilio

SENDER = "+4915000000000"  # Lotse's number
INBOUND_PATH = "/webhooks/twilio/sms"
INBOUND_TEXT = "مرحبا"  # not understood at the language prompt: the same reply every time
OUTBOUND_TEXT = "Ihr Termin: Montag, 10 Uhr, Rathaus, Zimmer 12. Bitte Ausweis mitbringen."
WEBHOOK_SECRET = "bench-webhook-secret-0123456789"
UNPACED = 100_000.0  # messages/s: pacing that never waits in practice
CONCURRENCY = 32  # webhook clients, as in bench/chat_throughput.py
BLAST_CONCURRENCY = 64  # the ceiling's client loop
STOP_GRACE = 20.0  # seconds a Lotse process gets to stop after SIGTERM


class BenchError(Exception):
    """The benchmark cannot go on; the message says why."""


def numbers(count: int, start: int = 0) -> list[str]:
    """Distinct German mobile numbers in E.164."""
    return [f"+49151{i:08d}" for i in range(start, start + count)]


# -- the fakes, with a strict limit and arrival times ---------------------------


class Window:
    """Admits at most `limit` events in any sliding second, (t - 1 s, t]."""

    def __init__(self, limit: float) -> None:
        self.limit = limit
        self._times: deque[float] = deque()

    def admit(self, now: float) -> bool:
        times = self._times
        while times and times[0] <= now - 1.0:
            times.popleft()
        if len(times) >= self.limit:
            return False
        times.append(now)
        return True


def max_in_any_second(times: Sequence[float]) -> int:
    """The most events in any window (t - 1 s, t] over sorted times."""
    best, start = 0, 0
    for end, t in enumerate(times):
        while times[start] <= t - 1.0:
            start += 1
        best = max(best, end - start + 1)
    return best


class Expect:
    """An end-to-end person waiting for `parts` messages to their number."""

    def __init__(self, parts: int) -> None:
        self.left = parts
        self.first: float | None = None
        self.done: asyncio.Future[float] = asyncio.get_running_loop().create_future()

    def arrived(self, now: float) -> bool:
        if self.done.done():
            return False
        if self.first is None:
            self.first = now
        self.left -= 1
        if self.left == 0:
            self.done.set_result(now)
        return True


@dataclass
class Arrivals:
    """What a fake accepted (monotonic times; the clock is shared with this process)."""

    times: list[float] = field(default_factory=list)
    #: When the fake answered 429.
    refused: list[float] = field(default_factory=list)
    #: End to end: people waiting for their reply, by number.
    waiters: dict[str, Expect] = field(default_factory=dict)
    unexpected: int = 0

    def accepted(self, now: float, to: str) -> None:
        self.times.append(now)
        waiter = self.waiters.get(to)
        if waiter is None or not waiter.arrived(now):
            self.unexpected += 1

    def between(self, start: float, end: float) -> int:
        return bisect.bisect_right(self.times, end) - bisect.bisect_left(self.times, start)


class BenchTwilio(FakeTwilio):
    """tests/fakes/twilio.py, with an optional strict limit per sender and arrival times."""

    def __init__(self, per_second: float | None = None) -> None:
        super().__init__()
        self.limit = per_second
        self.log = Arrivals()
        self._windows: dict[str, Window] = {}

    async def _create(self, request: web.Request) -> web.Response:
        now = time.monotonic()
        form = await request.post()  # cached: the fake's own handler reads it again
        to = str(form.get("To", ""))
        if self.limit is not None:
            sender = str(form.get("From") or form.get("MessagingServiceSid") or "")
            window = self._windows.setdefault(sender, Window(self.limit))
            if not window.admit(now):
                self.log.refused.append(now)
                return self._error(429, 20429, retry_after="1")
        response = await super()._create(request)
        if response.status == 201:
            self.log.accepted(now, to)
        return response


class BenchTelegram(FakeTelegram):
    """tests/fakes/telegram.py, with an optional strict global limit on sendMessage."""

    def __init__(self, per_second: float | None = None) -> None:
        super().__init__()
        self.limit = per_second
        self.log = Arrivals()
        self._window = Window(per_second) if per_second is not None else None

    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["method"] != "sendMessage":
            return await super()._handle(request)
        now = time.monotonic()
        if self._window is not None and not self._window.admit(now):
            self.log.refused.append(now)
            body = {
                "ok": False,
                "error_code": 429,
                "description": "Too Many Requests: retry after 1",
                "parameters": {"retry_after": 1},
            }
            return web.json_response(body, status=429, headers={"Retry-After": "1"})
        response = await super()._handle(request)
        if response.status == 200:
            self.log.accepted(now, "")
        return response


@contextlib.asynccontextmanager
async def running_fake(kind: str, per_second: float | None) -> AsyncIterator[Any]:
    if kind == "twilio":
        async with BenchTwilio(per_second) as twilio:
            yield twilio
    else:
        async with BenchTelegram(per_second) as telegram:
            yield telegram


# -- Lotse processes and databases --------------------------------------------


@contextlib.contextmanager
def database(kind: str, tmp: Path, admin_url: str) -> Iterator[str]:
    """A fresh, empty database: a new SQLite file, or a new PostgreSQL database."""
    if kind == "SQLite":
        yield f"sqlite+aiosqlite:///{tmp}/{uuid.uuid4().hex[:8]}.sqlite3"
        return
    url = fresh_postgres(admin_url)
    try:
        yield url
    finally:
        asyncio.run(_drop_postgres(admin_url, url.rsplit("/", 1)[1]))


async def _drop_postgres(admin_url: str, name: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(admin_url.replace("postgresql+asyncpg", "postgresql"))
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await connection.close()


def twilio_env(api_url: str, pace: float) -> dict[str, str]:
    return {
        "LOTSE_TWILIO_ACCOUNT_SID": ACCOUNT_SID,
        "LOTSE_TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "LOTSE_TWILIO_FROM": SENDER,
        "LOTSE_TWILIO_API_URL": api_url,
        "LOTSE_TWILIO_RATE_PER_SECOND": str(pace),
        "LOTSE_CONTACT_CHANNELS": "webchat,sms",
    }


def telegram_env(api_url: str, pace: float, per_chat: float) -> dict[str, str]:
    return {
        "LOTSE_TELEGRAM_TOKEN": TELEGRAM_TOKEN,
        "LOTSE_TELEGRAM_API_URL": api_url,
        "LOTSE_TELEGRAM_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "LOTSE_TELEGRAM_RATE_PER_SECOND": str(pace),
        "LOTSE_TELEGRAM_RATE_PER_CHAT_PER_SECOND": str(per_chat),
    }


class LotseProcess:
    """`python -m bot.cli <args>` as a child; stderr goes to a file, read on trouble."""

    def __init__(self, args: list[str], env: dict[str, str], log_dir: Path) -> None:
        self.args = args
        self.env = {**os.environ, "PYTHONPATH": str(ROOT), **env}
        self.log = log_dir / f"lotse-{args[0]}-{uuid.uuid4().hex[:6]}.log"
        self.process: asyncio.subprocess.Process | None = None

    def tail(self, lines: int = 15) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def problems(self) -> int:
        """Error lines and tracebacks the process logged (at LOTSE_LOG_LEVEL=WARNING)."""
        try:
            text = self.log.read_text(errors="replace")
        except OSError:
            return 0
        return sum(1 for line in text.splitlines() if " ERROR " in line or "Traceback" in line)

    def check_alive(self) -> None:
        if self.process is not None and self.process.returncode is not None:
            raise BenchError(
                f"`lotse {' '.join(self.args)}` exited with {self.process.returncode}:\n"
                f"{self.tail()}"
            )

    async def __aenter__(self) -> LotseProcess:
        with self.log.open("wb") as stderr:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot.cli", *self.args,
                env=self.env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=stderr,
            )  # fmt: skip
        return self

    async def __aexit__(self, *exc: object) -> None:
        process = self.process
        if process is None or process.returncode is not None:
            return
        process.terminate()
        try:
            await asyncio.wait_for(process.wait(), STOP_GRACE)
        except TimeoutError:
            process.kill()
            await process.wait()
            print(f"  note: `lotse {self.args[0]}` did not stop in {STOP_GRACE:.0f} s; killed")

    async def wait_http(self, port: int) -> None:
        deadline = time.monotonic() + 60
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=2)) as http:
            while time.monotonic() < deadline:
                self.check_alive()
                with contextlib.suppress(aiohttp.ClientError, TimeoutError):
                    async with http.get(f"http://127.0.0.1:{port}/healthz") as response:
                        if response.status == 200:
                            return
                await asyncio.sleep(0.1)
        raise BenchError(f"`lotse {self.args[0]}` did not answer in 60 s:\n{self.tail()}")


# -- 1. inbound webhooks ----------------------------------------------------------


def signed_inbound(url: str, sender: str, sid: str, text: str) -> tuple[bytes, str]:
    """The form Twilio posts for an inbound SMS, and its X-Twilio-Signature."""
    params = {
        "AccountSid": ACCOUNT_SID,
        "ApiVersion": "2010-04-01",
        "Body": text,
        "From": sender,
        "FromCountry": "DE",
        "MessageSid": sid,
        "NumMedia": "0",
        "NumSegments": "1",
        "SmsMessageSid": sid,
        "SmsSid": sid,
        "SmsStatus": "received",
        "To": SENDER,
        "ToCountry": "DE",
    }
    signature = RequestValidator(AUTH_TOKEN).compute_signature(url, params)
    return urlencode(params).encode(), str(signature)


def inbound_pool(url: str, count: int, senders: Sequence[str]) -> list[tuple[bytes, str]]:
    run = uuid.uuid4().hex[:8]
    return [
        signed_inbound(url, senders[i % len(senders)], f"SM{run}{i:024x}", INBOUND_TEXT)
        for i in range(count)
    ]


async def hammer_webhook(
    name: str, url: str, pool: list[tuple[bytes, str]], seconds: float, *, cycle: bool
) -> tuple[Figures, bool]:
    """`CONCURRENCY` clients post the pool's forms for `seconds`; (figures, pool ran out)."""
    latencies: list[float] = []
    errors = 0
    exhausted = False
    forms: Iterator[tuple[bytes, str]] = itertools.cycle(pool) if cycle else iter(pool)
    connector = aiohttp.TCPConnector(limit=CONCURRENCY)
    timeout = aiohttp.ClientTimeout(total=30)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as http:

        async def client() -> None:
            nonlocal errors, exhausted
            end = time.monotonic() + seconds
            while time.monotonic() < end:
                try:
                    body, signature = next(forms)
                except StopIteration:
                    exhausted = True
                    return
                headers = {
                    "Content-Type": "application/x-www-form-urlencoded",
                    "X-Twilio-Signature": signature,
                }
                started = time.perf_counter()
                try:
                    async with http.post(url, data=body, headers=headers) as response:
                        await response.read()
                        if response.status != 200:
                            errors += 1
                except (aiohttp.ClientError, TimeoutError):
                    errors += 1
                latencies.append(time.perf_counter() - started)

        started = time.monotonic()
        await asyncio.gather(*(client() for _ in range(CONCURRENCY)))
        elapsed = time.monotonic() - started
    return Figures(name, len(latencies), errors, elapsed, latencies), exhausted


def webhook_baseline(seconds: float) -> Figures:
    port = free_port()
    url = f"http://127.0.0.1:{port}/form"
    pool = inbound_pool(url, 2000, numbers(300))
    with server(["bench/baseline_server.py", str(port)], port, health="/form"):
        figures, _ = asyncio.run(
            hammer_webhook("bare aiohttp form handler", url, pool, seconds, cycle=True)
        )
    return figures


async def webhook_lotse(name: str, database_url: str, tmp: Path, seconds: float) -> Figures:
    env = await asyncio.to_thread(prepare_lotse, database_url, tmp)
    port = free_port()
    url = f"http://127.0.0.1:{port}{INBOUND_PATH}"
    # Enough distinct MessageSids for 2,000 requests/s: a repeated one is a cheap no-op.
    pool = inbound_pool(url, int(seconds * 2000), numbers(300))
    async with BenchTwilio() as fake:
        env |= twilio_env(fake.url, 1.0)
        env |= {"LOTSE_PORT": str(port), "LOTSE_PUBLIC_URL": f"http://127.0.0.1:{port}"}
        async with LotseProcess(["serve"], env, tmp) as lotse:
            await lotse.wait_http(port)
            figures, exhausted = await hammer_webhook(name, url, pool, seconds, cycle=False)
            lotse.check_alive()
        if exhausted:
            print(f"  note: all {len(pool)} signed requests were used before {seconds:.0f} s")
        if lotse.problems():
            print(f"  note: `lotse serve` logged {lotse.problems()} error lines ({lotse.log})")
    return figures


# -- 2. end to end ----------------------------------------------------------------


@dataclass
class EndToEnd:
    name: str
    inbound: int
    outbound: int
    seconds: float
    parts: int
    first: list[float]
    last: list[float]
    errors: int
    unexpected: int

    def line(self, baseline: Figures | None, ceiling: float | None) -> str:
        inbound_rate, outbound_rate = self.inbound / self.seconds, self.outbound / self.seconds
        first = Figures("", len(self.first), 0, 1, self.first)
        last = Figures("", len(self.last), 0, 1, self.last)
        vs_base = f" = {inbound_rate / baseline.rate:5.1%} of bare form handler" if baseline else ""
        vs_fake = f" = {outbound_rate / ceiling:5.1%} of fake ceiling" if ceiling else ""
        return (
            f"{self.name:<34} {inbound_rate:6.0f} inbound/s{vs_base}; "
            f"{outbound_rate:6.0f} SMS/s at the fake ({self.parts} per reply){vs_fake}\n"
            f"{'':<34} inbound POST → first part p50 {first.pct(0.5):6.1f} ms "
            f"p99 {first.pct(0.99):6.1f} ms; → whole reply p50 {last.pct(0.5):6.1f} ms "
            f"p99 {last.pct(0.99):6.1f} ms; errors {self.errors}, unmatched SMS {self.unexpected}"
        )


async def _quiet(log: Arrivals, gap: float, limit: float) -> None:
    """Wait until the fake got nothing for `gap` seconds (at most `limit` seconds)."""
    deadline = time.monotonic() + limit
    seen = -1
    while time.monotonic() < deadline:
        if len(log.times) == seen and (not log.times or time.monotonic() - log.times[-1] >= gap):
            return
        seen = len(log.times)
        await asyncio.sleep(gap / 4)
    raise BenchError(f"the fake still received messages after {limit:.0f} s")


async def end_to_end(
    name: str, database_url: str, tmp: Path, seconds: float, people: int
) -> EndToEnd:
    env = await asyncio.to_thread(prepare_lotse, database_url, tmp)
    port = free_port()
    url = f"http://127.0.0.1:{port}{INBOUND_PATH}"
    senders = numbers(people, start=500)
    sids = (f"SM{uuid.uuid4().hex[:8]}{i:024x}" for i in itertools.count())
    async with BenchTwilio() as fake:
        log = fake.log
        env |= twilio_env(fake.url, UNPACED)
        env |= {"LOTSE_PORT": str(port), "LOTSE_PUBLIC_URL": f"http://127.0.0.1:{port}"}
        async with (
            LotseProcess(["serve"], env, tmp) as lotse,
            aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=people),
                timeout=aiohttp.ClientTimeout(total=30),
            ) as http,
        ):
            await lotse.wait_http(port)

            async def post(sender: str, text: str) -> int:
                # Signing costs ~40 µs, negligible next to a message's way through Lotse.
                body, signature = signed_inbound(url, sender, next(sids), text)
                headers = {
                    "Content-Type": "application/x-www-form-urlencoded",
                    "X-Twilio-Signature": signature,
                }
                async with http.post(url, data=body, headers=headers) as response:
                    await response.read()
                    return response.status

            # Everybody's first message (onboarding), then learn the size of the reply
            # to a message that is not understood: the same for everybody from then on.
            gate = asyncio.Semaphore(CONCURRENCY)

            async def first(sender: str) -> None:
                async with gate:
                    if await post(sender, "Hallo") != 200:
                        raise BenchError("lotse refused a first inbound message")

            await asyncio.gather(*(first(s) for s in senders))
            await _quiet(log, 1.0, 60)
            before = len(log.times)
            if await post(senders[0], INBOUND_TEXT) != 200:
                raise BenchError("lotse refused an inbound message")
            await _quiet(log, 1.0, 30)
            parts = len(log.times) - before
            if parts < 1:
                raise BenchError("no reply reached the fake Twilio")

            first_part: list[float] = []
            whole: list[float] = []
            errors = 0
            log.unexpected = 0

            async def person(sender: str) -> None:
                nonlocal errors
                while time.monotonic() < end:
                    expect = log.waiters[sender] = Expect(parts)
                    started = time.monotonic()
                    try:
                        status = await post(sender, INBOUND_TEXT)
                    except (aiohttp.ClientError, TimeoutError):
                        status = 0
                    if status != 200:
                        errors += 1
                        del log.waiters[sender]
                        continue
                    try:
                        done = await asyncio.wait_for(asyncio.shield(expect.done), 30)
                    except TimeoutError:
                        errors += 1  # this person's replies are out of step: stop them
                        return
                    assert expect.first is not None
                    first_part.append(expect.first - started)
                    whole.append(done - started)
                    del log.waiters[sender]

            start = time.monotonic()
            end = start + seconds
            await asyncio.gather(*(person(s) for s in senders))
            stop = time.monotonic()
            lotse.check_alive()
        if lotse.problems():
            print(f"  note: `lotse serve` logged {lotse.problems()} error lines ({lotse.log})")
    return EndToEnd(
        name, len(whole), log.between(start, stop), stop - start, parts, first_part, whole,
        errors, log.unexpected,
    )  # fmt: skip


# -- 3 and 4. outbound dispatch -----------------------------------------------------


async def fill_outbox(
    database_url: str, channel: Channel, addresses: Sequence[str], count: int
) -> None:
    """`count` queued rows for `addresses` in turn, as the engine writes them."""
    vault = Vault(SECRET)
    now = utcnow()
    body = encode_body(vault, OUTBOUND_TEXT)
    db = make_engine(database_url)
    try:
        async with db.begin() as connection:
            await connection.execute(
                insert(CONTACTS),
                [
                    {
                        "person_id": None,
                        "channel": channel.value,
                        "address_index": address_index(vault, channel, address),
                        "address_enc": vault.encrypt(address),
                        "reachable": True,
                        "created_at": now,
                    }
                    for address in addresses
                ],
            )
            ids = [
                row.id
                for row in await connection.execute(
                    select(CONTACTS.c.id)
                    .where(CONTACTS.c.channel == channel.value)
                    .order_by(CONTACTS.c.id)
                )
            ]
            rows = [
                {
                    "person_id": None,
                    "contact_id": ids[i % len(ids)],
                    "direction": Direction.OUT.value,
                    "channel": channel.value,
                    "status": OutboxStatus.QUEUED.value,
                    "body_enc": body,
                    "lang": "de",
                    "important": False,
                    "attempts": 0,
                    "next_attempt_at": now,
                    "created_at": now,
                }
                for i in range(count)
            ]
            for chunk in range(0, count, 1000):
                await connection.execute(insert(MESSAGES), rows[chunk : chunk + 1000])
    finally:
        await db.dispose()


async def outbox_statuses(database_url: str) -> dict[str, int]:
    db = make_engine(database_url)
    try:
        async with db.connect() as connection:
            result = await connection.execute(
                select(MESSAGES.c.status, func.count())
                .where(MESSAGES.c.direction == Direction.OUT.value)
                .group_by(MESSAGES.c.status)
            )
            return {str(status): int(count) for status, count in result}
    finally:
        await db.dispose()


@dataclass
class Drain:
    name: str
    queued: int
    times: list[float]
    refused: list[float]
    startup: float
    statuses: dict[str, int]

    @property
    def sent(self) -> int:
        return len(self.times)

    @property
    def span(self) -> float:
        return self.times[-1] - self.times[0] if len(self.times) > 1 else 0.0

    @property
    def rate(self) -> float:
        # n events spaced 1/R apart span (n - 1)/R seconds.
        return (self.sent - 1) / self.span if self.span else 0.0

    def rows(self) -> str:
        return ", ".join(f"{status} {count}" for status, count in sorted(self.statuses.items()))

    def bulk_rate(self) -> float:
        """The rate before the first pause of half a second or more (a retry tail)."""
        times = self.times
        end = next((i for i in range(1, len(times)) if times[i] - times[i - 1] >= 0.5), None)
        if end is None or end < 2:
            return self.rate
        return (end - 1) / (times[end - 1] - times[0])

    def limited_line(self, limit: float) -> str:
        verdict = "ok" if self.rate >= 0.98 * limit and len(self.refused) == 0 else "MISSED"
        bulk = self.bulk_rate()
        tail = f", {bulk / limit:.1%} before the retry tail" if bulk != self.rate else ""
        return (
            f"{self.name:<34} {self.sent:5d} sent in {self.span:5.1f} s: {self.rate:6.1f}/s "
            f"= {self.rate / limit:6.1%} of R  429s {len(self.refused):4d}  "
            f"max in any 1 s {max_in_any_second(self.times):4d}  "
            f"[target ≥98%, 0 429s: {verdict}]\n"
            f"{'':<34} outbox rows: {self.rows()}{tail}"
        )

    def unlimited_line(self, ceiling: float | None) -> str:
        vs = f" = {self.rate / ceiling:6.1%} of the fake's ceiling" if ceiling else ""
        return (
            f"{self.name:<34} {self.sent:5d} sent in {self.span:5.1f} s: {self.rate:6.0f} msg/s"
            f"{vs}  (first send {self.startup:.1f} s after start)\n"
            f"{'':<34} outbox rows: {self.rows()}"
        )


async def drain(
    name: str,
    database_url: str,
    tmp: Path,
    *,
    kind: str,
    limit: float | None,
    pace: float,
    per_chat: float = 1.0,
    count: int,
    addresses: int,
    seconds: float,
) -> Drain:
    """One `lotse dispatch` process drains `count` queued messages (or runs for
    `seconds` after its first send, whichever comes first)."""
    env = await asyncio.to_thread(prepare_lotse, database_url, tmp)
    channel = Channel.SMS if kind == "twilio" else Channel.TELEGRAM
    targets = (
        numbers(addresses) if kind == "twilio" else [str(10_000_000 + i) for i in range(addresses)]
    )
    await fill_outbox(database_url, channel, targets, count)
    async with running_fake(kind, limit) as fake:
        log: Arrivals = fake.log
        if kind == "twilio":
            env |= twilio_env(fake.url, pace)
        else:
            env |= telegram_env(fake.url, pace, per_chat)
        started = time.monotonic()
        async with LotseProcess(["dispatch"], env, tmp) as lotse:
            deadline = started + 60
            while len(log.times) < count:
                lotse.check_alive()
                now = time.monotonic()
                if now > (log.times[0] + seconds if log.times else deadline):
                    break
                await asyncio.sleep(0.05)
            # Let the last results be committed before stopping the dispatcher: a stop
            # cancels the round in flight (see the report on `lotse dispatch` stopping).
            settle = time.monotonic() + (5 if len(log.times) >= count else 0)
            while time.monotonic() < settle:
                statuses = await outbox_statuses(database_url)
                if not statuses.get(OutboxStatus.SENDING.value):
                    break
                await asyncio.sleep(0.1)
        if lotse.problems():
            print(f"  note: `lotse dispatch` logged {lotse.problems()} error lines ({lotse.log})")
    if not log.times:
        raise BenchError(f"{name}: nothing reached the fake in 60 s:\n{lotse.tail()}")
    statuses = await outbox_statuses(database_url)
    return Drain(name, count, list(log.times), log.refused, log.times[0] - started, statuses)


# -- the fakes' ceiling -------------------------------------------------------------


async def blast(kind: str, url: str, seconds: float) -> None:
    """A plain aiohttp client loop against a fake (run in a child process)."""
    if kind == "twilio":
        target = f"{url}/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json"
        auth = base64.b64encode(f"{ACCOUNT_SID}:{AUTH_TOKEN}".encode()).decode()
        headers = {"Authorization": f"Basic {auth}"}
        form = {
            "To": "+4915112345678",
            "From": SENDER,
            "Body": OUTBOUND_TEXT,
            "StatusCallback": "http://127.0.0.1:9/webhooks/twilio/status",
        }
        ok = 201
    else:
        target, headers, ok = f"{url}/bot{TELEGRAM_TOKEN}/sendMessage", {}, 200
        form = {"chat_id": "10000001", "text": OUTBOUND_TEXT}
    body = urlencode(form).encode()
    headers["Content-Type"] = "application/x-www-form-urlencoded"
    sent = errors = 0
    connector = aiohttp.TCPConnector(limit=BLAST_CONCURRENCY)
    async with aiohttp.ClientSession(connector=connector) as http:

        async def client() -> None:
            nonlocal sent, errors
            end = time.monotonic() + seconds
            while time.monotonic() < end:
                async with http.post(target, data=body, headers=headers) as response:
                    await response.read()
                    sent += 1
                    errors += response.status != ok

        await asyncio.gather(*(client() for _ in range(BLAST_CONCURRENCY)))
    print(json.dumps({"sent": sent, "errors": errors}))


async def ceiling(kind: str, seconds: float) -> float:
    """Requests/s the bare fake accepts from a plain aiohttp client in another process."""
    async with running_fake(kind, None) as fake:
        log: Arrivals = fake.log
        child = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bench.channels", "--blast", kind, fake.url,
            "--seconds", str(seconds),
            cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )  # fmt: skip
        out, err = await child.communicate()
    if child.returncode != 0:
        raise BenchError(f"the {kind} client loop failed:\n{err.decode()[-2000:]}")
    report = json.loads(out.decode().strip().splitlines()[-1])
    if report["errors"]:
        raise BenchError(f"the bare {kind} fake answered {report['errors']} requests with errors")
    times = log.times
    return (len(times) - 1) / (times[-1] - times[0])


# -- main ---------------------------------------------------------------------------


def databases(args: argparse.Namespace) -> list[str]:
    return ["SQLite", "PostgreSQL"] if args.postgres else ["SQLite"]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=10, help="length of each run")
    parser.add_argument("--postgres", default=os.environ.get("LOTSE_TEST_POSTGRES_URL", ""))
    parser.add_argument("--only", default="1,2,3,4", help="which measurements, e.g. 3,4")
    parser.add_argument("--rates", default="50,200", help="provider limits R for 3, per second")
    parser.add_argument("--people", type=int, default=200, help="people texting in 2")
    parser.add_argument("--blast", nargs=2, metavar=("KIND", "URL"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.blast:
        asyncio.run(blast(args.blast[0], args.blast[1], args.seconds))
        return
    try:
        run(args)
    except BenchError as error:
        print(f"bench.channels: {error}", file=sys.stderr)
        raise SystemExit(1) from None
    except KeyboardInterrupt:
        print("bench.channels: interrupted", file=sys.stderr)
        raise SystemExit(130) from None


def run(args: argparse.Namespace) -> None:
    only = {part.strip() for part in args.only.split(",")}
    rates = [float(r) for r in args.rates.split(",") if r.strip()]
    seconds: float = args.seconds
    began = time.monotonic()
    print(
        f"bench.channels: {seconds:.0f} s per run, {os.cpu_count()} cores shared by "
        f"clients, fakes and Lotse; PostgreSQL: {'yes' if args.postgres else 'skipped'}"
    )
    # "SQLite"/"PostgreSQL" runs; paced runs on PostgreSQL when there is one (that is
    # where several dispatchers share a queue), else SQLite.
    main_db = "PostgreSQL" if args.postgres else "SQLite"
    ceilings: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="lotse-bench-") as tmp_name:
        tmp = Path(tmp_name)
        if only & {"2", "4"}:
            short = min(seconds, 5.0)
            print(f"\nCeiling: bare fakes, plain aiohttp client loop ({BLAST_CONCURRENCY} conns)")
            for kind in ("twilio", "telegram"):
                ceilings[kind] = asyncio.run(ceiling(kind, short))
                print(f"  fake {kind:<8} absorbs {ceilings[kind]:6.0f} req/s")

        baseline: Figures | None = None
        if only & {"1", "2"}:
            print(f"\n1. Inbound SMS webhook, {CONCURRENCY} concurrent clients, 300 numbers")
            baseline = webhook_baseline(seconds)
            print("  " + baseline.line())
        if "1" in only:
            for kind in databases(args):
                with database(kind, tmp, args.postgres) as url:
                    figures = asyncio.run(
                        webhook_lotse(f"Lotse {INBOUND_PATH}, {kind}", url, tmp, seconds)
                    )
                ratio = figures.rate / baseline.rate if baseline else 0.0
                verdict = "ok" if ratio >= 0.30 else "MISSED"
                print(f"  {figures.line(baseline)}  [target ≥30%: {verdict}]")

        if "2" in only:
            print(
                f"\n2. End to end: {args.people} people text and wait for the whole reply "
                "(pacing off)"
            )
            for kind in databases(args):
                with database(kind, tmp, args.postgres) as url:
                    result = asyncio.run(
                        end_to_end(
                            f"inbound SMS → fake Twilio, {kind}", url, tmp, seconds, args.people
                        )
                    )
                print("  " + result.line(baseline, ceilings.get("twilio")).replace("\n", "\n  "))

        if "3" in only:
            print(
                "\n3. Dispatch against a provider limited to R/s (strict 1 s window), "
                "Lotse paced at R, one `lotse dispatch`"
            )
            plan = [("twilio", kind) for kind in databases(args)] + [("telegram", main_db)]
            for kind, db in plan:
                for rate in rates:
                    count = max(2, int(rate * seconds))
                    addresses = 300 if kind == "twilio" else count
                    with database(db, tmp, args.postgres) as url:
                        result = asyncio.run(
                            drain(
                                f"{kind} R={rate:g}/s, {db}",
                                url,
                                tmp,
                                kind=kind,
                                limit=rate,
                                pace=rate,
                                count=count,
                                addresses=addresses,
                                seconds=seconds * 2,
                            )
                        )
                    print("  " + result.limited_line(rate).replace("\n", "\n  "))

        if "4" in only:
            print("\n4. Dispatch, unlimited: no provider limit, pacing off, one `lotse dispatch`")
            plan = [("twilio", kind) for kind in databases(args)] + [("telegram", main_db)]
            for kind, db in plan:
                count = int(seconds * 1000)
                with database(db, tmp, args.postgres) as url:
                    result = asyncio.run(
                        drain(
                            f"{kind} unlimited, {db}",
                            url,
                            tmp,
                            kind=kind,
                            limit=None,
                            pace=UNPACED,
                            per_chat=UNPACED,
                            count=count,
                            addresses=300,
                            seconds=seconds,
                        )
                    )
                print("  " + result.unlimited_line(ceilings.get(kind)).replace("\n", "\n  "))
    print(f"\nbench.channels: done in {time.monotonic() - began:.0f} s")


if __name__ == "__main__":
    main()
