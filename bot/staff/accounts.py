"""Staff logins: e-mail and an argon2id password; office staff have one office each,
advisors and service admins belong to advice services instead (bot.staff.roles)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.models import Office, StaffUser
from bot.offices import OfficeError
from bot.staff.roles import StaffRole, service_ids, set_services

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MIN_PASSWORD = 12

# argon2id with the library's defaults (RFC 9106 "low memory" profile).
_hasher = PasswordHasher()
#: Verified against when the e-mail is unknown, so both cases take as long.
_DUMMY_HASH = _hasher.hash("not a password of anyone")


async def create_user(
    session: AsyncSession, office: Office, email: str, password: str
) -> StaffUser:
    return await _create(session, StaffUser(office_id=office.id, role="office"), email, password)


async def create_advisor(
    session: AsyncSession,
    email: str,
    password: str,
    *,
    role: StaffRole,
    services: Sequence[str],
    languages: Sequence[str],
) -> StaffUser:
    """An advisor or service admin of the given services (slugs), reading `languages`."""
    if not role.advises:
        raise OfficeError("--role: advisor or service-admin")
    if not services:
        raise OfficeError("--service: an advisor belongs to at least one service")
    await service_ids(session, services)  # unknown slugs refused before the login exists
    user = StaffUser(office_id=None, role=role.value, languages=list(languages))
    user = await _create(session, user, email, password)
    await set_services(session, user, add=services)
    return user


async def _create(session: AsyncSession, user: StaffUser, email: str, password: str) -> StaffUser:
    email = email.strip().lower()
    if not EMAIL.match(email):
        raise OfficeError(f"--email: {email!r} is not an e-mail address")
    if len(password) < MIN_PASSWORD:
        raise OfficeError(f"password: needs at least {MIN_PASSWORD} characters")
    user.email, user.password_hash = email, _hasher.hash(password)
    session.add(user)
    try:
        await session.flush()
    except IntegrityError:
        raise OfficeError(f"--email: a login {email!r} exists already") from None
    return user


async def set_language(
    sessionmaker: async_sessionmaker[AsyncSession], user_id: int, language: str
) -> None:
    """Remembers the office pages' language a login chose (for its next sessions, too);
    the caller checks that the pages speak it."""
    async with sessionmaker() as session, session.begin():
        await session.execute(
            update(StaffUser).where(StaffUser.id == user_id).values(language=language)
        )


def verify_password(password_hash: str | None, password: str) -> bool:
    """argon2 verification; with no hash (unknown user) a dummy is checked, so the time
    does not tell whether an e-mail address has a login."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False
