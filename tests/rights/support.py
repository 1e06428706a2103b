"""Requests for a person, each call in a transaction of its own as one conversation step
makes it: the real port (bot.rights.PersonRequests) on a real StepScope."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import select

from bot.conversation import StepScope
from bot.db.models import Contact
from bot.holders import (
    Holder,
    HolderKind,
    IdentityProof,
    Quality,
    RequestKind,
    Supervisor,
    Transport,
)
from bot.kernel.types import Channel
from bot.rights import PersonRequests
from bot.runtime.services import Services
from tests.support.clock import Clock

T = TypeVar("T")

#: What a complete access request needs typed, in the order the flow asks.
IDENTITY = {
    "family-name": "Haddad",
    "given-names": "Amal",
    "birth-date": "03.04.1991",
    "birth-place": "Aleppo",
    "nationality": "syrisch",
    "street": "Hauptstraße 1",
    "place": "12345 Musterstadt",
}


def _holder(slug: str, kinds: tuple[RequestKind, ...]) -> Holder:
    return Holder(
        slug=slug, kind=HolderKind.FEDERAL, categories=("public-body",), name=slug.upper(),
        controller=None, plain_name=slug, plain_what="", plain_why="", holds=(),
        legal_basis=(), social_basis=(), recipients=(), requests={k: () for k in kinds},
        address=None, email=None, phone=None, fax=None, web=None, hours=None,
        request_language="de", form=None, needs_id_document=False,
        identity_proof=IdentityProof.SIGNATURE, online=None,
        suggested_transport_medium=Transport.LETTER, supervisor=None, applies=(),
        sources=(), verified_at=date(2026, 11, 1), quality=Quality.VERIFIED, comments=(),
    )  # fmt: skip


class Holders:
    """Two holders, for the store's own checks: the AZR takes every kind, the
    registration office no transfer block."""

    def __init__(self) -> None:
        every = tuple(RequestKind)
        self._all = {
            "azr": _holder("azr", every),
            "meldebehoerde": _holder("meldebehoerde", every[:-1]),
        }

    def get(self, slug: str) -> Holder | None:
        return self._all.get(slug)

    def supervisor_of(self, holder: Holder) -> Supervisor | None:
        return None


async def step(
    services: Services, clock: Clock, person_id: int, channel: Channel,
    call: Callable[[PersonRequests], Awaitable[T]],
) -> T:  # fmt: skip
    """One port call in a step of its own, for the person's contact on `channel`."""
    async with services.sessionmaker() as session, session.begin():
        contact = await session.scalar(
            select(Contact).where(Contact.person_id == person_id, Contact.channel == channel)
        )
        assert contact is not None
        scope = StepScope(
            session=session, vault=services.vault, person_id=person_id, now=clock(),
            channel=channel, address_index=contact.address_index,
            address_enc=contact.address_enc, client=None,
        )  # fmt: skip
        return await call(PersonRequests(scope, services.settings, Holders))


async def typed(
    services: Services, clock: Clock, person_id: int, request_id: int,
    parts: dict[str, str], channel: Channel = Channel.SMS,
) -> Any:  # fmt: skip
    """Each part typed in a step of its own; the last answer."""
    answer: Any = None
    for part, text in parts.items():
        answer = await step(
            services, clock, person_id, channel,
            lambda port, p=part, x=text: port.set_part(request_id, p, x),
        )  # fmt: skip
    return answer
