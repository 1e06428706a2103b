"""The advisor inbox's server for the browser tests (no dispatcher: nothing is sent)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiohttp.test_utils import TestServer

from bot.runtime.services import Services
from bot.web.app import make_app


@pytest.fixture
async def base_url(services: Services) -> AsyncIterator[str]:
    server = TestServer(make_app(services, dispatch=False), host="127.0.0.1")
    await server.start_server()
    yield str(server.make_url("")).rstrip("/")
    await server.close()
