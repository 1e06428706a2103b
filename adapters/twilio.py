"""SMS and WhatsApp through Twilio: sending, inbound messages and delivery receipts.

The adapters stay thin: the core renders (numbered choices, SMS segments, RTL
marks) before `send`, and the webhooks only authenticate, normalise, store and
answer. Failure reasons carry Twilio's error code, never a text or a number.
"""

from __future__ import annotations

import base64
import json
import logging
import re
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

import aiohttp
from aiohttp import web
from multidict import MultiDict
from twilio.base.exceptions import (  # type: ignore[import-untyped, unused-ignore]
    TwilioRestException,
    TwilioServiceException,
)
from twilio.http.async_http_client import (  # type: ignore[import-untyped, unused-ignore]
    AsyncTwilioHttpClient,
)
from twilio.http.response import Response  # type: ignore[import-untyped, unused-ignore]
from twilio.request_validator import RequestValidator  # type: ignore[import-untyped, unused-ignore]
from twilio.rest import Client  # type: ignore[import-untyped, unused-ignore]

from bot.config import Settings
from bot.kernel.clock import utcnow
from bot.kernel.phones import InvalidPhoneNumber, language_hint, normalize
from bot.kernel.types import (
    Capabilities,
    Channel,
    DeliveryReceipt,
    InboundMessage,
    OutboundMessage,
    OutboxStatus,
    RateLimit,
)
from bot.messaging import (
    ChannelAdapter,
    OptedOut,
    PermanentFailure,
    SendResult,
    TemporaryFailure,
    apply_receipts,
)
from bot.runtime import Services, fail, form_body

log = logging.getLogger(__name__)
# twilio logs every request and its response headers at INFO: keep that out of
# the service log unless someone asks for it.
_HTTP_LOG = logging.getLogger(f"{__name__}.http")
_HTTP_LOG.setLevel(logging.WARNING)

INBOUND_PATH = "/webhooks/twilio/sms"  # SMS and WhatsApp alike
STATUS_PATH = "/webhooks/twilio/status"
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'
SIGNATURE_HEADER = "X-Twilio-Signature"
_SID = re.compile(r"[A-Za-z]{2}[0-9A-Fa-f]{32}")
WHATSAPP_PREFIX = "whatsapp:"
WHATSAPP_WINDOW = timedelta(hours=24)
DEFAULT_TIMEOUT = 10.0  # seconds for one API call; Twilio answers in well under one

OPTED_OUT = 21610
TOO_MANY_REQUESTS = 20429
#: Errors that say the number itself cannot receive on this channel.
UNREACHABLE = frozenset(
    {
        21211,  # invalid 'To' number
        21214,  # 'To' number cannot be reached
        21217,  # number does not appear to be valid
        21612,  # not reachable via SMS
        21614,  # not a mobile number
        63003,  # WhatsApp: no WhatsApp account at this number
        63024,  # WhatsApp: invalid recipient
    }
)

#: Twilio's MessageStatus → how far the outbox row got. queued/accepted/sending
#: say nothing the outbox does not know already.
RECEIPT_STATUS = {
    "sent": OutboxStatus.SENT,
    "delivered": OutboxStatus.DELIVERED,
    "read": OutboxStatus.DELIVERED,  # WhatsApp
    "undelivered": OutboxStatus.FAILED,
    "failed": OutboxStatus.FAILED,
    "canceled": OutboxStatus.FAILED,
}


# -- sending -------------------------------------------------------------------


def _retry_after(headers: Mapping[str, str] | None, now: datetime) -> float | None:
    """Seconds from a Retry-After header (delta seconds or an HTTP date), if any."""
    value = (headers or {}).get("Retry-After", "").strip()
    if not value:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    try:
        return max((parsedate_to_datetime(value) - now).total_seconds(), 0.0)
    except (TypeError, ValueError):
        return None


def _basic_auth(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode("ascii")


class _HttpClient(AsyncTwilioHttpClient):  # type: ignore[misc]
    """twilio's aiohttp client with three fixes.

    It ignores its own timeout (twilio-python #925: aiohttp then waits forever);
    a 429's Retry-After header never reaches the caller (the exception twilio
    raises keeps the status and the body, not the headers); and it passes
    credentials the way aiohttp deprecates.
    """

    async def request(
        self,
        method: str,
        url: str,
        params: dict[str, object] | None = None,
        data: dict[str, object] | None = None,
        headers: dict[str, str] | None = None,
        auth: tuple[str, str] | None = None,
        timeout: float | None = None,  # noqa: ASYNC109 (twilio's signature)
        allow_redirects: bool = False,
    ) -> Response:
        if auth is not None:
            # aiohttp 3.14 deprecates the auth parameter twilio uses (gone in 4.0).
            headers = {**(headers or {}), "Authorization": _basic_auth(*auth)}
        response = await super().request(
            method,
            url,
            params=params,
            data=data,
            headers=headers,
            auth=None,
            timeout=timeout if timeout is not None else self.timeout,
            allow_redirects=allow_redirects,
        )
        if response.status_code == 429:
            retry_after = _retry_after(response.headers, utcnow())
            raise TemporaryFailure("Twilio rate limit (HTTP 429)", retry_after=retry_after)
        return response


def _failure(status: int, code: int | None) -> TemporaryFailure | PermanentFailure:
    """What a Twilio error means for the outbox."""
    label = f"Twilio error {code} (HTTP {status})" if code else f"Twilio HTTP {status}"
    if code == OPTED_OUT:
        return OptedOut(f"recipient opted out: {label}")
    if code == TOO_MANY_REQUESTS or status == 429 or status >= 500:
        return TemporaryFailure(label)
    if status == 401:
        # Wrong credentials are the operator's to fix; retrying keeps the messages.
        return TemporaryFailure(f"Twilio refused the credentials: {label}")
    return PermanentFailure(label, unreachable=code in UNREACHABLE)


def _code(value: object) -> int | None:
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return None


class TwilioClient:
    """The one Twilio REST client that SMS and WhatsApp share.

    Created on first use: its aiohttp session needs a running event loop.
    """

    def __init__(self, settings: Settings, *, timeout: float = DEFAULT_TIMEOUT) -> None:
        self._settings = settings
        self._timeout = timeout
        self._http: _HttpClient | None = None
        self._client: Any = None

    def _rest(self) -> Any:
        if self._client is None:
            self._http = _HttpClient(timeout=self._timeout, logger=_HTTP_LOG)
            settings = self._settings
            client = Client(
                settings.twilio_account_sid, settings.twilio_auth_token, http_client=self._http
            )
            client.api.base_url = settings.twilio_api_url  # tests point it at a fake
            # TWILIO_EDGE / TWILIO_REGION would rewrite that host: settings are the
            # one source of configuration.
            client.edge = client.region = None
            self._client = client
        return self._client

    async def create(self, params: Mapping[str, str]) -> str:
        """Create a message; its SID ("SM…"), or TemporaryFailure / PermanentFailure."""
        try:
            message = await self._rest().messages.create_async(**params)
        except (TwilioRestException, TwilioServiceException) as error:
            raise _failure(int(error.status), _code(error.code)) from None
        except (aiohttp.ClientError, TimeoutError) as error:
            raise TemporaryFailure(f"Twilio not reachable ({type(error).__name__})") from None
        return str(message.sid)

    def status_callback(self) -> str:
        return f"{self._settings.public_url}{STATUS_PATH}"

    async def close(self) -> None:
        if self._http is not None:
            await self._http.close()
            self._http, self._client = None, None


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


# -- webhooks ------------------------------------------------------------------


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


def _is_whatsapp(*addresses: str) -> bool:
    return any(a.lower().startswith(WHATSAPP_PREFIX) for a in addresses)


def _media_count(value: str | None) -> int:
    try:
        return int(value or 0)
    except ValueError:
        return 0


def parse_inbound(form: Mapping[str, str], default_region: str, max_length: int) -> InboundMessage:
    """An inbound SMS or WhatsApp message; 400 when it lacks what Lotse needs. A text
    longer than `max_length` (as the web chat's cap; a real SMS stops at 1,600
    characters) is cut there, not refused: refusing would lose a person's message."""
    sender, sid = form.get("From", ""), form.get("MessageSid", "")
    if not sender or not sid:
        fail(400, "malformed", "From and MessageSid are required")
    _check_sid(sid)
    try:
        number = normalize(sender, default_region)
    except InvalidPhoneNumber as error:
        fail(400, "bad_number", f"From: {error}")
    body = form.get("Body", "")
    if len(body) > max_length:
        log.warning("inbound %s cut from %d to %d characters", sid[:12], len(body), max_length)
        body = body[:max_length]
    hint = language_hint(number)
    return InboundMessage(
        channel=Channel.WHATSAPP if _is_whatsapp(sender) else Channel.SMS,
        address=number,
        provider_id=sid,
        text=body if body.strip() else None,
        language_hints=(hint,) if hint else (),
        unsupported=_media_count(form.get("NumMedia")) > 0 and not body.strip(),
    )


def _check_sid(sid: str) -> None:
    if not _SID.fullmatch(sid):
        fail(400, "malformed", "MessageSid must be a Twilio message id (2 letters, 32 hex digits)")


def parse_status(form: Mapping[str, str]) -> DeliveryReceipt | None:
    """A delivery receipt, or None for a status that moves nothing (queued, sending)."""
    sid, status = form.get("MessageSid", ""), form.get("MessageStatus", "")
    if not sid or not status:
        fail(400, "malformed", "MessageSid and MessageStatus are required")
    _check_sid(sid)
    mapped = RECEIPT_STATUS.get(status.lower())
    if mapped is None:
        return None
    whatsapp = _is_whatsapp(form.get("To", ""), form.get("From", ""))
    code = form.get("ErrorCode") or None
    return DeliveryReceipt(
        channel=Channel.WHATSAPP if whatsapp else Channel.SMS,
        provider_id=sid,
        status=mapped,
        error_code=code if code and code != "0" else None,
        error=status.lower() if mapped is OutboxStatus.FAILED else None,
    )


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
            await services.engine.handle(inbound)
        # Replies leave through the outbox, never in this answer.
        return web.Response(text=EMPTY_TWIML, content_type="text/xml")

    @table.post(STATUS_PATH)
    async def status(request: web.Request) -> web.Response:
        receipt = parse_status(await _signed_form(request, settings))
        if receipt is not None:
            await apply_receipts(services.sessionmaker, [receipt], services.clock())
        return web.Response(status=204)

    return table
