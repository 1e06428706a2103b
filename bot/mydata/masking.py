"""Contact details as "My data" shows them: enough to recognise, too little to use.

A typed code or a borrowed phone opens a person's chat; it must not be enough to learn
where they live or their full number. The full text only ever goes to that address or
number itself (a letter, an SMS).
"""

from __future__ import annotations

import re

from bot.kernel.postal import PostalAddress

#: Digits of a phone number shown: enough to tell two numbers apart.
PHONE_DIGITS_SHOWN = 2

_HAS_DIGIT = re.compile(r"\d")


def street_name(street: str) -> str:
    """The street without its house number ("Seestraße 12", "12 Main Street",
    "Hauptstr.3a-5"): numbers in front are dropped, and the name ends before its first
    other digit. That also cuts a number inside a name ("Straße des 17. Juni 100" gives
    "Straße des"): showing too little is harmless, a house number is not."""
    words = street.split()
    while words and words[0][0].isdigit():
        words.pop(0)
    kept: list[str] = []
    for word in words:
        digit = _HAS_DIGIT.search(word)
        kept.append(word if digit is None else word[: digit.start()])
        if digit is not None:
            break
    return " ".join(kept).strip(" ,/-")


def masked_postal(address: PostalAddress) -> tuple[str, str, str]:
    """(street name, postcode, city): never the name, the house number or the extra line."""
    return street_name(address.street), address.postcode, address.city


def phone_ending(phone: str) -> str:
    """The last digits of a number ("78" of +4915112345678)."""
    digits = re.sub(r"\D", "", phone)
    return digits[-PHONE_DIGITS_SHOWN:]
