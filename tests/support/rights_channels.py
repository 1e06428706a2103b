"""A request letter from "Who holds my data", end to end: what both channel tests share
(tests/adapters/test_rights_request_on_channels.py, ..._by_sms.py)."""

from __future__ import annotations

import re
import subprocess

from sqlalchemy import select

from bot.db.models import RightsRequest
from bot.runtime.services import Services
from tests.support.twilio import Lotse, Phone

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
#: A numbered choice in an SMS (isolated in a right-to-left language).
NUMBERED = re.compile(r"^\u2067?(\d+)\. (.+?)\u2069?$")


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


# -- by SMS and WhatsApp ------------------------------------------------------------------


def offered(bodies: list[str]) -> dict[str, str]:
    """The numbered choices of the newest message that has any: label to number."""
    for body in reversed(bodies):
        found = {m[2]: m[1] for line in body.split("\n") if (m := NUMBERED.match(line))}
        if found:
            return found
    return {}


class Texting:
    """Someone on a phone, answering by the labels of the numbered choices (English)."""

    def __init__(self, lotse: Lotse, number: str, whatsapp: bool = False) -> None:
        self.phone = Phone(lotse, number, whatsapp=whatsapp)
        self.bodies: list[str] = []

    async def say(self, text: str) -> list[str]:
        seen = len(self.phone.lotse.fake.to(self.phone.address))
        await self.phone.send(text)
        return await self.received(seen)

    async def received(self, seen: int) -> list[str]:
        """What reached the phone after its first `seen` messages, once the outbox ran."""
        await self.phone.lotse.dispatch()
        sent = self.phone.lotse.fake.to(self.phone.address)[seen:]
        self.bodies = [m.body or "" for m in sent]
        return self.bodies

    async def pick(self, label: str) -> list[str]:
        choices = offered(self.bodies)
        assert label in choices, (label, choices)
        return await self.say(choices[label])


async def onboard(person: Texting) -> None:
    await person.say("Hello")
    await person.pick("English")
    await person.pick("Continue")
    while set(offered(person.bodies)) == {"Yes", "No"}:
        await person.pick("Yes")
    while offered(person.bodies) and "Main menu" not in " ".join(person.bodies):
        await person.say("1")  # the ranking: any order
