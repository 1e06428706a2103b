"""A person's contacts: a channel and an address, found by the address's keyed hash."""

from __future__ import annotations

import json
from dataclasses import asdict

from bot.kernel.crypto import Vault
from bot.kernel.postal import PostalAddress
from bot.kernel.types import Channel


def address_index(vault: Vault, channel: Channel | str, address: str) -> str:
    return vault.index(f"address/{channel}", address)


def letter_index(vault: Vault, address: PostalAddress) -> str:
    """The keyed index of an address as a letter contact's: one spelling per address
    (case and spacing do not count); the name is part of it, so people sharing a flat
    each keep their own letters."""
    fields = {k: " ".join(str(v).split()).casefold() for k, v in asdict(address).items() if v}
    return address_index(vault, Channel.LETTER, json.dumps(fields, ensure_ascii=False,
                                                           sort_keys=True))  # fmt: skip
