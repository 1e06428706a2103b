"""Twilio's webhook forms → inbound messages and delivery receipts (400 when unusable)."""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping

from bot.kernel.phones import InvalidPhoneNumber, language_hint, normalize
from bot.kernel.types import Channel, DeliveryReceipt, InboundMessage, OutboxStatus
from bot.runtime import fail

# The channel's one logger name, as before it was split into modules.
log = logging.getLogger("adapters.twilio")

_SID = re.compile(r"[A-Za-z]{2}[0-9A-Fa-f]{32}")
WHATSAPP_PREFIX = "whatsapp:"

#: Twilio's MessageStatus → how far the outbox row got. queued/accepted/sending
#: say nothing the outbox does not know already.
RECEIPT_STATUS = {
    "sent": OutboxStatus.SENT,
    "delivered": OutboxStatus.DELIVERED,
    "read": OutboxStatus.DELIVERED,  # WhatsApp
    "undelivered": OutboxStatus.FAILED,
    "failed": OutboxStatus.FAILED,
    "canceled": OutboxStatus.FAILED,
}


def _is_whatsapp(*addresses: str) -> bool:
    return any(a.lower().startswith(WHATSAPP_PREFIX) for a in addresses)


def _media_count(value: str | None) -> int:
    try:
        return int(value or 0)
    except ValueError:
        return 0


def parse_inbound(form: Mapping[str, str], default_region: str, max_length: int) -> InboundMessage:
    """An inbound SMS or WhatsApp message; 400 when it lacks what Lotse needs. A text
    longer than `max_length` (as the web chat's cap; a real SMS stops at 1,600
    characters) is cut there, not refused: refusing would lose a person's message."""
    sender, sid = form.get("From", ""), form.get("MessageSid", "")
    if not sender or not sid:
        fail(400, "malformed", "From and MessageSid are required")
    _check_sid(sid)
    try:
        number = normalize(sender, default_region)
    except InvalidPhoneNumber as error:
        fail(400, "bad_number", f"From: {error}")
    body = form.get("Body", "")
    if len(body) > max_length:
        log.warning("inbound %s cut from %d to %d characters", sid[:12], len(body), max_length)
        body = body[:max_length]
    hint = language_hint(number)
    return InboundMessage(
        channel=Channel.WHATSAPP if _is_whatsapp(sender) else Channel.SMS,
        address=number,
        provider_id=sid,
        text=body if body.strip() else None,
        language_hints=(hint,) if hint else (),
        unsupported=_media_count(form.get("NumMedia")) > 0 and not body.strip(),
    )


def _check_sid(sid: str) -> None:
    if not _SID.fullmatch(sid):
        fail(400, "malformed", "MessageSid must be a Twilio message id (2 letters, 32 hex digits)")


def parse_status(form: Mapping[str, str]) -> DeliveryReceipt | None:
    """A delivery receipt, or None for a status that moves nothing (queued, sending)."""
    sid, status = form.get("MessageSid", ""), form.get("MessageStatus", "")
    if not sid or not status:
        fail(400, "malformed", "MessageSid and MessageStatus are required")
    _check_sid(sid)
    mapped = RECEIPT_STATUS.get(status.lower())
    if mapped is None:
        return None
    whatsapp = _is_whatsapp(form.get("To", ""), form.get("From", ""))
    code = form.get("ErrorCode") or None
    return DeliveryReceipt(
        channel=Channel.WHATSAPP if whatsapp else Channel.SMS,
        provider_id=sid,
        status=mapped,
        error_code=code if code and code != "0" else None,
        error=status.lower() if mapped is OutboxStatus.FAILED else None,
    )
