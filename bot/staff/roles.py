"""Advisors and service admins: staff logins without an office, belonging to advice
services (`staff_services`) and reading some languages. Office staff keep their office."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import AdviceService, StaffServiceMember, StaffUser
from bot.i18n import LANGUAGES
from bot.offices import OfficeError


class StaffRole(StrEnum):
    #: A registration office's staff: the office pages, never a case.
    OFFICE = "office"
    #: Works the cases of the services they belong to.
    ADVISOR = "advisor"
    #: An advisor who also sees the service's overview and settings.
    SERVICE_ADMIN = "service-admin"

    @property
    def advises(self) -> bool:
        return self is not StaffRole.OFFICE


@dataclass(frozen=True, slots=True)
class AdvisorListing:
    """One advisor or service admin as `lotse advisor list` shows them: no case content."""

    email: str
    role: StaffRole
    services: tuple[str, ...]
    languages: tuple[str, ...]
    disabled: bool


def parse_languages(text: str) -> tuple[str, ...]:
    """ "de,en,ar" → Lotse codes; an unknown one is refused."""
    codes = tuple(dict.fromkeys(part.strip().lower() for part in text.split(",") if part.strip()))
    unknown = [code for code in codes if code not in LANGUAGES]
    if unknown:
        raise OfficeError(f"--languages: {', '.join(unknown)} not a language of Lotse")
    return codes


async def service_ids(session: AsyncSession, slugs: Iterable[str]) -> dict[str, int]:
    """Slug → id of the directory's services; an unknown slug is refused."""
    wanted = list(dict.fromkeys(slugs))
    rows = await session.execute(
        select(AdviceService.slug, AdviceService.id).where(AdviceService.slug.in_(wanted))
    )
    found = {slug: service_id for slug, service_id in rows}
    missing = [slug for slug in wanted if slug not in found]
    if missing:
        raise OfficeError(f"--service: no service {', '.join(missing)!s} in the directory")
    return found


async def advisor_by_email(session: AsyncSession, email: str) -> StaffUser:
    user = await session.scalar(select(StaffUser).where(StaffUser.email == email.strip().lower()))
    if user is None or not StaffRole(user.role).advises:
        raise OfficeError(f"--email: no advisor {email.strip().lower()!r}")
    return user


async def set_services(
    session: AsyncSession, user: StaffUser, *, add: Sequence[str] = (), remove: Sequence[str] = ()
) -> tuple[str, ...]:
    """Adds and removes memberships; returns the services the login belongs to now."""
    ids = await service_ids(session, [*add, *remove])
    if remove:
        await session.execute(
            delete(StaffServiceMember).where(
                StaffServiceMember.user_id == user.id,
                StaffServiceMember.service_id.in_([ids[slug] for slug in remove]),
            )
        )
    have = set(await services_of(session, user.id))
    for slug in add:
        if slug not in have and slug not in remove:
            session.add(StaffServiceMember(user_id=user.id, service_id=ids[slug]))
            have.add(slug)
    await session.flush()
    return tuple(sorted(await services_of(session, user.id)))


async def services_of(session: AsyncSession, user_id: int) -> tuple[str, ...]:
    rows = await session.scalars(
        select(AdviceService.slug)
        .join(StaffServiceMember, StaffServiceMember.service_id == AdviceService.id)
        .where(StaffServiceMember.user_id == user_id)
        .order_by(AdviceService.slug)
    )
    return tuple(rows)


async def disable(session: AsyncSession, user: StaffUser, now: datetime) -> None:
    """The login no longer works; its sessions end at their next request."""
    if user.disabled_at is None:
        user.disabled_at = now


async def advisors(session: AsyncSession) -> list[AdvisorListing]:
    users = await session.scalars(
        select(StaffUser).where(StaffUser.role != StaffRole.OFFICE.value).order_by(StaffUser.email)
    )
    return [
        AdvisorListing(
            u.email, StaffRole(u.role), await services_of(session, u.id),
            tuple(u.languages or ()), u.disabled_at is not None,
        )
        for u in users
    ]  # fmt: skip
