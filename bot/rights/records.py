"""A stored request as the rest of bot.rights reads it: what its kind needs, its parts
decrypted, and its view (which never carries a value)."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.audit import Category
from bot.db.models import RightsRequest
from bot.holders import RequestKind
from bot.kernel.crypto import Vault
from bot.rights.clock import clock_of
from bot.rights.identity import IDENTITY_PARTS, Details, Identity, Part
from bot.rights.views import Ask, RequestStatus, RequestView

#: Where the letters go: their date, and "not in the future" for a birth date, are German.
GERMANY = ZoneInfo("Europe/Berlin")
#: The person's own words each kind needs (an access request needs none).
DETAIL_PARTS: dict[RequestKind, tuple[Part, ...]] = {
    RequestKind.ACCESS: (),
    RequestKind.CORRECTION: (Part.WRONG, Part.RIGHT),
    RequestKind.ERASURE: (Part.REASONS,),
    RequestKind.RESTRICTION: (Part.REASONS,),
    RequestKind.TRANSFER_BLOCK: (Part.REASONS,),
}
#: Which kind of data a part is, for the access log.
PART_CATEGORIES: dict[Part, Category] = {
    Part.FAMILY_NAME: Category.NAME,
    Part.GIVEN_NAMES: Category.NAME,
    Part.BIRTH_DATE: Category.IDENTITY,
    Part.BIRTH_PLACE: Category.IDENTITY,
    Part.NATIONALITY: Category.IDENTITY,
    Part.STREET: Category.POSTAL_ADDRESS,
    Part.PLACE: Category.POSTAL_ADDRESS,
    Part.WRONG: Category.REQUEST,
    Part.RIGHT: Category.REQUEST,
    Part.REASONS: Category.REQUEST,
}


def identity_of(vault: Vault, row: RightsRequest) -> Identity:
    if row.identity_enc is None:
        return Identity()
    fields: dict[str, Any] = json.loads(vault.decrypt(row.identity_enc))
    born = fields.pop("birth_date", None)
    return Identity(**fields, birth_date=None if born is None else date.fromisoformat(born))


def details_of(vault: Vault, row: RightsRequest) -> Details:
    if row.details_enc is None:
        return Details()
    return Details(**json.loads(vault.decrypt(row.details_enc)))


def sealed_identity(vault: Vault, identity: Identity) -> str | None:
    if identity == Identity():
        return None
    fields = asdict(identity)
    born = identity.birth_date
    fields["birth_date"] = None if born is None else born.isoformat()
    return vault.encrypt(json.dumps(fields, ensure_ascii=False, sort_keys=True))


def sealed_details(vault: Vault, details: Details) -> str | None:
    if details == Details():
        return None
    return vault.encrypt(json.dumps(asdict(details), ensure_ascii=False, sort_keys=True))


def missing_details(kind: RequestKind, details: Details) -> tuple[Part, ...]:
    have = {Part.WRONG: details.wrong, Part.RIGHT: details.right, Part.REASONS: details.reasons}
    return tuple(part for part in DETAIL_PARTS[kind] if not have[part])


def parts_held(vault: Vault, row: RightsRequest) -> tuple[Part, ...]:
    """Which parts have a value (for "My data"; never the values themselves)."""
    identity, details = identity_of(vault, row), details_of(vault, row)
    absent = set(identity.missing())
    have = {Part.WRONG: details.wrong, Part.RIGHT: details.right, Part.REASONS: details.reasons}
    return (
        *(part for part in IDENTITY_PARTS if part not in absent),
        *(part for part, value in have.items() if value),
    )


def office_note_of(vault: Vault, row: RightsRequest) -> str | None:
    return None if row.office_note_enc is None else vault.decrypt(row.office_note_enc)


def view_of(vault: Vault, row: RightsRequest, office_name: str | None = None) -> RequestView:
    """`office_name`: the office the request went to through Lotse (row.office_id)."""
    kind = RequestKind(row.kind)
    missing = (
        *identity_of(vault, row).missing(),
        *missing_details(kind, details_of(vault, row)),
    )
    return RequestView(
        request_id=row.id, holder=row.holder, kind=kind, status=RequestStatus(row.status),
        missing=missing, created_at=row.created_at, erase_at=row.erase_at,
        post_requested_at=row.post_requested_at, posted_at=row.posted_at,
        clock=clock_of(row, office_name, office_note_of(vault, row)),
        ask=None if row.ask is None else Ask(row.ask),
    )  # fmt: skip


def is_complete(vault: Vault, row: RightsRequest) -> bool:
    return view_of(vault, row).complete


def touch(row: RightsRequest, now: datetime, keep_days: int) -> None:
    """A change: the retention clock starts again (LOTSE_REQUEST_DAYS); never earlier
    than the deadline clock keeps it (bot.rights.clock)."""
    row.updated_at = now
    row.erase_at = max(row.erase_at, now + timedelta(days=keep_days))
