"""Connecting with an office's invitation code: the consent given at the office is
shown back, then confirmed or changed by the person themselves."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from bot.consent import CONTACT, OFFICE_NOTICE_ID, receipt
from bot.conversation import Context, Input, Step
from bot.i18n import CHANNEL_NAMES
from bot.invitations import PHONE_CHANNELS, Attempt, Refusal, connect_invitation, sms_number
from bot.kernel.types import Channel, Choice, ConsentMethod, ConsentState, Reply, Text, t
from flows.common import go, language_set, record_contact_consent
from flows.onboarding import NAME as ONBOARDING
from flows.onboarding import Onboarding, about

NAME = "invitation"
CONFIRM = Choice("confirm", t("Yes, that is right"))
CHANGE = Choice("change", t("No, I want to change it"))


class InvitationFlow:
    name = NAME

    async def enter(self, ctx: Context, data: Mapping[str, Any]) -> Step:
        assert ctx.vault is not None
        result = await connect_invitation(ctx.session, ctx.vault, _attempt(ctx, data["code"]),
                               ctx.person.id, ctx.now)  # fmt: skip
        home = "menu" if ctx.person.onboarded_at else "onboarding"
        if isinstance(result, Refusal):
            return go(home, Reply((REFUSALS[result],)))
        invitation, office = result.invitation, result.office
        if result.again:  # the same person followed the link again
            return go(home, Reply((t("You are already connected. Welcome back!"),)))
        before: tuple[Reply, ...] = ()
        if ctx.person.onboarded_at is None or ctx.person.language is None:
            ctx.set_language(invitation.language)
            before = (language_set(invitation.language),)
        channels = [Channel(c) for c in invitation.channels]
        for channel in channels:
            ctx.consents.record(
                purpose=CONTACT,
                channel=channel,
                state=ConsentState.GIVEN,
                method=ConsentMethod.OFFICE,
                language=invitation.language,
                at=ctx.now,
                recorded_at=invitation.consent_recorded_at,
                notice_id=OFFICE_NOTICE_ID,
                notice_version=invitation.notice_version,
            )
        kept: tuple[Text, ...] = ()
        # Kept for later letters while the person agrees to them (bot/people/postal.py); the
        # notice says so, as its general part promises that no name is stored.
        if result.kept_postal:
            kept = (
                t(
                    "{office} gave us your name and postal address for letters. We keep "
                    "them only as long as you agree to letters.",
                    office=office.name,
                ),
            )
        number = sms_number(ctx.settings)
        if result.phone_unproven and number is not None:
            # A typed code proves no phone number: the person writes from it once.
            kept = (*kept, t("To get our messages by SMS, please send any message from your "
                             "phone to {number}.", number=number))  # fmt: skip
        # The full notice, as in the usual start: what Lotse stores, for how long, rights.
        welcome = Reply((t("Welcome! {office} invited you to Lotse.", office=office.name),))
        notice = Reply((*about(ctx).texts, *kept))
        state = {
            "channels": [c.value for c in channels],
            "office": office.name,
            "on": invitation.consent_recorded_at.date().isoformat(),
        }
        return Step(
            (*before, welcome, notice, self.prompt(ctx, "confirm", state)), NAME, "confirm", state
        )

    def prompt(self, ctx: Context, step: str, data: Mapping[str, Any]) -> Reply:
        names = {f"c{i}": CHANNEL_NAMES[Channel(c)] for i, c in enumerate(data["channels"])}
        joined = Text(", ".join(f"{{{key}}}" for key in names), names)
        return Reply(
            (
                t(
                    "At {office} on {date} you said we may contact you by: {channels}. "
                    "Is that still right?",
                    office=data["office"],
                    date=date.fromisoformat(data["on"]),
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
            records = [record_contact_consent(ctx, c, ConsentState.GIVEN) for c in channels]
            ctx.person.channel_ranking = [c.value for c in channels]
            ctx.person.onboarded_at = ctx.person.onboarded_at or ctx.now
            return go("menu", receipt(records), Reply((t("Thank you! Your choices are saved."),)))
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


def _attempt(ctx: Context, secret: str) -> Attempt:
    phone = None
    if ctx.channel in PHONE_CHANNELS and ctx.contact.address_enc and ctx.vault is not None:
        phone = ctx.vault.decrypt(ctx.contact.address_enc)
    return Attempt(secret, ctx.channel, phone, ctx.contact.address_index, ctx.client)


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
