"""An invitation's secrets and ids: the short connect code, the link token, the public id.

The short code is for typing (read off paper, typed on phones) and is throttled when
typed (bot/invitations/connect.py); links and QR codes carry the long token instead.
Both are kept encrypted, and found by their keyed hashes.
"""

from __future__ import annotations

import re
import secrets

from bot.db.models import Invitation
from bot.kernel.crypto import Vault

# No 0/O, 1/I/L: codes are read off paper and typed on phones.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8
_CODE_IN_TEXT = re.compile(
    rf"(?<![A-Z0-9])([{CODE_ALPHABET}]{{4}})[ \-]?([{CODE_ALPHABET}]{{4}})(?![A-Z0-9])"
)
#: Links and QR codes carry a token of 24 random bytes (32 characters): it cannot be
#: guessed, so it is never throttled. The short code is for typing (bot/invitations/connect.py).
TOKEN_BYTES = 24
_TOKEN = re.compile(r"[A-Za-z0-9_-]{32}")
# Keyed-hash kinds of the secrets (migration 0005 writes them out too).
CODE_KIND, TOKEN_KIND = "invitation-code", "invitation-token"
#: What `public_id()` makes, with room for ids made differently in future.
PUBLIC_ID = re.compile(r"inv_[A-Za-z0-9_-]{1,36}")


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def is_token(value: str) -> bool:
    return _TOKEN.fullmatch(value) is not None


def code_index(vault: Vault, code: str) -> str:
    return vault.index(CODE_KIND, code)


def token_index(vault: Vault, token: str) -> str:
    return vault.index(TOKEN_KIND, token)


def code_of(vault: Vault, invitation: Invitation) -> str:
    return vault.decrypt(invitation.code_enc)


def token_of(vault: Vault, invitation: Invitation) -> str:
    return vault.decrypt(invitation.token_enc)


def display_code(code: str) -> str:
    return f"{code[:4]}-{code[4:]}"


def find_code(text: str | None) -> str | None:
    """A connect code in what a person typed: "k7qf 9m2x", "K7QF-9M2X", "START K7QF9M2X"."""
    if not text:
        return None
    match = _CODE_IN_TEXT.search(text.upper())
    return match[1] + match[2] if match else None


def public_id() -> str:
    return "inv_" + secrets.token_urlsafe(12)
