"""The Twilio webhooks (inbound messages, delivery receipts), each with its signature check."""

from __future__ import annotations

import logging

from aiohttp import web
from multidict import MultiDict
from twilio.request_validator import RequestValidator  # type: ignore[import-untyped, unused-ignore]

from adapters.twilio.parsing import parse_inbound, parse_status
from bot.config import Settings
from bot.messaging import apply_receipts
from bot.runtime import Services, accept, fail, form_body

# The channel's one logger name, as before it was split into modules.
log = logging.getLogger("adapters.twilio")

INBOUND_PATH = "/webhooks/twilio/sms"  # SMS and WhatsApp alike
STATUS_PATH = "/webhooks/twilio/status"
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'
SIGNATURE_HEADER = "X-Twilio-Signature"


async def _signed_form(request: web.Request, settings: Settings) -> MultiDict[str]:
    """The form fields, if Twilio signed them; otherwise 403 before anything is stored."""
    form = await form_body(request)
    params: MultiDict[str] = MultiDict((k, v) for k, v in form.items() if isinstance(v, str))
    signature = request.headers.get(SIGNATURE_HEADER, "")
    # Twilio signs the URL it called: the public one, not ours behind a proxy.
    url = settings.public_url + request.path_qs
    validator = RequestValidator(settings.twilio_auth_token)
    if not signature or not validator.validate(url, params, signature):
        log.warning("refused a Twilio webhook with a missing or wrong signature")
        fail(403, "bad_signature", f"the {SIGNATURE_HEADER} header is missing or wrong")
    return params


def routes(services: Services) -> web.RouteTableDef:
    """The Twilio webhooks; the Messaging Service (or number) points its inbound
    URL at INBOUND_PATH, and every message sent names STATUS_PATH for receipts."""
    table = web.RouteTableDef()
    settings = services.settings

    @table.post(INBOUND_PATH)
    async def inbound(request: web.Request) -> web.Response:
        form = await _signed_form(request, settings)
        inbound = parse_inbound(form, settings.default_region, settings.max_text_length)
        if inbound.channel not in services.adapters:
            # WhatsApp reaching a number this Lotse does not use for WhatsApp: no reply
            # could go back, so nothing is stored; Twilio gets its answer all the same.
            log.warning("inbound %s message dropped: the channel is not configured",
                        inbound.channel.value)  # fmt: skip
        else:
            # Stored durably (inbox or spool), processed after this answer: Twilio does
            # not repeat an incoming message it got no good answer for, so the answer
            # must not wait for the conversation step (or a slow database).
            await accept(services, inbound)
        # Replies leave through the outbox, never in this answer.
        return web.Response(text=EMPTY_TWIML, content_type="text/xml")

    @table.post(STATUS_PATH)
    async def status(request: web.Request) -> web.Response:
        receipt = parse_status(await _signed_form(request, settings))
        if receipt is not None:
            await apply_receipts(services.sessionmaker, [receipt], services.clock())
        return web.Response(status=204)

    return table
