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
    "sent": t("sent, waiting for the answer"),
    "extended": t("deadline extended"),
    "answered": t("answered"),
    "overdue": t("answer overdue"),
    "reminded": t("reminder sent"),
    "complaint": t("complaint made"),
    "closed": t("done"),
}
#: Statuses whose line names the erasure (before the letter went, and once done); the
#: others run a deadline clock, and the request is not erased while it runs.
ERASED_LINE = frozenset({"drafted", "ready", "closed"})
#: Statuses with a deadline running, and those in which the person tells what happened.
DUE_LINE = frozenset({"sent", "extended", "reminded"})
FOLLOWED = frozenset({"sent", "extended", "overdue", "reminded", "answered", "complaint"})
# TRANSLATORS: one request: as above; {date} is the day the answer is due.
LINE_DUE = t("{number}) {holder}: {kind}, {status}. Answer due by {date}.")
# TRANSLATORS: as above, the day estimated (the letter went by post).
LINE_ESTIMATED = t("{number}) {holder}: {kind}, {status}. Answer due by about {date} (estimated).")
# TRANSLATORS: one request whose deadline passed or was answered: as above.
LINE_PLAIN = t("{number}) {holder}: {kind}, {status}.")
SENT_IT = Choice("sent-it", t("I sent it"))
UPDATE = Choice("update", t("Tell us what happened"))


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
    status, state = status_words(request), str(request.status)
    holder, kind = holder_name(ctx, request.holder), kind_words(request.kind)
    said = {"number": number, "holder": holder, "kind": kind, "status": status}
    clock = getattr(request, "clock", None)
    if state in ERASED_LINE or clock is None:
        return t(LINE.msgid, **said, date=request.erase_at.date())
    if state in DUE_LINE and clock.next_on is not None:
        # Only the first deadline follows from an estimated receipt; a reminder's is
        # the date the reminder itself names.
        estimated = clock.estimated and state != "reminded"
        return t((LINE_ESTIMATED if estimated else LINE_DUE).msgid, **said, date=clock.next_on)
    return t(LINE_PLAIN.msgid, **said)


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


def _actions(status: object) -> tuple[Choice, ...]:
    """What a request's status allows: typing on, the letter again and saying it went,
    telling what happened once it went; deleting, always."""
    if status == "drafted":
        return (GO_ON, DELETE, TO_REQUESTS)
    if status == "ready":
        return (AGAIN, SENT_IT, DELETE, TO_REQUESTS)
    if status in FOLLOWED:
        return (UPDATE, DELETE, TO_REQUESTS)
    return (DELETE, TO_REQUESTS)


def prompt(ctx: Context, step: str, data: Mapping[str, Any]) -> Reply:
    if step == "confirm-delete":
        return Reply((t("Delete this request?"),), (CONFIRM, KEEP))
    if step == "request":
        return Reply((WHAT,), _actions(data.get("status", "drafted")))
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
    if step == "request" and given.choice in (GO_ON.id, AGAIN.id, SENT_IT.id, UPDATE.id):
        found = await ctx.port(Requests).view(request_id)
        if found is None:
            return await show(ctx, state, NOT_FOUND)
        if given.choice not in {c.id for c in _actions(str(found.status))}:  # changed meanwhile
            return _request(ctx, state, data.get("number", 1), found)
        if given.choice == SENT_IT.id:
            return go("rights_due", data={"request": request_id, "sent": "request"})
        if given.choice == UPDATE.id:
            return go("rights_due", data={"request": request_id})
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
    return _request(ctx, state, int(number), found)


def _request(ctx: Context, state: Mapping[str, Any], number: object, found: Any) -> Step:
    """One request with what its status allows."""
    status = str(found.status)
    shown = line(ctx, number if isinstance(number, int) else 1, found)
    question = Reply((WHAT,), _actions(status))
    replies = (Reply((shown,)), question) if ctx.channel is Channel.SMS else (
        Reply((shown, WHAT), question.choices),)  # fmt: skip
    data = {**state, "request": found.request_id, "status": status, "number": number}
    return Step(replies, NAME, "request", data)
