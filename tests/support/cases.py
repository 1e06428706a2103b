"""Advice services that take hand-offs, their advisors, an office login, and people
with cases: the world the casework's tests share."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.advice import import_file
from bot.cases import Field, Request, hand_off
from bot.db.models import Person
from bot.kernel.types import Channel
from bot.offices.registry import create_office
from bot.runtime.services import Services
from bot.staff import StaffRole, create_advisor, create_user

PASSWORD = "richtig-und-lang-genug"
#: What the person shares: never in a list, a log line or the operator's output.
FIRST_NAME = "Amina"
DESCRIPTION = "Meine Aufenthaltserlaubnis läuft ab und ich bin schwanger"


def _service(slug: str, name: str, *, lotse: bool) -> dict[str, object]:
    return {
        "slug": slug, "name": name, "programme": "mbe", "provider": "Beispielträger e. V.",
        "topics": ["residence"], "languages": ["de", "ar"], "email": f"{slug}@example.org",
        "lotse": lotse, "source": "test data", "verified_at": "2026-11-16",
    }  # fmt: skip


SERVICES = {
    "svc-a": "Beispiel-Migrationsberatung A",
    "svc-b": "Beispiel-Flüchtlingsberatung B",
}
NO_HANDOFF = "svc-mail-only"


async def import_services(session: AsyncSession, now: datetime) -> None:
    rows = [_service(slug, name, lotse=True) for slug, name in SERVICES.items()]
    rows.append(_service(NO_HANDOFF, "Nur per E-Mail", lotse=False))
    data = json.dumps({"services": rows}).encode()
    await import_file(session, data, name="test.json", replace=False, now=now, today=now.date())


@dataclass(frozen=True, slots=True)
class World:
    #: Login ids by who they are.
    logins: dict[str, int]
    office_id: int


async def seed_world(services: Services) -> World:
    """Two services that take hand-offs; for each an advisor and an admin; an office
    login; a disabled advisor of svc-a."""
    now = services.clock()
    logins: dict[str, int] = {}
    async with services.sessionmaker() as session, session.begin():
        await import_services(session, now)
        for slug in SERVICES:
            for role in (StaffRole.ADVISOR, StaffRole.SERVICE_ADMIN):
                user = await create_advisor(
                    session, f"{role}@{slug}.example", PASSWORD, role=role,
                    services=[slug], languages=["de", "en"],
                )  # fmt: skip
                logins[f"{role}:{slug}"] = user.id
        disabled = await create_advisor(session, "weg@svc-a.example", PASSWORD,
                                        role=StaffRole.ADVISOR, services=["svc-a"],
                                        languages=["de"])  # fmt: skip
        disabled.disabled_at = now
        logins["disabled:svc-a"] = disabled.id
        office = await create_office(session, slug="amt-mitte", name="Bürgeramt Mitte")
        logins["office"] = (await create_user(session, office, "amt@mitte.example", PASSWORD)).id
        return World(logins, office.id)


async def new_person(services: Services) -> int:
    async with services.sessionmaker() as session, session.begin():
        person = Person(language="ar")
        session.add(person)
        await session.flush()
        return person.id


async def handed_off(
    services: Services,
    person_id: int,
    slug: str = "svc-a",
    *,
    days: int = 30,
    values: dict[Field, str] | None = None,
) -> int:
    """A hand-off of first name and language to `slug`; the case's id."""
    now = services.clock()
    shared = values or {Field.FIRST_NAME: FIRST_NAME, Field.LANGUAGE: "ar"}
    request = Request(
        service_slug=slug, values=shared, language="ar", channel=Channel.WEBCHAT,
        expires_at=now + timedelta(days=days), topic="residence",
        special_consent=Field.DESCRIPTION in shared,
    )  # fmt: skip
    async with services.sessionmaker() as session, session.begin():
        return await hand_off(session, services.vault, person_id, request, now)
