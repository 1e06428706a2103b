"""First contact: language → what Lotse is → consent per channel → ranking → menu."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.consent import receipt
from bot.conversation import Context, Input, Step
from bot.i18n import CHANNEL_NAMES, native_name, negotiate
from bot.kernel.types import Channel, Choice, ConsentState, Keyword, Reply, t, tn, verbatim
from flows.common import (
    NO,
    YES,
    chosen_language,
    go,
    language_choices,
    language_set,
    rank_pick,
    rank_prompt,
    ranking_saved,
    record_contact_choice,
)

NAME = "onboarding"
CONTINUE = Choice("continue", t("Continue"))
OTHER_LANGUAGE = Choice("other-language", t("Choose another language"))


class Onboarding:
    name = NAME

    async def enter(self, ctx: Context, data: Mapping[str, Any]) -> Step:
        hinted = ctx.person.language or negotiate(ctx.language_hints)
        if hinted is not None:
            ctx.set_language(hinted)
            return self._at(ctx, "welcome", {})
        return self._at(ctx, "language", {})

    def _at(self, ctx: Context, step: str, data: Mapping[str, Any], *before: Reply) -> Step:
        return Step((*before, self.prompt(ctx, step, data)), NAME, step, data)

    def prompt(self, ctx: Context, step: str, data: Mapping[str, Any]) -> Reply:
        if step == "language":
            if ctx.channel is Channel.SMS:
                # Three segments at most: the names in their own scripts are the question,
                # and the list's hint is numbers only (bot.messaging.render).
                return Reply((verbatim("🌐 Lotse"),), language_choices())
            header = ctx.in_every_language(t("Please choose your language."), "\n")
            return Reply((verbatim("🌐\n" + header),), language_choices())
        if step == "welcome":
            return Reply(
                (
                    t(
                        "Hello! I am Lotse. I will write to you in {language}.",
                        language=native_name(ctx.lang),
                    ),
                ),
                (CONTINUE, OTHER_LANGUAGE),
            )
        if step == "about":
            return about(ctx)
        if step == "consent":
            channel = Channel(data["pending"][0])
            return Reply(
                (
                    t(
                        "May we contact you by {channel} with information and invitations, "
                        "for example about free advice services?",
                        channel=CHANNEL_NAMES[channel],
                    ),
                    t("You can say no. Lotse still works for you."),
                ),
                (YES, NO),
            )
        if step == "rank":
            return rank_prompt(data["remaining"])
        raise ValueError(f"unknown onboarding step {step!r}")

    async def handle(
        self, ctx: Context, step: str, data: Mapping[str, Any], given: Input
    ) -> Step | None:
        if step == "language":
            lang = chosen_language(given.choice)
            if lang is None:
                return None
            ctx.set_language(lang)
            return self._at(ctx, "about", {}, language_set(lang))
        if step in ("welcome", "about"):
            if given.choice == OTHER_LANGUAGE.id:
                return self._at(ctx, "language", {})
            if given.choice != CONTINUE.id:
                return None
            return self._at(ctx, "about", {}) if step == "welcome" else self._start_consent(ctx)
        if step == "consent":
            return await self._consent(ctx, data, given)
        if step == "rank":
            picked = rank_pick(list(data["ranked"]), list(data["remaining"]), given.choice)
            if picked is None:
                return None
            ranked, remaining = picked
            if remaining:
                return self._at(ctx, "rank", {"ranked": ranked, "remaining": remaining})
            return self._done(ctx, ranking_saved(ctx, ranked))
        return None

    def _start_consent(self, ctx: Context) -> Step:
        channels = [c.value for c in ctx.settings.contact_channels]
        return self._at(ctx, "consent", {"pending": channels, "given": [], "records": []})

    async def _consent(self, ctx: Context, data: Mapping[str, Any], given: Input) -> Step | None:
        if given.choice not in (YES.id, NO.id):
            return None
        channel = Channel(data["pending"][0])
        state = ConsentState.GIVEN if given.choice == YES.id else ConsentState.REFUSED
        record = await record_contact_choice(ctx, channel, state)
        pending = list(data["pending"][1:])
        accepted = (
            [*data["given"], channel.value] if state is ConsentState.GIVEN else list(data["given"])
        )
        records = [*data["records"], record.record_id]
        if pending:
            return self._at(
                ctx, "consent", {"pending": pending, "given": accepted, "records": records}
            )
        history = {r.record_id: r for r in await ctx.consent_history()}
        receipt_reply = receipt([history[r] for r in records])
        if len(accepted) >= 2:
            return self._at(ctx, "rank", {"ranked": [], "remaining": accepted}, receipt_reply)
        ctx.rank_channels(accepted)
        if not accepted:
            return self._done(
                ctx,
                receipt_reply,
                Reply(
                    (
                        t(
                            "You said no to being contacted. That is fine: you can still use Lotse "
                            "here, and change your mind at any time."
                        ),
                    )
                ),
            )
        return self._done(ctx, receipt_reply)

    def _done(self, ctx: Context, *replies: Reply) -> Step:
        ctx.mark_onboarded()
        return go("menu", *replies, Reply((t("Thank you! Your choices are saved."),)))


def about(ctx: Context) -> Reply:
    """What Lotse is, who runs it, what it stores and for how long, the person's rights."""
    settings = ctx.settings
    return Reply(
        (
            t(
                "Lotse is a free service run by {operator}. It tells you about free advice "
                "services and shows you who has your data. Lotse does not decide about your "
                "residence or your benefits.",
                operator=ctx.operator.name,
            ),
            t(
                "What we store: your language, how you want to be contacted, and your "
                "answers here. We do not ask for your name or your documents."
            ),
            tn(
                "If you do not write to us for {n} day, we delete everything.",
                "If you do not write to us for {n} days, we delete everything.",
                settings.retention_days,
            ),
            tn(
                "We delete the text of our messages after {n} day.",
                "We delete the text of our messages after {n} days.",
                settings.message_retention_days,
            ),
            # TRANSLATORS: privacy notice, the access log (bot.audit) in plain words;
            # "someone at Lotse" means the people who run Lotse.
            tn(
                "When someone at an office or at Lotse looks at or changes your data, we "
                "write down who, when and what kind of data, but not the data itself. After "
                "your data is deleted, we keep these notes for {n} day in case of complaints "
                "or misuse. Then we delete them too.",
                "When someone at an office or at Lotse looks at or changes your data, we "
                "write down who, when and what kind of data, but not the data itself. After "
                "your data is deleted, we keep these notes for {n} days in case of complaints "
                "or misuse. Then we delete them too.",
                settings.access_log_retention_days,
            ),
            t(
                "Your rights: you can see, correct and delete your data at any time. You can "
                "say no, and you can change your mind later. You can complain to a data "
                "protection authority. Questions about your data: {contact}.",
                contact=ctx.operator.privacy_contact,
            ),
            t(
                "Write {menu} at any time for the main menu, or {language} to change the language.",
                menu=Keyword("keyword-menu"),
                language=Keyword("keyword-language"),
            ),
        ),
        (CONTINUE, OTHER_LANGUAGE),
    )
