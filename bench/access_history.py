"""How fast a person gets the first page of who looked at their data (`bot.audit.
access_history`) when they have 1,000 entries in a big log.

The log is filled as `bench.access_log` fills it (`--entries` over `--people`, `--heavy`
of them to one more person, interleaved in time). Then, in one process, each query is
timed on its own (median and p99):

- baseline: one entry by its primary key, selected and converted: the cost of any query;
- the heavy person's first page (`--limit` lines), its page after `--deep` lines (a
  keyset page costs what the first does), and `for_person` reading all their entries
  at once, for comparison.

    .venv/bin/python -m bench.access_history [--entries 200000] [--people 10000]
        [--heavy 1000] [--limit 20] [--deep 900] [--queries 300]
        [--postgres postgresql+asyncpg://…/postgres]

Without --postgres the PostgreSQL run uses LOTSE_TEST_POSTGRES_URL if set.
"""

from __future__ import annotations

import argparse
import os
import random

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bench.access_log import by_id, fill, on_both, timed
from bot.audit import AccessLine, access_history, for_person
from bot.db.models import AccessEntry
from bot.db.session import make_engine, make_sessionmaker


async def cursor_after(session: AsyncSession, person_id: int, lines: int) -> int:
    """The id a person's page after `lines` lines starts before."""
    found = await session.scalar(
        select(AccessEntry.id)
        .where(AccessEntry.person_id == person_id)
        .order_by(AccessEntry.at.desc(), AccessEntry.id.desc())
        .offset(lines - 1)
        .limit(1)
    )
    assert found is not None, "fewer entries than --deep"
    return found


async def measure(url: str, args: argparse.Namespace) -> list[str]:
    seconds = await fill(url, args)
    lines = [f"  fill: {args.entries:,} entries in {seconds:.1f} s"]
    engine = make_engine(url)
    sessionmaker: async_sessionmaker[AsyncSession] = make_sessionmaker(engine)
    heavy = args.people + 1
    entry_ids = [random.Random(6).randint(1, args.entries) for _ in range(args.queries)]
    async with sessionmaker() as session:
        deep = await cursor_after(session, heavy, args.deep)

        async def first(session: AsyncSession, person: int) -> list[AccessLine]:
            return list((await access_history(session, person, limit=args.limit)).lines)

        async def later(session: AsyncSession, person: int) -> list[AccessLine]:
            page = await access_history(session, person, before_id=deep, limit=args.limit)
            return list(page.lines)

        base = await timed(session, "baseline: one entry by primary key", by_id, entry_ids)
        lines.append(base.line())
        keys = [heavy] * args.queries
        for name, query in (
            (f"access_history, first page ({args.limit} lines)", first),
            (f"access_history, page after {args.deep} lines", later),
        ):
            lines.append((await timed(session, name, query, keys)).line(base))
        whole = await timed(session, f"for_person, all {args.heavy:,} at once", for_person,
                            keys[: max(10, args.queries // 3)])  # fmt: skip
        lines.append(whole.line(base))
    await engine.dispose()
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--entries", type=int, default=200_000)
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--heavy", type=int, default=1_000)
    parser.add_argument("--limit", type=int, default=20)
    parser.add_argument("--deep", type=int, default=900)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--postgres", default=os.environ.get("LOTSE_TEST_POSTGRES_URL", ""))
    args = parser.parse_args()
    print(
        f"access history: {args.entries:,} entries over {args.people:,} people, "
        f"{args.heavy:,} of them to one more person; {os.cpu_count()} cores"
    )
    on_both(measure, args)


if __name__ == "__main__":
    main()
