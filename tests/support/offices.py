"""Offices with an API key, and invitation bodies as the office API takes them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.offices.registry import create_key, create_office
from bot.runtime.services import Services


@dataclass(frozen=True)
class Caller:
    """An office's API key, and the header that presents it."""

    office_id: int
    prefix: str
    key: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.key}"}


async def make_office(services: Services, slug: str) -> Caller:
    """A new office `slug` with one API key, and how to call the API as it."""
    async with services.sessionmaker() as session, session.begin():
        office = await create_office(session, slug=slug, name=f"Amt {slug}", city="Musterstadt")
        key = await create_key(session, office)
    return Caller(office.id, key.prefix, key.key)


def body(**changes: Any) -> dict[str, Any]:
    """A valid invitation by letter; `changes` replace fields, None removes one."""
    base: dict[str, Any] = {
        "reference": "AZ-2026-0001",
        "language": "ar",
        "channels": ["letter"],
        "postal_address": {
            "name": "Amal Haddad",
            "street": "Hauptstraße 1",
            "postcode": "12345",
            "city": "Musterstadt",
        },
        "consent": {"recorded_at": "2026-11-20T10:00:00+01:00", "notice_version": "2026-01"},
    }
    base.update(changes)
    return {k: v for k, v in base.items() if v is not None}
