"""Hostile input to every public route that no schema fuzzer covers: never a 5xx.

A hand-written corpus (JSON nested too deep, lone surrogates, bytes that are no UTF-8,
bodies over the 64 KiB limit, numbers no float holds, digits that are not ASCII, NUL
bytes, non-ASCII paths, cookies and headers, wrong content types) goes over a raw
socket, so nothing on the client side tidies it up, to one app with every route: the
web chat and its API, the health checks, the staff login, and the Twilio and Telegram
webhooks. Bad requests to the JSON routes get the {"error", "detail"} answer; unsigned
webhooks get 403; an unusable Telegram update that came with the secret is acknowledged
(200), or Telegram would send it again and again.

FOUND lists the requests that once got a 5xx, kept as regression tests.
"""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import json
import socket
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from aiohttp import web

from adapters import telegram, twilio
from adapters.telegram import TelegramAdapter
from adapters.twilio import TwilioSmsAdapter
from adapters.webchat import WebChatAdapter
from bot.config import load_settings
from bot.kernel.types import Channel
from bot.runtime.services import Services, build_services
from bot.web.app import make_app
from flows import build_router
from tests.fakes.telegram import START_DATE, FakeTelegram
from tests.fakes.telegram import TOKEN as TELEGRAM_TOKEN
from tests.fakes.twilio import ACCOUNT_SID, AUTH_TOKEN, FakeTwilio
from tests.support.clock import Clock
from tests.support.factories import seed_municipality
from tests.support.offices import make_office
from tests.support.settings import SECRET

WEBHOOK_SECRET = "s" * 20
JSON = b"application/json"
FORM = b"application/x-www-form-urlencoded"
Headers = Sequence[tuple[bytes, bytes]]


# -- a client that sends anything ------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Probe:
    """One request, byte for byte. `malformed`: broken HTTP, refused before routing."""

    label: str
    method: str
    target: bytes
    headers: Headers = ()
    body: bytes = b""
    malformed: bool = False

    def __str__(self) -> str:
        head = b" ".join([self.method.encode(), self.target[:120]])
        return f"{self.label}: {head!r} {list(self.headers)!r} {self.body[:120]!r}"


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    def error_shape(self) -> bool:
        """The JSON routes' error answer: {"error": "<code>", "detail": "<reason>", ...}."""
        if not self.headers.get("content-type", "").startswith("application/json"):
            return False
        try:
            data = json.loads(self.body)
        except ValueError:
            return False
        return (
            isinstance(data, dict)
            and isinstance(data.get("error"), str)
            and isinstance(data.get("detail"), str)
        )

    def __str__(self) -> str:
        return f"{self.status} {self.body[:160]!r}"


@dataclass
class Site:
    """The app on a loopback port, known by its public URL (Twilio signs that)."""

    services: Services
    url: str
    port: int
    twilio: FakeTwilio

    async def send(self, probe: Probe) -> Answer:
        """The probe as given, plus Host, Connection: close and Content-Length."""
        lines = [probe.method.encode() + b" " + probe.target + b" HTTP/1.1"]
        lines += [b"Host: 127.0.0.1", b"Connection: close"]
        if not any(name.lower() == b"content-length" for name, _ in probe.headers):
            lines.append(b"Content-Length: %d" % len(probe.body))
        lines += [name + b": " + value for name, value in probe.headers]
        reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
        try:
            writer.write(b"\r\n".join(lines) + b"\r\n\r\n" + probe.body)
            # The server may answer (413) and close before it has read everything.
            with contextlib.suppress(ConnectionError):
                await writer.drain()
            raw = await asyncio.wait_for(reader.read(), 30)
        finally:
            writer.close()
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()
        return parse_answer(raw)

    async def run(self, probes: Sequence[Probe]) -> list[tuple[Probe, Answer]]:
        return [(probe, await self.send(probe)) for probe in probes]


def parse_answer(raw: bytes) -> Answer:
    head, _, body = raw.partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    if headers.get("transfer-encoding", "").lower() == "chunked":
        body = dechunk(body)
    return Answer(int(status_line.split()[1]), headers, body)


def dechunk(data: bytes) -> bytes:
    out = b""
    while data:
        size_line, _, data = data.partition(b"\r\n")
        size = int(size_line.split(b";")[0], 16)
        if size == 0:
            break
        out, data = out + data[:size], data[size + 2 :]
    return out


@pytest.fixture
async def site(database_url: str, tmp_path: Path, clock: Clock) -> AsyncIterator[Site]:
    # The public URL must be known before the app exists (Twilio signs it): bind the
    # port first, serve on that socket.
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    async with FakeTwilio() as fake_twilio, FakeTelegram() as fake_telegram:
        settings = load_settings(
            _env_file=None,
            data_dir=tmp_path,
            database_url=database_url,
            secret_key=SECRET,
            public_url=url,
            # X-Forwarded-For is read (and must survive garbage) only from a trusted proxy.
            trusted_proxies="127.0.0.1",
            contact_channels="webchat,sms,telegram",
            twilio_account_sid=ACCOUNT_SID,
            twilio_auth_token=AUTH_TOKEN,
            twilio_from="+4915000000000",
            twilio_api_url=fake_twilio.url,
            telegram_token=TELEGRAM_TOKEN,
            telegram_api_url=fake_telegram.url,
            telegram_webhook_secret=WEBHOOK_SECRET,
        )
        await seed_municipality(settings)
        services = await build_services(
            settings,
            router_factory=build_router,
            adapters={
                Channel.WEBCHAT: WebChatAdapter(),
                Channel.SMS: TwilioSmsAdapter(settings),
                Channel.TELEGRAM: TelegramAdapter(settings, timeout=1.0),
            },
            clock=clock,
        )
        app = make_app(
            services,
            dispatch=False,
            extra_routes=[twilio.routes(services), telegram.routes(services)],
        )
        runner = web.AppRunner(app)
        await runner.setup()
        try:
            await web.SockSite(runner, sock).start()
            yield Site(services, url, port, fake_twilio)
        finally:
            await runner.cleanup()
            await services.close()


async def open_session(site: Site) -> str:
    answer = await site.send(Probe("open", "POST", b"/chat/api/sessions", body=b"{}"))
    assert answer.status == 201, answer
    session: str = json.loads(answer.body)["session"]
    return session


async def login_cookie(site: Site) -> str:
    """The login form's double-submit token, as its cookie sets it."""
    answer = await site.send(Probe("form", "GET", b"/office/login"))
    assert answer.status == 200, answer
    cookie = answer.headers["set-cookie"].split(";")[0]
    assert cookie.startswith("lotse_office_login=")
    return cookie.split("=", 1)[1]


def problems(results: list[tuple[Probe, Answer]], expected: Any) -> list[str]:
    """Each answer `expected(probe, answer)` does not accept, described."""
    return [f"{answer}  <-  {probe}" for probe, answer in results if not expected(probe, answer)]


# -- the corpus ------------------------------------------------------------------------

#: Bodies no JSON route can use as they are.
JSON_BODIES: dict[str, bytes] = {
    "empty": b"",
    "blank": b" \r\n\t ",
    "nested-100k": b"[" * 100_000,  # over 64 KiB
    "nested-60k": b"[" * 60_000,  # under it, deeper than Python's recursion limit
    "nested-closed": b"[" * 30_000 + b"]" * 30_000,
    "nested-objects": b'{"a":' * 12_000,
    "lone-surrogate": b'{"text": "\\ud800"}',
    "lone-surrogate-key": b'{"\\udfff": "x"}',
    "reversed-pair": b'{"text": "\\udc00\\ud800", "choice": "\\udbff"}',
    "not-utf8": b'{"text": "\xff\xfe\xfd"}',
    "utf16": '{"text": "hi"}'.encode("utf-16"),
    "utf8-bom": b'\xef\xbb\xbf{"text": "hi"}',
    "over-64k": b'{"text": "' + b"x" * 70_000 + b'"}',
    "1e999": b'{"text": 1e999, "code": -1e999, "language": 1e999, "id": 1e999}',
    "10**400": b'{"code": 1' + b"0" * 400 + b', "id": 1' + b"0" * 400 + b"}",
    "5000-digits": b'{"code": ' + b"9" * 5000 + b"}",
    "nan": b'{"language": NaN, "text": Infinity, "choice": -Infinity}',
    "nul-raw": b'{"text": "a\x00b"}',
    "nul-only": b"\x00",
    "scalar-1e999": b"1e999",
    "null": b"null",
    "string": b'"text"',
    "array": b'[{"text": "hi"}]',
    "operators": b'{"text": {"$gt": ""}, "choice": ["x"], "id": {"a": 1}}',
    "duplicate-keys": b'{"text": 1, "text": "a", "choice": null}',
    "truncated": b'{"text": "a',
    "trailing-garbage": b'{"text": "hi"} {"x"',
    "form": b"text=hi&choice=x",
    # Compressed 10 MB of JSON text, announced as plain: no route reads it as gzip.
    "gzip-bytes": gzip.compress(b'{"text": "' + b"x" * 10_000_000 + b'"}'),
}
#: JSON objects of text for POST /chat/api/sessions, with odd text.
SESSION_BODIES: dict[str, bytes] = {
    "nul-code": b'{"code": "\\u0000"}',
    "nul-language": b'{"language": "de\\u0000"}',
    "nul-token": b'{"token": "' + b"\\u0000" * 32 + b'"}',
    "arabic-indic-code": '{"code": "٣٣٣٣-٣٣٣٣"}'.encode(),
    "long-code": b'{"code": "' + b"K" * 33 + b'"}',
    "non-ascii-token": ('{"token": "' + "ä" * 32 + '"}').encode(),
    "bidi-code": b'{"code": "\\u202eK7QF-9M2X"}',
    "kelvin-language": b'{"language": "\\u212aU"}',
    "long-language": b'{"language": "de-' + b"x" * 60_000 + b'"}',
    "prototype": b'{"__proto__": {"admin": true}}',
}
#: JSON objects of text for POST /chat/api/sessions/{session}/messages, with odd text.
MESSAGE_BODIES: dict[str, bytes] = {
    "nul-text": b'{"text": "a\\u0000b"}',
    "nul-choice": b'{"choice": "\\u0000"}',
    "non-ascii-id": '{"text": "hi", "id": "ä"}'.encode(),
    "space-only": b'{"text": " \\u3000\\u2028\\u0085\\u001c "}',
    "text-too-long": b'{"text": "' + b"x" * 4097 + b'"}',
    "choice-too-long": b'{"choice": "' + b"x" * 101 + b'"}',
    "id-too-long": b'{"text": "hi", "id": "' + b"x" * 65 + b'"}',
    "bidi-text": b'{"text": "\\u202e\\u2066hi\\u2069"}',
    "emoji-choice": '{"choice": "😀"}'.encode(),
}
CONTENT_TYPES: list[bytes] = [
    b"text/plain",
    FORM,
    b"multipart/form-data",
    b"multipart/form-data; boundary=x",
    b"application/json; charset=bogus",
    b"application/json; charset=utf-16",
    "ä/€".encode(),
    b"",
]
#: Headers no client should send, in well-formed HTTP.
ODD_HEADERS: dict[str, Headers] = {
    "accept-language-nan": [(b"Accept-Language", b"ar;q=nan, de;q=1e999, en;q=-inf")],
    "accept-language-long-q": [(b"Accept-Language", b"fa;q=" + b"9" * 4000)],
    "accept-language-bytes": [(b"Accept-Language", b"\xc3\xa4\xff, \xd8\xb9;q=0.5")],
    "accept-language-commas": [(b"Accept-Language", b"," * 4000)],
    "cookie-non-ascii": [(b"Cookie", "lotse_office=ä; lotse_office_login=€".encode())],
    "cookie-bytes": [(b"Cookie", b"\xff\xfe=\xff; lotse_office=\xff" + b"a" * 50)],
    "cookie-token-like": [(b"Cookie", b"lotse_office=" + b"A" * 43)],
    "forwarded-bytes": [(b"X-Forwarded-For", b"\xff\xfe")],
    "forwarded-arabic-indic": [(b"X-Forwarded-For", "١.٢.٣.٤".encode())],
    "forwarded-scoped": [(b"X-Forwarded-For", b"fe80::1%eth0, ::ffff:1.2.3.4")],
    "forwarded-commas": [(b"X-Forwarded-For", b"," * 2000)],
    "forwarded-bad-octets": [(b"X-Forwarded-For", b"999.999.999.999, 127.0.0.1")],
    "forwarded-many": [(b"X-Forwarded-For", b"198.51.100.7")] * 50,
    "content-encoding-unknown": [(b"Content-Encoding", b"x-\xff")],
    "content-encoding-identity": [(b"Content-Encoding", b"identity")],
}
#: Headers that break HTTP itself: aiohttp refuses them before any route (400, 417).
MALFORMED_HEADERS: dict[str, Headers] = {
    "header-nul": [(b"X-Probe", b"a\x00b")],
    "header-name-non-ascii": [("X-ä".encode(), b"1")],
    "content-length-negative": [(b"Content-Length", b"-1")],
    "content-length-arabic-indic": [(b"Content-Length", "٢".encode())],
    "content-length-twice": [(b"Content-Length", b"2"), (b"Content-Length", b"3")],
    "chunked-and-length": [(b"Transfer-Encoding", b"chunked")],
    "transfer-encoding-gzip": [(b"Transfer-Encoding", b"gzip")],
    "expect-unknown": [(b"Expect", b"100-continue-please")],
    "host-twice": [(b"Host", "ä.example".encode())],
}
#: Session tokens in the path; raw non-ASCII bytes are malformed HTTP.
SESSION_PATHS: dict[str, bytes] = {
    "unknown": b"nope",
    "nul": b"%00",
    "bad-utf8": b"%ff%fe",
    "surrogate": b"%ED%A0%80",
    "long": b"x" * 4000,
    "slash": b"a%2Fb",
    "dots": b"..",
    "encoded-dots": b"%2e%2e",
    "space": b"a%20b",
    "arabic": quote("جلسة").encode(),
}
MALFORMED_PATHS: dict[str, bytes] = {
    "raw-utf8": "ä".encode(),
    "raw-byte": b"\xff",
    "over-a-line": b"x" * 9000,
}
#: `after` values that are no message id (ASCII digits, at most 18).
ODD_AFTERS: list[str] = [
    "²",
    "1³",
    "١٢٣",
    "۱۲",
    "１２",
    "9" * 40,
    "9" * 19,
    "-1",
    "+1",
    " 1",
    "1\n",
    "1.5",
    "1e3",
    "0x10",
    "",
    "\x00",
    "\ud800",
]
#: Odd query strings for the pages; raw bytes (the first three) are malformed HTTP.
ODD_QUERIES: list[bytes] = [
    "?%ff%fe=%00&bye&ended=ä".encode(),
    "?a=١٢".encode(),
    b"?\xff",
    b"?" + b"&" * 3000,
    b"?a=%D9%A1%D9%A2&a=%ED%A0%80&after=%C2%B2",
    b"?%",
    b"?a[b][c]=1&__proto__=x&ended&bye=%00",
]
#: Conditional and range requests, which the static files answer themselves.
CACHE_HEADERS: dict[str, Headers] = {
    "range-past-the-end": [(b"Range", b"bytes=999999999999999999999999-")],
    "range-many": [(b"Range", b"bytes=" + b"0-1," * 1000)],
    "range-arabic-indic": [(b"Range", "bytes=١-٢".encode())],
    "if-modified-since-garbage": [(b"If-Modified-Since", b"yesterday \xff")],
    "if-modified-since-year-0": [(b"If-Modified-Since", b"Mon, 01 Jan 0000 00:00:00 GMT")],
    "if-unmodified-since-far": [(b"If-Unmodified-Since", b"Fri, 31 Dec 9999 23:59:59 GMT")],
    "if-none-match-garbage": [(b"If-None-Match", b'"\xff", W/"' + b"x" * 3000)],
    "if-range-garbage": [(b"If-Range", b"\x01"), (b"Range", b"bytes=0-1")],
    "accept-encoding-odd": [(b"Accept-Encoding", b"gzip;q=nan, br;q=1e999, *;q=-1")],
}
PAGES = [
    "/chat",
    "/chat/ui.json",
    "/chat/api/openapi.json",
    "/healthz",
    "/readyz",
    "/office/login",
    "/office",
    "/accessibility",
    "/static/chat.js",
]
#: Form bodies aiohttp's request.post() cannot decode (see FOUND).
BROKEN_FORMS: dict[str, tuple[bytes, bytes]] = {
    "form-not-utf8": (FORM, b"email=\xff\xfe&password=x&csrf=x"),
    "form-unknown-charset": (FORM + b"; charset=bogus", b"email=a&csrf=x"),
    "multipart-no-boundary": (b"multipart/form-data", b"--x\r\n"),
    "multipart-no-start": (b"multipart/form-data; boundary=x", b"garbage"),
    "multipart-nameless": (
        b"multipart/form-data; boundary=x",
        b"--x\r\nContent-Disposition: form-data\r\n\r\nv\r\n--x--\r\n",
    ),
    "multipart-not-utf8": (
        b"multipart/form-data; boundary=x",
        b'--x\r\nContent-Disposition: form-data; name="csrf"\r\n'
        b"Content-Type: text/plain\r\n\r\n\xff\r\n--x--\r\n",
    ),
    "multipart-nested": (
        b"multipart/form-data; boundary=x",
        b'--x\r\nContent-Disposition: form-data; name="a"\r\n'
        b"Content-Type: multipart/mixed; boundary=y\r\n\r\n--y--\r\n--x--\r\n",
    ),
}


def form(**fields: str) -> bytes:
    return urlencode(fields).encode()


def login_forms(csrf: str) -> dict[str, tuple[bytes, bytes]]:
    """Hostile login forms: (content type, body). With the cookie's `csrf`, they reach
    the throttle and the password check."""
    return {
        "empty": (FORM, b""),
        "no-fields": (FORM, b"&&&=&=="),
        "nul-password": (FORM, form(email="a@amt.example", password="\x00" * 64, csrf=csrf)),
        "long-email": (FORM, form(email="ä" * 9000, password="x", csrf=csrf)),
        "long-password": (FORM, form(email="a@amt.example", password="p" * 60_000, csrf=csrf)),
        "surrogate-email": (FORM, b"email=%ED%A0%80&password=x&csrf=" + csrf.encode()),
        "bad-utf8-escapes": (FORM, b"email=%ff%fe&password=%c3&csrf=" + csrf.encode()),
        "repeated-csrf": (FORM, form(email="a@amt.example", csrf="x") + b"&csrf=" + csrf.encode()),
        "non-ascii-csrf": (FORM, form(email="a@amt.example", password="x", csrf="ä" * 43)),
        "bidi-email": (FORM, form(email="\u202eelpmaxe.tma@a", password="x", csrf=csrf)),
        "over-64k": (FORM, form(email="a", password="p" * 70_000, csrf=csrf)),
        "json": (JSON, b'{"email": "a", "password": "x", "csrf": "x"}'),
        "text": (b"text/plain", b"email=a&password=x&csrf=" + csrf.encode()),
        "multipart-file": (
            b"multipart/form-data; boundary=x",
            b'--x\r\nContent-Disposition: form-data; name="csrf"; filename="a.txt"\r\n\r\n'
            + csrf.encode()
            + b"\r\n--x--\r\n",
        ),
        "multipart-binary": (
            b"multipart/form-data; boundary=x",
            b'--x\r\nContent-Disposition: form-data; name="csrf"\r\n'
            b"Content-Type: application/octet-stream\r\n\r\n\xff\x00\r\n--x--\r\n",
        ),
    }


SID = "SM" + "a" * 32
INBOUND = {"From": "+4915112345678", "To": "+4915000000000", "MessageSid": SID, "Body": "Hallo"}
#: Forms as Twilio would sign them, with odd values: (path, fields).
TWILIO_FORMS: dict[str, tuple[str, dict[str, str]]] = {
    "nul-body": (twilio.INBOUND_PATH, {**INBOUND, "Body": "a\x00b"}),
    "nul-from": (twilio.INBOUND_PATH, {**INBOUND, "From": "+49\x00151"}),
    "arabic-indic-from": (twilio.INBOUND_PATH, {**INBOUND, "From": "+٤٩١٥١١٢٣٤٥٦٧٨"}),
    "long-from": (twilio.INBOUND_PATH, {**INBOUND, "From": "+" + "9" * 5000}),
    "whatsapp-unconfigured": (twilio.INBOUND_PATH, {**INBOUND, "From": "whatsapp:+4915112345"}),
    "media-count-odd": (twilio.INBOUND_PATH, {**INBOUND, "NumMedia": "١e999", "Body": ""}),
    "media-count-negative": (twilio.INBOUND_PATH, {**INBOUND, "NumMedia": "-5"}),
    "media-count-huge": (twilio.INBOUND_PATH, {**INBOUND, "NumMedia": "9" * 5000}),
    "long-body": (twilio.INBOUND_PATH, {**INBOUND, "Body": "ü" * 8000}),  # 48 KB encoded
    "form-over-64k": (twilio.INBOUND_PATH, {**INBOUND, "Body": "ü" * 12_000}),
    "inbound-empty": (twilio.INBOUND_PATH, {}),
    "status-empty": (twilio.STATUS_PATH, {}),
    "status-odd": (
        twilio.STATUS_PATH,
        {"MessageSid": SID, "MessageStatus": "\u202edelivered", "ErrorCode": "²"},
    ),
    "status-long": (
        twilio.STATUS_PATH,
        {"MessageSid": "S" * 5000, "MessageStatus": "failed", "ErrorCode": "9" * 5000},
    ),
}


def telegram_update(message: dict[str, Any], update_id: Any = 900_000_001) -> bytes:
    base = {
        "message_id": 1,
        "date": START_DATE,
        "chat": {"id": 5, "type": "private"},
        "from": {"id": 5, "is_bot": False, "first_name": "A", "language_code": "ar"},
        "text": "hi",
    }
    return json.dumps({"update_id": update_id, "message": {**base, **message}}).encode()


USER = {"id": 5, "is_bot": False, "first_name": "A"}
#: Updates with the secret, odd inside: acknowledged (200) whatever Lotse makes of them.
TELEGRAM_UPDATES: dict[str, bytes] = {
    "nul-text": telegram_update({"text": "a\x00b"}),
    "nul-language": telegram_update({"from": {**USER, "language_code": "\x00"}}),
    "huge-chat-id": telegram_update({"chat": {"id": 10**30, "type": "private"}}),
    "float-chat-id": telegram_update({"chat": {"id": 1e300, "type": "private"}}),
    "huge-update-id": telegram_update({}, update_id=10**30),
    "negative-update-id": telegram_update({}, update_id=-1),
    "negative-date": telegram_update({"date": -(10**15)}),
    "string-date": telegram_update({"date": "gestern"}),
    "long-text": telegram_update({"text": "x" * 60_000}),
    "nul-start-payload": telegram_update({"text": "/start " + "\x00" * 10}),
    "callback-nul": json.dumps(
        {
            "update_id": 900_000_003,
            "callback_query": {"id": "\x00", "from": USER, "chat_instance": "1", "data": "\x00"},
        }
    ).encode(),
    "callback-no-message": json.dumps(
        {
            "update_id": 900_000_004,
            "callback_query": {"id": "1", "from": USER, "chat_instance": "1", "data": "x" * 5000},
        }
    ).encode(),
}
TELEGRAM_SECRET = (b"X-Telegram-Bot-Api-Secret-Token", WEBHOOK_SECRET.encode())
WRONG_SECRETS: dict[str, Headers] = {
    "no-secret": [],
    "empty-secret": [(TELEGRAM_SECRET[0], b"")],
    "wrong-secret": [(TELEGRAM_SECRET[0], b"t" * 20)],
    "longer-secret": [(TELEGRAM_SECRET[0], WEBHOOK_SECRET.encode() + b"x")],
    "non-ascii-secret": [(TELEGRAM_SECRET[0], "ä".encode() * 10)],
    # Not UTF-8: aiohttp hands it over with surrogate escapes, which a strict encode
    # refused with a 500.
    "byte-secret": [(TELEGRAM_SECRET[0], b"\xff\xfe" + b"s" * 18)],
}


def after_probes(session: str) -> list[Probe]:
    """Each odd `after` percent-encoded, and raw where that differs (malformed HTTP
    when it holds bytes a request line may not)."""
    path = f"/chat/api/sessions/{session}/messages?after=".encode()
    probes = []
    for after in ODD_AFTERS:
        raw = after.encode("utf-8", "surrogatepass")
        encoded = quote(raw, safe="").encode()
        probes.append(Probe(f"after {after!r}", "GET", path + encoded))
        if raw != encoded:
            broken = any(b <= 0x20 or b >= 0x7F for b in raw)
            probes.append(Probe(f"after {after!r} raw", "GET", path + raw, malformed=broken))
    return probes


def chat_api_probes(session: str) -> list[Probe]:
    messages = f"/chat/api/sessions/{session}/messages".encode()
    routes = [(b"/chat/api/sessions", SESSION_BODIES, b"{}"), (messages, MESSAGE_BODIES, None)]
    probes = []
    for path, bodies, plain in routes:
        # A body the route takes, so that odd headers reach what reads them.
        plain = plain or b'{"text": "hi"}'
        for name, body in {**JSON_BODIES, **bodies}.items():
            probes.append(Probe(f"body {name}", "POST", path, [(b"Content-Type", JSON)], body))
        for ctype in CONTENT_TYPES:
            probes.append(Probe(f"type {ctype!r}", "POST", path, [(b"Content-Type", ctype)], plain))
        for name, headers in ODD_HEADERS.items():
            probes.append(Probe(f"header {name}", "POST", path, headers, plain))
        for name, headers in MALFORMED_HEADERS.items():
            probes.append(Probe(f"header {name}", "POST", path, headers, plain, malformed=True))
    for tail in (b"/messages", b"/consents"):
        path = f"/chat/api/sessions/{session}".encode() + tail
        for name, headers in ODD_HEADERS.items():
            probes.append(Probe(f"header {name}", "GET", path, headers))
    for name, token in {**SESSION_PATHS, **MALFORMED_PATHS}.items():
        broken = name in MALFORMED_PATHS
        for tail in (b"/messages", b"/consents"):
            path = b"/chat/api/sessions/" + token + tail
            probes.append(Probe(f"path {name}", "GET", path, malformed=broken))
        path = b"/chat/api/sessions/" + token + b"/messages"
        probes.append(Probe(f"path {name}", "POST", path, body=b'{"text": "hi"}', malformed=broken))
        # A real session with something after it is no session either.
        path = f"/chat/api/sessions/{session}".encode() + token + b"/messages"
        probes.append(Probe(f"real session + {name}", "GET", path, malformed=broken))
    return probes + after_probes(session)


# -- the routes ------------------------------------------------------------------------


async def test_the_chat_api_refuses_hostile_input_with_its_error_shape(site: Site) -> None:
    session = await open_session(site)
    results = await site.run(chat_api_probes(session))

    def expected(probe: Probe, answer: Answer) -> bool:
        if probe.malformed:
            return answer.status in (400, 417)
        return answer.status < 400 or (answer.status < 500 and answer.error_shape())

    found = problems(results, expected)
    assert not found, "\n".join(found)
    refused = [a for p, a in results if not p.malformed and a.status >= 400]
    assert {a.status for a in refused} == {400, 404, 413}, "the corpus reached the handlers"


async def test_pages_and_health_checks_never_answer_5xx(site: Site) -> None:
    probes = []
    for page in PAGES:
        path = page.encode()
        probes.append(Probe("plain", "GET", path))
        probes.append(Probe("head", "HEAD", path))
        for n, query in enumerate(ODD_QUERIES):
            probes.append(Probe(f"query {query[:20]!r}", "GET", path + query, malformed=n < 3))
        for name, headers in {**ODD_HEADERS, **CACHE_HEADERS}.items():
            probes.append(Probe(f"header {name}", "GET", path, headers))
        for name, headers in MALFORMED_HEADERS.items():
            probes.append(Probe(f"header {name}", "GET", path, headers, malformed=True))
        probes.append(Probe("body over 64k", "GET", path, [(b"Content-Type", JSON)], b"[" * 70_000))
        probes.append(
            Probe("body gzip garbage", "GET", path, [(b"Content-Encoding", b"gzip")], b"x")
        )
        probes.append(Probe("method", "DELETE", path, body=b"x"))
    results = await site.run(probes)

    def expected(probe: Probe, answer: Answer) -> bool:
        if probe.malformed:
            return answer.status in (400, 417)
        if probe.label == "plain":  # and the pages do work
            return answer.status == (303 if probe.target == b"/office" else 200)
        return answer.status < 500

    found = problems(results, expected)
    assert not found, "\n".join(found)


@pytest.mark.parametrize("with_cookie", [False, True], ids=["no-login-cookie", "login-cookie"])
async def test_the_staff_login_never_answers_5xx(site: Site, with_cookie: bool) -> None:
    token = await login_cookie(site)
    cookie = [(b"Cookie", f"lotse_office_login={token}".encode())] if with_cookie else []
    probes = []
    for name, (ctype, body) in login_forms(token).items():
        probes.append(
            Probe(name, "POST", b"/office/login", [*cookie, (b"Content-Type", ctype)], body)
        )
    for name, headers in ODD_HEADERS.items():
        probes.append(Probe(f"header {name}", "POST", b"/office/login", [*cookie, *headers]))
    for name, headers in MALFORMED_HEADERS.items():
        probes.append(Probe(f"header {name}", "POST", b"/office/login", headers, malformed=True))
    results = await site.run(probes)
    # Without the cookie nothing passes the CSRF check; with it, the password check fails
    # (401) until the throttle steps in (429).
    allowed = {401, 403, 413, 429} if with_cookie else {403, 413}

    def expected(probe: Probe, answer: Answer) -> bool:
        return answer.status in ((400, 417) if probe.malformed else allowed)

    found = problems(results, expected)
    assert not found, "\n".join(found)
    if with_cookie:
        assert any(a.status == 401 for _, a in results), "the corpus reached the password check"


async def test_twilio_refuses_what_it_did_not_sign_and_survives_what_it_did(site: Site) -> None:
    probes = []
    for name, (path, fields) in TWILIO_FORMS.items():
        body, target = form(**fields), path.encode()
        signature = site.twilio.signature(site.url + path, fields).encode()
        signed = [(b"Content-Type", FORM), (b"X-Twilio-Signature", signature)]
        probes.append(Probe(f"signed {name}", "POST", target, signed, body))
        probes.append(Probe(f"unsigned {name}", "POST", target, [(b"Content-Type", FORM)], body))
        for label, wrong in (("wrong", b"bm90IGEgc2lnbmF0dXJl"), ("non-ascii", "ä".encode())):
            headers = [(b"Content-Type", FORM), (b"X-Twilio-Signature", wrong)]
            probes.append(Probe(f"{label} signature {name}", "POST", target, headers, body))
        # Signed for another URL (its query string is part of what Twilio signs).
        probes.append(Probe(f"other url {name}", "POST", target + b"?x=1", signed, body))
    for path in (twilio.INBOUND_PATH, twilio.STATUS_PATH):
        for name, body in JSON_BODIES.items():
            headers = [(b"Content-Type", JSON)]
            probes.append(Probe(f"unsigned json {name}", "POST", path.encode(), headers, body))
    results = await site.run(probes)

    def expected(probe: Probe, answer: Answer) -> bool:
        if probe.label.endswith("form-over-64k"):  # refused before the signature is checked
            return answer.status == 413
        if not probe.label.startswith("signed"):
            return answer.status == 403 and answer.error_shape()
        return answer.status in (200, 204, 400) and (answer.status != 400 or answer.error_shape())

    found = problems(results, expected)
    assert not found, "\n".join(found)


async def test_telegram_refuses_without_the_secret_and_acknowledges_with_it(site: Site) -> None:
    path = b"/webhooks/telegram"
    bodies = {**JSON_BODIES, **TELEGRAM_UPDATES}
    probes = [
        Probe(f"secret {name}", "POST", path, [TELEGRAM_SECRET], b) for name, b in bodies.items()
    ]
    for secret, headers in WRONG_SECRETS.items():
        for name, body in bodies.items():
            probes.append(Probe(f"{secret} {name}", "POST", path, headers, body))
    results = await site.run(probes)

    def expected(probe: Probe, answer: Answer) -> bool:
        if probe.label.startswith("secret"):
            return answer.status == 200 and answer.body == b"{}"
        return answer.status == 403 and answer.error_shape()

    found = problems(results, expected)
    assert not found, "\n".join(found)


# -- what once answered 5xx -------------------------------------------------------------

#: Requests this corpus found answering 500, and why; each now gets a 4xx (or, for an
#: unusable Telegram update with the secret, 200).
FOUND: dict[str, str] = {
    "content-encoding": "a Content-Encoding the body does not have: reading the body "
    "raised aiohttp's RequestPayloadError, which no handler caught",
    "undecodable-form": "request.post() raised UnicodeDecodeError, LookupError or "
    "ValueError for a form it cannot decode, before the CSRF or signature check",
    "telegram-date-overflow": "python-telegram-bot raised OverflowError for a date no "
    "datetime holds",
    "postgres-nul": "PostgreSQL text cannot hold U+0000: the login's e-mail lookup and "
    "a signed Twilio MessageSid reached the database with it",
    "postgres-long-sid": "a signed Twilio MessageSid longer than messages.inbound_key "
    "(200) failed the insert",
}


def signed(site: Site, path: str, fields: dict[str, str]) -> Probe:
    signature = site.twilio.signature(site.url + path, fields).encode()
    headers = [(b"Content-Type", FORM), (b"X-Twilio-Signature", signature)]
    return Probe(f"signed {fields}", "POST", path.encode(), headers, form(**fields))


async def known_probes(site: Site, bug: str) -> list[Probe]:
    token = await login_cookie(site)
    cookie = (b"Cookie", f"lotse_office_login={token}".encode())
    if bug == "content-encoding":
        session = await open_session(site)
        caller = await make_office(site.services, "amt-corpus")
        key = (b"Authorization", f"Bearer {caller.key}".encode())
        posts = [
            (b"/chat/api/sessions", [(b"Content-Type", JSON)], b"{}"),
            (f"/chat/api/sessions/{session}/messages".encode(), [], b'{"text": "hi"}'),
            (b"/office/login", [cookie, (b"Content-Type", FORM)], form(csrf=token)),
            (b"/webhooks/telegram", [TELEGRAM_SECRET], b'{"update_id": 1}'),
            (b"/webhooks/twilio/sms", [(b"Content-Type", FORM)], form(**INBOUND)),
            (b"/api/v1/invitations", [key, (b"Content-Type", JSON)], b"{}"),
            (b"/api/v1/invitations/bulk", [key, (b"Content-Type", b"text/csv")], b"a;b\n"),
        ]
        return [
            Probe(f"{coding!r}", "POST", path, [*headers, (b"Content-Encoding", coding)], body)
            for path, headers, body in posts
            for coding in (b"gzip", b"deflate", b"br")
        ]
    if bug == "undecodable-form":
        targets = [
            (b"/office/login", []),
            (b"/office/login", [cookie]),
            (twilio.INBOUND_PATH.encode(), []),
            (twilio.STATUS_PATH.encode(), []),
        ]
        return [
            Probe(name, "POST", path, [*headers, (b"Content-Type", ctype)], body)
            for path, headers in targets
            for name, (ctype, body) in BROKEN_FORMS.items()
        ]
    if bug == "telegram-date-overflow":
        bodies = [
            telegram_update({"date": 10**30}),
            b'{"update_id": 9, "message": {"message_id": 1, "date": 1e999, '
            b'"chat": {"id": 5, "type": "private"}, "text": "hi"}}',
        ]
        return [Probe("date", "POST", b"/webhooks/telegram", [TELEGRAM_SECRET], b) for b in bodies]
    if bug == "postgres-nul":
        login = form(email="a\x00@amt.example", password="x", csrf=token)
        return [
            Probe("e-mail", "POST", b"/office/login", [cookie, (b"Content-Type", FORM)], login),
            signed(site, twilio.INBOUND_PATH, {**INBOUND, "MessageSid": "SM\x00"}),
            signed(site, twilio.STATUS_PATH, {"MessageSid": "SM\x00", "MessageStatus": "sent"}),
        ]
    assert bug == "postgres-long-sid"
    return [signed(site, twilio.INBOUND_PATH, {**INBOUND, "MessageSid": "SM" + "9" * 5000})]


@pytest.mark.parametrize("bug", list(FOUND))
async def test_requests_that_once_got_a_server_error(site: Site, bug: str) -> None:
    results = await site.run(await known_probes(site, bug))
    broken = [f"{answer}  <-  {probe}" for probe, answer in results if answer.status >= 500]
    assert not broken, f"{FOUND[bug]}:\n" + "\n".join(broken)
