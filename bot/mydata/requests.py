"""Requests to data holders (bot.rights) in "My data": which there are, until when each
is kept, and which parts are held. Never the values: the export follows its rule for
contact details (bot.mydata.export) — a typed code or a borrowed phone opens a chat,
and must not be enough to learn someone's name, birth date or address. The person sees
their values in the letter itself, which is made only for the chat that asks."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot import holders
from bot.config import Settings
from bot.db.models import RightsRequest
from bot.kernel.crypto import Vault
from bot.mydata.items import Basis, Held, RequestItem, RequestKind
from bot.rights import HolderCatalog, parts_held, view_of


def known_holders(settings: Settings) -> HolderCatalog | None:
    """The holder catalog, or None while the operator's local file does not validate:
    "My data" must show what is held even then (the holders' slugs stand in)."""
    try:
        return holders.catalog(settings)
    except holders.CatalogError:
        return None


def holder_name(known: HolderCatalog | None, slug: str) -> str:
    """The holder's plain name (a catalog id); its slug if the catalog no longer has it."""
    found = None if known is None else known.get(slug)
    return slug if found is None else found.plain_name


def _german_name(known: HolderCatalog | None, slug: str) -> str:
    found = None if known is None else known.get(slug)
    return slug if found is None else found.name


def _iso(at: date | datetime | None) -> str | None:
    return None if at is None else at.isoformat()


def _clock(row: RightsRequest) -> dict[str, Any]:
    """The deadline clock's dates (bot.rights.clock); a posted letter's are estimates."""
    return {
        "sent_on": _iso(row.sent_on),
        "sent_by": row.sent_by,
        "sent_to_office": row.office_id is not None,
        "received_on": _iso(row.receipt_on),
        "answer_due_on": _iso(row.due_on),
        "extended_on": _iso(row.extended_on),
        "answered_on": _iso(row.answered_on),
        "outcome": row.outcome,
        "reminder_sent_on": _iso(row.reminder_on),
        "reminder_due_on": _iso(row.reminder_due_on),
        "complaint_sent_on": _iso(row.complaint_on),
        "closed_on": _iso(row.closed_on),
        "next_question_at": _iso(row.ask_at),
    }


async def _rows(session: AsyncSession, person_id: int) -> list[RightsRequest]:
    return list(
        await session.scalars(
            select(RightsRequest)
            .where(RightsRequest.person_id == person_id)
            .order_by(RightsRequest.created_at, RightsRequest.id)
        )
    )


async def holder_requests(
    session: AsyncSession, person_id: int, known: HolderCatalog | None
) -> tuple[RequestItem, ...]:  # fmt: skip
    """Each request, held on the person's consent until it is erased."""
    found = []
    for row in await _rows(session, person_id):
        held = Held(Basis.CONSENT, row.erase_at.date(), row.consent_record_id)
        name = holder_name(known, row.holder)
        found.append(RequestItem(RequestKind.HOLDER_REQUEST, row.created_at, row.erase_at,
                                 held, holder_name=name, request_kind=row.kind))  # fmt: skip
    return tuple(found)


async def exported_requests(
    session: AsyncSession, vault: Vault, person_id: int, known: HolderCatalog | None
) -> list[dict[str, Any]]:
    """The requests in the export: holder, kind, status, dates, and which parts are held
    (their names, not their values: see above)."""
    found = []
    for row in await _rows(session, person_id):
        shown, held = view_of(vault, row), parts_held(vault, row)
        found.append({
            "holder": row.holder,
            "holder_name": _german_name(known, row.holder),
            "kind": row.kind,
            "status": row.status,
            "language": row.lang,
            "created_at": row.created_at.isoformat(),
            "changed_at": row.updated_at.isoformat(),
            "erased_on": row.erase_at.date().isoformat(),
            "parts_held": [part.value for part in held],
            "parts_missing": [part.value for part in shown.missing],
            "letter_link_until": None
            if row.letter_expires_at is None
            else row.letter_expires_at.isoformat(),
            "post_requested_at": _iso(row.post_requested_at),
            "posted_at": _iso(row.posted_at),
            **_clock(row),
            "consent_record_id": row.consent_record_id,
        })  # fmt: skip
    return found
