"""Messaging, the public names: the channel adapter contract, message bodies, the outbox."""

from bot.messaging.body import decode_body, encode_body
from bot.messaging.channel import (
    ChannelAdapter,
    OptedOut,
    PermanentFailure,
    SendResult,
    TemporaryFailure,
    running,
)
from bot.messaging.dispatcher import Dispatcher
from bot.messaging.receipts import apply_receipts

__all__ = [
    "ChannelAdapter",
    "Dispatcher",
    "OptedOut",
    "PermanentFailure",
    "SendResult",
    "TemporaryFailure",
    "apply_receipts",
    "decode_body",
    "encode_body",
    "running",
]
