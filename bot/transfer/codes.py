"""Transfer codes: "KOELN-7KQ2-9XW4-M3PA", the issuing installation's id and twelve
characters from an alphabet without look-alikes (31^12, about 59 bits). Kept only as a
keyed hash; a claim is throttled per requesting peer (bot/transfer/source.py)."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

from bot.kernel.crypto import Vault

# No 0/O, 1/I/L: codes are read off a screen and typed on phones.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
GROUPS = 3
INDEX_KIND = "transfer-code"
_G = f"[{ALPHABET}]{{4}}"
_IN_TEXT = re.compile(
    rf"(?<![A-Z0-9])([A-Z][A-Z0-9]{{1,11}})[ \-]({_G})[ \-]?({_G})[ \-]?({_G})(?![A-Z0-9])"
)


@dataclass(frozen=True, slots=True)
class TransferCode:
    #: The issuing installation's id, lowercase.
    issuer: str
    #: The twelve secret characters, uppercase, without separators.
    secret: str

    def __str__(self) -> str:
        parts = [self.secret[i : i + 4] for i in range(0, len(self.secret), 4)]
        return "-".join([self.issuer.upper(), *parts])


def new_code(issuer: str) -> TransferCode:
    return TransferCode(issuer, "".join(secrets.choice(ALPHABET) for _ in range(4 * GROUPS)))


def find_transfer_code(text: str | None) -> TransferCode | None:
    """A transfer code in what a person typed ("koeln 7kq2 9xw4 m3pa" too). An invitation's
    "K7QF-9M2X" is not one: it has two groups, a transfer code has a prefix and three."""
    if not text:
        return None
    match = _IN_TEXT.search(text.upper())
    if match is None:
        return None
    return TransferCode(match[1].lower(), match[2] + match[3] + match[4])


def code_index(vault: Vault, code: TransferCode) -> str:
    return vault.index(INDEX_KIND, code.secret)
