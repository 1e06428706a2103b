"""Channel adapters: one package per channel, each thin (parse inbound, send outbound).

`build_adapters` picks the channels this installation has credentials for;
`webhook_routes` gives the inbound routes those channels need.
"""

from __future__ import annotations

from aiohttp import web

from adapters.webchat import WebChatAdapter
from bot.config import Settings
from bot.kernel.types import Channel
from bot.messaging import ChannelAdapter
from bot.runtime import Services


def build_adapters(settings: Settings) -> dict[Channel, ChannelAdapter]:
    adapters: dict[Channel, ChannelAdapter] = {Channel.WEBCHAT: WebChatAdapter()}
    if settings.channel_configured(Channel.TELEGRAM):
        from adapters.telegram import TelegramAdapter

        adapters[Channel.TELEGRAM] = TelegramAdapter(settings)
    sms, whatsapp = (settings.channel_configured(c) for c in (Channel.SMS, Channel.WHATSAPP))
    if sms or whatsapp:
        from adapters.twilio import build_twilio_adapters

        adapters.update(build_twilio_adapters(settings))
    return adapters


def webhook_routes(services: Services) -> list[web.RouteTableDef]:
    routes: list[web.RouteTableDef] = []
    if Channel.TELEGRAM in services.adapters:
        from adapters import telegram

        routes.append(telegram.routes(services))
    if Channel.SMS in services.adapters or Channel.WHATSAPP in services.adapters:
        from adapters import twilio

        routes.append(twilio.routes(services))
    return routes
