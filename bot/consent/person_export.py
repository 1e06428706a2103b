"""A person's consent history as the file they download (the web chat's "my consents")."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.consent.book import ConsentBook, export
from bot.db.models import Person
from bot.i18n import Catalogs


async def export_for_person(
    sessionmaker: async_sessionmaker[AsyncSession],
    person_id: int,
    *,
    subject: str,
    controller: str,
    retention_days: int,
    catalogs: Catalogs,
    default_language: str,
) -> dict[str, Any]:
    """Every consent record of the person, oldest first, in `export`'s shape, its
    sentences in the person's language. The person reads their own records: no access
    log entry."""
    async with sessionmaker() as session:
        history = await ConsentBook(session, person_id).history()
        person = await session.get(Person, person_id)
    lang = (person.language if person else None) or default_language
    return export(
        history,
        subject=subject,
        controller=controller,
        retention_days=retention_days,
        translator=catalogs[lang],
    )
