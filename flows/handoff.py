"""The hand-off: the person asks an advice service found in "Find advice" to contact
them, and chooses item by item what the service may know. Nothing is pre-ticked.

A description in their own words may reveal health, religion or other special
categories of data: it goes only with their explicit consent (GDPR Art. 9(2)(a)),
asked in plain words as soon as it is written. Before anything is sent they see
exactly what goes to whom, how long it is kept and how to withdraw.

The state holds only what the questions need (the service, the choices, the typed
description, encrypted by the port); the values themselves are read by the `Cases` port
when sending, and a cancel stores nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from bot.conversation import Cases, Context, Input, Relay, Step
from bot.i18n import channel_name, listed, native_name
from bot.kernel.types import Channel, Choice, Reply, Text, t, verbatim
from flows import advice_words
from flows import handoff_words as words
from flows.advice_card import Card
from flows.common import go
from flows.my_data import BACK

NAME = "handoff"
DESCRIPTION = "description"
_TICKED, _OPEN = "☑", "☐"


def ask_choice(slug: str, topic: str | None) -> str:
    """The id of "Ask them to contact me" under a service: its slug and the topic asked
    about travel in the choice, not in the state of "Find advice"."""
    return f"{words.ASK_CHOICE}{slug}:{topic or ''}"


def read_ask(choice: str | None) -> tuple[str, str | None] | None:
    if not choice or not choice.startswith(words.ASK_CHOICE):
        return None
    slug, _, topic = choice.removeprefix(words.ASK_CHOICE).partition(":")
    return (slug, topic or None) if slug else None


class HandoffFlow:
    name = NAME
    #: The description is written: it may look like a connect code.
    text_steps = frozenset({"describe"})

    async def enter(self, ctx: Context, data: Mapping[str, Any]) -> Step:
        slug, topic = str(data.get("service", "")), data.get("topic")
        offer = await ctx.port(Cases).offer(slug, topic if isinstance(topic, str) else None)
        if offer is None:
            return go("menu", Reply((words.UNAVAILABLE,)))
        state = {
            "service": offer.service_slug, "name": offer.service_name,
            "topic": topic if isinstance(topic, str) else None,
            "fields": [f.value for f in offer.fields], "chosen": [],
        }  # fmt: skip
        return Step((self.prompt(ctx, "choose", state),), NAME, "choose", state)

    def _service(self, ctx: Context, data: Mapping[str, Any]) -> str:
        """The service's name, kept in place in right-to-left text."""
        return Card(ctx.lang, ctx.channel is Channel.SMS).data(str(data.get("name", "")))

    def prompt(self, ctx: Context, step: str, data: Mapping[str, Any]) -> Reply:
        service = self._service(ctx, data)
        if step == "describe":
            return Reply((t(words.DESCRIBE.msgid, max=words.DESCRIPTION_MAX),), (words.CANCEL,))
        sms = ctx.channel is Channel.SMS
        if step == "special":
            # By SMS without the service's name (it was just shown): three segments.
            asked = words.SMS_SPECIAL if sms else t(words.SPECIAL.msgid, service=service)
            return Reply((asked,), (words.AGREE, words.WITHOUT))
        if step == "sent":
            return Reply((), (words.RELAY, BACK))
        chosen = set(data.get("chosen", ()))
        named = words.SMS_FIELDS if sms else words.FIELDS
        toggles = tuple(
            Choice(words.FIELD_CHOICE + f, _toggle(f in chosen, named[f], sms))
            for f in data.get("fields", ())
            if f in named
        )
        asked = words.SMS_CHOOSE if sms else t(words.CHOOSE.msgid, service=service)
        return Reply((asked,), (*toggles, words.SEND, words.CANCEL))

    async def handle(
        self, ctx: Context, step: str, data: Mapping[str, Any], given: Input
    ) -> Step | None:
        if given.choice == words.CANCEL.id:
            return go("menu", Reply((words.CANCELLED,)))
        if step == "choose":
            return await self._choose(ctx, data, given)
        if step == "describe":
            return self._described(ctx, data, given)
        if step == "special":
            return self._special(ctx, data, given)
        if step == "summary" and given.choice == words.SEND.id:
            return await self._send(ctx, data)
        if step == "sent" and given.choice == words.RELAY.id:
            return go("relay", data={"case": data.get("case")})
        if step == "sent" and given.choice == BACK.id:
            return go("menu")
        return None

    async def _choose(self, ctx: Context, data: Mapping[str, Any], given: Input) -> Step | None:
        choice = given.choice or ""
        field = choice.removeprefix(words.FIELD_CHOICE)
        chosen = list(data.get("chosen", ()))
        if choice.startswith(words.FIELD_CHOICE) and field in data.get("fields", ()):
            if field in chosen:
                chosen.remove(field)
                state = {**data, "chosen": chosen}
                if field == DESCRIPTION:
                    state.pop(DESCRIPTION, None)
            elif field == DESCRIPTION:
                return Step((self.prompt(ctx, "describe", data),), NAME, "describe", dict(data))
            else:
                state = {**data, "chosen": [f for f in data["fields"] if f in {*chosen, field}]}
            return Step((self.prompt(ctx, "choose", state),), NAME, "choose", state)
        if given.choice != words.SEND.id:
            return None
        if not chosen:
            again = self.prompt(ctx, "choose", data)
            return Step((Reply((words.NOTHING,)), again), NAME, "choose", dict(data))
        return await self._summary(ctx, data)

    def _described(self, ctx: Context, data: Mapping[str, Any], given: Input) -> Step | None:
        if given.choice is not None or not (given.text or "").strip():
            return None
        text = " ".join((given.text or "").split())
        if len(text) > words.DESCRIPTION_MAX:
            too_long = t(words.TOO_LONG.msgid, n=len(text), max=words.DESCRIPTION_MAX)
            again = self.prompt(ctx, "describe", data)
            return Step((Reply((too_long,)), again), NAME, "describe", dict(data))
        # Kept encrypted while the questions run: the state is not.
        state = {**data, DESCRIPTION: ctx.port(Cases).seal(text)}
        return Step((self.prompt(ctx, "special", state),), NAME, "special", state)

    def _special(self, ctx: Context, data: Mapping[str, Any], given: Input) -> Step | None:
        state = dict(data)
        if given.choice == words.AGREE.id:
            chosen = {*data.get("chosen", ()), DESCRIPTION}
            state["chosen"] = [f for f in data.get("fields", ()) if f in chosen]
        elif given.choice == words.WITHOUT.id:
            state.pop(DESCRIPTION, None)
        else:
            return None
        return Step((self.prompt(ctx, "choose", state),), NAME, "choose", state)

    async def _summary(self, ctx: Context, data: Mapping[str, Any]) -> Step:
        offer = await ctx.port(Cases).offer(str(data.get("service")), data.get("topic"))
        if offer is None:
            return go("menu", Reply((words.UNAVAILABLE,)))
        values = {f.value: v for f, v in offer.values.items()}
        description = ctx.port(Cases).unseal(data.get(DESCRIPTION))
        if description:
            values[DESCRIPTION] = description
        items = [
            Text("{field}: {value}", {"field": words.FIELDS[f], "value": _shown(ctx, f, values)})
            for f in data.get("chosen", ())
            if f in values and f in words.FIELDS
        ]
        service = self._service(ctx, data)
        until: datetime = offer.expires_at
        what = t(words.SUMMARY.msgid, service=service, items=listed(items))
        kept = t(words.KEPT.msgid, days=offer.retention_days)
        runs = t(words.UNTIL.msgid, date=until.date())
        choices = (words.SEND, words.CANCEL)
        replies: tuple[Reply, ...]
        if ctx.channel is Channel.SMS:
            # Three messages, each within three segments.
            replies = (Reply((what,)), Reply((kept,)), Reply((runs,), choices))
        else:
            replies = (Reply((what, kept, runs), choices),)
        return Step(replies, NAME, "summary", dict(data))

    async def _send(self, ctx: Context, data: Mapping[str, Any]) -> Step:
        description = data.get(DESCRIPTION)
        sent = await ctx.port(Cases).hand_off(
            str(data.get("service")), tuple(data.get("chosen", ())),
            topic=data.get("topic"), sealed_description=description,
            special_consent=bool(description) and DESCRIPTION in data.get("chosen", ()),
        )  # fmt: skip
        if not isinstance(sent, int):
            return go("menu", Reply((words.UNAVAILABLE,)))
        # The service's answers come to the contact the person asked from (a web chat
        # cannot be written to first otherwise).
        await ctx.port(Relay).remember(sent)
        done = t(words.SENT.msgid, service=self._service(ctx, data), case=verbatim(str(sent)))
        after = self.prompt(ctx, "sent", {})
        return Step((Reply((done,), after.choices),), NAME, "sent", {"case": sent})


def _toggle(on: bool, label: Text, sms: bool) -> Text:
    """A field as a toggle button: ticked or not, the mark first (by SMS in characters
    that keep a Latin message in the cheap GSM alphabet)."""
    mark = ("[x]" if on else "[ ]") if sms else (_TICKED if on else _OPEN)
    return Text(f"{mark} {{label}}", {"label": label})


def _shown(ctx: Context, field: str, values: Mapping[str, str]) -> Text | str:
    """A value as the person reads it in the summary: a language or channel by name,
    the topic in their words, data as it is (kept in place in right-to-left text)."""
    value = values[field]
    if field == "language":
        return native_name(value)
    if field == "channel" and value in Channel._value2member_map_:
        return channel_name(Channel(value), ctx.channel)
    if field == "topic" and value in advice_words.TOPICS:
        return advice_words.TOPICS[value]
    return Card(ctx.lang, ctx.channel is Channel.SMS).data(value)
