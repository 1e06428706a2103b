"""My consents: each decision with its date and the privacy information it was given on."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.consent import decision_text, decisions_in_short
from bot.conversation import Context, Input, Step
from bot.kernel.types import Channel, Reply, t, tn
from flows.common import go

NAME = "my_consents"


class MyConsents:
    name = NAME

    async def enter(self, ctx: Context, data: Mapping[str, Any]) -> Step:
        history = await ctx.consent_history()
        current = await ctx.current_consents()
        if not history:
            return go("menu", Reply((t("You have not told us yet whether we may contact you."),)))
        if ctx.channel is Channel.SMS:
            # TRANSLATORS: "my consents" by SMS, kept short (SMS cost per segment);
            # {decisions} is a list like "WhatsApp: yes, Telegram: no".
            now = t(
                "Your consents now: {decisions}.",
                decisions=decisions_in_short(list(current.values()), ctx.channel),
            )
            entries = tn(
                "Your history has {n} entry.", "Your history has {n} entries.", len(history)
            )
            return go("menu", Reply((now, entries)))
        lines = [
            t("Your answers now:"),
            *(decision_text(record, ctx.channel) for record in current.values()),
            tn(
                "Your history has {n} entry. A change adds a new entry. Old entries stay as "
                "they are.",
                "Your history has {n} entries. A change adds a new entry. Old entries stay as "
                "they are.",
                len(history),
            ),
        ]
        return go("menu", Reply(tuple(lines)))

    def prompt(self, ctx: Context, step: str, data: Mapping[str, Any]) -> Reply:
        raise ValueError("my consents has no steps")

    async def handle(
        self, ctx: Context, step: str, data: Mapping[str, Any], given: Input
    ) -> Step | None:
        return None
