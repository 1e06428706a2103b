"""My consents: each decision with its date and the privacy information it was given on,
and each hand-off to an advice service (what it shares, since and until when), which
the person can withdraw here: the service's access ends at once."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from bot.consent import decision_text, decisions_in_short
from bot.conversation import Cases, Context, Input, Step
from bot.i18n import listed
from bot.kernel.types import Channel, Choice, Reply, Text, t, tn, verbatim
from flows import handoff_words as words
from flows.advice_card import Card
from flows.common import NO, YES, go
from flows.my_data import BACK

NAME = "my_consents"
#: Hand-offs are listed one by one below (the book keeps one purpose for all of them).
HANDOFF = "handoff"


class MyConsents:
    name = NAME

    async def enter(self, ctx: Context, data: Mapping[str, Any]) -> Step:
        history = await ctx.consent_history()
        current = [r for r in (await ctx.current_consents()).values() if r.purpose != HANDOFF]
        handoffs = tuple(await ctx.port(Cases).mine())
        if not history:
            return go("menu", Reply((t("You have not told us yet whether we may contact you."),)))
        if ctx.channel is Channel.SMS:
            # TRANSLATORS: "my consents" by SMS, kept short (SMS cost per segment);
            # {decisions} is a list like "WhatsApp: yes, Telegram: no".
            now = t(
                "Your consents now: {decisions}.",
                decisions=decisions_in_short(current, ctx.channel),
            )
            entries = tn(
                "Your history has {n} entry.", "Your history has {n} entries.", len(history)
            )
            return self._handoffs(ctx, Reply((now, entries)), handoffs)
        lines = [
            t("Your answers now:"),
            *(decision_text(record, ctx.channel) for record in current),
            tn(
                "Your history has {n} entry. A change adds a new entry. Old entries stay as "
                "they are.",
                "Your history has {n} entries. A change adds a new entry. Old entries stay as "
                "they are.",
                len(history),
            ),
        ]
        return self._handoffs(ctx, Reply(tuple(lines)), handoffs)

    def _handoffs(self, ctx: Context, said: Reply, handoffs: tuple[Any, ...]) -> Step:
        """The hand-offs after the decisions, each active one with "Write to" (while the
        case is open) and "Withdraw"."""
        if not handoffs:
            return go("menu", said)
        card = Card(ctx.lang, ctx.channel is Channel.SMS)
        now = ctx.now
        lines = [words.HANDOFFS, *(_line(card, h, now) for h in handoffs)]
        state = _state(handoffs, now)
        withdraw = tuple(
            choice
            for case, name in state["active"].items()
            for choice in _choices(card, case, name, open_=case in state["open"])
        )
        if ctx.channel is Channel.SMS:
            # The list, then its choices: each message within three segments.
            shown = (said, Reply(tuple(lines)), Reply((), (*withdraw, BACK)))
            return Step(shown, NAME, "list", state)
        listing = Reply(tuple(lines), (*withdraw, BACK))
        return Step((said, listing), NAME, "list", state)

    def prompt(self, ctx: Context, step: str, data: Mapping[str, Any]) -> Reply:
        card = Card(ctx.lang, ctx.channel is Channel.SMS)
        if step == "confirm":
            service = card.data(str(data.get("name", "")))
            return Reply((t(words.CONFIRM_WITHDRAW.msgid, service=service),), (YES, NO))
        writable = set(data.get("open", ()))
        withdraw = tuple(
            choice
            for case, n in data.get("active", {}).items()
            for choice in _choices(card, case, n, open_=case in writable)
        )
        return Reply((words.HANDOFFS,), (*withdraw, BACK))

    async def handle(
        self, ctx: Context, step: str, data: Mapping[str, Any], given: Input
    ) -> Step | None:
        choice = given.choice or ""
        if choice == BACK.id:
            return go("menu")
        if step == "list" and choice.startswith(words.WITHDRAW_CHOICE):
            case = choice.removeprefix(words.WITHDRAW_CHOICE)
            name = data.get("active", {}).get(case)
            if name is None:
                return None
            state = {"case": case, "name": name}
            return Step((self.prompt(ctx, "confirm", state),), NAME, "confirm", state)
        if step == "list" and choice.startswith(words.WRITE_CHOICE):
            case = choice.removeprefix(words.WRITE_CHOICE)
            if case not in data.get("open", ()) or not case.isdigit():
                return None
            return go("relay", data={"case": int(case)})
        if step == "confirm" and choice == NO.id:
            return await self.enter(ctx, {})
        if step == "confirm" and choice == YES.id and str(data.get("case", "")).isdigit():
            if not await ctx.port(Cases).withdraw(int(data["case"])):
                return await self.enter(ctx, {})
            service = Card(ctx.lang, ctx.channel is Channel.SMS).data(str(data.get("name", "")))
            return go("menu", Reply((t(words.DONE_WITHDRAW.msgid, service=service),)))
        return None


def _line(card: Card, handoff: Any, now: datetime) -> Text:
    """One hand-off: the service, what it shares, since and until when, and its state."""
    fields = [words.FIELDS[f.value] for f in handoff.fields if f.value in words.FIELDS]
    if handoff.withdrawn_at is not None:
        state, until = words.WITHDRAWN, handoff.withdrawn_at
    else:
        state = words.ACTIVE if handoff.active(now) else words.ENDED
        until = handoff.expires_at
    return t(
        words.HANDOFF_LINE.msgid, service=card.data(handoff.service_name),
        fields=listed(fields) if fields else verbatim("–"),
        since=handoff.created_at.date(), until=until.date(), state=state,
    )  # fmt: skip


def _choices(card: Card, case: str, service: str, *, open_: bool) -> tuple[Choice, ...]:
    """An active hand-off's buttons: write to the service (while the case is open),
    withdraw."""
    name = card.data(service)
    write = Choice(f"{words.WRITE_CHOICE}{case}", t(words.WRITE.msgid, service=name))
    withdraw = Choice(f"{words.WITHDRAW_CHOICE}{case}", t(words.WITHDRAW.msgid, service=name))
    return (write, withdraw) if open_ else (withdraw,)


def _state(handoffs: tuple[Any, ...], now: datetime) -> dict[str, Any]:
    """The active hand-offs (withdrawable) and the open ones (writable), by case id."""
    active = [h for h in handoffs if h.active(now)]
    return {
        "active": {str(h.case_id): h.service_name for h in active},
        "open": [str(h.case_id) for h in active if h.status != "resolved"],
    }
