"""Taking one's data along to another Lotse, and bringing it from one (docs/transfer.md).

Out: the person picks what to take and gets a code (one at a time; asking again
replaces it). In: the person types the code here (in "My data", or as the first thing
they write); the step only records it and says so. The document is fetched outside the
step (bot.transfer's fetcher), and its result comes back as a `transfer-result:<id>`
message that the router sends here. The language is applied; consent does not travel,
so the channels agreed there are shown and asked again here (the onboarding's consent
question when the person wants to choose).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from zoneinfo import ZoneInfo

from bot.consent import notice_link_text, receipt, sms_notice
from bot.conversation import Context, Input, Step
from bot.i18n import LANGUAGES, channel_name
from bot.kernel.types import Channel, Choice, ConsentState, Reply, Text, t, verbatim
from bot.transfer import Failure, Item, Pending, Received, Transfers
from flows.common import go, language_set
from flows.onboarding import NAME as ONBOARDING
from flows.onboarding import Onboarding, about

NAME = "transfer"
OUT, IN, MOVE = "out", "in", "move"
TAKE = Choice("transfer-out", t("Take my data to another Lotse"))
BRING = Choice("transfer-in", t("Bring my data from another Lotse"))
TAKE_ALL = Choice("take-all", t("My language and my contact channels"))
TAKE_LANGUAGE = Choice("take-language", t("Only my language"))
SAME = Choice("same", t("Yes, the same here"))
CHOOSE = Choice("choose", t("No, I want to choose"))
BACK = Choice("back", t("Back to the main menu"))
TAKEN = {TAKE_ALL.id: (Item.LANGUAGE, Item.CHANNELS), TAKE_LANGUAGE.id: (Item.LANGUAGE,)}

STAYS = t("Names, addresses and consents stay here: the other Lotse asks you again.")
ASKED_AGAIN = t("Consent does not move with your data, so we ask you again here.")
NOT_CONFIGURED = t(
    "This Lotse does not exchange data with other Lotse installations. Everything else "
    "works as before."
)
FAILURES: dict[Failure, Text] = {
    Failure.NOT_CONFIGURED: NOT_CONFIGURED,
    Failure.TOO_MANY: t(
        "Too many wrong transfer codes were tried. To protect people's data, please try "
        "again tomorrow."
    ),
    Failure.OWN: t("This code is from this Lotse. Please type it at the Lotse you are moving to."),
    Failure.UNKNOWN_PEER: t(
        "We do not know the Lotse this code comes from, so we cannot fetch anything from "
        "it. Please check the letters at the start of the code."
    ),
    Failure.INVALID: t(
        "This transfer code does not work. Please check it and type it again, or ask your "
        "other Lotse for a new one."
    ),
    Failure.EXPIRED: t(
        "This transfer code is no longer valid. Please ask your other Lotse for a new one."
    ),
    Failure.USED: t(
        "This transfer code was already used: it works only once. If that was not you, "
        "please tell your other Lotse."
    ),
    Failure.UNREACHABLE: t(
        "We could not reach the other Lotse just now. Nothing has changed. Please try again later."
    ),
    Failure.REFUSED: t(
        "The other Lotse does not exchange data with this one. Nothing has changed."
    ),
    Failure.BAD_ANSWER: t(
        "The other Lotse's answer could not be checked, so we did not use it. Nothing "
        "has changed. Please try again later."
    ),
    Failure.INTERRUPTED: t(
        "We could not finish fetching your data. Nothing has changed here. The code may "
        "be used up: please ask your other Lotse for a new one."
    ),
}
#: A result that is not (or no longer) there for this person.
NOTHING_WAITING = t("There is no data from another Lotse waiting for you.")


def fetching(peer: str) -> Text:
    # TRANSLATORS: {peer} is the other Lotse's name, e.g. "Lotse Köln".
    return t("We are fetching your data from {peer}. This takes a moment.", peer=peer)


def channel_list(ctx: Context, channels: Sequence[str]) -> Text:
    names = {f"c{i}": channel_name(Channel(c), ctx.channel) for i, c in enumerate(channels)}
    # Glued from separately translated names; the sentence around it stays whole.
    return Text(", ".join(f"{{{key}}}" for key in names), names)


def offered_here(ctx: Context, received: Received) -> list[str]:
    """The channels agreed there that this Lotse offers, in the person's order."""
    offered = {c.value for c in ctx.settings.contact_channels}
    agreed = set(received.agreed or ())
    ordered = [*(received.order or ()), *(received.agreed or ())]
    return [c for c in dict.fromkeys(ordered) if c in agreed and c in offered]


def agreed_there(ctx: Context, data: Mapping[str, Any]) -> Text:
    # TRANSLATORS: {peer} is the other Lotse's name, {channels} a list like "SMS, Telegram".
    return t("At {peer} you agreed to be contacted by: {channels}.", peer=data["peer"],
             channels=channel_list(ctx, data["channels"]))  # fmt: skip


class TransferFlow:
    name = NAME

    async def enter(self, ctx: Context, data: Mapping[str, Any]) -> Step:
        port = ctx.port(Transfers)
        if not port.configured:
            return go(self._home(ctx), Reply((NOT_CONFIGURED,)))
        if "result" in data:
            return await self._fetched(ctx, int(data["result"]))
        if "code" in data:
            return await self._fetch(ctx, str(data["code"]))
        if data.get("mode") == MOVE:
            return Step((self.prompt(ctx, "move", {}),), NAME, "move", {})
        if data.get("mode") == OUT:
            return Step((Reply((STAYS,)), self.prompt(ctx, "pick", {})), NAME, "pick", {})
        return Step((self.prompt(ctx, "code", {}),), NAME, "code", {})

    def _home(self, ctx: Context) -> str:
        return "menu" if ctx.person.onboarded_at else ONBOARDING

    def prompt(self, ctx: Context, step: str, data: Mapping[str, Any]) -> Reply:
        if step == "move":
            return Reply((t("Are you moving away, or did you come from another town?"),),
                         (TAKE, BRING, BACK))  # fmt: skip
        if step == "wait":
            return Reply((fetching(str(data.get("peer", ""))),), (BACK,))
        if step == "pick":
            question = t("What would you like to take to the other Lotse?")
            return Reply((question,), (TAKE_ALL, TAKE_LANGUAGE, BACK))
        if step == "code":
            example = verbatim("KOELN-7KQ2-9XW4-M3PA")
            # TRANSLATORS: {example} is a made-up code such as KOELN-7KQ2-9XW4-M3PA.
            ask = t("Please type the transfer code from your other Lotse, for example {example}.",
                    example=example)  # fmt: skip
            return Reply((ask,), (BACK,))
        if step == "confirm":
            question = t("May we contact you the same way here?")
            if ctx.channel is Channel.SMS:  # the list went before, in a message of its own
                return Reply((question,), (SAME, CHOOSE))
            return Reply((agreed_there(ctx, data), question), (SAME, CHOOSE))
        raise ValueError(f"unknown transfer step {step!r}")

    async def handle(
        self, ctx: Context, step: str, data: Mapping[str, Any], given: Input
    ) -> Step | None:
        if given.choice == BACK.id and step in ("move", "pick", "code", "wait"):
            return go(self._home(ctx))
        if step == "move" and given.choice in (TAKE.id, BRING.id):
            return await self.enter(ctx, {"mode": OUT if given.choice == TAKE.id else IN})
        if step == "wait":  # the result comes by itself: say so again
            return Step((self.prompt(ctx, step, data),), NAME, step, dict(data))
        if step == "pick" and given.choice in TAKEN:
            return await self._issue(ctx, TAKEN[given.choice])
        if step == "code" and given.text and given.choice is None:
            return await self._fetch(ctx, given.text)
        if step == "confirm" and given.choice == SAME.id:
            channels = [Channel(c) for c in data["channels"]]
            records = [ctx.record_consent(c, ConsentState.GIVEN) for c in channels]
            # The order brought along first; channels already ranked here keep their place after.
            ranked = [c.value for c in channels]
            ctx.rank_channels(
                [*ranked, *(c for c in ctx.person.channel_ranking if c not in ranked)]
            )
            if ctx.person.onboarded_at is None:
                ctx.mark_onboarded()
            saved = Reply((t("Thank you! Your choices are saved."),))
            return go("menu", receipt(records, ctx.channel), saved)
        if step == "confirm" and given.choice == CHOOSE.id:
            return self._ask_consent(ctx, data["channels"])
        return None

    async def _issue(self, ctx: Context, items: Sequence[Item]) -> Step:
        issued = await ctx.port(Transfers).issue(items)
        if issued is None:
            return go("menu", Reply((NOT_CONFIGURED,)))
        code = Reply((t("Your transfer code: {code}", code=verbatim(issued.code)),))
        how = t(
            "Type it at the other Lotse under “My data”. It works once, until {date}. If "
            "you ask for a new code, this one stops working.",
            date=issued.expires_at.astimezone(ZoneInfo(ctx.settings.timezone)),
        )
        return go("menu", code, Reply((how,)))

    async def _fetch(self, ctx: Context, typed: str) -> Step:
        pending = await ctx.port(Transfers).fetch(typed)
        if isinstance(pending, Pending):
            state = {"peer": pending.peer}
            return Step((self.prompt(ctx, "wait", state),), NAME, "wait", state)
        return self._refused(ctx, pending)

    def _refused(self, ctx: Context, result: Failure) -> Step:
        refusal = Reply((FAILURES[result],))
        if ctx.person.onboarded_at is None or result in (Failure.NOT_CONFIGURED,
                                                          Failure.TOO_MANY):  # fmt: skip
            return go(self._home(ctx), refusal)
        return Step((refusal, self.prompt(ctx, "code", {})), NAME, "code", {})

    async def _fetched(self, ctx: Context, row_id: int) -> Step:
        """The fetcher's result (read once, and only the step's person's own)."""
        result = await ctx.port(Transfers).result(row_id)
        if result is None:
            return go(self._home(ctx), Reply((NOTHING_WAITING,)))
        if isinstance(result, Failure):
            return self._refused(ctx, result)
        before: list[Reply] = []
        if result.language in LANGUAGES:
            ctx.set_language(str(result.language))
            before.append(language_set(str(result.language)))
        before.append(
            Reply((t("{peer} sent the data you chose to bring along.", peer=result.peer),))
        )
        if ctx.person.onboarded_at is None:
            before.extend(self._notice(ctx))
        channels = offered_here(ctx, result)
        if channels:
            state = {"channels": channels, "peer": result.peer}
            ask: tuple[Reply, ...] = (Reply((ASKED_AGAIN,)), self.prompt(ctx, "confirm", state))
            if ctx.channel is Channel.SMS:  # each within three segments
                ask = (ask[0], Reply((agreed_there(ctx, state),)), ask[1])
            return Step((*before, *ask), NAME, "confirm", state)
        if ctx.person.onboarded_at is None:
            fresh = self._ask_consent(ctx, [])
            return Step((*before, *fresh.replies), fresh.flow, fresh.step, fresh.data)
        return go("menu", *before)

    def _notice(self, ctx: Context) -> list[Reply]:
        """Someone new here: the privacy notice first, as at any start."""
        if ctx.channel is Channel.SMS:
            # Each a message of its own, within three segments.
            link = notice_link_text(ctx.settings, ctx.lang)
            return [Reply((sms_notice(operator=ctx.operator.name),)), Reply((link,))]
        return [Reply(about(ctx).texts)]

    def _ask_consent(self, ctx: Context, first: Sequence[str]) -> Step:
        """The usual question per channel, the ones agreed there first."""
        offered = [c.value for c in ctx.settings.contact_channels]
        state = {"pending": list(dict.fromkeys([*first, *offered])), "given": [], "records": []}
        return Step((Onboarding().prompt(ctx, "consent", state),), ONBOARDING, "consent", state)
