"""Logging in to the advisor inbox over real HTTP, and the session's CSRF token."""

from __future__ import annotations

import re
from typing import Any

from aiohttp.test_utils import TestClient
from sqlalchemy import func, select

from bot.db.models import AccessEntry
from bot.runtime.services import Services
from tests.support.cases import PASSWORD

Client = TestClient[Any, Any]
CSRF_FIELD = re.compile(r'name="csrf" value="([^"]+)"')


async def log_in(client: Client, email: str, *, lang: str = "de") -> str:
    """Logs `email` in (the cookie jar is cleared first); the session's CSRF token."""
    client.session.cookie_jar.clear()
    form = await client.get(f"/office/login?lang={lang}")
    token = CSRF_FIELD.findall(await form.text())[0]
    answer = await client.post(
        "/office/login",
        data={"email": email, "password": PASSWORD, "csrf": token, "lang": lang},
        allow_redirects=False,
    )
    assert answer.status == 303, (email, answer.status)
    home = await client.get("/office/login", allow_redirects=True)
    found = CSRF_FIELD.findall(await home.text())
    assert found, email
    return str(found[0])


async def entries(services: Services, person_id: int | None = None) -> int:
    """How many access-log entries staff have written (about one person, or at all)."""
    async with services.sessionmaker() as session:
        query = select(func.count()).select_from(AccessEntry).where(AccessEntry.role != "person")
        if person_id is not None:
            query = query.where(AccessEntry.person_id == person_id)
        return int(await session.scalar(query) or 0)
