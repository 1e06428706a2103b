"""Connecting with an office's invitation code: the consent given at the office is
shown back, then confirmed or changed by the person themselves."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from bot.consent import notice_link_text, receipt, sms_notice
from bot.conversation import Context, Input, Step
from bot.i18n import channel_name
from bot.invitations import Connector, Refusal, sms_number
from bot.kernel.types import Channel, Choice, ConsentState, Reply, Text, t
from flows.common import go, language_set
from flows.onboarding import NAME as ONBOARDING
from flows.onboarding import Onboarding, about

NAME = "invitation"
CONFIRM = Choice("confirm", t("Yes, that is right"))
CHANGE = Choice("change", t("No, I want to change it"))


class InvitationFlow:
    name = NAME

    async def enter(self, ctx: Context, data: Mapping[str, Any]) -> Step:
        result = await ctx.port(Connector).connect(data["code"])
        home = "menu" if ctx.person.onboarded_at else "onboarding"
        if isinstance(result, Refusal):
            return go(home, Reply((refusal_text(result, ctx.channel),)))
        if result.again:  # the same person followed the link again
            return go(home, Reply((t("You are already connected. Welcome back!"),)))
        before: tuple[Reply, ...] = ()
        if ctx.person.onboarded_at is None or ctx.person.language is None:
            ctx.set_language(result.language)
            before = (language_set(result.language),)
        for channel in result.channels:
            ctx.record_office_consent(
                channel,
                language=result.language,
                recorded_at=result.consent_recorded_at,
                notice_version=result.notice_version,
            )
        kept: tuple[Text, ...] = ()
        # Kept for later letters while the person agrees to them (bot/people/postal.py); the
        # notice says so, as its general part promises that no name is stored.
        if result.kept_postal:
            kept = (
                t(
                    "{office} gave us your name and postal address for letters. We keep "
                    "them only as long as you agree to letters.",
                    office=result.office,
                ),
            )
        number = sms_number(ctx.settings)
        if result.phone_unproven and number is not None:
            # A typed code proves no phone number: the person writes from it once.
            kept = (*kept, t("To get our messages by SMS, please send any message from your "
                             "phone to {number}.", number=number))  # fmt: skip
        # The full notice, as in the usual start: what Lotse stores, for how long, rights.
        welcome = Reply((t("Welcome! {office} invited you to Lotse.", office=result.office),))
        if ctx.channel is Channel.SMS:
            # Each a message of its own within three segments: the link goes with the welcome.
            link = notice_link_text(ctx.settings, ctx.lang)
            welcome = Reply((*welcome.texts, link))
            notices = (
                Reply((sms_notice(operator=ctx.operator.name),)),
                *(Reply((k,)) for k in kept),
            )
        else:
            notices = (Reply((*about(ctx).texts, *kept)),)
        state = {
            "channels": [c.value for c in result.channels],
            "office": result.office,
            "on": result.consent_recorded_at.date().isoformat(),
        }
        if ctx.channel is Channel.SMS:
            notices = (*notices, agreed_by_sms(state))
        return Step(
            (*before, welcome, *notices, self.prompt(ctx, "confirm", state)), NAME, "confirm", state
        )

    def prompt(self, ctx: Context, step: str, data: Mapping[str, Any]) -> Reply:
        if ctx.channel is Channel.SMS:
            # The statement went before as a message of its own (`agreed_by_sms`): with
            # two channels it would not fit three segments with the choices in some languages.
            return Reply((t("Is that still right?"),), (CONFIRM, CHANGE))
        joined, on = _channels(data, ctx.channel), date.fromisoformat(data["on"])
        return Reply(
            (
                t(
                    "At {office} on {date} you said we may contact you by: {channels}. "
                    "Is that still right?",
                    office=data["office"],
                    date=on,
                    channels=joined,
                ),
                t("You can say no. Lotse still works for you."),
            ),
            (CONFIRM, CHANGE),
        )

    async def handle(
        self, ctx: Context, step: str, data: Mapping[str, Any], given: Input
    ) -> Step | None:
        if given.choice == CONFIRM.id:
            channels = [Channel(c) for c in data["channels"]]
            records = [ctx.record_consent(c, ConsentState.GIVEN) for c in channels]
            ctx.rank_channels(channels)
            if ctx.person.onboarded_at is None:
                ctx.mark_onboarded()
            saved = Reply((t("Thank you! Your choices are saved."),))
            return go("menu", receipt(records, ctx.channel), saved)
        if given.choice == CHANGE.id:
            # The usual question per channel: each answer is recorded as the person's own,
            # for the channels agreed at the office too (letters, say, need not be offered
            # in the chat to be answered).
            offered = [c.value for c in ctx.settings.contact_channels]
            pending = list(dict.fromkeys([*data["channels"], *offered]))
            state = {"pending": pending, "given": [], "records": []}
            prompt = Onboarding().prompt(ctx, "consent", state)
            return Step((prompt,), ONBOARDING, "consent", state)
        return None


REFUSALS: dict[Refusal, Text] = {
    # One answer for an unknown, expired or used code: a guesser learns nothing, and
    # the person learns what to do.
    Refusal.INVALID: t(
        "This code does not work. Please check it on your letter or message. If it still "
        "does not work, ask the office that gave it to you. You can also use Lotse without "
        "a code."
    ),
    Refusal.EXPIRED: t(
        "This code is no longer valid. That is no problem: you can use Lotse without it."
    ),
    Refusal.USED: t(
        "This code was already used. If that was not you, please tell the office that "
        "invited you. You can use Lotse without it."
    ),
    Refusal.TOO_MANY: t(
        "Too many wrong codes were tried. To protect people's data, please try again in an "
        "hour. The QR code on your letter works at once, and so does the code sent by SMS "
        "from the number you gave the office."
    ),
}

#: By SMS, where every segment costs: the same answer, shorter.
SMS_REFUSALS: dict[Refusal, Text] = {
    # TRANSLATORS: by SMS, kept short (SMS cost per segment).
    Refusal.TOO_MANY: t(
        "Too many wrong codes were tried. To protect people's data, please try again in "
        "an hour, or use the QR code on your letter."
    ),
}


def refusal_text(refusal: Refusal, channel: Channel | None) -> Text:
    if channel is Channel.SMS and refusal in SMS_REFUSALS:
        return SMS_REFUSALS[refusal]
    return REFUSALS[refusal]


def _channels(data: Mapping[str, Any], current: Channel | None) -> Text:
    names = {f"c{i}": channel_name(Channel(c), current) for i, c in enumerate(data["channels"])}
    return Text(", ".join(f"{{{key}}}" for key in names), names)


def agreed_by_sms(data: Mapping[str, Any]) -> Reply:
    """The consent given at the office, shown back by SMS before the question. The plain
    channel names: "SMS (like this message)" would cost a segment in Arabic."""
    # TRANSLATORS: by SMS, kept short (SMS cost per segment): the consent given at an
    # office, shown back for the person to confirm or change (asked in the next message).
    said = t("At {office} on {date} you agreed to be contacted by: {channels}.",
             office=data["office"], date=date.fromisoformat(data["on"]),
             channels=_channels(data, None))  # fmt: skip
    return Reply((said,))
