"""My requests: the person's requests to agencies, what each is and when it is erased;
one of them goes on (the request wizard, flows/rights_request.py: the questions still
open, or the letter again) or is deleted after a confirmation. Part of the "holders"
flow (flows/holders.py).

The requests come from the `Requests` port, which only ever sees the person of the step:
a request id that is not theirs (a stale or made-up choice) is "not found", and nothing
is deleted. By SMS each request is a message of its own.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# The function, not its module (`from bot.holders import catalog` names both).
from bot import holders as registry
from bot.conversation import Context, Input, Requests, Step
from bot.holders import RequestKind
from bot.kernel.types import Channel, Choice, Reply, Text, t
from flows import holders_texts as words
from flows.common import go
from flows.my_data import BACK

NAME = "holders"
STEPS = frozenset({"requests", "request", "confirm-delete"})
REQUEST_CHOICE = "request:"
GO_ON = Choice("go-on", t("Go on with it"))
AGAIN = Choice("again", t("Get the letter again"))
DELETE = Choice("delete", t("Delete it"))
TO_REQUESTS = Choice("requests", t("Back to my requests"))
CONFIRM = Choice("confirm", t("Yes, delete it"))
KEEP = Choice("keep", t("No, keep it"))

HEADER = t("Your requests to agencies:")
NONE = t("You have no requests to agencies.")
# TRANSLATORS: one request: {holder} is the agency's name, {kind} what is asked (e.g.
# "access to your data"), {status} e.g. "not finished", {date} a date.
# "3)", unlike a choice's "3." by SMS: the line is not a choice (its choice is "Request 3").
LINE = t("{number}) {holder}: {kind}, {status}. Erased on {date} at the latest.")
CHOOSE = t("Choose a request to go on with it or to delete it.")
WHAT = t("What would you like to do with this request?")
ASK = t("Delete your request to {holder} ({kind})? Everything you typed for it is erased at once.")
DELETED = t("Deleted. Everything you typed for it is gone.")
NOT_FOUND = t("That request was not found. Nothing was deleted.")
# TRANSLATORS: what a request asks an agency for, inside "{holder}: {kind}, {status}".
KINDS: dict[str, Text] = {
    RequestKind.ACCESS: t("access to your data"),
    RequestKind.CORRECTION: t("correction"),
    RequestKind.ERASURE: t("erasure"),
    RequestKind.RESTRICTION: t("restriction"),
    RequestKind.TRANSFER_BLOCK: t("block on passing data on"),
}
# Ids from bot.rights.RequestStatus (flows may not import bot.rights).
# TRANSLATORS: how far a request is, inside "{holder}: {kind}, {status}".
STATUSES: dict[str, Text] = {
    "drafted": t("not finished"),
    "ready": t("letter ready"),
}


def holder_name(ctx: Context, slug: str) -> Text | str:
    found = registry.catalog(ctx.settings).get(slug)
    return words.SHORT.get(slug, slug) if found is None else words.name(found)


def kind_words(kind: Any) -> Text | str:
    return KINDS.get(str(kind), str(kind))


def _back(state: Mapping[str, Any]) -> tuple[Choice, ...]:
    return (words.TO_LIST, BACK) if state.get("holders") else (BACK,)


def request_choice(number: int) -> Choice:
    """The n-th request of the list shown (its id is in the state: `shown`)."""
    # TRANSLATORS: a choice under the list of requests: {number} is the request's number.
    return Choice(f"{REQUEST_CHOICE}{number}", t("Request {number}", number=number))


def status_words(request: Any) -> Text | str:
    """How far: a letter asked for by post says so (LOTSE_REQUEST_POST). Results are
    duck-typed (bot/conversation/scope.py): one without these fields was never posted."""
    posted = getattr(request, "posted_at", None)
    if posted is not None:
        # TRANSLATORS: how far a request is: its letter was printed and posted on {date}.
        return t("letter posted on {date}", date=posted.date())
    if getattr(request, "post_requested_at", None) is not None:
        # TRANSLATORS: how far a request is: its letter waits to be printed and posted.
        return t("letter to be posted")
    return STATUSES.get(str(request.status), str(request.status))


def line(ctx: Context, number: int, request: Any) -> Text:
    """One request (a bot.rights.RequestView): agency, kind, how far, erased when."""
    status = status_words(request)
    holder, kind = holder_name(ctx, request.holder), kind_words(request.kind)
    return t(LINE.msgid, number=number, holder=holder, kind=kind, status=status,
             date=request.erase_at.date())  # fmt: skip


async def show(ctx: Context, state: dict[str, Any], *before: Text) -> Step:
    """The person's requests, newest first, each with the day it is erased."""
    state = {k: v for k, v in state.items() if k in ("holders", "may")}
    mine = await ctx.port(Requests).mine()
    if not mine:
        return Step((Reply((*before, NONE), _back(state)),), NAME, "requests", state)
    lines = [line(ctx, n, r) for n, r in enumerate(mine, 1)]
    choices = (*(request_choice(n) for n in range(1, len(mine) + 1)), *_back(state))
    # The ids of the requests as numbered here: a choice names its number, so a request
    # is picked as the person saw it even if another one came or went meanwhile.
    state = {**state, "shown": [r.request_id for r in mine]}
    if ctx.channel is Channel.SMS:
        replies = [Reply((*before, HEADER)), *(Reply((line,)) for line in lines)]
        replies.append(Reply((CHOOSE,), choices))
    else:
        replies = [Reply((*before, HEADER, *lines, CHOOSE), choices)]
    return Step(tuple(replies), NAME, "requests", state)


def _actions(request: Any) -> tuple[Choice, ...]:
    go_on = GO_ON if request is None or request.missing else AGAIN
    return (go_on, DELETE, TO_REQUESTS)


def prompt(ctx: Context, step: str, data: Mapping[str, Any]) -> Reply:
    if step == "confirm-delete":
        return Reply((t("Delete this request?"),), (CONFIRM, KEEP))
    if step == "request":
        return Reply((WHAT,), (GO_ON, DELETE, TO_REQUESTS))
    shown = data.get("shown")
    if not isinstance(shown, list) or not shown:
        return Reply((NONE,), _back(data))
    numbered = (request_choice(n) for n in range(1, len(shown) + 1))
    return Reply((CHOOSE,), (*numbered, *_back(data)))


async def handle(ctx: Context, step: str, data: dict[str, Any], given: Input) -> Step | None:
    state = {k: v for k, v in data.items() if k in ("holders", "may")}
    if step == "requests":
        return await _picked(ctx, data, given)
    if given.choice in (KEEP.id, TO_REQUESTS.id):
        return await show(ctx, state)
    request_id = data.get("request")
    if not isinstance(request_id, int):
        return None
    if step == "request" and given.choice in (GO_ON.id, AGAIN.id):
        if await ctx.port(Requests).view(request_id) is None:
            return await show(ctx, state, NOT_FOUND)
        return go("rights_request", data={"request": request_id})
    if step == "request" and given.choice == DELETE.id:
        found = await ctx.port(Requests).view(request_id)
        if found is None:
            return await show(ctx, state, NOT_FOUND)
        ask = t(ASK.msgid, holder=holder_name(ctx, found.holder), kind=kind_words(found.kind))
        return Step((Reply((ask,), (CONFIRM, KEEP)),), NAME, "confirm-delete", data)
    if step == "confirm-delete" and given.choice == CONFIRM.id:
        deleted = await ctx.port(Requests).delete(request_id)
        return await show(ctx, state, DELETED if deleted else NOT_FOUND)
    return None


async def _picked(ctx: Context, data: Mapping[str, Any], given: Input) -> Step | None:
    """A request chosen from the list: what to do with it. One that is gone or not the
    person's (a stale or made-up choice) is "not found", and nothing happens."""
    state = {k: v for k, v in data.items() if k in ("holders", "may")}
    choice = given.choice or ""
    if not choice.startswith(REQUEST_CHOICE):
        return None
    listed = data.get("shown")
    shown: list[Any] = listed if isinstance(listed, list) else []
    number = choice.removeprefix(REQUEST_CHOICE)
    if not number.isdigit() or not 1 <= int(number) <= len(shown):
        return await show(ctx, state, NOT_FOUND)
    found = await ctx.port(Requests).view(int(shown[int(number) - 1]))
    if found is None:
        return await show(ctx, state, NOT_FOUND)
    reply = Reply((line(ctx, int(number), found), WHAT), _actions(found))
    return Step((reply,), NAME, "request", {**state, "request": found.request_id})
