"""Pieces several flows share: yes/no, the language list, ranking contact channels."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from bot.consent import Decision
from bot.conversation import Context, Step
from bot.i18n import LANGUAGES, channel_name, native_name
from bot.kernel.types import LANGUAGE_CHOICE, Channel, Choice, ConsentState, Reply, Text, t

YES = Choice("yes", t("Yes"))
NO = Choice("no", t("No"))


def language_choices() -> tuple[Choice, ...]:
    return tuple(Choice(LANGUAGE_CHOICE + code, native_name(code)) for code in LANGUAGES)


def chosen_language(choice: str | None) -> str | None:
    code = choice.removeprefix(LANGUAGE_CHOICE) if choice else None
    return code if choice and choice.startswith(LANGUAGE_CHOICE) and code in LANGUAGES else None


def language_set(lang: str) -> Reply:
    return Reply((t("From now on I will write to you in {language}.", language=native_name(lang)),))


def go(flow: str, *replies: Reply, data: Mapping[str, Any] | None = None) -> Step:
    """Hand over to another flow's start."""
    return Step(tuple(replies), flow, None, data or {})


async def record_contact_choice(ctx: Context, channel: Channel, state: ConsentState) -> Decision:
    """The person's own answer for one channel. No to letters also deletes the postal
    address kept for them: it serves no other purpose."""
    record = ctx.record_consent(channel, state)
    if channel is Channel.LETTER and state is not ConsentState.GIVEN:
        await ctx.forget_postal_address()
    return record


# -- ranking the consented channels -----------------------------------------


def rank_prompt(ctx: Context, remaining: Sequence[str]) -> Reply:
    return Reply(
        (t("How would you most like to hear from us? Choose one."),),
        tuple(Choice(f"rank:{c}", channel_name(Channel(c), ctx.channel)) for c in remaining),
    )


def rank_pick(
    ranked: list[str], remaining: list[str], choice: str | None
) -> tuple[list[str], list[str]] | None:
    """Apply one pick; when one channel is left it is ranked last by itself."""
    if not choice or not choice.startswith("rank:") or choice[5:] not in remaining:
        return None
    picked = choice[5:]
    ranked = [*ranked, picked]
    remaining = [c for c in remaining if c != picked]
    if len(remaining) == 1:
        ranked, remaining = [*ranked, remaining[0]], []
    return ranked, remaining


def ranking_saved(ctx: Context, ranked: Sequence[str]) -> Reply:
    ctx.rank_channels(ranked)
    names = {f"c{i}": channel_name(Channel(c), ctx.channel) for i, c in enumerate(ranked)}
    # The list is glued from separately translated names; the sentence stays whole.
    joined = Text(", ".join(f"{{{key}}}" for key in names), names)
    return Reply((t("Saved. We will contact you in this order: {channels}.", channels=joined),))
