"""Test objects: the demo municipality, services, a scripted web chat person, file checks."""

from __future__ import annotations

import stat
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from aiohttp.test_utils import TestClient
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.webchat import WebChatAdapter
from bot.cli.main import DEMO_MUNICIPALITY, set_municipality
from bot.config import Settings
from bot.invitations.connect import Attempt, Connected, Refusal, connect_invitation
from bot.kernel.crypto import Vault
from bot.kernel.types import Channel
from bot.runtime.services import Services, build_services
from flows import build_router


async def seed_municipality(settings: Settings) -> None:
    await set_municipality(settings, DEMO_MUNICIPALITY, only_if_missing=True)


async def build_test_services(settings: Settings, clock: Callable[[], datetime]) -> Services:
    return await build_services(
        settings,
        router_factory=build_router,
        adapters={Channel.WEBCHAT: WebChatAdapter()},
        clock=clock,
    )


class ChatPerson:
    """A person using the web chat API, as a scripted client would."""

    def __init__(self, client: TestClient[Any, Any], services: Services) -> None:
        self.client = client
        self.services = services
        self.session = ""
        self.seen: list[dict[str, Any]] = []

    async def open(
        self, language: str | None = None, headers: dict[str, str] | None = None
    ) -> list[dict[str, Any]]:
        body = {"language": language} if language else {}
        response = await self.client.post("/chat/api/sessions", json=body, headers=headers or {})
        assert response.status == 201, await response.text()
        self.session = (await response.json())["session"]
        return await self.replies()

    async def post(self, **body: Any) -> int:
        response = await self.client.post(f"/chat/api/sessions/{self.session}/messages", json=body)
        if response.status == 202:
            # What the inbox workers do in a running Lotse.
            await self.services.inbox.process_pending()
        return response.status

    async def say(self, text: str) -> list[dict[str, Any]]:
        assert await self.post(text=text) == 202
        return await self.replies()

    async def choose(self, choice: str) -> list[dict[str, Any]]:
        status = await self.post(choice=choice)
        assert status == 202, f"choice {choice!r} refused with {status}; offered {self.offered}"
        return await self.replies()

    async def replies(self) -> list[dict[str, Any]]:
        """Run the dispatcher once, then fetch what is new; return the bot's messages."""
        await self.services.dispatcher.dispatch_once()
        after = self.seen[-1]["id"] if self.seen else "0"
        response = await self.client.get(
            f"/chat/api/sessions/{self.session}/messages", params={"after": after}
        )
        assert response.status == 200
        new = (await response.json())["messages"]
        self.seen.extend(new)
        return [m for m in new if m["from"] == "bot"]

    @property
    def last_bot(self) -> dict[str, Any]:
        return next(m for m in reversed(self.seen) if m["from"] == "bot")

    @property
    def offered(self) -> list[str]:
        return [c["id"] for c in self.last_bot["choices"]]


async def connect_with_code(
    session: AsyncSession, vault: Vault, code: str, person_id: int, now: datetime
) -> Connected | Refusal:
    """The person typed the code in a web chat (no proof of control beyond the code)."""
    attempt = Attempt(code, Channel.WEBCHAT, None, f"test-session-{person_id}")
    return await connect_invitation(session, vault, attempt, person_id, now)


def stored_bytes(database: Path) -> bytes:
    """The SQLite database with its WAL, as a thief who copied the files would see it."""
    files = (database, database.with_name(database.name + "-wal"))
    return b"".join(path.read_bytes() for path in files if path.exists())


def readable_by_others(data: Path) -> list[str]:
    """Paths in the data directory (and itself) that others than the owner may read."""
    paths = [data, *data.rglob("*")]
    return [f"{p} {stat.S_IMODE(p.stat().st_mode):o}" for p in paths if p.stat().st_mode & 0o077]
