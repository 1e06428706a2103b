"""Messaging, the public names: the channel adapter contract, message bodies, the outbox."""

from bot.messaging.body import decode_body, encode_body
from bot.messaging.channel import (
    ChannelAdapter,
    OptedOut,
    PermanentFailure,
    SendResult,
    TemporaryFailure,
    Waker,
    running,
)
from bot.messaging.dispatcher import Dispatcher
from bot.messaging.queue import Outgoing, enqueue, enqueue_many
from bot.messaging.reader import Reader, ReadMessage, fetch_for_reader, offered_choices, reader_for
from bot.messaging.receipts import apply_receipts
from bot.messaging.render import rendered_text
from bot.messaging.send import AttachmentLoader
from bot.messaging.sweep import note_header

__all__ = [
    "AttachmentLoader",
    "ChannelAdapter",
    "Dispatcher",
    "OptedOut",
    "Outgoing",
    "PermanentFailure",
    "ReadMessage",
    "Reader",
    "SendResult",
    "TemporaryFailure",
    "Waker",
    "apply_receipts",
    "decode_body",
    "encode_body",
    "enqueue",
    "enqueue_many",
    "fetch_for_reader",
    "note_header",
    "offered_choices",
    "reader_for",
    "rendered_text",
    "running",
]
