"""SMS and WhatsApp through Twilio: sending, inbound messages and delivery receipts."""

# The adapters stay thin: the core renders (numbered choices, SMS segments, RTL marks)
# before `send`, and the webhooks only authenticate, normalise, store and answer.
# `client` talks to Twilio's REST API, `errors` maps its errors onto the core's failures,
# `sending` holds the two adapters, `parsing` reads the webhook forms, `webhooks` routes.

from __future__ import annotations

from adapters.twilio.client import DEFAULT_TIMEOUT, TwilioClient
from adapters.twilio.errors import OPTED_OUT, TOO_MANY_REQUESTS, UNREACHABLE
from adapters.twilio.parsing import RECEIPT_STATUS, WHATSAPP_PREFIX, parse_inbound, parse_status
from adapters.twilio.sending import (
    WHATSAPP_WINDOW,
    TwilioSmsAdapter,
    TwilioWhatsAppAdapter,
    build_twilio_adapters,
)
from adapters.twilio.webhooks import (
    EMPTY_TWIML,
    INBOUND_PATH,
    SIGNATURE_HEADER,
    STATUS_PATH,
    routes,
)

__all__ = [
    "DEFAULT_TIMEOUT",
    "EMPTY_TWIML",
    "INBOUND_PATH",
    "OPTED_OUT",
    "RECEIPT_STATUS",
    "SIGNATURE_HEADER",
    "STATUS_PATH",
    "TOO_MANY_REQUESTS",
    "UNREACHABLE",
    "WHATSAPP_PREFIX",
    "WHATSAPP_WINDOW",
    "TwilioClient",
    "TwilioSmsAdapter",
    "TwilioWhatsAppAdapter",
    "build_twilio_adapters",
    "parse_inbound",
    "parse_status",
    "routes",
]
