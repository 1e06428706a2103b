"""My requests: the person's requests to agencies, what each is and when it is erased,
and deleting one (with a confirmation). Part of the "holders" flow (flows/holders.py).

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
from flows.my_data import BACK

NAME = "holders"
STEPS = frozenset({"requests", "confirm-delete"})
DELETE_CHOICE = "delete:"
CONFIRM = Choice("confirm", t("Yes, delete it"))
KEEP = Choice("keep", t("No, keep it"))

HEADER = t("Your requests to agencies:")
NONE = t("You have no requests to agencies.")
# TRANSLATORS: one request: {holder} is the agency's name, {kind} what is asked (e.g.
# "access to your data"), {status} e.g. "not finished", {date} a date.
LINE = t("{number}. {holder}: {kind}, {status}. Erased on {date} at the latest.")
CHOOSE = t("Choose a request to delete it.")
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


def _delete_choice(number: int, request_id: int) -> Choice:
    # TRANSLATORS: a choice under the list of requests: {number} is the request's number.
    return Choice(f"{DELETE_CHOICE}{request_id}", t("Delete request {number}", number=number))


async def show(ctx: Context, state: dict[str, Any], *before: Text) -> Step:
    """The person's requests, newest first, each with the day it is erased."""
    state = {k: v for k, v in state.items() if k in ("holders", "may")}
    mine = await ctx.port(Requests).mine()
    if not mine:
        return Step((Reply((*before, NONE), _back(state)),), NAME, "requests", state)
    lines = [
        t(LINE.msgid, number=n, holder=holder_name(ctx, r.holder), kind=kind_words(r.kind),
          status=STATUSES.get(str(r.status), str(r.status)), date=r.erase_at.date())
        for n, r in enumerate(mine, 1)
    ]  # fmt: skip
    choices = (*(_delete_choice(n, r.request_id) for n, r in enumerate(mine, 1)), *_back(state))
    if ctx.channel is Channel.SMS:
        replies = [Reply((*before, HEADER)), *(Reply((line,)) for line in lines)]
        replies.append(Reply((CHOOSE,), choices))
    else:
        replies = [Reply((*before, HEADER, *lines, CHOOSE), choices)]
    return Step(tuple(replies), NAME, "requests", state)


def prompt(ctx: Context, step: str, data: Mapping[str, Any]) -> Reply:
    if step == "confirm-delete":
        return Reply((t("Delete this request?"),), (CONFIRM, KEEP))
    return Reply((CHOOSE,), _back(data))


async def handle(ctx: Context, step: str, data: dict[str, Any], given: Input) -> Step | None:
    state = {k: v for k, v in data.items() if k in ("holders", "may")}
    if step == "requests":
        return await _picked(ctx, state, given)
    if step != "confirm-delete":
        return None
    if given.choice == KEEP.id:
        return await show(ctx, state)
    if given.choice != CONFIRM.id or not isinstance(data.get("request"), int):
        return None
    deleted = await ctx.port(Requests).delete(data["request"])
    return await show(ctx, state, DELETED if deleted else NOT_FOUND)


async def _picked(ctx: Context, state: dict[str, Any], given: Input) -> Step | None:
    choice = given.choice or ""
    if not choice.startswith(DELETE_CHOICE):
        return None
    try:
        request_id = int(choice.removeprefix(DELETE_CHOICE))
    except ValueError:
        return await show(ctx, state, NOT_FOUND)
    found = await ctx.port(Requests).view(request_id)
    if found is None:  # not the person's (a stale or made-up choice): nothing happens
        return await show(ctx, state, NOT_FOUND)
    ask = t(ASK.msgid, holder=holder_name(ctx, found.holder), kind=kind_words(found.kind))
    data = {**state, "request": request_id}
    return Step((Reply((ask,), (CONFIRM, KEEP)),), NAME, "confirm-delete", data)
