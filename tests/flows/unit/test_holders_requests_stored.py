"""My requests on the stored requests (bot.rights, through the runtime's `Requests`
port): what the list shows of a request, going on with it, deleting it, and another
person's request, which stays."""

from __future__ import annotations

from typing import Any

import pytest

from bot.conversation import Context, Input, Requests
from flows.holders import HoldersFlow
from tests.support.steps import Bench, StepPerson, choice_ids, msgids

pytest.importorskip("bot.rights.port", reason="the Requests port is wired by bot.rights")
FLOW = HoldersFlow()
NOT_FOUND = "That request was not found. Nothing was deleted."


async def started(someone: StepPerson, holder: str, kind: str) -> Any:
    """A request opened for the person, as the request wizard opens it."""
    opened: list[Any] = []

    async def act(ctx: Context) -> None:
        opened.append(await ctx.port(Requests).start(holder, kind))

    await someone.step(act)
    assert opened and opened[0] is not None
    return opened[0]


async def mine(someone: StepPerson) -> tuple[Any, ...]:
    return await someone.read(lambda ctx: ctx.port(Requests).mine())


async def test_a_stored_request_listed_gone_on_with_and_deleted(bench: Bench) -> None:
    someone = bench.person()
    await someone.enter(FLOW)
    view = await started(someone, "azr", "access")
    step = await someone.enter(FLOW, {"show": "requests"})
    [reply] = step.replies
    line = next(t for t in reply.texts if t.msgid.startswith("{number})"))
    assert line.params["holder"].msgid == "Central Register of Foreign Nationals (AZR)"
    assert line.params["kind"].msgid == "access to your data"
    assert line.params["status"].msgid == "not finished"
    assert line.params["date"] == view.erase_at.date()
    assert choice_ids(reply) == ["request:1", "back"]
    picked = await someone.handle(FLOW, "requests", Input(choice="request:1"), step.data)
    assert picked is not None and choice_ids(picked.replies[0])[0] == "go-on"
    go_on = await someone.handle(FLOW, "request", Input(choice="go-on"), picked.data)
    assert go_on is not None and go_on.flow == "rights_request"
    assert go_on.data == {"request": view.request_id}
    ask = await someone.handle(FLOW, "request", Input(choice="delete"), picked.data)
    assert ask is not None and ask.step == "confirm-delete"
    done = await someone.handle(FLOW, "confirm-delete", Input(choice="confirm"), ask.data)
    assert done is not None
    assert msgids(done.replies[0]) == [
        "Deleted. Everything you typed for it is gone.",
        "You have no requests to agencies.",
    ]
    assert await mine(someone) == ()


async def test_another_persons_stored_request_is_not_found_and_stays(bench: Bench) -> None:
    me, other = bench.person("unit-me"), bench.person("unit-other")
    await me.enter(FLOW)
    await other.enter(FLOW)
    theirs = await started(other, "bamf", "access")
    step = await me.enter(FLOW, {"show": "requests"})
    refused = await me.handle(FLOW, "requests", Input(choice="request:1"), step.data)
    assert refused is not None and msgids(refused.replies[0])[0] == NOT_FOUND
    forged = {"request": theirs.request_id}
    deleted = await me.handle(FLOW, "confirm-delete", Input(choice="confirm"), forged)
    assert deleted is not None and msgids(deleted.replies[0])[0] == NOT_FOUND
    assert [r.request_id for r in await mine(other)] == [theirs.request_id]
