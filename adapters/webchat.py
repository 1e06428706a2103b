"""The web chat channel: messages wait in the outbox until the page fetches them."""

from __future__ import annotations

from bot.kernel.types import Capabilities, Channel, OutboundMessage, RateLimit
from bot.messaging import SendResult


class WebChatAdapter:
    channel = Channel.WEBCHAT
    capabilities = Capabilities(buttons=True, max_length=None)
    rate_limit: RateLimit | None = None
    #: "Sending" only makes the message visible to the page: repeating it is harmless.
    resend_is_harmless = True

    async def start(self) -> None:
        pass

    async def close(self) -> None:
        pass

    async def send(self, message: OutboundMessage) -> SendResult:
        # Nothing to call: "sent" means the page may now show it; the page's
        # fetch marks it delivered.
        return SendResult(provider_id=f"webchat-{message.id}")
