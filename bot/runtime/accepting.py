"""Handing an authenticated inbound message to the inbox, for webhooks and the chat API."""

from __future__ import annotations

import logging

from bot.inbound import Accepted, SpoolFull
from bot.kernel.types import InboundMessage
from bot.runtime.http import fail
from bot.runtime.services import Services

log = logging.getLogger(__name__)

#: Seconds a client is asked to wait before trying again when nothing can be stored.
RETRY_AFTER = 30


async def accept(services: Services, message: InboundMessage, *, wait: float = 0.0) -> Accepted:
    """The message is durable when this returns; 503 (Retry-After) when the database is
    away and the spool is full or cannot be written. `wait`: see `Inbox.accept`."""
    try:
        return await services.inbox.accept(message, wait=wait)
    except SpoolFull as full:
        log.error("inbound message refused: %s", full)
        fail(
            503,
            "unavailable",
            "Lotse cannot store messages right now; try again later",
            retry_after=RETRY_AFTER,
        )
