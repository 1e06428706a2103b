"""How fast a person's own access log comes back (`bot.audit.for_person`) from a big log.

The log is filled in the database itself (a recursive CTE on SQLite, generate_series on
PostgreSQL) with `--entries` entries spread over `--people` people, `--heavy` of them
going to one more person, interleaved in time as real accesses are. Then, in one
process, each query is timed on its own (median and p99):

- baseline: one entry by its primary key, through the same select and conversion: the
  cost of any query at all;
- `for_person` of a typical person (about entries / people rows), and of the heavy
  person (their newest 1,000: the function's limit);
- the same two without the index ix_access_log_person_at: what the index buys.

    .venv/bin/python -m bench.access_log [--entries 1000000] [--people 10000]
        [--heavy 5000] [--queries 300] [--postgres postgresql+asyncpg://…/postgres]

Without --postgres the PostgreSQL run uses LOTSE_TEST_POSTGRES_URL if set.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

from bench.chat_throughput import fresh_postgres
from bot.audit import Access, Category, Role, for_person
from bot.db import migrate
from bot.db.models import AccessEntry
from bot.db.session import make_engine, make_sessionmaker

CATEGORIES = '["invitation", "code", "language"]'
OFFICE = (
    "INSERT INTO offices (id, slug, name, street, postcode, city, contact, created_at) "
    "VALUES (1, 'bench', 'Bench', '', '', '', '', CURRENT_TIMESTAMP)"
)

SQLITE_FILL = (
    "INSERT INTO persons (id, channel_ranking, created_at, last_active_at) "
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < :persons) "
    "SELECT i, '[]', '2026-01-01 00:00:00.000000', '2026-01-01 00:00:00.000000' FROM n",
    "INSERT INTO access_log (at, person_id, office_id, role, actor, action, categories) "
    "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < :entries) "
    "SELECT strftime('%Y-%m-%d %H:%M:%f000', '2026-01-01', '+' || (i * 30) || ' seconds'), "
    "CASE WHEN i % :every = 0 THEN :heavy_id ELSE (i * 7919) % :people + 1 END, "
    f"1, 'office-api', 'key:bench', 'invitation.read', '{CATEGORIES}' FROM n",
)
POSTGRES_FILL = (
    "INSERT INTO persons (id, channel_ranking, created_at, last_active_at) "
    "SELECT i, CAST('[]' AS JSON), timestamp '2026-01-01', timestamp '2026-01-01' "
    "FROM generate_series(1, :persons) AS i",
    "INSERT INTO access_log (at, person_id, office_id, role, actor, action, categories) "
    "SELECT timestamp '2026-01-01' + i * interval '30 seconds', "
    "CASE WHEN i % :every = 0 THEN :heavy_id ELSE (i * 7919) % :people + 1 END, "
    f"1, 'office-api', 'key:bench', 'invitation.read', CAST('{CATEGORIES}' AS JSON) "
    "FROM generate_series(CAST(0 AS BIGINT), :entries - 1) AS i",
    "SELECT setval(pg_get_serial_sequence('persons', 'id'), :persons)",
)


@dataclass(frozen=True)
class Timing:
    name: str
    seconds: list[float]
    rows: int

    def pct(self, q: float) -> float:
        ordered = sorted(self.seconds)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000

    def line(self, baseline: Timing | None = None) -> str:
        ratio = f"  {self.pct(0.5) / baseline.pct(0.5):7.1f}× baseline" if baseline else ""
        return (
            f"  {self.name:<46} p50 {self.pct(0.5):7.2f} ms  p99 {self.pct(0.99):7.2f} ms  "
            f"{self.rows:5} rows  ({len(self.seconds)} queries){ratio}"
        )


async def by_id(session: AsyncSession, entry_id: int) -> list[Access]:
    """The baseline: one entry by primary key, selected and converted as for_person does."""
    rows = await session.execute(
        select(AccessEntry.at, AccessEntry.office_id, AccessEntry.role, AccessEntry.action,
               AccessEntry.categories)
        .where(AccessEntry.id == entry_id)
    )  # fmt: skip
    return [
        Access(at, office_id, Role(role), action, tuple(Category(c) for c in categories or ()))
        for at, office_id, role, action, categories in rows
    ]


async def timed(
    session: AsyncSession,
    name: str,
    query: Callable[[AsyncSession, int], Awaitable[Sequence[object]]],
    keys: list[int],
) -> Timing:
    await query(session, keys[0])  # warm: statement cache, pages
    seconds, rows = [], []
    for key in keys:
        started = time.perf_counter()
        found = await query(session, key)
        seconds.append(time.perf_counter() - started)
        rows.append(len(found))
    return Timing(name, seconds, round(statistics.fmean(rows)))


async def fill(url: str, args: argparse.Namespace) -> float:
    postgres = url.startswith("postgresql")
    engine = create_async_engine(url)
    params = {
        "persons": args.people + 1,
        "people": args.people,
        "heavy_id": args.people + 1,
        "entries": args.entries,
        "every": args.entries // args.heavy,
    }
    started = time.perf_counter()
    async with engine.begin() as connection:
        await connection.execute(text(OFFICE))
        for statement in POSTGRES_FILL if postgres else SQLITE_FILL:
            names = {k: v for k, v in params.items() if f":{k}" in statement}
            await connection.execute(text(statement), names)
        await connection.execute(text("ANALYZE"))  # the planner's statistics, as in service
    await engine.dispose()
    return time.perf_counter() - started


async def plan(session: AsyncSession, postgres: bool, person_id: int) -> str:
    query = (
        select(AccessEntry.at, AccessEntry.office_id, AccessEntry.role, AccessEntry.action,
               AccessEntry.categories)
        .where(AccessEntry.person_id == person_id)
        .order_by(AccessEntry.at.desc(), AccessEntry.id.desc())
        .limit(1000)
    )  # fmt: skip
    compiled = query.compile(session.bind, compile_kwargs={"literal_binds": True})
    explain = "EXPLAIN " if postgres else "EXPLAIN QUERY PLAN "
    rows = (await session.execute(text(explain + str(compiled)))).all()
    steps = [re.sub(r"\s*\(cost=[^)]*\)", "", str(row[-1])).strip(" ->") for row in rows]
    return "; ".join(step for step in steps if re.search("scan|search", step, re.IGNORECASE))


async def plans(session: AsyncSession, postgres: bool, typical: int, heavy: int) -> str:
    return (
        f"  plan, typical: {await plan(session, postgres, typical)}\n"
        f"  plan, heavy:   {await plan(session, postgres, heavy)}"
    )


async def measure(url: str, args: argparse.Namespace) -> list[str]:
    postgres = url.startswith("postgresql")
    seconds = await fill(url, args)
    lines = [f"  fill: {args.entries:,} entries in {seconds:.1f} s"]
    engine = make_engine(url)
    sessionmaker: async_sessionmaker[AsyncSession] = make_sessionmaker(engine)
    pick = random.Random(6)
    typical = [pick.randint(1, args.people) for _ in range(args.queries)]
    heavy = [args.people + 1] * max(10, args.queries // 3)
    entry_ids = [pick.randint(1, args.entries) for _ in range(args.queries)]
    share = args.entries // args.people
    async with sessionmaker() as session:
        base = await timed(session, "baseline: one entry by primary key", by_id, entry_ids)
        lines.append(base.line())
        for name, keys in ((f"for_person, typical (~{share} entries)", typical),
                           (f"for_person, heavy ({args.heavy:,} entries)", heavy)):  # fmt: skip
            lines.append((await timed(session, name, for_person, keys)).line(base))
        lines.append(await plans(session, postgres, typical[0], args.people + 1))
    async with engine.begin() as connection:
        await connection.execute(text("DROP INDEX ix_access_log_person_at"))
    await engine.dispose()  # SQLite's statement cache would still explain the old plan
    engine = make_engine(url)
    async with make_sessionmaker(engine)() as session:
        few = max(3, args.queries // 30)
        for name, keys in (("without the index: typical", typical[:few]),
                           ("without the index: heavy", heavy[:few])):  # fmt: skip
            lines.append((await timed(session, name, for_person, keys)).line(base))
        lines.append(await plans(session, postgres, typical[0], args.people + 1))
    await engine.dispose()
    return lines


async def drop_database(admin_url: str, url: str) -> None:
    engine = create_async_engine(admin_url, isolation_level="AUTOCOMMIT")
    async with engine.connect() as connection:
        name = url.rsplit("/", 1)[1]
        await connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    await engine.dispose()


def on_both(
    measure: Callable[[str, argparse.Namespace], Awaitable[list[str]]], args: argparse.Namespace
) -> None:
    """`measure` on a fresh SQLite database, then on a fresh PostgreSQL one if given."""
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{tmp}/bench.sqlite3"
        migrate.upgrade(url)
        print("SQLite")
        print("\n".join(asyncio.run(measure(url, args))))
    if args.postgres:
        url = fresh_postgres(args.postgres)
        try:
            migrate.upgrade(url)
            print("PostgreSQL")
            print("\n".join(asyncio.run(measure(url, args))))
        finally:
            asyncio.run(drop_database(args.postgres, url))
    else:
        print("PostgreSQL: skipped (pass --postgres or set LOTSE_TEST_POSTGRES_URL)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--heavy", type=int, default=5_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--postgres", default=os.environ.get("LOTSE_TEST_POSTGRES_URL", ""))
    args = parser.parse_args()
    print(
        f"access log: {args.entries:,} entries over {args.people:,} people, {args.heavy:,} of "
        f"them to one more person; {os.cpu_count()} cores"
    )
    on_both(measure, args)


if __name__ == "__main__":
    main()
