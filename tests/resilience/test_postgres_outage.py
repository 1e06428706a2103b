"""PostgreSQL stops under a running Lotse while people keep texting: nothing is lost,
nothing doubled, and Lotse recovers on its own.

`lotse serve` runs on a private PostgreSQL cluster (tests/support/pg_cluster.py).
Several people text it without pause, each one message after another. In the
middle the cluster is stopped for a few seconds while they go on (`pg_ctlcluster …
stop -m fast`, which ends every session, or `-m immediate`, as if the server
crashed: a commit under way may or may not have happened). Every webhook must
still be answered 200 (Lotse keeps what it acknowledged in its local spool,
LOTSE_DATA_DIR/spool, while the database is away), and /readyz must say 503.
Then the cluster starts again, the people text a little longer, and Lotse must
work off the spool and the inbox: every acknowledged message processed exactly
once (one inbound `messages` row per MessageSid) and in each person's order, by the
same process that was running before the outage, which is ready again.
"""

from __future__ import annotations

import asyncio
import collections
import time
from pathlib import Path

import pytest

from tests.fakes.twilio import FakeTwilio
from tests.resilience.database import (
    inbound_ids,
    inbox_count,
    keys,
    outbox_settled,
    spool_files,
    wait_until,
)
from tests.resilience.timeline import Timeline
from tests.resilience.webhooks import new_sid, numbers, text
from tests.support.pg_cluster import PgCluster
from tests.support.processes import (
    LotseServer,
    Processes,
    lotse_env,
    prepare_database,
    twilio_env,
)

PEOPLE = 6
PAUSE = 0.2  # seconds between one person's messages
BEFORE, OUTAGE, AFTER = 3.0, 6.0, 3.0  # seconds of texting around and during the outage
TEXTS = ("Hallo", "1", "weiter", "Was ist das?", "Menü", "Hilfe")


@pytest.mark.resilience
@pytest.mark.postgres
@pytest.mark.parametrize("stop", ["fast", "immediate"])
async def test_postgres_outage_loses_nothing(
    stop: str, pg_cluster: PgCluster, private_database: str, processes: Processes, tmp_path: Path
) -> None:
    timeline = Timeline()
    async with FakeTwilio() as fake:
        env = lotse_env(private_database, tmp_path) | twilio_env(fake.url, rate=1000)
        await prepare_database(env, tmp_path)
        timeline.mark("database prepared")
        server = await processes.serve(env).start()
        timeline.mark("serving")

        # Every webhook posted: (sid, HTTP status, whether the database was down).
        posted: list[tuple[str, int, bool]] = []
        sent: dict[str, list[str]] = {number: [] for number in numbers(PEOPLE, start=2000)}
        database_down = False
        texting = True

        async def person(number: str) -> None:
            for count in range(10_000):
                if not texting:
                    return
                sid = new_sid()
                down = database_down
                status = await text(fake, server.url, number, TEXTS[count % len(TEXTS)], sid)
                posted.append((sid, status, down or database_down))
                if 200 <= status < 300:
                    sent[number].append(sid)
                await asyncio.sleep(PAUSE)

        people = [asyncio.create_task(person(number)) for number in sent]
        try:
            await asyncio.sleep(BEFORE)
            before = len(posted)
            database_down = True
            await asyncio.to_thread(pg_cluster.stop, stop)
            stopped_at = time.monotonic()
            timeline.mark("database stopped")
            readiness = await _readiness_while(server, tmp_path, until=stopped_at + OUTAGE)
            spooled = max((n for _, n in readiness), default=0)
            timeline.mark("outage over")
            await asyncio.to_thread(pg_cluster.start)
            sms_before_restart = len(fake.requests)
            database_down = False
            timeline.mark("database started")
            await asyncio.sleep(AFTER)
        finally:
            texting = False
            await asyncio.gather(*people)
        timeline.mark(f"{len(posted)} webhooks posted")
        during = sum(1 for _, _, down in posted if down)

        server.check_alive()
        await wait_until(
            lambda: _drained(private_database, tmp_path),
            within=120,
            what="the spool and the inbox to be worked off",
            state=lambda: _backlog(private_database, tmp_path),
        )
        timeline.mark("spool and inbox empty")
        server.check_alive()  # the process that saw the outage, never restarted

        async def ready() -> bool:
            return await server.get("/readyz") == 200

        await wait_until(ready, within=30, what="/readyz to say 200 again")
        timeline.mark("ready again")
        # The dispatcher recovered too: every reply left (or was settled), unrestarted.
        outbox = await outbox_settled(private_database, within=120)
        sms_after_restart = len(fake.requests) - sms_before_restart
        timeline.mark(f"outbox settled {outbox}")

    processed = await inbound_ids(private_database)
    acknowledged = [sid for sids in sent.values() for sid in sids]
    wanted = set(keys(acknowledged))
    refused = collections.Counter(status for _, status, _ in posted if not 200 <= status < 300)
    refused_down = sum(1 for _, status, down in posted if down and not 200 <= status < 300)
    missing = sorted(wanted - set(processed))
    doubled = {key: ids for key, ids in processed.items() if len(ids) > 1}
    # A refused webhook may have been stored all the same: Twilio would post it again,
    # and the inbound key would drop the repeat. Only a message never posted is wrong.
    unexpected = sorted(set(processed) - set(keys(sid for sid, _, _ in posted)))
    # Each person's messages processed in the order they were sent, across the outage.
    out_of_order = [
        number
        for number, sids in sent.items()
        if (ids := [processed[key][0] for key in keys(sids) if key in processed]) != sorted(ids)
    ]
    statuses = collections.Counter(status for status, _ in readiness)
    summary = (
        f"{len(posted)} webhooks ({before} before the outage, {during} while the database "
        f"was down); not acknowledged: {sum(refused.values())} {dict(refused)} "
        f"({refused_down} of them during the outage); processed {len(processed)}: missing "
        f"{len(missing)}, doubled {len(doubled)}, unexpected {len(unexpected)}; /readyz "
        f"during the outage {dict(statuses)}; most files in the spool "
        f"{spooled}; {timeline}"
    )
    print(summary)
    assert during > 0, f"no webhook was posted while the database was down: {summary}"
    assert not refused, f"webhooks not acknowledged: {summary}"
    assert 503 in statuses and 200 not in statuses, (
        f"/readyz did not say 503 while the database was down: {summary}"
    )
    assert not missing, f"acknowledged but never processed {missing[:5]}: {summary}"
    assert not doubled, f"processed more than once {list(doubled.items())[:5]}: {summary}"
    assert not unexpected, f"processed but never posted {unexpected[:5]}: {summary}"
    assert not out_of_order, f"out of order for {len(out_of_order)} people: {summary}"
    assert sms_after_restart > 0, f"no reply reached the provider after the outage: {summary}"


async def _readiness_while(
    server: LotseServer, data_dir: Path, *, until: float
) -> list[tuple[int, int]]:
    """/readyz status and spool size, about every half second until `until`."""
    seen: list[tuple[int, int]] = []
    while time.monotonic() < until:
        server.check_alive()
        seen.append((await server.get("/readyz"), len(spool_files(data_dir))))
        await asyncio.sleep(0.5)
    return seen


async def _backlog(url: str, data_dir: Path) -> str:
    return f"{len(spool_files(data_dir))} in the spool, {await inbox_count(url)} in the inbox"


async def _drained(url: str, data_dir: Path) -> bool:
    return not spool_files(data_dir) and await inbox_count(url) == 0
