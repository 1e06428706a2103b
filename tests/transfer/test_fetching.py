"""A typed code is fetched outside the conversation step: a peer that hangs delays no
one else, a result comes back only to the person who typed the code (a forged
`transfer-result:` payload reads nothing), and a fetch cut off by a restart ends with
a clear answer instead of hanging for ever."""

from __future__ import annotations

import asyncio
import time

import pytest
from aiohttp import web
from sqlalchemy import select

from bot.db.models import TransferFetch
from bot.transfer import FetchStatus
from bot.web.app import make_app
from tests.support.factories import ChatPerson
from tests.support.flows import onboard
from tests.support.transfer import FETCHING, chat, fetched, log_entries, shown
from tests.transfer.conftest import Pair
from tests.transfer.test_between_installations import TOOK, arriving, leaving, people

UNREACHABLE = "We could not reach the other Lotse just now."
NOTHING = "There is no data from another Lotse waiting for you."


async def fetches(pair: Pair) -> list[TransferFetch]:
    async with pair.bonn.sessionmaker() as session:
        return list(await session.scalars(select(TransferFetch).order_by(TransferFetch.id)))


async def waiting_for(person: ChatPerson, pair: Pair, text: str, seconds: float) -> str:
    """Process the inbox until `text` reaches the person's chat (the fetcher runs on)."""
    seen = ""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        await pair.bonn.inbox.process_pending()
        seen += " " + shown(await person.replies())
        if text in seen:
            return seen
        await asyncio.sleep(0.1)
    raise AssertionError(f"{text!r} never came: {seen}")


async def test_a_hanging_peer_delays_no_one_else(pair: Pair) -> None:
    stopping = asyncio.Event()
    loop = asyncio.create_task(pair.bonn.transfers.run(stopping))  # as in `lotse serve`
    try:
        waiter = await arriving(pair)
        other = await arriving(pair)
        # The slow peer answers after 4 s; the step does not wait for it: the answer
        # comes while the claim is still out. (Order, not stopwatch times: those would
        # only measure how busy the machine is.)
        assert FETCHING in shown(await waiter.say("SLOW-2345-6789-ABCD"))
        await asyncio.sleep(0.3)  # the loop, woken by the commit, is now at the peer
        [row] = await fetches(pair)
        assert row.status == FetchStatus.TAKEN
        # Meanwhile someone else's message is processed and answered.
        assert shown(await other.choose("continue"))
        [row] = await fetches(pair)
        assert row.status == FetchStatus.TAKEN  # the claim is still out
        # The waiting person hears the end by themselves, in their chat.
        told = await waiting_for(waiter, pair, UNREACHABLE, 10)
        assert "Nothing has changed" in told
        assert await fetches(pair) == []  # read once, and gone
    finally:
        stopping.set()
        await asyncio.wait_for(loop, 10)


async def test_a_forged_result_payload_reads_nothing(pair: Pair) -> None:
    _, code = await leaving(pair)
    victim = await arriving(pair)
    assert FETCHING in shown(await victim.say(code))
    await pair.bonn.transfers.process_pending()  # fetched; the result's message queued
    [row] = await fetches(pair)
    assert row.status == FetchStatus.SENT
    # Someone opens a chat with the payload a result's message carries (as a Telegram
    # /start would), and someone already chatting types it.
    forged = {"code": f"transfer-result:{row.id}", "language": "en"}
    response = await pair.at_bonn.post("/chat/api/sessions", json=forged)
    assert response.status == 201
    forger = chat(pair.at_bonn, pair.bonn)
    forger.session = (await response.json())["session"]
    seen = shown(await forger.replies())
    assert NOTHING in seen and TOOK not in seen
    [still] = await fetches(pair)  # nothing was read or spent
    assert still.id == row.id
    typist = await arriving(pair)  # (its steps process the queued result too)
    assert TOOK not in shown(await typist.say(f"transfer-result:{row.id}"))
    # The person who typed the code gets it.
    assert TOOK in shown(await fetched(pair.bonn, victim))
    assert await fetches(pair) == []
    victim_id = (await people(pair.bonn))[0].id  # the first to write here
    [received] = await log_entries(pair.bonn, "transfer.received")
    assert received.person_id == victim_id
    # Read once: the same payload now finds nothing, not even for its person.
    await victim.choose("same")
    await victim.post(text="hello")
    assert await fetches(pair) == []


async def test_a_fetch_cut_off_by_a_restart_ends_with_a_clear_answer(pair: Pair) -> None:
    person = await arriving(pair)
    await onboard(person, ["yes", "no"])
    assert FETCHING in shown(await person.say("SLOW-2345-6789-ABCD"))
    # The process fetching it stops for good while the claim is out.
    cut = asyncio.create_task(pair.bonn.transfers.process_pending())
    await asyncio.sleep(0.5)
    cut.cancel()
    await asyncio.gather(cut, return_exceptions=True)
    [row] = await fetches(pair)
    assert row.status == FetchStatus.TAKEN
    # Restarted before the claim could have ended: it is left alone (it may still be
    # running elsewhere); once past the timeout and a margin, it is finished.
    assert await pair.bonn.transfers.process_pending() == 0
    assert shown(await fetched(pair.bonn, person)) == ""
    pair.clock.advance(seconds=3 + 61)
    told = shown(await fetched(pair.bonn, person))
    assert "We could not finish fetching your data." in told
    assert "please ask your other Lotse for a new one" in told
    assert person.offered == ["back"]  # asked for a (new) code again
    assert await fetches(pair) == []
    assert await log_entries(pair.bonn, "transfer.received") == []


@pytest.mark.one_database  # the wiring of `lotse serve`; the claims run on both elsewhere
async def test_the_served_app_fetches_by_itself(pair: Pair) -> None:
    """`lotse serve` runs the fetcher next to the inbox workers: nobody calls it here."""
    _, code = await leaving(pair)
    runner = web.AppRunner(make_app(pair.bonn, dispatch=False, process=True))
    await runner.setup()  # the app's background loops start
    try:
        arrival = await arriving(pair)
        # The fetcher may finish before the answer to the code is read: then both come
        # together.
        seen = shown(await arrival.say(code))
        assert FETCHING in seen
        deadline = time.monotonic() + 30
        while TOOK not in seen and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
            seen += " " + shown(await arrival.replies())
        assert TOOK in seen
    finally:
        await runner.cleanup()
    assert await fetches(pair) == []


async def test_erased_while_the_claim_is_out_nothing_comes_back(pair: Pair) -> None:
    person = await arriving(pair)
    await onboard(person, ["yes", "no"])
    assert FETCHING in shown(await person.say("SLOW-2345-6789-ABCD"))
    claim = asyncio.create_task(pair.bonn.transfers.process_pending())
    await asyncio.sleep(0.3)
    [row] = await fetches(pair)
    assert row.status == FetchStatus.TAKEN
    await person.say("menu")
    await person.choose("delete")
    await person.choose("confirm")
    assert await fetches(pair) == []  # the row went with the person
    await claim  # the peer's timeout: its result has nowhere to go, quietly
    assert await people(pair.bonn) == []
    assert await pair.bonn.inbox.waiting() == 0
