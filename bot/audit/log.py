"""The access log: every read or change of personal data by someone other than the
person (and the person's own corrections and exports), as metadata only (time,
organisation, role, action, data categories), one entry per person concerned, so that
each person can later see who looked at theirs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import delete, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import ColumnElement

from bot.db.models import AccessEntry, ErasureTombstone


class Role(StrEnum):
    """In which role the actor acted."""

    OFFICE_API = "office-api"
    OFFICE_STAFF = "office-staff"
    OPERATOR = "operator"
    #: The person themselves (a correction, an export): shown to them as their own doing.
    PERSON = "person"
    #: Another installation of Lotse (a transfer); its name is the entry's detail.
    PEER = "peer"
    #: An advice service's advisor or admin (a hand-off); the service's name is the
    #: entry's detail, as a peer's is.
    ADVISOR = "advisor"
    SERVICE_ADMIN = "service-admin"


class Category(StrEnum):
    """What kind of personal data an access touched."""

    INVITATION = "invitation"  # reference, status, channel, times, events
    CODE = "code"  # the connect code and link
    PHONE = "phone"
    POSTAL_ADDRESS = "postal-address"
    NAME = "name"
    LANGUAGE = "language"
    CONSENT = "consent"
    CONTACT = "contact"  # which channels and addresses the person has
    #: Date and place of birth, nationality (what a request to a data holder needs).
    IDENTITY = "identity"
    #: What a request to a data holder says in the person's own words (bot.rights).
    REQUEST = "request"
    #: What the person shared with an advice service, and the casework on it (bot.cases).
    CASE = "case"


@dataclass(frozen=True, slots=True)
class Actor:
    role: Role
    #: "key:<prefix>", "user:<id>" or "cli": who, without personal data.
    ident: str
    #: The organisation acting; None for the operator of this Lotse.
    office_id: int | None

    @classmethod
    def api_key(cls, office_id: int, prefix: str) -> Actor:
        return cls(Role.OFFICE_API, f"key:{prefix}", office_id)

    @classmethod
    def staff(cls, office_id: int, user_id: int) -> Actor:
        return cls(Role.OFFICE_STAFF, f"user:{user_id}", office_id)

    @classmethod
    def operator(cls) -> Actor:
        return cls(Role.OPERATOR, "cli", None)

    @classmethod
    def person(cls) -> Actor:
        """The person acting on their own data (whose it is, the entry's person says)."""
        return cls(Role.PERSON, "self", None)

    @classmethod
    def advisor(cls, user_id: int, *, admin: bool = False) -> Actor:
        """A member of an advice service (no office: the service is the entry's detail)."""
        return cls(Role.SERVICE_ADMIN if admin else Role.ADVISOR, f"user:{user_id}", None)

    @classmethod
    def peer(cls, peer_id: str) -> Actor:
        """Another Lotse, by the id this installation knows it under."""
        return cls(Role.PEER, f"peer:{peer_id}", None)


@dataclass(frozen=True, slots=True)
class Concerned:
    """Whose data: the person, or the invitation when no person is connected yet."""

    person_id: int | None = None
    invitation_id: int | None = None


async def record(
    session: AsyncSession,
    actor: Actor,
    action: str,
    at: datetime,
    *,
    concerns: Sequence[Concerned] = (),
    categories: Sequence[Category] = (),
    detail: str | None = None,
) -> None:
    """One entry per person or invitation concerned (a batch of fifty letters: fifty
    entries); a single entry without anyone when the access concerns no one (a key made)."""
    rows = [
        {
            "at": at,
            "person_id": c.person_id,
            "invitation_id": c.invitation_id,
            "office_id": actor.office_id,
            "role": actor.role.value,
            "actor": actor.ident,
            "action": action,
            "categories": [category.value for category in categories],
            "detail": detail,
        }
        for c in (concerns or (Concerned(),))
    ]
    await session.execute(insert(AccessEntry), rows)


async def link_to_person(
    session: AsyncSession, invitation_id: int, person_id: int, *, taken_from: int | None = None
) -> None:
    """The invitation's person connected: accesses from before become theirs to see.

    On a reclaim, `taken_from` is the person who had connected with a typed code: the
    entries they got through the invitation move to the owner. Every one of them is an
    access to the invitation, that is to what the office holds about its owner; a
    possible guesser must not keep a view of who handled someone else's letter. Their
    other entries stay theirs; tombstoned entries stay with their tombstone."""
    whose: ColumnElement[bool] = AccessEntry.person_id.is_(None)
    if taken_from is not None:
        whose = or_(whose, AccessEntry.person_id == taken_from)
    await session.execute(
        update(AccessEntry)
        .where(AccessEntry.invitation_id == invitation_id, whose,
               AccessEntry.tombstone_id.is_(None))
        .values(person_id=person_id)
    )  # fmt: skip


@dataclass(frozen=True, slots=True)
class Access:
    """One entry as the person sees it."""

    at: datetime
    office_id: int | None
    role: Role
    action: str
    categories: tuple[Category, ...]


async def for_person(session: AsyncSession, person_id: int, *, limit: int = 1000) -> list[Access]:
    """Everything recorded about one person, newest first (index ix_access_log_person_at)."""
    rows = await session.execute(
        select(AccessEntry.at, AccessEntry.office_id, AccessEntry.role, AccessEntry.action,
               AccessEntry.categories)
        .where(AccessEntry.person_id == person_id)
        .order_by(AccessEntry.at.desc(), AccessEntry.id.desc())
        .limit(limit)
    )  # fmt: skip
    return [
        Access(at, office_id, Role(role), action, tuple(Category(c) for c in categories or ()))
        for at, office_id, role, action, categories in rows
    ]


async def purge_tombstoned(session: AsyncSession, erased_before: date) -> int:
    """Delete the entries of people erased before the given day; returns how many.

    On erasure the entries keep the erasure tombstone instead of the person (the column
    declares it: `bot.db.models.OnErasure.TOMBSTONE`, carried out by `bot.people`), so
    that a data-protection officer can still follow up a complaint or a breach; this
    ends that (`bot.audit.jobs`, LOTSE_ACCESS_LOG_RETENTION_DAYS)."""
    old = select(ErasureTombstone.id).where(ErasureTombstone.erased_on < erased_before.isoformat())
    result = await session.execute(delete(AccessEntry).where(AccessEntry.tombstone_id.in_(old)))
    return int(getattr(result, "rowcount", 0) or 0)
