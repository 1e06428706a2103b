"""An inbound message as the inbox keeps it: encrypted, keyed by provider id and sender."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import datetime
from typing import Any

from bot.inbound.spool import Entry
from bot.kernel.crypto import Vault
from bot.kernel.types import Channel, InboundMessage
from bot.people import address_index


def entry_for(vault: Vault, message: InboundMessage, now: datetime) -> Entry:
    values: dict[str, Any] = asdict(message)
    values["channel"] = message.channel.value
    values["received_at"] = (message.received_at or now).isoformat()
    return Entry(
        inbound_key=message.inbound_key,
        # The contact's own keyed index: one sender's messages queue behind each other.
        sender_key=address_index(vault, message.channel, message.address),
        payload_enc=vault.encrypt(json.dumps(values, ensure_ascii=False)),
        received_at=now.isoformat(),
    )


def message_of(vault: Vault, payload_enc: str) -> InboundMessage:
    values = json.loads(vault.decrypt(payload_enc))
    values["channel"] = Channel(values["channel"])
    values["language_hints"] = tuple(values.get("language_hints") or ())
    received = values.get("received_at")
    values["received_at"] = datetime.fromisoformat(received) if received else None
    return InboundMessage(**values)
