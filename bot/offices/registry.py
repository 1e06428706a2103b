"""Registration offices, their API keys and staff logins, and the staff access log."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Office, OfficeApiKey, StaffAccess, StaffUser, utcnow

KEY_PREFIX = "lotse_"
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}[a-z0-9]$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MIN_PASSWORD = 12

# argon2id with the library's defaults (RFC 9106 "low memory" profile).
_hasher = PasswordHasher()
#: Verified against when the e-mail is unknown, so both cases take as long.
_DUMMY_HASH = _hasher.hash("not a password of anyone")


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


async def create_user(
    session: AsyncSession, office: Office, email: str, password: str
) -> StaffUser:
    email = email.strip().lower()
    if not EMAIL.match(email):
        raise OfficeError(f"--email: {email!r} is not an e-mail address")
    if len(password) < MIN_PASSWORD:
        raise OfficeError(f"password: needs at least {MIN_PASSWORD} characters")
    user = StaffUser(office_id=office.id, email=email, password_hash=_hasher.hash(password))
    session.add(user)
    try:
        await session.flush()
    except IntegrityError:
        raise OfficeError(f"--email: a login {email!r} exists already") from None
    return user


def verify_password(password_hash: str | None, password: str) -> bool:
    """argon2 verification; with no hash (unknown user) a dummy is checked, so the time
    does not tell whether an e-mail address has a login."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


async def log_access(
    session: AsyncSession,
    *,
    actor: str,
    action: str,
    office_id: int | None,
    invitation_id: int | None = None,
    detail: str | None = None,
    at: datetime | None = None,
) -> None:
    """Every read or change of personal data by staff (API key, web page, CLI)."""
    session.add(
        StaffAccess(
            at=at or utcnow(),
            office_id=office_id,
            actor=actor,
            action=action,
            invitation_id=invitation_id,
            detail=detail,
        )
    )


async def touch_key(session: AsyncSession, prefix: str, now: datetime) -> None:
    await session.execute(
        update(OfficeApiKey).where(OfficeApiKey.prefix == prefix).values(last_used_at=now)
    )
