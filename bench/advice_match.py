"""How long "Find advice" takes to rank a big directory, and to import one.

A directory of `--services` generated services (every programme, topic sets and general
ones, 1–6 of 16 languages, age limits as MBE and JMD have them, areas by postcode
prefix, some online only). Then, in one process:

- `find`: `--queries` random queries (topic, one or two languages, age group and
  situation or "not sure", a postcode or none), each timed on its own (p50, p99); the
  baseline, measured in the same run, is one pass over the same list doing nothing but
  the topic filter — what any search over the list costs;
- `questions` for a topic, the same way;
- the import on SQLite: the directory as a CSV file parsed and checked row by row,
  imported into an empty directory, the same file again (nothing changes), and reading
  the directory back: the first read after an import, and a step's read when nothing
  changed (one row).

    .venv/bin/python -m bench.advice_match [--services 2000] [--queries 2000]
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import io
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from datetime import time as clock
from pathlib import Path
from typing import Any

from bot.advice import (
    FIELDS,
    LISTS,
    AgeGroup,
    Directory,
    Hours,
    Place,
    Programme,
    Query,
    Service,
    Topic,
    encode,
    find,
    import_file,
    parse,
    questions,
)
from bot.db import migrate
from bot.db.session import make_engine, make_sessionmaker
from bot.holders import Situation

LANGUAGES = ("de", "en", "ar", "fa", "ps", "tr", "ku", "ckb", "uk", "ru", "ti", "so", "fr",
             "it", "pl", "ro")  # fmt: skip
TODAY = date(2026, 11, 30)


def generate(count: int, seed: int = 17) -> list[Service]:
    rng = random.Random(seed)
    services = []
    for i in range(count):
        programme = rng.choice(list(Programme))
        limits: dict[str, Any] = {}
        if programme is Programme.MBE:
            limits = {"min_age": 27, "any_age": frozenset({Situation.ASYLUM})}
        elif programme is Programme.JMD:
            limits = {"min_age": 12, "max_age": 26}
        elif programme is Programme.ASYLUM:
            limits = {"situations": frozenset({Situation.ASYLUM})}
        general = rng.random() < 0.2
        online_only = rng.random() < 0.1
        services.append(Service(
            slug=f"service-{i:05d}", name=f"Beratung {i:05d}", programme=programme,
            provider="Träger", source="bench", verified_at=date(2026, 1, 1 + i % 28),
            topics=frozenset(rng.sample(list(Topic), 0 if general else rng.randint(1, 5))),
            languages=frozenset({"de", *rng.sample(LANGUAGES, rng.randint(0, 5))}),
            place=None if online_only else Place(
                "Weg 1", f"{rng.randint(10000, 99999)}", "Stadt",
                (Hours(0, clock(9), clock(12)), Hours(2, clock(14), clock(17))),
            ),
            phone=f"+4930{1000000 + i}" if rng.random() < 0.6 else None,
            online="https://example.org/x" if online_only else None,
            areas=() if online_only else (f"{rng.randint(10, 99)}*",),
            **limits,
        ))  # fmt: skip
    return services


def queries(count: int, seed: int = 18) -> list[Query]:
    rng = random.Random(seed)
    return [
        Query(
            topic=rng.choice(list(Topic)),
            languages=tuple(rng.sample(LANGUAGES, rng.randint(1, 2))),
            age=rng.choice([*AgeGroup, None]),
            situation=rng.choice([*Situation, None]),
            postcode=f"{rng.randint(10000, 99999)}" if rng.random() < 0.7 else None,
        )
        for _ in range(count)
    ]


def as_csv(services: list[Service]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(FIELDS)
    for service in services:
        writer.writerow(_cell(k, v) for k, v in encode(service).items())
    return out.getvalue().encode()


def _cell(key: str, value: Any) -> str:
    if key in LISTS:
        return "|".join(value)
    if isinstance(value, bool):
        return "true" if value else ""
    return "" if value is None else str(value)


def timed(work: Callable[[Query], object], asked: list[Query]) -> list[float]:
    times = []
    for query in asked:
        start = time.perf_counter()
        work(query)
        times.append(time.perf_counter() - start)
    return times


def summary(name: str, seconds: list[float]) -> str:
    ordered = sorted(seconds)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return f"  {name:42} p50 {statistics.median(ordered) * 1e3:8.3f} ms   p99 {p99 * 1e3:8.3f} ms"


async def import_run(url: str, services: list[Service]) -> list[str]:
    data = as_csv(services)
    lines = [f"  CSV file: {len(services):,} rows, {len(data) / 1024:.0f} KiB"]
    start = time.perf_counter()
    parse(data, name="bench.csv", today=TODAY)
    lines.append(f"  {'parse and check every row (no database)':42} "
                 f"{time.perf_counter() - start:8.3f} s")  # fmt: skip
    engine = make_engine(url)
    sessions = make_sessionmaker(engine)
    try:
        for label in ("first import (all added)", "same file again (unchanged)"):
            start = time.perf_counter()
            async with sessions() as session, session.begin():
                done = await import_file(session, data, name="bench.csv", replace=True,
                                         now=datetime.now(UTC), today=TODAY)  # fmt: skip
            lines.append(f"  {label:42} {time.perf_counter() - start:8.3f} s   {done.counts}")
        cache = Directory()
        async with sessions() as session:
            start = time.perf_counter()
            loaded = await cache.services(session)
            first = time.perf_counter() - start
            reads = []
            for _ in range(200):
                start = time.perf_counter()
                await cache.services(session)
                reads.append(time.perf_counter() - start)
        assert len(loaded) == len(services)
        lines.append(f"  {'read after an import (all services)':42} {first * 1e3:8.1f} ms")
        lines.append(summary("a step's read when nothing changed", reads))
    finally:
        await engine.dispose()
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--services", type=int, default=2000)
    parser.add_argument("--queries", type=int, default=2000)
    args = parser.parse_args()
    services = generate(args.services)
    asked = queries(args.queries)
    print(f"advice directory: {len(services):,} services, {len(asked):,} queries")

    def topic_only(query: Query) -> int:
        return sum(1 for s in services if not s.topics or query.topic in s.topics)

    for _ in range(2):  # warm up
        timed(topic_only, asked[:50])
        timed(lambda q: find(services, q), asked[:50])
    baseline = timed(topic_only, asked)
    found = timed(lambda q: find(services, q), asked)
    asking = timed(lambda q: questions(services, q.topic), asked)
    print(summary("baseline: one pass, topic filter only", baseline))
    print(summary("find (rank, top three)", found))
    print(summary("questions (which to ask)", asking))
    ratio = statistics.median(found) / statistics.median(baseline)
    print(f"  find / baseline (p50): {ratio:.1f}x")
    with tempfile.TemporaryDirectory() as directory:
        url = f"sqlite+aiosqlite:///{Path(directory) / 'bench.sqlite3'}"
        migrate.upgrade(url)
        print("import on SQLite:")
        for line in asyncio.run(import_run(url, services)):
            print(line)


if __name__ == "__main__":
    main()
