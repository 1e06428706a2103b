"""The SMS and WhatsApp channel adapters: what each sends, and WhatsApp's templates."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta

from adapters.twilio.client import TwilioClient
from adapters.twilio.parsing import WHATSAPP_PREFIX
from bot.config import Settings
from bot.kernel.clock import utcnow
from bot.kernel.types import Capabilities, Channel, OutboundMessage, RateLimit
from bot.messaging import ChannelAdapter, PermanentFailure, SendResult

WHATSAPP_WINDOW = timedelta(hours=24)


class TwilioSmsAdapter:
    channel = Channel.SMS
    resend_is_harmless = False

    def __init__(self, settings: Settings, client: TwilioClient | None = None) -> None:
        self.capabilities = Capabilities(
            buttons=False,
            max_length=None,
            needs_rtl_marks=True,
            max_sms_segments=settings.sms_max_segments,
        )
        self.rate_limit: RateLimit | None = RateLimit(settings.twilio_rate_per_second, None)
        self._client = client or TwilioClient(settings)
        sender = settings.twilio_from
        # A Messaging Service picks the sender from its pool.
        key = "messaging_service_sid" if sender.startswith("MG") else "from_"
        self._sender = {key: sender}

    async def send(self, message: OutboundMessage) -> SendResult:
        params = {
            "to": message.address,
            "body": message.text,
            "status_callback": self._client.status_callback(),
            **self._sender,
        }
        return SendResult(provider_id=await self._client.create(params))

    async def start(self) -> None:
        pass  # the HTTP session opens with the first send

    async def close(self) -> None:
        await self._client.close()


class TwilioWhatsAppAdapter:
    """WhatsApp allows free-form messages within 24 hours of the person's last
    message; outside it only pre-approved templates (settings.whatsapp_templates)."""

    channel = Channel.WHATSAPP
    capabilities = Capabilities(buttons=False, max_length=1600, needs_rtl_marks=True)
    resend_is_harmless = False

    def __init__(
        self,
        settings: Settings,
        client: TwilioClient | None = None,
        *,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.rate_limit: RateLimit | None = RateLimit(settings.twilio_rate_per_second, None)
        self._settings = settings
        self._client = client or TwilioClient(settings)
        self._clock = clock
        self._from = WHATSAPP_PREFIX + settings.twilio_whatsapp_from.removeprefix(WHATSAPP_PREFIX)

    async def send(self, message: OutboundMessage) -> SendResult:
        params = {
            "to": WHATSAPP_PREFIX + message.address,
            "from_": self._from,
            "status_callback": self._client.status_callback(),
            **self._content(message),
        }
        return SendResult(provider_id=await self._client.create(params))

    def _in_window(self, message: OutboundMessage) -> bool:
        last = message.last_inbound_at
        return last is not None and self._clock() - last < WHATSAPP_WINDOW

    def _content(self, message: OutboundMessage) -> dict[str, str]:
        if self._in_window(message):
            return {"body": message.text}
        content_sid = self._template(message)
        if content_sid is None:
            # Permanent, so that the core falls back to another consented channel.
            raise PermanentFailure("outside WhatsApp's 24-hour window and no approved template")
        # Templates are approved with one variable, {{1}}: the message's first line
        # (its headline, e.g. "You are invited: free migration advice").
        first_line = message.text.strip().split("\n", 1)[0].strip()
        return {"content_sid": content_sid, "content_variables": json.dumps({"1": first_line})}

    def _template(self, message: OutboundMessage) -> str | None:
        if message.template is None:
            return None
        by_language = self._settings.whatsapp_templates.get(message.template, {})
        return by_language.get(message.lang) or by_language.get("en")

    async def start(self) -> None:
        pass  # the HTTP session opens with the first send

    async def close(self) -> None:
        await self._client.close()


def build_twilio_adapters(
    settings: Settings, *, clock: Callable[[], datetime] = utcnow
) -> dict[Channel, ChannelAdapter]:
    """The configured Twilio channels, sharing one client."""
    client = TwilioClient(settings)
    adapters: dict[Channel, ChannelAdapter] = {}
    if settings.channel_configured(Channel.SMS):
        adapters[Channel.SMS] = TwilioSmsAdapter(settings, client)
    if settings.channel_configured(Channel.WHATSAPP):
        adapters[Channel.WHATSAPP] = TwilioWhatsAppAdapter(settings, client, clock=clock)
    return adapters
