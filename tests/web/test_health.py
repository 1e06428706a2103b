from __future__ import annotations

from aiohttp.test_utils import TestClient, TestServer

from bot.db.session import make_engine
from bot.web.app import make_app


async def test_healthz_and_readyz(client) -> None:
    assert (await (await client.get("/healthz")).json()) == {"status": "alive"}
    ready = await client.get("/readyz")
    assert ready.status == 200 and (await ready.json())["status"] == "ready"


async def test_readyz_reports_an_outdated_schema(services, tmp_path) -> None:
    # Point the running app at an empty database: reachable, but no schema.
    empty = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'empty.sqlite3'}")
    real, services.db = services.db, empty
    try:
        async with TestClient(
            TestServer(make_app(services, dispatch=False), host="127.0.0.1")
        ) as client:
            response = await client.get("/readyz")
            assert response.status == 503
            assert "lotse db upgrade" in (await response.json())["detail"]
    finally:
        services.db = real
        await empty.dispose()


async def test_readyz_reports_the_backlog_of_acknowledged_messages(client, services) -> None:
    from bot.kernel.types import Channel, InboundMessage

    for sid in ("SM1", "SM2"):
        await services.inbox.accept(
            InboundMessage(channel=Channel.SMS, address="+4915112345678", provider_id=sid, text="x")
        )
    ready = await (await client.get("/readyz")).json()
    assert (ready["inbox"], ready["spooled"]) == (2, 0)
    await services.inbox.process_pending()
    assert (await (await client.get("/readyz")).json())["inbox"] == 0
