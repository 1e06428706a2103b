"""Rendering an outbox message for what its channel can carry."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

from bot.i18n import Catalogs
from bot.kernel import sms
from bot.kernel.bidi import PDI, RLI
from bot.kernel.types import (
    LANGUAGE_CHOICE,
    Capabilities,
    OutboundMessage,
    RenderedChoice,
    t,
)

REPLY_WITH_NUMBER = t("Reply with the number of your choice.")
#: The same hint by SMS, where it is paid for under every question.
SMS_REPLY_WITH_NUMBER = t("Reply with a number.")
#: The hint under a list of languages: its reader may read none of them yet, so it
#: names the numbers only (the globe stands for "language" on many phones).
LANGUAGE_HINT = "🌐 1–{last}"


#: Where a text may be cut: after a sentence's end (not after a choice number such
#: as "1. "), or at a line break.
_CUTS = re.compile(r"(?<=[^\d\s][.!?。؟።:])\s+|\n+")


def render(
    message: OutboundMessage, capabilities: Capabilities, catalogs: Catalogs
) -> list[OutboundMessage]:
    """The message as one or more parts, in order; choices travel with the last part.

    Choices written into the text (a channel without buttons) travel with the
    sentences just before them: the question and its answers stay in one message.
    """
    text, block, choices = compose(message, capabilities, catalogs)
    parts = _parts(text, block, capabilities)
    last = len(parts) - 1
    return [
        replace(message, text=part, choices=choices if i == last else ())
        for i, part in enumerate(parts)
    ]


def rendered_text(message: OutboundMessage, capabilities: Capabilities, catalogs: Catalogs) -> str:
    """The whole text as it goes out before any split (what an SMS step costs)."""
    text, block, _ = compose(message, capabilities, catalogs)
    return text + block


def compose(
    message: OutboundMessage, capabilities: Capabilities, catalogs: Catalogs
) -> tuple[str, str, tuple[RenderedChoice, ...]]:
    """The text, the choices written out as text ("" when the channel shows buttons),
    and the choices left for buttons. On SMS, typography folds to GSM-7 where that
    makes the whole message GSM-7 (bot.kernel.sms.gsm_folded)."""
    text, choices = message.text, message.choices
    block = ""
    if choices and (not capabilities.buttons or len(choices) > capabilities.max_buttons):
        numbered = _numbered(message, capabilities, catalogs)
        block = f"\n\n{numbered}" if text else numbered
        choices = ()
    if capabilities.max_sms_segments is not None:
        folded = sms.gsm_folded(text + block)
        if folded != text + block:
            text, block = sms.gsm_folded(text), sms.gsm_folded(block)
    return text, block, choices


def _numbered(message: OutboundMessage, capabilities: Capabilities, catalogs: Catalogs) -> str:
    translator = catalogs[message.lang] if message.lang else None
    rtl = translator is not None and translator.direction == "rtl"
    lines = [f"{i}. {c.label}" for i, c in enumerate(message.choices, 1)]
    if rtl and capabilities.needs_rtl_marks:
        lines = [f"{RLI}{line}{PDI}" for line in lines]
    if all(c.id.startswith(LANGUAGE_CHOICE) for c in message.choices):
        hint = LANGUAGE_HINT.format(last=len(message.choices))
    else:
        short = capabilities.max_sms_segments is not None
        hint = (
            translator.text(SMS_REPLY_WITH_NUMBER if short else REPLY_WITH_NUMBER)
            if translator
            else ""
        )
    return "\n".join([*lines, "", hint]).strip()


def _parts(text: str, block: str, capabilities: Capabilities) -> list[str]:
    """Split `text` + `block` for the channel; `block` (the choices) goes in the last
    part with as many of the text's last sentences as fit beside it."""
    fits, split = _limits(capabilities)
    whole = text + block
    if fits(whole) or not block.strip():
        return split(whole)
    for start in _cut_points(text):
        tail = text[start:].strip() + block
        if fits(tail):
            head = text[:start].strip()
            return [*(split(head) if head else []), tail]
    return split(whole)  # even the last sentence and its choices are too long


def _cut_points(text: str) -> list[int]:
    """Where a tail of `text` may begin, longest tail first."""
    return [m.end() for m in _CUTS.finditer(text) if m.end() < len(text)]


def _limits(
    capabilities: Capabilities,
) -> tuple[Callable[[str], bool], Callable[[str], list[str]]]:
    if capabilities.max_sms_segments is not None:
        most = capabilities.max_sms_segments
        return (lambda text: sms.segments(text) <= most), (lambda text: sms.split(text, most))
    limit = capabilities.max_length
    if limit is None:
        return (lambda text: True), (lambda text: [text])
    return (lambda text: len(text) <= limit), (lambda text: _split_length(text, limit))


def _split_length(text: str, limit: int) -> list[str]:
    if len(text) <= limit:
        return [text]
    parts: list[str] = []
    while len(text) > limit:
        cut = max(
            text.rfind("\n", 0, limit), text.rfind(". ", 0, limit) + 1, text.rfind(" ", 0, limit)
        )
        cut = cut if cut > limit // 2 else limit
        parts.append(text[:cut].strip())
        text = text[cut:].strip()
    return [*parts, text] if text else parts
