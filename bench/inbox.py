"""How fast an advisor's inbox answers with 10,000 cases.

`--cases` cases (default 10,000) across 3 services, a few hundred of them resolved,
withdrawn or assigned; one advisor of the first service. Timed, each call in its own
transaction and committed as the inbox does (a list writes its access-log entries):

- `list_cases` for each view (mine, unassigned, all): the first page and a deep page
  (`before_id` 2,000 cases down);
- `open_case` (decrypts what was shared, reads the notes, logs the access).

The baseline, measured in the same run, is a bare `select` of the same first page of
the service's open cases: what any list of the page costs.

    .venv/bin/python -m bench.inbox [--cases 10000] [--repeats 200] [--without-index]
        [--postgres postgresql+asyncpg://…/postgres]

Without --postgres the PostgreSQL run uses LOTSE_BENCH_POSTGRES_URL if set.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert, select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bench.access_log import on_both
from bot.advice import import_file
from bot.cases import CaseStatus, View, list_cases, open_case
from bot.db.models import AdviceService, Case, Person
from bot.db.session import make_engine, make_sessionmaker
from bot.kernel.crypto import Vault
from bot.staff import StaffRole, create_advisor

NOW = datetime(2026, 11, 30, 9, tzinfo=UTC)
SLUGS = ("bench-a", "bench-b", "bench-c")
DEEP = 2000


def _service(slug: str) -> dict[str, object]:
    return {
        "slug": slug, "name": f"Beratung {slug}", "programme": "mbe", "provider": "Träger",
        "topics": ["residence"], "languages": ["de", "ar"], "lotse": True, "source": "bench",
        "email": f"{slug}@example.org", "verified_at": "2026-11-16",
    }  # fmt: skip


async def fill(sessions: async_sessionmaker[AsyncSession], vault: Vault, count: int) -> int:
    """The cases; the advisor's login id."""
    rng = random.Random(18)
    data = json.dumps({"services": [_service(s) for s in SLUGS]}).encode()
    async with sessions() as session, session.begin():
        await import_file(session, data, name="bench.json", replace=False, now=NOW,
                          today=NOW.date())  # fmt: skip
        ids = list(await session.scalars(select(AdviceService.id).order_by(AdviceService.id)))
        advisor = await create_advisor(session, "berater@bench.example", "lang-genug-und-gut",
                                       role=StaffRole.ADVISOR, services=[SLUGS[0]],
                                       languages=["de"])  # fmt: skip
        await session.execute(insert(Person), [{"language": "ar"} for _ in range(count)])
        people = list(await session.scalars(select(Person.id).order_by(Person.id)))
        shared = vault.encrypt(json.dumps({"first-name": "Amina", "language": "ar"}))
        rows = []
        for i, person in enumerate(people):
            created = NOW - timedelta(minutes=count - i)
            resolved = rng.random() < 0.05
            rows.append({
                "service_id": ids[i % 3], "service_slug": SLUGS[i % 3],
                "service_name": f"Beratung {SLUGS[i % 3]}", "person_id": person,
                "status": (CaseStatus.RESOLVED if resolved else rng.choice(
                    [CaseStatus.NEW, CaseStatus.OPEN, CaseStatus.WAITING])).value,
                "assigned_to": advisor.id if i % 3 == 0 and rng.random() < 0.3 else None,
                "language": "ar", "topic": "residence", "channel": "webchat",
                "fields": ["first-name", "language"], "shared_enc": shared,
                "special_consent": False, "consent_record_id": f"{i:036d}",
                "expires_at": NOW + timedelta(days=30), "created_at": created,
                "withdrawn_at": created if rng.random() < 0.02 else None,
                "paused_minutes": 0,
            })  # fmt: skip
        await session.execute(insert(Case), rows)
        return advisor.id


async def timed(
    sessions: async_sessionmaker[AsyncSession],
    work: Callable[[AsyncSession], Awaitable[object]],
    repeats: int,
) -> list[float]:
    seconds = []
    for round_ in range(repeats + 3):
        async with sessions() as session, session.begin():
            start = time.perf_counter()
            await work(session)
            if round_ >= 3:  # the first ones warm the caches
                seconds.append(time.perf_counter() - start)
    return seconds


def summary(name: str, seconds: list[float], baseline: list[float]) -> str:
    ordered = sorted(seconds)
    p50, p99 = statistics.median(ordered), ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    ratio = p50 / statistics.median(baseline)
    return f"  {name:34} p50 {p50 * 1e3:7.2f} ms   p99 {p99 * 1e3:7.2f} ms   {ratio:5.1f}x"


async def measure(url: str, args: argparse.Namespace) -> list[str]:
    engine = make_engine(url)
    sessions = make_sessionmaker(engine)
    vault = Vault("bench-secret-key-bench-secret-key")
    try:
        if args.without_index:
            async with engine.begin() as connection:
                await connection.execute(text("DROP INDEX ix_cases_service_id"))
        advisor = await fill(sessions, vault, args.cases)
        async with sessions() as session:
            service = await session.scalar(select(AdviceService.id).order_by(AdviceService.id))
            open_ids = list(await session.scalars(
                select(Case.id).where(Case.service_id == service, Case.withdrawn_at.is_(None),
                                      Case.status != CaseStatus.RESOLVED.value)
                .order_by(Case.id.desc())
            ))  # fmt: skip
        deep = open_ids[min(DEEP, len(open_ids) - 1)]

        async def bare(session: AsyncSession) -> object:
            return list(await session.scalars(
                select(Case).where(Case.service_id == service,
                                   Case.status != CaseStatus.RESOLVED.value)
                .order_by(Case.id.desc()).limit(50)
            ))  # fmt: skip

        baseline = await timed(sessions, bare, args.repeats)
        lines = [summary("baseline: bare select of a page", baseline, baseline)]
        for view in View:
            for label, before in (("first page", None), ("deep page", deep)):

                async def page(
                    session: AsyncSession, v: View = view, b: int | None = before
                ) -> object:
                    found = await list_cases(session, advisor, v, NOW, before_id=b)
                    assert found, (v, b)
                    return found

                seconds = await timed(sessions, page, args.repeats)
                lines.append(summary(f"list_cases {view.value}, {label}", seconds, baseline))

        async def one(session: AsyncSession) -> object:
            return await open_case(session, vault, advisor, random.choice(open_ids[:500]), NOW)

        lines.append(summary("open_case", await timed(sessions, one, args.repeats), baseline))
        return lines
    finally:
        await engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=200)
    parser.add_argument("--without-index", action="store_true",
                        help="drop ix_cases_service_id first: the figures before it")  # fmt: skip
    parser.add_argument("--postgres", default=os.environ.get("LOTSE_BENCH_POSTGRES_URL", ""))
    args = parser.parse_args()
    print(f"advice inbox: {args.cases:,} cases over {len(SLUGS)} services, one advisor of the "
          f"first; {args.repeats} repeats; ratios against the baseline (p50)")  # fmt: skip
    on_both(measure, args)


if __name__ == "__main__":
    main()
