"""The transfer document: what one installation hands another for a person, by the
person's choice (docs/transfer.md). Never names, contact addresses or consent records:
which channels the person had agreed to travels only as a pre-fill for asking again.

Items (each present only if the person chose it):
- "language": {"code": "ar"}
- "channels": {"order": ["sms", "webchat"], "agreed": ["sms"]}
Extension point: later item kinds (hand-off summaries) are added as further keys of
"items"; a receiver ignores kinds it does not know, and says so in its log.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from bot.transfer.signing import FORMAT

#: A document is to be accepted within minutes of being issued: it is an answer.
DOCUMENT_LIFETIME = timedelta(minutes=10)
#: Clocks of two installations may differ this much.
SKEW = timedelta(minutes=5)
_ID = re.compile(r"[A-Za-z0-9_-]{16,64}")
_CODE = re.compile(r"[a-z]{2,3}")
_CHANNEL = re.compile(r"[a-z]{2,16}")


class Item(StrEnum):
    """What a person may take along."""

    LANGUAGE = "language"
    CHANNELS = "channels"
    # Reserved for later: "handoffs" (summaries of hand-offs to advisors).


class DocumentError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class Items:
    """The items as a receiver uses them: None for what the person did not take."""

    language: str | None = None
    order: tuple[str, ...] | None = None
    agreed: tuple[str, ...] | None = None

    def json(self) -> dict[str, Any]:
        found: dict[str, Any] = {}
        if self.language is not None:
            found[Item.LANGUAGE] = {"code": self.language}
        if self.order is not None:
            found[Item.CHANNELS] = {"order": list(self.order), "agreed": list(self.agreed or ())}
        return found


@dataclass(frozen=True, slots=True)
class Document:
    issuer: str
    audience: str
    issued_at: datetime
    expires_at: datetime
    id: str
    items: Items


def iso(at: datetime) -> str:
    return at.isoformat(timespec="seconds").replace("+00:00", "Z")


def parse_time(value: Any) -> datetime:
    if not isinstance(value, str) or not value.endswith("Z"):
        raise DocumentError("times are RFC 3339 UTC strings ending in Z")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise DocumentError("times are RFC 3339 UTC strings ending in Z") from None
    if parsed.tzinfo is None or parsed.utcoffset():
        raise DocumentError("times are RFC 3339 UTC strings ending in Z")
    return parsed


def new_document(issuer: str, audience: str, now: datetime, items: Items) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "kind": "document",
        "issuer": issuer,
        "audience": audience,
        "issued_at": iso(now),
        "expires_at": iso(now + DOCUMENT_LIFETIME),
        "id": secrets.token_urlsafe(24),
        "items": items.json(),
    }


def _strings(value: Any, pattern: re.Pattern[str], what: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(
        isinstance(v, str) and pattern.fullmatch(v) for v in value
    ):
        raise DocumentError(f"{what} must be a list of channel ids")
    if len(set(value)) != len(value):
        raise DocumentError(f"{what} lists a channel twice")
    return tuple(value)


def _items(value: Any) -> Items:
    if not isinstance(value, dict):
        raise DocumentError("items must be an object")
    language = order = agreed = None
    if Item.LANGUAGE in value:
        code = value[Item.LANGUAGE].get("code") if isinstance(value[Item.LANGUAGE], dict) else None
        if not isinstance(code, str) or not _CODE.fullmatch(code):
            raise DocumentError("language.code must be a language code")
        language = code
    if Item.CHANNELS in value:
        channels = value[Item.CHANNELS]
        if not isinstance(channels, dict):
            raise DocumentError("channels must be an object")
        order = _strings(channels.get("order"), _CHANNEL, "channels.order")
        agreed = _strings(channels.get("agreed"), _CHANNEL, "channels.agreed")
    return Items(language, order, agreed)


def read_document(
    payload: dict[str, Any], *, issuer: str, audience: str, now: datetime
) -> Document:
    """A verified payload checked as a document for `audience` from `issuer`, valid now."""
    if payload.get("format") != FORMAT or payload.get("kind") != "document":
        raise DocumentError("not a lotse-transfer/1 document")
    if payload.get("issuer") != issuer:
        raise DocumentError("issued by another installation than asked")
    if payload.get("audience") != audience:
        raise DocumentError("meant for another installation")
    issued_at, expires_at = (
        parse_time(payload.get("issued_at")),
        parse_time(payload.get("expires_at")),
    )
    if issued_at > now + SKEW:
        raise DocumentError("issued in the future")
    if expires_at <= now or expires_at - issued_at > DOCUMENT_LIFETIME + SKEW:
        raise DocumentError("expired, or valid for too long")
    document_id = payload.get("id")
    if not isinstance(document_id, str) or not _ID.fullmatch(document_id):
        raise DocumentError("id must be 16 to 64 base64url characters")
    return Document(
        issuer, audience, issued_at, expires_at, document_id, _items(payload.get("items"))
    )
