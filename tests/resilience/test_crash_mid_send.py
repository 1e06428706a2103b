"""kill -9 while replies go out part by part: nothing doubled, and only the sends the
provider was still answering at the kill may leave a reply incomplete.

A hundred people (German numbers, so no language hint) each text Lotse once; each
gets the language question, which is 3 SMS parts with this installation's limit of one
segment per SMS (checked on a first person before the load). Lotse sends through the
real Twilio client to the fake Twilio REST API, which answers every part after
300 ms, at 40 messages/s with a 5 s outbox lease. After about 100 parts have reached
the fake, `lotse serve` is killed with SIGKILL; then a new `lotse serve` on the same
database finishes what it can, until no outbound row is queued or sending.

What the provider received is judged by (To, Body), person by person (`Judged`):
- a *note* is the deliberate, labelled message Lotse may send after the rest of a
  reply about a part whose delivery it cannot know; its text contains that part.
  A person's SMS from the first one that is not exactly a part on are their note
  (split into SMS like any message), and a note is never counted as a duplicate;
- a duplicate is the same part to the same number twice before that;
- a person's reply is complete when each of the 3 parts reached them, as itself
  or inside a note.
The sends in flight at the kill are the requests that had reached the fake but
whose answers had not been written when the signal was sent: Lotse cannot know
how those ended, everything else it can.
"""

from __future__ import annotations

import collections
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.fakes.twilio import CreateRequest, FakeTwilio
from tests.resilience.database import outbox_errors, outbox_settled, scalar, wait_until
from tests.resilience.timeline import Timeline
from tests.resilience.webhooks import new_sid, numbers, text, text_all
from tests.support.processes import Processes, lotse_env, prepare_database, twilio_env

PEOPLE = 100
PARTS = 3
KILL_AFTER = 100  # parts at the fake
LATENCY = 0.3  # seconds the fake takes to answer each part
FIRST_TEXT = "Hallo"


@pytest.mark.resilience
async def test_crash_mid_send(fresh_database: str, processes: Processes, tmp_path: Path) -> None:
    timeline = Timeline()
    async with FakeTwilio(latency=LATENCY) as fake:
        env = lotse_env(fresh_database, tmp_path) | twilio_env(fake.url, rate=40)
        env["LOTSE_OUTBOX_LEASE_SECONDS"] = "5"
        # One segment per SMS, so the language question (3 segments) goes as 3 parts.
        env["LOTSE_SMS_MAX_SEGMENTS"] = "1"
        await prepare_database(env, tmp_path)
        timeline.mark("database prepared")
        server = await processes.serve(env).start()
        timeline.mark("serving")

        # The reply every person will get, learnt from a first person.
        [probe] = numbers(1, start=90_000)
        assert await text(fake, server.url, probe, FIRST_TEXT, new_sid()) == 200
        await wait_until(
            lambda: _arrived(fake, probe), within=30, what="the first reply to reach the fake"
        )
        await outbox_settled(fresh_database, within=30)
        parts = [r.body or "" for r in fake.requests if r.to == probe]
        assert len(parts) == PARTS and len(set(parts)) == PARTS, (
            f"the first reply to a German number is no longer {PARTS} distinct SMS parts "
            f"(got {len(parts)}): pick another first message for this test"
        )
        start = len(fake.requests)
        timeline.mark("first reply learnt")

        people = numbers(PEOPLE)
        statuses = await text_all(fake, server.url, [(p, FIRST_TEXT) for p in people])
        assert all(s == 200 for s in statuses.values()), collections.Counter(statuses.values())
        acknowledged_at = len(fake.requests) - start
        timeline.mark(f"{PEOPLE} webhooks acknowledged")
        await fake.wait_for_requests(start + KILL_AFTER, within=60)
        killed_at = server.kill9()
        in_flight = [r for r in fake.in_flight(killed_at) if r.to != probe]
        at_kill = len(fake.requests) - start
        timeline.mark("killed")

        restarted = await processes.serve(env).start()
        timeline.mark("serving again")
        rows = await outbox_settled(fresh_database, within=120)
        timeline.mark("outbox settled")
        errors = await outbox_errors(fresh_database)
        uncertain = await scalar(
            fresh_database,
            "SELECT count(*) FROM messages WHERE direction = 'out' AND uncertain_part IS NOT NULL",
        )
        await restarted.terminate()
        timeline.mark("stopped")

    for request in fake.requests[start:]:
        assert request.status == 201, f"the fake refused a part: {request}"
    judged = Judged.of(parts, people, fake.requests[start:])
    summary = (
        f"{PEOPLE} people x {PARTS} parts; {acknowledged_at} parts had reached the fake when "
        f"every webhook was acknowledged, {at_kill} at the kill, {len(in_flight)} of them in "
        f"flight (arrived, answer not yet written); afterwards {len(fake.requests) - start} "
        f"SMS in all; {judged}; rows with a part of unknown delivery: {uncertain}; "
        f"outbox rows: {rows}; failed rows by error: {errors}; {timeline}"
    )
    print(summary)
    assert not judged.strangers, f"SMS to numbers that never texted: {summary}"
    assert at_kill < PEOPLE * PARTS, f"the kill came after every part was out: {summary}"
    assert not judged.doubled, (
        f"parts reached a person twice {sorted(judged.doubled.items())[:3]}: {summary}"
    )
    assert len(judged.incomplete) <= len(in_flight), (
        f"more replies incomplete than sends in flight at the kill: {summary}"
    )
    # No silent gap: every part Lotse could not know about got its note to the person.
    assert judged.noted == uncertain, f"notes and parts of unknown delivery differ: {summary}"


@dataclass
class Judged:
    """What the people received, judged by (To, Body).

    Each person texted once, so their SMS are their reply's parts and, after them
    (Lotse queues a note behind the rest of the message), perhaps a note: from the
    first SMS that is not exactly a part on, the person's SMS are the note's (its
    first SMS opens with the note's label, so it is never a part itself). A part
    repeated before that is a duplicate; a part repeated inside the note is the note.
    """

    #: (number, the part's first words): how many times it arrived.
    doubled: dict[tuple[str, str], int]
    #: People who did not get every part, as itself or inside a note.
    incomplete: list[str]
    #: People who got a note; how many of those had in fact got the part it repeats.
    noted: int
    noted_arrived: int
    note_sms: int
    #: SMS to numbers that never texted.
    strangers: int

    @classmethod
    def of(cls, parts: list[str], people: list[str], requests: list[CreateRequest]) -> Judged:
        received: dict[str, list[str]] = {person: [] for person in people}
        strangers = 0
        for request in requests:
            if request.to in received:
                received[request.to].append(request.body or "")
            else:
                strangers += 1
        doubled: dict[tuple[str, str], int] = {}
        incomplete: list[str] = []
        noted = noted_arrived = note_sms = 0
        for person, bodies in received.items():
            cut = next((i for i, body in enumerate(bodies) if body not in parts), len(bodies))
            reply, note = bodies[:cut], _squash("".join(bodies[cut:]))
            for body, count in collections.Counter(reply).items():
                if count > 1:
                    doubled[(person, body[:30])] = count
            if not all(part in reply or _squash(part) in note for part in parts):
                incomplete.append(person)
            if note:
                noted += 1
                note_sms += len(bodies) - cut
                repeated = [part for part in parts if _squash(part) in note]
                noted_arrived += bool(repeated) and all(part in reply for part in repeated)
        return cls(doubled, incomplete, noted, noted_arrived, note_sms, strangers)

    def __str__(self) -> str:
        return (
            f"incomplete replies {len(self.incomplete)}, duplicates "
            f"{sum(self.doubled.values()) - len(self.doubled)}, notes {self.noted} "
            f"({self.note_sms} SMS; {self.noted_arrived} about a part that had in fact "
            f"arrived)"
        )


def _squash(text: str) -> str:
    """The text without white space: SMS splitting cuts at line breaks and spaces."""
    return "".join(text.split())


async def _arrived(fake: FakeTwilio, number: str) -> bool:
    return any(r.to == number for r in fake.requests)
