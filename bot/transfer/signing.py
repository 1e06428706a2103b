"""Canonical JSON and Ed25519 signatures over it (docs/transfer.md).

Canonical JSON: UTF-8, object keys sorted by code point, no insignificant whitespace,
non-ASCII characters as themselves; values are only objects, arrays, strings, integers,
booleans and null (no floats: two encoders need not agree on them).

A signed message is `{"payload": {...}, "signature": {"alg": "Ed25519", "value": ...}}`;
the signature is over a context line and the canonical payload, so that a signed claim
can never be passed off as a document or the other way round.
"""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from bot.transfer.identity import b64, unb64

FORMAT = "lotse-transfer/1"
ALG = "Ed25519"


class Purpose(StrEnum):
    CLAIM = "claim"
    DOCUMENT = "document"


class BadSignature(Exception):
    pass


def _check(value: Any) -> None:
    if isinstance(value, bool) or value is None or isinstance(value, str | int):
        return
    if isinstance(value, list):
        for item in value:
            _check(item)
        return
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError("object keys must be strings")
            _check(item)
        return
    raise TypeError(f"{type(value).__name__} has no canonical form here")


def canonical(value: Any) -> bytes:
    _check(value)
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def signed_bytes(purpose: Purpose, payload: dict[str, Any]) -> bytes:
    return f"{FORMAT} {purpose.value}\n".encode() + canonical(payload)


def sign(key: Ed25519PrivateKey, purpose: Purpose, payload: dict[str, Any]) -> dict[str, Any]:
    signature = key.sign(signed_bytes(purpose, payload))
    return {"payload": payload, "signature": {"alg": ALG, "value": b64(signature)}}


def open_signed(
    message: Any, purpose: Purpose, keys: tuple[Ed25519PublicKey, ...]
) -> dict[str, Any]:
    """The payload, if one of `keys` signed it for `purpose`; else BadSignature."""
    if not isinstance(message, dict) or set(message) != {"payload", "signature"}:
        raise BadSignature("not a signed message")
    payload, signature = message["payload"], message["signature"]
    if not isinstance(payload, dict) or not isinstance(signature, dict):
        raise BadSignature("not a signed message")
    if signature.get("alg") != ALG or not isinstance(signature.get("value"), str):
        raise BadSignature("unknown signature algorithm")
    try:
        raw = unb64(signature["value"])
        data = signed_bytes(purpose, payload)
    except (ValueError, TypeError):
        raise BadSignature("malformed") from None
    for key in keys:
        try:
            key.verify(raw, data)
            return payload
        except InvalidSignature:
            continue
    raise BadSignature("no pinned key made this signature")
