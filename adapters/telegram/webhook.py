"""The Telegram webhook: the route with its secret check, and registering it with Telegram."""

from __future__ import annotations

import hmac
import logging

from aiohttp import web
from aiohttp.web_protocol import RequestPayloadError
from telegram.error import BadRequest, InvalidToken, TelegramError

from adapters.telegram.handling import ALLOWED_UPDATES, process
from adapters.telegram.parsing import parse_update
from adapters.telegram.sending import make_bot
from bot.config import ConfigError, Settings
from bot.runtime import Services, fail, parse_json

# The channel's one logger name, as before it was split into modules.
log = logging.getLogger("adapters.telegram")

WEBHOOK_PATH = "/webhooks/telegram"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def routes(services: Services) -> web.RouteTableDef:
    table = web.RouteTableDef()
    secret = services.settings.telegram_webhook_secret.encode()

    @table.post(WEBHOOK_PATH)
    async def webhook(request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode("utf-8", "surrogateescape")
        # No secret configured (polling mode) means no webhook is accepted at all.
        if not secret or not hmac.compare_digest(given, secret):
            fail(403, "forbidden", "wrong or missing secret token")
        try:
            parsed = parse_update(parse_json(await request.read()))
        except (web.HTTPRequestEntityTooLarge, RequestPayloadError, ValueError) as error:
            # From Telegram (it knew the secret) but unusable: acknowledged, or Telegram
            # would send it again and again. Logged without the update's content.
            reason = "the body is too large" if isinstance(error, web.HTTPException) else error
            log.warning("telegram: unusable update acknowledged and dropped: %s", reason)
            return web.json_response({})
        if parsed is not None:
            await process(services, parsed)
        return web.json_response({})

    return table


async def set_webhook(settings: Settings) -> str:
    """Tell Telegram where to deliver updates; returns that URL."""
    if not settings.telegram_webhook_secret:
        raise ConfigError("LOTSE_TELEGRAM_WEBHOOK_SECRET: needed to register the webhook")
    url = f"{settings.public_url}{WEBHOOK_PATH}"
    try:
        async with make_bot(settings) as bot:
            await bot.set_webhook(
                url,
                secret_token=settings.telegram_webhook_secret,
                allowed_updates=list(ALLOWED_UPDATES),
            )
    except InvalidToken:  # PTB's message would quote the token
        raise ConfigError("LOTSE_TELEGRAM_TOKEN: Telegram rejected the token") from None
    except BadRequest as error:  # e.g. "bad webhook: HTTPS url must be provided"
        raise ConfigError(f"LOTSE_PUBLIC_URL: Telegram refused {url}: {error.message}") from None
    except TelegramError as error:
        raise ConfigError(
            f"LOTSE_TELEGRAM_API_URL: Telegram could not be reached ({type(error).__name__})"
        ) from None
    return url
