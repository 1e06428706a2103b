"""What the webhook and the poller share: the updates asked for, and handing one on."""

from __future__ import annotations

from adapters.telegram.parsing import ParsedUpdate
from adapters.telegram.sending import TelegramAdapter
from bot.config import ConfigError
from bot.conversation import InboundOutcome
from bot.kernel.types import Channel
from bot.runtime import Services

ALLOWED_UPDATES = ("message", "callback_query")


def configured_adapter(services: Services) -> TelegramAdapter:
    adapter = services.adapters.get(Channel.TELEGRAM)
    if not isinstance(adapter, TelegramAdapter):
        raise ConfigError("the Telegram channel is not configured (LOTSE_TELEGRAM_TOKEN)")
    return adapter


async def process(services: Services, parsed: ParsedUpdate) -> None:
    """What the webhook and the poller share: the engine first, then (outside its
    transaction) the answer to a button press."""
    handled = await services.engine.handle(parsed.inbound)
    if parsed.callback is not None:
        mark = handled.outcome is not InboundOutcome.DUPLICATE
        configured_adapter(services).acknowledge(parsed.callback, mark=mark)
