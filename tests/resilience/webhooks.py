"""People texting Lotse: signed Twilio webhooks posted to a running `lotse serve`."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Sequence

import aiohttp

from tests.fakes.twilio import FakeTwilio
from tests.support.processes import SMS_FROM


def numbers(count: int, *, start: int = 0) -> list[str]:
    """Distinct German mobile numbers (E.164). A German number gives no language hint,
    so a first message is answered with the language question."""
    return [f"+49151{i:08d}" for i in range(start, start + count)]


def new_sid() -> str:
    """A Twilio message id: "SM" and 32 hex digits, unique."""
    return f"SM{uuid.uuid4().hex}"


async def text(fake: FakeTwilio, server_url: str, sender: str, body: str, sid: str) -> int:
    """Post one signed inbound SMS as Twilio does; the HTTP status (0: no answer)."""
    try:
        answer = await fake.inbound(server_url, sender, body, sid=sid, to=SMS_FROM)
    except (aiohttp.ClientError, TimeoutError):
        return 0
    return answer.status


async def text_all(
    fake: FakeTwilio,
    server_url: str,
    messages: Sequence[tuple[str, str]],
    *,
    concurrency: int = 16,
) -> dict[str, int]:
    """Post (sender, body) messages, `concurrency` at a time; HTTP status by sid."""
    gate = asyncio.Semaphore(concurrency)
    statuses: dict[str, int] = {}

    async def one(sender: str, body: str) -> None:
        sid = new_sid()
        async with gate:
            statuses[sid] = await text(fake, server_url, sender, body, sid)

    await asyncio.gather(*(one(sender, body) for sender, body in messages))
    return statuses
