"""Contact details as "My data" shows them: enough to recognise, too little to use.

A typed code or a borrowed phone opens a person's chat; it must not be enough to learn
where they live or their full number. The full text only ever goes to that address or
number itself (a letter, an SMS).
"""

from __future__ import annotations

import re

from bot.kernel.postal import MaskedAddress, PostalAddress

#: Digits of a phone number shown: enough to tell two numbers apart.
PHONE_DIGITS_SHOWN = 2


def masked_postal(address: PostalAddress) -> tuple[str, str, str]:
    """(street name, postcode, city): never the name, the house number or the extra line."""
    masked = MaskedAddress.of(address)
    return masked.street_name, masked.postcode, masked.city


def phone_ending(phone: str) -> str:
    """The last digits of a number ("78" of +4915112345678)."""
    digits = re.sub(r"\D", "", phone)
    return digits[-PHONE_DIGITS_SHOWN:]
