"""Encryption of personal fields at rest and keyed hashes for looking them up.

Addresses (phone numbers, chat ids, session tokens) and message texts are stored
encrypted with a key derived from LOTSE_SECRET_KEY; rows are found by a keyed
hash (a "blind index") so that no lookup needs the plain value in the database.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF


def _derive(secret: str, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(
        secret.encode()
    )


class Vault:
    __slots__ = ("_fernet", "_index_key")

    def __init__(self, secret: str) -> None:
        self._fernet = Fernet(base64.urlsafe_b64encode(_derive(secret, b"lotse/fields/v1")))
        self._index_key = _derive(secret, b"lotse/index/v1")

    def encrypt(self, value: str) -> str:
        return self._fernet.encrypt(value.encode()).decode("ascii")

    def decrypt(self, token: str) -> str:
        try:
            return self._fernet.decrypt(token.encode("ascii")).decode()
        except InvalidToken as error:
            raise ValueError("cannot decrypt: wrong LOTSE_SECRET_KEY or damaged data") from error

    def index(self, kind: str, value: str) -> str:
        """A stable keyed hash of `value`, for lookups and uniqueness."""
        mac = hmac.new(self._index_key, f"{kind}\x00{value}".encode(), hashlib.sha256)
        return mac.hexdigest()

    def pseudonym(self, value: str) -> str:
        """A short keyed tag for log lines: phone numbers are too few to hash unkeyed."""
        return self.index("log", value)[:10]
