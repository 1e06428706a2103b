"""What the webhook and the poller share: the updates asked for, and handing one on."""

from __future__ import annotations

from adapters.telegram.parsing import ParsedUpdate
from adapters.telegram.sending import TelegramAdapter
from bot.config import ConfigError
from bot.inbound import Accepted
from bot.kernel.types import Channel
from bot.runtime import Services, accept

ALLOWED_UPDATES = ("message", "callback_query")


def configured_adapter(services: Services) -> TelegramAdapter:
    adapter = services.adapters.get(Channel.TELEGRAM)
    if not isinstance(adapter, TelegramAdapter):
        raise ConfigError("the Telegram channel is not configured (LOTSE_TELEGRAM_TOKEN)")
    return adapter


async def process(services: Services, parsed: ParsedUpdate) -> None:
    """What the webhook and the poller share: store the update durably (the inbox
    runs the step), then answer a button press — the spinner stops at once, and the
    choice is marked on the message unless this press was a repeated delivery."""
    accepted = await accept(services, parsed.inbound)
    if parsed.callback is not None:
        mark = accepted is not Accepted.REPEATED
        configured_adapter(services).acknowledge(parsed.callback, mark=mark)
