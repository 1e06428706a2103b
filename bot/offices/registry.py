"""Registration offices and their API keys."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.audit import Actor
from bot.db.models import Office, OfficeApiKey

KEY_PREFIX = "lotse_"
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}[a-z0-9]$")


class OfficeError(ValueError):
    """A clear, one-line reason (shown by the CLI and the API)."""


@dataclass(frozen=True, slots=True)
class NewKey:
    prefix: str
    key: str


async def create_office(
    session: AsyncSession,
    *,
    slug: str,
    name: str,
    street: str = "",
    postcode: str = "",
    city: str = "",
    contact: str = "",
) -> Office:
    if not SLUG.match(slug):
        raise OfficeError(f"--slug: {slug!r} must be 3-64 lower-case letters, digits or '-'")
    if not name.strip():
        raise OfficeError("--name: must not be empty")
    office = Office(
        slug=slug,
        name=name.strip(),
        street=street.strip(),
        postcode=postcode.strip(),
        city=city.strip(),
        contact=contact.strip(),
    )
    session.add(office)
    try:
        await session.flush()
    except IntegrityError:
        raise OfficeError(f"--slug: an office {slug!r} exists already") from None
    return office


async def office_by_slug(session: AsyncSession, slug: str) -> Office:
    office = await session.scalar(select(Office).where(Office.slug == slug))
    if office is None:
        raise OfficeError(f"--office: no office {slug!r} (see `lotse office list`)")
    return office


def _key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


async def create_key(session: AsyncSession, office: Office) -> NewKey:
    """A new key `lotse_<prefix>_<secret>`; only its hash is stored."""
    prefix = secrets.token_hex(4)
    key = f"{KEY_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    session.add(OfficeApiKey(office_id=office.id, prefix=prefix, secret_hash=_key_hash(key)))
    await session.flush()
    return NewKey(prefix, key)


async def revoke_key(session: AsyncSession, prefix: str, now: datetime) -> None:
    key = await session.scalar(select(OfficeApiKey).where(OfficeApiKey.prefix == prefix))
    if key is None:
        raise OfficeError(f"--key: no key {prefix!r}")
    if key.revoked_at is None:
        key.revoked_at = now


async def office_for_key(session: AsyncSession, key: str) -> tuple[Office, str] | None:
    """The office a presented key belongs to, and the key's prefix; None if unknown or
    revoked. Compared in constant time."""
    match = re.fullmatch(rf"{KEY_PREFIX}([0-9a-f]{{8}})_[A-Za-z0-9_-]{{20,}}", key)
    if match is None:
        return None
    row = (
        await session.execute(
            select(OfficeApiKey, Office)
            .join(Office, Office.id == OfficeApiKey.office_id)
            .where(OfficeApiKey.prefix == match[1], OfficeApiKey.revoked_at.is_(None))
        )
    ).first()
    if row is None or not hmac.compare_digest(row[0].secret_hash, _key_hash(key)):
        return None
    return row[1], row[0].prefix


async def touch_key(session: AsyncSession, prefix: str, now: datetime) -> None:
    await session.execute(
        update(OfficeApiKey).where(OfficeApiKey.prefix == prefix).values(last_used_at=now)
    )


@dataclass(frozen=True, slots=True)
class ApiCaller:
    """The office behind a presented API key, and the key's prefix."""

    office: Office
    prefix: str

    @property
    def actor(self) -> Actor:
        return Actor.api_key(self.office.id, self.prefix)


async def caller_for_key(
    sessionmaker: async_sessionmaker[AsyncSession], key: str, now: datetime
) -> ApiCaller | None:
    """Who presents `key` (its last use moved to now); None if unknown or revoked."""
    async with sessionmaker() as session, session.begin():
        found = await office_for_key(session, key)
        if found is None:
            return None
        office, prefix = found
        await touch_key(session, prefix, now)
        return ApiCaller(office, prefix)
