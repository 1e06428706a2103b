"""The Twilio REST client that SMS and WhatsApp share, with fixes to twilio's HTTP client."""

from __future__ import annotations

import base64
import logging
from collections.abc import Mapping
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Any

import aiohttp
from twilio.base.exceptions import (  # type: ignore[import-untyped, unused-ignore]
    TwilioRestException,
    TwilioServiceException,
)
from twilio.http.async_http_client import (  # type: ignore[import-untyped, unused-ignore]
    AsyncTwilioHttpClient,
)
from twilio.http.response import Response  # type: ignore[import-untyped, unused-ignore]
from twilio.rest import Client  # type: ignore[import-untyped, unused-ignore]

from adapters.twilio.errors import error_code, failure
from adapters.twilio.webhooks import STATUS_PATH
from bot.config import Settings
from bot.kernel.clock import utcnow
from bot.messaging import TemporaryFailure

# twilio logs every request and its response headers at INFO: keep that out of
# the service log unless someone asks for it. (The name predates the split into modules.)
_HTTP_LOG = logging.getLogger("adapters.twilio.http")
_HTTP_LOG.setLevel(logging.WARNING)

DEFAULT_TIMEOUT = 10.0  # seconds for one API call; Twilio answers in well under one


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
            raise failure(int(error.status), error_code(error.code)) from None
        except (aiohttp.ClientError, TimeoutError) as error:
            raise TemporaryFailure(f"Twilio not reachable ({type(error).__name__})") from None
        return str(message.sid)

    def status_callback(self) -> str:
        return f"{self._settings.public_url}{STATUS_PATH}"

    async def close(self) -> None:
        if self._http is not None:
            await self._http.close()
            self._http, self._client = None, None
