"""A fake Twilio: the Messages REST API on 127.0.0.1, and Twilio's side of the webhooks.

The API answers `POST /2010-04-01/Accounts/<sid>/Messages.json` as Twilio does
(201 with a JSON message resource), checks HTTP basic auth, records every
message it accepted, and fails on demand: 429 with Retry-After (error 20429),
5xx, an answer slower than the client's timeout, or a Twilio error code
(21610 opted out, 21211 invalid number, ...), optionally only for one number.
With `latency`, every create is answered only after that many seconds, and
`requests` tells when each arrived and when its answer was written: a test that
kills Lotse can count the sends in flight at that instant (`in_flight`).

It also plays Twilio calling Lotse: signed inbound messages and status callbacks
(`RequestValidator.compute_signature`), posted over real HTTP.

    async with FakeTwilio() as fake:
        settings = load_settings(..., twilio_api_url=fake.url, ...)
        fake.fail(429, code=20429, retry_after="30")   # the next create is rate limited
        fake.fail(400, code=21610, to="+4915112345678", times=-1)  # this number opted out
        await fake.inbound(app_url, "+4915112345678", "Hallo")
        await fake.status(fake.messages[0], "delivered")

    async with FakeTwilio(latency=0.3) as fake:       # as a real API answers
        ...
        killed_at = time.monotonic()                    # then kill -9 Lotse
        unanswered = fake.in_flight(killed_at)          # sends it could not know about
"""

from __future__ import annotations

import asyncio
import base64
import itertools
import json
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from types import TracebackType
from typing import Any

import aiohttp
from aiohttp import web
from aiohttp.test_utils import TestServer
from twilio.request_validator import RequestValidator  # type: ignore[import-untyped, unused-ignore]

ACCOUNT_SID = "AC" + "0" * 32
AUTH_TOKEN = "t" * 32
SIGNATURE_HEADER = "X-Twilio-Signature"

_ERROR_MESSAGES = {
    20003: "Authenticate",
    20429: "Too Many Requests",
    21211: "The 'To' number is not a valid phone number.",
    21408: "Permission to send an SMS has not been enabled for the region indicated by the 'To'.",
    21602: "Message body is required.",
    21610: "Attempt to send to unsubscribed recipient",
    21614: "'To' number is not a valid mobile number",
    30001: "Queue overflow",
}


@dataclass(frozen=True, slots=True)
class SentMessage:
    """One message the fake accepted, with the form fields the client sent."""

    sid: str
    to: str
    from_: str | None
    messaging_service_sid: str | None
    body: str | None
    status_callback: str | None
    content_sid: str | None
    content_variables: str | None

    @property
    def variables(self) -> dict[str, str]:
        loaded: dict[str, str] = json.loads(self.content_variables or "{}")
        return loaded


@dataclass(slots=True)
class CreateRequest:
    """One create request as it reached the fake (times from `time.monotonic()`)."""

    arrived: float
    to: str
    body: str | None
    #: The HTTP status the fake chose (None until it has answered).
    status: int | None = None
    #: When the answer was fully written to Lotse's connection; None if it never was
    #: (not yet, or Lotse was gone by then).
    answered: float | None = None

    def in_flight(self, at: float) -> bool:
        """Arrived by `at`, but its answer not written by then: the sender cannot know."""
        return self.arrived <= at and (self.answered is None or self.answered > at)


@dataclass(slots=True)
class Fault:
    status: int  # the HTTP status to answer; 201 with a delay: only late
    code: int | None = None
    retry_after: str | None = None
    delay: float = 0.0
    to: str | None = None  # only for messages to this address
    times: int = 1  # -1: until cleared

    def matches(self, to: str) -> bool:
        return self.to is None or self.to == to


@dataclass(frozen=True, slots=True)
class Answer:
    """Lotse's answer to a webhook the fake posted."""

    status: int
    text: str
    content_type: str


@dataclass
class FakeTwilio:
    account_sid: str = ACCOUNT_SID
    auth_token: str = AUTH_TOKEN
    #: Seconds every create waits before it is answered (a real API takes a moment).
    latency: float = 0.0
    messages: list[SentMessage] = field(default_factory=list)
    #: Every create request, in order of arrival, with when it was answered.
    requests: list[CreateRequest] = field(default_factory=list)
    #: Every create request, answered or failed: (To, HTTP status answered).
    attempts: list[tuple[str, int]] = field(default_factory=list)
    _faults: list[Fault] = field(default_factory=list)
    _deciding: set[asyncio.Future[web.Response]] = field(default_factory=set)
    _server: TestServer | None = None
    _session: aiohttp.ClientSession | None = None
    _sids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    # -- lifecycle ---------------------------------------------------------

    async def __aenter__(self) -> FakeTwilio:
        app = web.Application()
        app.router.add_post("/2010-04-01/Accounts/{account}/Messages.json", self._answer)
        self._server = TestServer(app, host="127.0.0.1")
        await self._server.start_server()
        self._session = aiohttp.ClientSession()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        for deciding in list(self._deciding):
            deciding.cancel()
        if self._session is not None:
            await self._session.close()
        if self._server is not None:
            await self._server.close()

    @property
    def url(self) -> str:
        assert self._server is not None, "use the fake as `async with FakeTwilio() as fake`"
        return str(self._server.make_url("")).rstrip("/")

    # -- fault injection ---------------------------------------------------

    def fail(
        self,
        status: int,
        *,
        code: int | None = None,
        retry_after: str | None = None,
        delay: float = 0.0,
        to: str | None = None,
        times: int = 1,
    ) -> None:
        """Answer the next `times` creates (to `to`, if given) with this error."""
        self._faults.append(Fault(status, code, retry_after, delay, to, times))

    def rate_limit(self, retry_after: str | None = "1", *, times: int = 1) -> None:
        self.fail(429, code=20429, retry_after=retry_after, times=times)

    def error(self, code: int, *, to: str | None = None, times: int = -1) -> None:
        """A Twilio error by code (HTTP 400), e.g. 21610 opted out, 21211 invalid number."""
        self.fail(400, code=code, to=to, times=times)

    def slow(self, seconds: float, *, times: int = 1) -> None:
        """Answer normally, but only after `seconds` (past the client's timeout)."""
        self.fail(201, delay=seconds, times=times)

    def recover(self) -> None:
        self._faults.clear()

    def _take(self, to: str) -> Fault | None:
        for fault in self._faults:
            if fault.matches(to):
                if fault.times > 0:
                    fault.times -= 1
                    if fault.times == 0:
                        self._faults.remove(fault)
                return fault
        return None

    # -- the REST API ------------------------------------------------------

    async def _decide(self, request: web.Request, record: CreateRequest) -> web.Response:
        if self.latency:
            await asyncio.sleep(self.latency)
        response = await self._create(request)
        record.status = response.status
        return response

    async def _answer(self, request: web.Request) -> web.StreamResponse:
        """Record the request, wait `latency`, answer it and note when the answer was out."""
        form = await request.post()  # cached: `_create` reads it again
        to, body = form.get("To"), form.get("Body")
        record = CreateRequest(
            time.monotonic(),
            to if isinstance(to, str) else "",
            body if isinstance(body, str) else None,
        )
        self.requests.append(record)
        if self.latency:
            # Twilio goes on with a request whose client hung up, and so does the fake
            # with a latency (without one, a hung-up request is dropped, as it was).
            decided = asyncio.ensure_future(self._decide(request, record))
            self._deciding.add(decided)
            decided.add_done_callback(self._deciding.discard)
            response = await asyncio.shield(decided)
        else:
            response = await self._decide(request, record)
        try:
            await response.prepare(request)
            await response.write_eof()
        except ConnectionError:
            return response  # Lotse is gone: the answer never reached it
        record.answered = time.monotonic()
        return response

    def _authorised(self, request: web.Request) -> bool:
        expected = base64.b64encode(f"{self.account_sid}:{self.auth_token}".encode()).decode()
        return (
            request.match_info["account"] == self.account_sid
            and request.headers.get("Authorization") == f"Basic {expected}"
        )

    async def _create(self, request: web.Request) -> web.Response:
        if not self._authorised(request):
            return self._error(401, 20003)
        form = {k: v for k, v in (await request.post()).items() if isinstance(v, str)}
        to = form.get("To", "")
        fault = self._take(to)
        if fault is not None:
            await asyncio.sleep(fault.delay)
            if fault.status >= 300:
                self.attempts.append((to, fault.status))
                return self._error(fault.status, fault.code, fault.retry_after)
        if not to or not (form.get("Body") or form.get("ContentSid")):
            return self._error(400, 21602 if to else 21211)
        if not (form.get("From") or form.get("MessagingServiceSid")):
            return self._error(400, 21603)
        self.attempts.append((to, 201))
        message = self._record(form)
        return web.json_response(self._resource(message), status=201)

    def _record(self, form: Mapping[str, str]) -> SentMessage:
        message = SentMessage(
            sid=f"SM{next(self._sids):032x}",
            to=form["To"],
            from_=form.get("From"),
            messaging_service_sid=form.get("MessagingServiceSid"),
            body=form.get("Body"),
            status_callback=form.get("StatusCallback"),
            content_sid=form.get("ContentSid"),
            content_variables=form.get("ContentVariables"),
        )
        self.messages.append(message)
        return message

    def _resource(self, message: SentMessage) -> dict[str, Any]:
        created = format_datetime(datetime.now(UTC), usegmt=True)
        return {
            "sid": message.sid,
            "account_sid": self.account_sid,
            "api_version": "2010-04-01",
            "body": message.body or "",
            "date_created": created,
            "date_updated": created,
            "date_sent": None,
            "direction": "outbound-api",
            "error_code": None,
            "error_message": None,
            "from": message.from_,
            "messaging_service_sid": message.messaging_service_sid,
            "num_media": "0",
            "num_segments": "1",
            "price": None,
            "price_unit": "USD",
            "status": "accepted" if message.messaging_service_sid else "queued",
            "subresource_uris": {},
            "to": message.to,
            "uri": f"/2010-04-01/Accounts/{self.account_sid}/Messages/{message.sid}.json",
        }

    @staticmethod
    def _error(status: int, code: int | None, retry_after: str | None = None) -> web.Response:
        if status >= 500 and code is None:
            # What a load balancer in front of the API answers: not Twilio's JSON.
            return web.Response(status=status, text="<html>Service Unavailable</html>")
        code = code or status
        body = {
            "code": code,
            "message": _ERROR_MESSAGES.get(code, "Error"),
            "more_info": f"https://www.twilio.com/docs/errors/{code}",
            "status": status,
        }
        headers = {"Retry-After": retry_after} if retry_after is not None else {}
        return web.json_response(body, status=status, headers=headers)

    # -- Twilio calling Lotse ------------------------------------------------

    def signature(self, url: str, params: Mapping[str, str]) -> str:
        return str(RequestValidator(self.auth_token).compute_signature(url, dict(params)))

    async def post(
        self, url: str, params: Mapping[str, str], *, signature: str | None = ""
    ) -> Answer:
        """POST a form as Twilio does; `signature` "" signs it, None leaves it out."""
        assert self._session is not None
        headers = {}
        if signature is not None:
            headers[SIGNATURE_HEADER] = signature or self.signature(url, params)
        async with self._session.post(url, data=dict(params), headers=headers) as response:
            return Answer(response.status, await response.text(), response.content_type)

    def inbound_params(
        self,
        sender: str,
        body: str,
        *,
        to: str = "+4915000000000",
        sid: str | None = None,
        media: int = 0,
    ) -> dict[str, str]:
        """The form of an inbound SMS; a "whatsapp:" sender makes it WhatsApp."""
        sid = sid or f"SM{next(self._sids):032x}"
        whatsapp = sender.startswith("whatsapp:")
        params = {
            "AccountSid": self.account_sid,
            "ApiVersion": "2010-04-01",
            "Body": body,
            "From": sender,
            "MessageSid": sid,
            "NumMedia": str(media),
            "NumSegments": "1",
            "SmsMessageSid": sid,
            "SmsSid": sid,
            "SmsStatus": "received",
            "To": f"whatsapp:{to}" if whatsapp and not to.startswith("whatsapp:") else to,
        }
        if not whatsapp:
            params.update(FromCountry="DE", ToCountry="DE")
        if media:
            params.update(MediaContentType0="image/jpeg", MediaUrl0=f"{self.url}/media/{sid}")
        return params

    async def inbound(self, app_url: str, sender: str, body: str, **kwargs: Any) -> Answer:
        """Deliver a signed inbound message to Lotse's webhook."""
        params = self.inbound_params(sender, body, **kwargs)
        return await self.post(f"{app_url}/webhooks/twilio/sms", params)

    async def status(
        self, message: SentMessage, status: str, *, error_code: str | None = None
    ) -> Answer:
        """Post a signed status callback for a message the fake accepted."""
        assert message.status_callback, "the message asked for no status callback"
        params = {
            "AccountSid": self.account_sid,
            "ApiVersion": "2010-04-01",
            "From": message.from_ or "+4915000000000",
            "MessageSid": message.sid,
            "MessageStatus": status,
            "SmsSid": message.sid,
            "SmsStatus": status,
            "To": message.to,
        }
        if message.to.startswith("whatsapp:"):
            params["ChannelPrefix"] = "whatsapp"
        if error_code is not None:
            params["ErrorCode"] = error_code
        return await self.post(message.status_callback, params)

    # -- reading what was sent ------------------------------------------------

    def to(self, address: str) -> list[SentMessage]:
        return [m for m in self.messages if m.to == address]

    def in_flight(self, at: float) -> list[CreateRequest]:
        """Create requests that had arrived at `at` (a `time.monotonic()` instant) but
        whose answers had not been written by then."""
        return [r for r in self.requests if r.in_flight(at)]

    async def wait_for_requests(self, count: int, *, within: float) -> None:
        """Wait until `count` create requests have arrived (AssertionError after `within` s)."""
        deadline = time.monotonic() + within
        while len(self.requests) < count:
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"the fake Twilio got {len(self.requests)} of {count} requests "
                    f"in {within:.0f} s"
                )
            await asyncio.sleep(0.005)
