"""Web chat messages per second, and the time until the answer shows (API → inbox → engine
→ outbox → page).

Each simulated person opens a session and then keeps sending messages. Two figures:
- accepted: a request counts when Lotse answered 202 (the message is stored);
- answered (after the accepted run, same server): the person sends, then fetches
  every 20 ms until the bot's answer is there, and sends again; latency is from the
  POST to the fetch that shows the answer.
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


async def hammer(name: str, base: str, seconds: float, concurrency: int, *, lotse: bool) -> Figures:
    latencies: list[float] = []
    errors = 0
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as http:

        async def person() -> None:
            nonlocal errors
            url = f"{base}/json"
            if lotse:
                async with http.post(f"{base}/chat/api/sessions", json={"language": "ar"}) as r:
                    session = (await r.json())["session"]
                url = f"{base}/chat/api/sessions/{session}/messages"
            end = time.monotonic() + seconds
            while time.monotonic() < end:
                started = time.perf_counter()
                async with http.post(url, json={"text": "مرحبا", "id": uuid.uuid4().hex}) as r:
                    await r.read()
                    if r.status != 202:
                        errors += 1
                latencies.append(time.perf_counter() - started)

        started = time.monotonic()
        await asyncio.gather(*(person() for _ in range(concurrency)))
        elapsed = time.monotonic() - started
    return Figures(name, len(latencies), errors, elapsed, latencies)


async def converse(name: str, base: str, seconds: float, concurrency: int) -> Figures:
    """Send, wait until the answer can be fetched, send again (see the docstring)."""
    latencies: list[float] = []
    errors = 0
    connector = aiohttp.TCPConnector(limit=concurrency * 2)
    async with aiohttp.ClientSession(connector=connector) as http:

        async def person() -> None:
            nonlocal errors
            async with http.post(f"{base}/chat/api/sessions", json={"language": "ar"}) as r:
                session = (await r.json())["session"]
            url = f"{base}/chat/api/sessions/{session}/messages"
            after = "0"
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
                        await asyncio.sleep(0.02)
                if answered:
                    latencies.append(time.perf_counter() - started)
                else:
                    errors += 1

        started = time.monotonic()
        await asyncio.gather(*(person() for _ in range(concurrency)))
        elapsed = time.monotonic() - started
    return Figures(name, len(latencies), errors, elapsed, latencies)


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
        accepted = asyncio.run(hammer(name, base, args.seconds, args.concurrency, lotse=True))
        answered = asyncio.run(
            converse(f"{name}, answered", base, args.seconds, args.concurrency)
        )
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
                lotse=False,
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
