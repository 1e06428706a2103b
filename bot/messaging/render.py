"""Rendering an outbox message for what its channel can carry."""

from __future__ import annotations

from dataclasses import replace

from bot.i18n import Catalogs
from bot.kernel import sms
from bot.kernel.types import Capabilities, OutboundMessage, t

REPLY_WITH_NUMBER = t("Reply with the number of your choice.")

# Bidirectional isolates keep numbers and Latin labels in place inside RTL text
# on channels that show plain text without the page's dir attribute.
RLI, PDI = "\u2067", "\u2069"


def render(
    message: OutboundMessage, capabilities: Capabilities, catalogs: Catalogs
) -> list[OutboundMessage]:
    """The message as one or more parts, in order; choices travel with the last part."""
    text = message.text
    choices = message.choices
    translator = catalogs[message.lang] if message.lang else None
    rtl = translator is not None and translator.direction == "rtl"
    if choices and (not capabilities.buttons or len(choices) > capabilities.max_buttons):
        lines = [f"{i}. {c.label}" for i, c in enumerate(choices, 1)]
        if rtl and capabilities.needs_rtl_marks:
            lines = [f"{RLI}{line}{PDI}" for line in lines]
        hint = translator.text(REPLY_WITH_NUMBER) if translator else ""
        text = "\n".join([text, "", *lines, "", hint]).strip()
        choices = ()
    parts = _split(text, capabilities)
    last = len(parts) - 1
    return [
        replace(message, text=part, choices=choices if i == last else ())
        for i, part in enumerate(parts)
    ]


def _split(text: str, capabilities: Capabilities) -> list[str]:
    if capabilities.max_sms_segments is not None:
        return sms.split(text, capabilities.max_sms_segments)
    limit = capabilities.max_length
    if limit is None or len(text) <= limit:
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
