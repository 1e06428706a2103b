"""kill -9 between acknowledging a webhook and processing it: every acknowledged
message is processed once, in each person's order, by the next process.

A `lotse serve` with LOTSE_INBOX_WORKERS=0 only acknowledges: it stores each signed
webhook in the `inbox` table and answers Twilio, but never runs a conversation
step. Several people text it several messages each (one person's messages one
after another, in a known order; the people side by side). The process is then
killed with SIGKILL, and a normal `lotse serve` on the same database must work
the inbox off: one inbound `messages` row per acknowledged MessageSid (inbound key
"sms:<MessageSid>"), none twice, and for each person the rows' ids ascending in
the order the person sent them.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tests.fakes.twilio import FakeTwilio
from tests.resilience.database import inbound_ids, inbox_count, keys, wait_until
from tests.resilience.timeline import Timeline
from tests.resilience.webhooks import new_sid, numbers, text
from tests.support.processes import Processes, lotse_env, prepare_database, twilio_env

PEOPLE = 12
EACH = 5
# What each person writes, in this order (the first gets the language question; the
# rest walk a little way into onboarding or are not understood: all are processed).
TEXTS = ("Hallo", "1", "weiter", "Was ist das?", "Menü")
assert len(TEXTS) == EACH


@pytest.mark.resilience
async def test_kill_between_acknowledgement_and_processing(
    fresh_database: str, processes: Processes, tmp_path: Path
) -> None:
    timeline = Timeline()
    async with FakeTwilio() as fake:
        env = lotse_env(fresh_database, tmp_path) | twilio_env(fake.url, rate=1000)
        await prepare_database(env, tmp_path)
        timeline.mark("database prepared")
        acknowledging = await processes.serve(env | {"LOTSE_INBOX_WORKERS": "0"}).start()
        timeline.mark("serving (acknowledge only)")

        sent: dict[str, list[str]] = {person: [] for person in numbers(PEOPLE, start=1000)}
        refused: list[tuple[str, int]] = []

        async def person(number: str) -> None:
            for body in TEXTS:
                sid = new_sid()
                status = await text(fake, acknowledging.url, number, body, sid)
                if 200 <= status < 300:
                    sent[number].append(sid)
                else:
                    refused.append((sid, status))

        await asyncio.gather(*(person(number) for number in sent))
        timeline.mark(f"{PEOPLE * EACH} webhooks answered")
        acknowledged = [sid for sids in sent.values() for sid in sids]
        assert not refused, f"{len(refused)} webhooks were not acknowledged: {refused[:5]}"
        stored = await inbox_count(fresh_database)
        assert stored == len(acknowledged), (
            f"{stored} rows in `inbox` for {len(acknowledged)} acknowledged webhooks "
            "(LOTSE_INBOX_WORKERS=0 stores each and processes none)"
        )
        assert not await inbound_ids(fresh_database), "a process with 0 inbox workers processed"

        acknowledging.kill9()
        timeline.mark("killed")
        await processes.serve(env).start()
        timeline.mark("serving again")
        await wait_until(
            lambda: _inbox_empty(fresh_database),
            within=120,
            what="the inbox to be worked off",
            state=lambda: inbox_count(fresh_database),
        )
        timeline.mark("inbox empty")

    processed = await inbound_ids(fresh_database)
    wanted = set(keys(acknowledged))
    missing = sorted(wanted - set(processed))
    doubled = {key: ids for key, ids in processed.items() if len(ids) > 1}
    unexpected = sorted(set(processed) - wanted)
    out_of_order = {
        number: ids
        for number, sids in sent.items()
        if (ids := [processed[key][0] for key in keys(sids) if key in processed]) != sorted(ids)
    }
    summary = (
        f"{len(acknowledged)} acknowledged; {len(processed)} processed; missing "
        f"{len(missing)}, doubled {len(doubled)}, unexpected {len(unexpected)}, people out "
        f"of order {len(out_of_order)}; {timeline}"
    )
    print(summary)
    assert not missing, f"acknowledged but never processed {missing[:5]}: {summary}"
    assert not doubled, f"processed more than once {list(doubled.items())[:5]}: {summary}"
    assert not unexpected, f"processed but never sent {unexpected[:5]}: {summary}"
    assert not out_of_order, f"a person's messages out of order {out_of_order}: {summary}"


async def _inbox_empty(url: str) -> bool:
    return await inbox_count(url) == 0
