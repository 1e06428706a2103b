"""While the database is away, the web APIs answer a clear 503 (webhooks spool: tests/inbound)."""

from __future__ import annotations

from pathlib import Path

from aiohttp.test_utils import TestClient, TestServer

from bot.db.session import make_engine, make_sessionmaker
from bot.runtime import Services
from bot.web.app import make_app


async def test_the_chat_api_answers_503_while_the_database_is_away(
    services: Services, tmp_path: Path
) -> None:
    gone = make_engine(f"sqlite+aiosqlite:///{tmp_path}/no/such/dir/lotse.sqlite3")
    real = services.sessionmaker
    services.sessionmaker = make_sessionmaker(gone)
    try:
        async with TestClient(
            TestServer(make_app(services, dispatch=False), host="127.0.0.1")
        ) as client:
            response = await client.post("/chat/api/sessions", json={"language": "en"})
            assert response.status == 503
            assert (await response.json())["error"] == "unavailable"
    finally:
        services.sessionmaker = real
        await gone.dispose()
