"""First contact: language → what Lotse is → consent per channel → ranking → menu."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.consent import full_notice, notice_link_text, receipt, sms_notice
from bot.conversation import Context, Input, Step
from bot.i18n import channel_name, native_name, negotiate
from bot.kernel.types import (
    Channel,
    Choice,
    ConsentState,
    Keyword,
    Reply,
    multilingual,
    t,
    verbatim,
)
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
            header = ctx.every_language(t("Please choose your language."))
            return Reply((multilingual([("", "🌐"), *header]),), language_choices())
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
            return consent_question(ctx, Channel(data["pending"][0]))
        if step == "rank":
            return rank_prompt(ctx, data["remaining"])
        raise ValueError(f"unknown onboarding step {step!r}")

    async def handle(
        self, ctx: Context, step: str, data: Mapping[str, Any], given: Input
    ) -> Step | None:
        if step == "language":
            lang = chosen_language(given.choice)
            if lang is None:
                return None
            ctx.set_language(lang)
            return self._at(ctx, "about", {}, language_set(lang), *notice_before(ctx))
        if step in ("welcome", "about"):
            if given.choice == OTHER_LANGUAGE.id:
                return self._at(ctx, "language", {})
            if given.choice != CONTINUE.id:
                return None
            if step == "welcome":
                return self._at(ctx, "about", {}, *notice_before(ctx))
            return self._start_consent(ctx)
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
        receipt_reply = receipt([history[r] for r in records], ctx.channel)
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


def consent_question(ctx: Context, channel: Channel) -> Reply:
    name = channel_name(channel, ctx.channel)
    if ctx.channel is Channel.SMS:
        # TRANSLATORS: the consent question by SMS, kept short (SMS cost per segment).
        question = t(
            "May we send you information and invitations by {channel}? You can say no: "
            "Lotse still works for you.",
            channel=name,
        )
        return Reply((question,), (YES, NO))
    return Reply(
        (
            t(
                "May we contact you by {channel} with information and invitations, "
                "for example about free advice services?",
                channel=name,
            ),
            t("You can say no. Lotse still works for you."),
        ),
        (YES, NO),
    )


def notice_before(ctx: Context) -> tuple[Reply, ...]:
    """By SMS the short notice goes as a message of its own before the question, so
    that each fits three segments; elsewhere the notice is the question's text."""
    if ctx.channel is not Channel.SMS:
        return ()
    return (Reply((sms_notice(operator=ctx.operator.name),)),)


def about(ctx: Context) -> Reply:
    """What Lotse is, who runs it, what it stores and for how long, the person's rights
    (bot/consent/notice.py; `/privacy` serves the same). By SMS: the link to it and
    the question, after the short notice (`notice_before`)."""
    choices = (CONTINUE, OTHER_LANGUAGE)
    if ctx.channel is Channel.SMS:
        return Reply((notice_link_text(ctx.settings, ctx.lang), t("Shall we continue?")), choices)
    operator = ctx.operator
    return Reply(
        (
            *full_notice(
                ctx.settings, operator=operator.name, privacy_contact=operator.privacy_contact
            ),
            t(
                "Write “{menu}” at any time for the main menu, or “{language}” to change the "
                "language.",
                menu=Keyword("keyword-menu"),
                language=Keyword("keyword-language"),
            ),
        ),
        choices,
    )
