"""Staff sessions and the login rule: the password, the throttle, then a session.

A session is found by the keyed hash of its token (`Vault.index`), so a database leak
does not leak sessions. It ends after 8 hours without a request, and 12 hours after
login at the latest; logging out deletes it. Each session has its own CSRF token.
The cookie that carries the token, and the check of the CSRF token, are the web's.
"""

from __future__ import annotations

import asyncio
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum
from typing import Final

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.audit import Actor
from bot.db.models import Office, StaffServiceMember, StaffSession, StaffUser
from bot.kernel.crypto import Vault
from bot.staff.accounts import verify_password
from bot.staff.login_throttle import login_allowed, login_failed, login_succeeded
from bot.staff.roles import StaffRole

IDLE: Final = timedelta(hours=8)
ABSOLUTE: Final = timedelta(hours=12)


@dataclass(frozen=True, slots=True)
class StaffMember:
    """The logged-in staff member of a session: office staff with their office, or an
    advisor or service admin with the services they belong to."""

    user_id: int
    #: The office of office staff; None for advisors and service admins.
    office_row: Office | None
    #: The session's CSRF token.
    csrf: str
    #: The staff pages' language this login chose, None if it has not chosen.
    language: str | None = None
    role: StaffRole = StaffRole.OFFICE
    #: Ids of the advice services an advisor or service admin belongs to.
    service_ids: tuple[int, ...] = ()
    #: Lotse codes of the languages an advisor reads.
    languages: tuple[str, ...] = ()

    @property
    def is_office(self) -> bool:
        return self.role is StaffRole.OFFICE and self.office_row is not None

    @property
    def home(self) -> str:
        """The first page after login: the office pages, or the advisor inbox."""
        return "/office" if self.is_office else "/advice/inbox"

    @property
    def office(self) -> Office:
        """The office of office staff; anyone else has none (the office pages check
        `is_office` first, so this never serves an advisor an office's data)."""
        if self.role is not StaffRole.OFFICE or self.office_row is None:
            raise PermissionError("not a member of an office's staff")
        return self.office_row

    @property
    def office_id(self) -> int:
        return self.office.id

    @property
    def office_name(self) -> str:
        return self.office.name

    @property
    def actor(self) -> Actor:
        """Office staff's actor; an advisor's depends on the case's service (bot.cases)."""
        return Actor.staff(self.office.id, self.user_id)


class LoginRefused(Enum):
    #: Too many failures from this client (or for this account from a new place).
    TOO_MANY = "too-many"
    #: Unknown e-mail address, wrong password, or a disabled account: all look alike.
    WRONG = "wrong"


def _token_index(vault: Vault, token: str) -> str:
    return vault.index("staff-session", token)


async def log_in(
    sessionmaker: async_sessionmaker[AsyncSession],
    vault: Vault,
    email: str,
    password: str,
    address: str,
    now: datetime,
) -> str | LoginRefused:
    """A new session's token, or why not; every failure is counted against the client
    at `address` (see `bot.staff.login_throttle`)."""
    async with sessionmaker() as session:
        allowed = await login_allowed(session, vault, email, address, now)
    if not allowed:
        return LoginRefused.TOO_MANY
    user_id = await _check_password(sessionmaker, vault, email, password, address)
    if user_id is None:
        async with sessionmaker() as session, session.begin():
            login_failed(session, vault, email, address, now)
        return LoginRefused.WRONG
    return await _start_session(sessionmaker, vault, user_id, now)


async def _check_password(
    sessionmaker: async_sessionmaker[AsyncSession],
    vault: Vault,
    email: str,
    password: str,
    address: str,
) -> int | None:
    """The user's id if the password is right and the account usable (the client then
    counts as one of its usual places)."""
    async with sessionmaker() as session:
        user = await session.scalar(select(StaffUser).where(StaffUser.email == email))
    password_hash = None if user is None else user.password_hash
    # argon2 takes tens of milliseconds: off the event loop.
    right = await asyncio.to_thread(verify_password, password_hash, password)
    if user is None or not right:
        return None
    async with sessionmaker() as session, session.begin():
        user = await session.get(StaffUser, user.id, with_for_update=True)
        if user is None or user.disabled_at is not None:
            return None
        login_succeeded(user, vault, address)
        return user.id


async def _start_session(
    sessionmaker: async_sessionmaker[AsyncSession], vault: Vault, user_id: int, now: datetime
) -> str:
    token = secrets.token_urlsafe(32)
    async with sessionmaker() as session, session.begin():
        # The user's ended sessions go when they log in again.
        await session.execute(
            delete(StaffSession).where(
                StaffSession.user_id == user_id, StaffSession.expires_at <= now
            )
        )
        session.add(
            StaffSession(
                token_index=_token_index(vault, token),
                user_id=user_id,
                csrf_token=secrets.token_urlsafe(32),
                created_at=now,
                expires_at=now + IDLE,
            )
        )
    return token


async def staff_member(
    sessionmaker: async_sessionmaker[AsyncSession], vault: Vault, token: str, now: datetime
) -> StaffMember | None:
    """The session's staff member, its idle expiry moved on; None for an unknown or
    ended session (which is deleted) and for a disabled account."""
    async with sessionmaker() as session, session.begin():
        row = (
            await session.execute(
                select(StaffSession, StaffUser, Office)
                .join(StaffUser, StaffUser.id == StaffSession.user_id)
                .outerjoin(Office, Office.id == StaffUser.office_id)
                .where(StaffSession.token_index == _token_index(vault, token))
            )
        ).first()
        if row is None:
            return None
        staff_session, user, office = row
        if staff_session.expires_at <= now or user.disabled_at is not None:
            await session.delete(staff_session)
            return None
        staff_session.expires_at = min(now + IDLE, staff_session.created_at + ABSOLUTE)
        services: tuple[int, ...] = ()
        role = StaffRole(user.role)
        if role.advises:
            services = tuple(
                await session.scalars(
                    select(StaffServiceMember.service_id)
                    .where(StaffServiceMember.user_id == user.id)
                    .order_by(StaffServiceMember.service_id)
                )
            )
        return StaffMember(
            user.id, office, staff_session.csrf_token, user.language, role, services,
            tuple(user.languages or ()),
        )  # fmt: skip


async def log_out(sessionmaker: async_sessionmaker[AsyncSession], vault: Vault, token: str) -> None:
    """The session ends."""
    async with sessionmaker() as session, session.begin():
        await session.execute(
            delete(StaffSession).where(StaffSession.token_index == _token_index(vault, token))
        )
