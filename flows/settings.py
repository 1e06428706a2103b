"""Settings: change language, give or withdraw consent per channel, re-rank channels."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.consent import CONTACT, receipt
from bot.conversation import Context, Input, Step
from bot.i18n import STATE_NAMES, channel_name
from bot.kernel.types import Channel, Choice, ConsentState, Reply, t, verbatim
from flows.common import (
    chosen_language,
    go,
    language_choices,
    language_set,
    rank_pick,
    rank_prompt,
    ranking_saved,
    record_contact_choice,
)

NAME = "settings"
LANGUAGE = Choice("language", t("Language"))
CONSENT = Choice("consent", t("Consent to be contacted"))
RANKING = Choice("ranking", t("Which way to contact you first"))
ADDRESS = Choice("address", t("Address for letters"))
BACK = Choice("back", t("Back to the main menu"))
DONE = Choice("done", t("Done"))


class SettingsFlow:
    name = NAME

    async def enter(self, ctx: Context, data: Mapping[str, Any]) -> Step:
        return await self._overview(ctx)

    async def _overview(self, ctx: Context, *before: Reply) -> Step:
        given = await ctx.given_channels()
        has_address = await ctx.letter_address() is not None
        data = {"can_rank": len(given) >= 2, "has_address": has_address}
        return Step((*before, self.prompt(ctx, "overview", data)), NAME, "overview", data)

    def prompt(self, ctx: Context, step: str, data: Mapping[str, Any]) -> Reply:
        if step == "overview":
            choices = (
                LANGUAGE,
                CONSENT,
                *((RANKING,) if data.get("can_rank") else ()),
                *((ADDRESS,) if data.get("has_address") else ()),
                BACK,
            )
            return Reply((t("Settings. What would you like to change?"),), choices)
        if step == "language":
            if ctx.channel is Channel.SMS:
                # The list is long in every script: the globe stands for the question,
                # and the hint under it names the numbers (bot.messaging.render).
                return Reply((verbatim("🌐"),), language_choices())
            return Reply((t("Please choose your language."),), language_choices())
        if step == "consent":
            states: Mapping[str, str] = data["states"]
            header = (
                # TRANSLATORS: by SMS, kept short (SMS cost per segment); each choice
                # below reads "WhatsApp: yes".
                t("Choose one to change your answer:")
                if ctx.channel is Channel.SMS
                else t("Choose a way of contact to change your answer. Now:")
            )
            return Reply(
                (header,),
                (
                    *(
                        Choice(
                            f"toggle:{c}",
                            t(
                                "{channel}: {state}",
                                channel=channel_name(Channel(c), ctx.channel),
                                state=STATE_NAMES[ConsentState(s)] if s else t("not asked"),
                            ),
                        )
                        for c, s in states.items()
                    ),
                    DONE,
                ),
            )
        if step == "rank":
            return rank_prompt(ctx, data["remaining"])
        raise ValueError(f"unknown settings step {step!r}")

    async def handle(
        self, ctx: Context, step: str, data: Mapping[str, Any], given: Input
    ) -> Step | None:
        if step == "overview":
            return await self._from_overview(ctx, given)
        if step == "language":
            lang = chosen_language(given.choice)
            if lang is None:
                return None
            ctx.set_language(lang)
            return go("menu", language_set(lang))
        if step == "consent":
            return await self._toggle(ctx, given)
        if step == "rank":
            picked = rank_pick(list(data["ranked"]), list(data["remaining"]), given.choice)
            if picked is None:
                return None
            ranked, remaining = picked
            if remaining:
                next_data = {"ranked": ranked, "remaining": remaining}
                return Step((rank_prompt(ctx, remaining),), NAME, "rank", next_data)
            return await self._overview(ctx, ranking_saved(ctx, ranked))
        return None

    async def _from_overview(self, ctx: Context, given: Input) -> Step | None:
        if given.choice == LANGUAGE.id:
            return Step((self.prompt(ctx, "language", {}),), NAME, "language", {})
        if given.choice == CONSENT.id:
            return await self._consent_step(ctx)
        if given.choice == RANKING.id:
            remaining = [c.value for c in await self._ranked_given(ctx)]
            data = {"ranked": [], "remaining": remaining}
            return Step((rank_prompt(ctx, remaining),), NAME, "rank", data)
        if given.choice == ADDRESS.id:
            return go("letter_address")
        if given.choice == BACK.id:
            return go("menu")
        return None

    async def _consent_step(self, ctx: Context, *before: Reply) -> Step:
        current = await ctx.current_consents()
        # The channels offered here, and any other the person has answered for: a letter
        # agreed to at an office must be as easy to withdraw as it was to give.
        answered = [
            Channel(channel) for purpose, channel in current if purpose == CONTACT.id and channel
        ]
        states = {}
        for channel in dict.fromkeys([*ctx.settings.contact_channels, *answered]):
            record = current.get((CONTACT.id, channel.value))
            states[channel.value] = record.state if record else ""
        data = {"states": states}
        return Step((*before, self.prompt(ctx, "consent", data)), NAME, "consent", data)

    async def _toggle(self, ctx: Context, given: Input) -> Step | None:
        if given.choice == DONE.id:
            return await self._overview(ctx)
        if not given.choice or not given.choice.startswith("toggle:"):
            return None
        channel = Channel(given.choice.removeprefix("toggle:"))
        current = await ctx.current_consents()
        record = current.get((CONTACT.id, channel.value))
        was_given = record is not None and record.state == ConsentState.GIVEN
        state = ConsentState.WITHDRAWN if was_given else ConsentState.GIVEN
        new = await record_contact_choice(ctx, channel, state)
        ranking = [c for c in ctx.person.channel_ranking if c != channel.value]
        if state is ConsentState.GIVEN:
            ranking.append(channel.value)
        ctx.rank_channels(ranking)
        return await self._consent_step(ctx, receipt([new], ctx.channel))

    async def _ranked_given(self, ctx: Context) -> list[Channel]:
        given = await ctx.given_channels()
        order = {c: i for i, c in enumerate(ctx.person.channel_ranking)}
        return sorted(given, key=lambda c: order.get(c.value, len(order)))
