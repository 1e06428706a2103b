"""A request letter from "Who holds my data", end to end: what both channel tests share
(tests/adapters/test_rights_request_on_channels.py, ..._by_sms.py)."""

from __future__ import annotations

import subprocess

from sqlalchemy import select

from bot.db.models import RightsRequest
from bot.runtime.services import Services

#: The way to the AZR's request kinds, by choice id, from the main menu.
TO_AZR = ("my_data", "holders", "situation:protected", "unsure", "unsure", "holder:azr", "write")
#: What the person types, part by part, for an access request.
TYPED = [
    ("family-name", "Haddad-Nour"),
    ("given-names", "Amal"),
    ("birth-date", "03.04.1991"),
    ("birth-place", "Idlib"),
    ("nationality", "syrisch"),
    ("street", "Lindenweg 7"),
    ("place", "28195 Bremen"),
]
FUTURE = "That date is in the future. Please write your date of birth."


def pdf_text(pdf: bytes) -> str:
    done = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True,
                          check=True)  # fmt: skip
    return done.stdout.decode()


def in_letter(text: str) -> None:
    """The letter to the AZR's answering office, with what was typed."""
    assert "Bundesverwaltungsamt" in text
    for value in ("Haddad-Nour", "Amal", "03.04.1991", "Idlib", "Lindenweg 7", "28195 Bremen"):
        assert value in text, value


def nothing_typed_in(shown: str) -> None:
    """No chat message repeats what was typed (the receipts say "Saved.")."""
    for value in ("Haddad-Nour", "Idlib", "Lindenweg", "28195"):
        assert value not in shown, value


async def stored(services: Services) -> list[tuple[object, ...]]:
    """Every request as stored: a wrong answer must change none of it."""
    async with services.sessionmaker() as session:
        rows = await session.execute(
            select(RightsRequest.id, RightsRequest.identity_enc, RightsRequest.details_enc,
                   RightsRequest.updated_at).order_by(RightsRequest.id)
        )  # fmt: skip
        return [tuple(row) for row in rows]
