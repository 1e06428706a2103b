"""Where the time of an inbound message goes: the engine alone, and the dispatcher alone.

In one process, without HTTP: N simulated people send messages straight into the
engine (one transaction each: inbound row, flow step, state, outbound rows), then
the dispatcher sends the queued replies through the web chat adapter. CPU time
per message is printed next to wall time, so the cost is visible even on a
machine shared with other work.

    .venv/bin/python -m bench.engine_throughput [--messages 2000] [--concurrency 16]
        [--postgres postgresql+asyncpg://…/postgres]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
import time
from pathlib import Path

from adapters.webchat import WebChatAdapter
from bench.chat_throughput import SECRET, fresh_postgres
from bot.cli.main import DEMO_MUNICIPALITY, set_municipality
from bot.config import load_settings
from bot.db import migrate
from bot.kernel.types import Channel, InboundMessage
from bot.runtime.services import build_services
from flows import build_router


async def measure(database_url: str, messages: int, concurrency: int, data_dir: Path) -> str:
    settings = load_settings(
        database_url=database_url, secret_key=SECRET, data_dir=data_dir, _env_file=None
    )
    await set_municipality(settings, DEMO_MUNICIPALITY, only_if_missing=True)
    services = await build_services(
        settings, router_factory=build_router, adapters={Channel.WEBCHAT: WebChatAdapter()}
    )
    engine = services.engine
    people = [f"bench-{i}" for i in range(concurrency)]
    for address in people:
        await engine.handle(
            InboundMessage(
                channel=Channel.WEBCHAT,
                address=address,
                provider_id=f"open-{address}",
                start=True,
                language_hints=("ar",),
            )
        )
    per_person = messages // concurrency

    async def person(address: str) -> None:
        for i in range(per_person):
            await engine.handle(
                InboundMessage(
                    channel=Channel.WEBCHAT,
                    address=address,
                    provider_id=f"{address}-{i}",
                    text="مرحبا",
                )
            )

    wall, cpu = time.perf_counter(), time.process_time()
    await asyncio.gather(*(person(a) for a in people))
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    total = per_person * concurrency
    line = f"engine:     {total / wall:7.0f} msg/s  {cpu / total * 1000:5.2f} ms CPU/msg"
    wall, cpu = time.perf_counter(), time.process_time()
    rows = 0
    while sent := await services.dispatcher.dispatch_once():
        rows += sent
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    line += (
        f"   dispatcher: {rows / wall:7.0f} rows/s  {cpu / rows * 1000:5.2f} ms CPU/row"
        f" ({rows / total:.1f} replies per message)"
    )
    await services.close()
    return line


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--postgres", default=os.environ.get("LOTSE_TEST_POSTGRES_URL", ""))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{tmp}/bench.sqlite3"
        migrate.upgrade(url)
        print("SQLite     ", asyncio.run(measure(url, args.messages, args.concurrency, Path(tmp))))
        if args.postgres:
            url = fresh_postgres(args.postgres)
            migrate.upgrade(url)
            print(
                "PostgreSQL ", asyncio.run(measure(url, args.messages, args.concurrency, Path(tmp)))
            )


if __name__ == "__main__":
    main()
