"""Web chat messages per second, and the time until the answer shows (API → inbox → engine
→ outbox → page).

Each simulated person opens a session and then keeps sending messages. Two figures:
- accepted: a request counts when Lotse answered 202 (the message is stored);
- answered (after the accepted run, same server): the person sends, then fetches as
  the chat page does (at once after the 202, then every 400 ms) until the bot's answer
  is there, and sends again; latency is from the POST to the fetch that shows it.
The inbox workers and the outbox dispatcher run in the same server process, as in
production. A bare aiohttp JSON handler is measured in the same run as the baseline.

    .venv/bin/python -m bench.chat_throughput [--seconds 10] [--concurrency 32]
        [--postgres postgresql+asyncpg://user:pass@127.0.0.1/postgres]

Without --postgres the PostgreSQL run uses LOTSE_TEST_POSTGRES_URL if set.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import aiohttp

from bench.common import ROOT, Figures, free_port, server

SECRET = "bench-secret-" + "b" * 40
#: The chat page's fetch interval right after sending (bot/web/static/chat.js FAST).
PAGE_POLL = 0.4


async def open_sessions(base: str, count: int) -> list[str]:
    """Chat sessions for the simulated people (one client address may open 60 an hour:
    both measurements share them)."""
    async with aiohttp.ClientSession() as http:

        async def one() -> str:
            async with http.post(f"{base}/chat/api/sessions", json={"language": "ar"}) as r:
                return str((await r.json())["session"])

        return list(await asyncio.gather(*(one() for _ in range(count))))


async def hammer(
    name: str, base: str, seconds: float, concurrency: int, sessions: list[str] | None = None
) -> Figures:
    """Without `sessions`, the bare handler's /json; with them, Lotse's chat API."""
    latencies: list[float] = []
    errors = 0
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as http:

        async def person(number: int) -> None:
            nonlocal errors
            url = f"{base}/json"
            if sessions is not None:
                url = f"{base}/chat/api/sessions/{sessions[number]}/messages"
            end = time.monotonic() + seconds
            while time.monotonic() < end:
                started = time.perf_counter()
                async with http.post(url, json={"text": "مرحبا", "id": uuid.uuid4().hex}) as r:
                    await r.read()
                    if r.status != 202:
                        errors += 1
                latencies.append(time.perf_counter() - started)

        started = time.monotonic()
        await asyncio.gather(*(person(number) for number in range(concurrency)))
        elapsed = time.monotonic() - started
    return Figures(name, len(latencies), errors, elapsed, latencies)


async def converse(name: str, base: str, seconds: float, sessions: list[str]) -> Figures:
    """Send, wait until the answer can be fetched, send again (see the docstring)."""
    latencies: list[float] = []
    errors = 0
    connector = aiohttp.TCPConnector(limit=len(sessions) * 2)
    async with aiohttp.ClientSession(connector=connector) as http:

        async def person(session: str) -> None:
            nonlocal errors
            url = f"{base}/chat/api/sessions/{session}/messages"
            after, history = "0", [{}]
            while history:  # page through what is there
                async with http.get(url, params={"after": after}) as r:
                    history = (await r.json())["messages"]
                after = history[-1]["id"] if history else after
            end = time.monotonic() + seconds
            while time.monotonic() < end:
                started = time.perf_counter()
                async with http.post(url, json={"text": "مرحبا", "id": uuid.uuid4().hex}) as r:
                    await r.read()
                    if r.status != 202:
                        errors += 1
                        continue
                answered = False
                while not answered and time.perf_counter() - started < 30:
                    async with http.get(url, params={"after": after}) as r:
                        messages = (await r.json())["messages"]
                    if messages:
                        after = messages[-1]["id"]
                    answered = any(m["from"] == "bot" for m in messages)
                    if not answered:
                        await asyncio.sleep(PAGE_POLL)
                if answered:
                    latencies.append(time.perf_counter() - started)
                else:
                    errors += 1

        # The accepted run leaves messages to be processed (a Lotse with an inbox
        # answers before processing): wait until they are, so this run starts clean.
        await _backlog_worked_off(http, base)
        started = time.monotonic()
        await asyncio.gather(*(person(session) for session in sessions))
        elapsed = time.monotonic() - started
    return Figures(name, len(latencies), errors, elapsed, latencies)


async def _backlog_worked_off(http: aiohttp.ClientSession, base: str) -> None:
    for _ in range(600):
        async with http.get(f"{base}/readyz") as r:
            ready = await r.json()
        if not ready.get("inbox"):  # absent where there is no inbox
            break
        await asyncio.sleep(0.5)
    await asyncio.sleep(2)  # the last replies leave the outbox


def prepare_lotse(database_url: str, data_dir: Path) -> dict[str, str]:
    env = {
        "LOTSE_DATABASE_URL": database_url,
        "LOTSE_SECRET_KEY": SECRET,
        "LOTSE_DATA_DIR": str(data_dir),
        "LOTSE_LOG_LEVEL": "WARNING",
    }
    full = {**os.environ, "PYTHONPATH": str(ROOT), **env}
    for args in (
        ["db", "upgrade"],
        [
            "municipality",
            "set",
            "--slug",
            "bench",
            "--name",
            "Bench",
            "--contact",
            "c",
            "--privacy-contact",
            "p",
        ],
    ):
        subprocess.run(
            [sys.executable, "-m", "bot.cli", *args],
            env=full,
            check=True,
            capture_output=True,
            cwd=ROOT,
        )
    return env


def fresh_postgres(admin_url: str) -> str:
    name = f"lotse_bench_{uuid.uuid4().hex[:8]}"

    async def create() -> None:
        import asyncpg

        dsn = admin_url.replace("postgresql+asyncpg", "postgresql")
        connection = await asyncpg.connect(dsn)
        await connection.execute(f'CREATE DATABASE "{name}"')
        await connection.close()

    asyncio.run(create())
    return admin_url.rsplit("/", 1)[0] + f"/{name}"


def run_lotse(
    name: str, database_url: str, data_dir: Path, args: argparse.Namespace
) -> tuple[Figures, Figures]:
    env = prepare_lotse(database_url, data_dir)
    port = free_port()
    env["LOTSE_PORT"] = str(port)
    base = f"http://127.0.0.1:{port}"
    with server(["-m", "bot.cli", "serve"], port, env):
        sessions = asyncio.run(open_sessions(base, args.concurrency))
        accepted = asyncio.run(hammer(name, base, args.seconds, args.concurrency, sessions))
        answered = asyncio.run(converse(f"{name}, answered", base, args.seconds, sessions))
    return accepted, answered


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--postgres", default=os.environ.get("LOTSE_TEST_POSTGRES_URL", ""))
    args = parser.parse_args()

    port = free_port()
    with server(["bench/baseline_server.py", str(port)], port, health="/json"):
        baseline = asyncio.run(
            hammer(
                "bare aiohttp JSON handler",
                f"http://127.0.0.1:{port}",
                args.seconds,
                args.concurrency,
            )
        )
    print(
        f"{args.concurrency} concurrent clients, {args.seconds:.0f} s each, "
        f"{os.cpu_count()} cores shared by client and server"
    )
    print(baseline.line())
    with tempfile.TemporaryDirectory() as tmp:
        sqlite = run_lotse(
            "Lotse web chat, SQLite", f"sqlite+aiosqlite:///{tmp}/bench.sqlite3", Path(tmp), args
        )
        print(sqlite[0].line(baseline))
        print(sqlite[1].line(baseline))
        if args.postgres:
            pg = run_lotse(
                "Lotse web chat, PostgreSQL", fresh_postgres(args.postgres), Path(tmp), args
            )
            print(pg[0].line(baseline))
            print(pg[1].line(baseline))
        else:
            print("PostgreSQL: skipped (pass --postgres or set LOTSE_TEST_POSTGRES_URL)")


if __name__ == "__main__":
    main()
