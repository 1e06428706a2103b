"""Delivery receipts from providers: move outbox rows forward, never back."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.models import Message
from bot.kernel.types import DeliveryReceipt, Direction, OutboxStatus
from bot.messaging.failures import FailureKind, after_failure

log = logging.getLogger(__name__)

#: How far along a row is; a receipt only ever moves it further.
_RANK = {
    OutboxStatus.QUEUED: 0,
    OutboxStatus.SENDING: 1,
    OutboxStatus.SENT: 2,
    OutboxStatus.DELIVERED: 3,
    OutboxStatus.FAILED: 3,
}

#: Provider error codes that say the address itself is dead, or opted out.
OPTED_OUT_CODES = frozenset({"21610"})
UNREACHABLE_CODES = frozenset({"21211", "21612", "21614", "30003", "30005", "30006"})


async def apply_receipts(
    sessionmaker: async_sessionmaker[AsyncSession],
    receipts: Sequence[DeliveryReceipt],
    now: datetime,
) -> int:
    """Apply receipts; returns how many rows changed. Unknown provider ids are ignored."""
    changed = 0
    async with sessionmaker() as session, session.begin():
        for receipt in receipts:
            message = await session.scalar(
                select(Message)
                .where(
                    Message.channel == receipt.channel.value,
                    Message.provider_id == receipt.provider_id,
                    Message.direction == Direction.OUT.value,
                )
                .with_for_update()
            )
            if message is None:
                log.info("receipt for an unknown %s message", receipt.channel)
                continue
            if _RANK[receipt.status] <= _RANK[OutboxStatus(message.status)]:
                continue
            message.status = receipt.status.value
            changed += 1
            if receipt.status is OutboxStatus.DELIVERED:
                message.delivered_at = now
            elif receipt.status is OutboxStatus.FAILED:
                message.error = (
                    f"provider error {receipt.error_code or '?'}: {receipt.error or 'undelivered'}"[
                        :500
                    ]
                )
                kind = (
                    FailureKind.OPTED_OUT
                    if receipt.error_code in OPTED_OUT_CODES
                    else (
                        FailureKind.UNREACHABLE
                        if receipt.error_code in UNREACHABLE_CODES
                        else FailureKind.OTHER
                    )
                )
                await after_failure(session, message, kind, now)
    return changed
