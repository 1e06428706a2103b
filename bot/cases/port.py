"""The hand-off for the flows: the `Cases` port (bot/conversation/scope.py).

The flow names a service and the fields the person ticked; every value but the
description they typed is read here, for the person of the step, so a conversation's
state can neither forge nor carry what is shared."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from bot.advice import Reach, load
from bot.cases.handoff import HandoffRefused, Refusal, Request, hand_off, mine, withdraw
from bot.cases.views import Field, Handoff
from bot.config import Settings
from bot.conversation import Cases, StepScope
from bot.db.models import Invitation, Person

#: How long a hand-off's consent runs unless withdrawn: long enough for an advice
#: service's usual waiting list, short enough that a forgotten case does not stay open.
HANDOFF_DAYS = 90
#: How many earlier hand-offs a summary names.
HISTORY_MOST = 3


@dataclass(frozen=True, slots=True)
class Offer:
    """What could go to one service, before the person chooses."""

    service_slug: str
    service_name: str
    #: The fields that have a value for this person (the description always: it is
    #: typed), in the order they are offered, and their values (none for the description).
    values: Mapping[Field, str]
    #: LOTSE_CASE_DAYS: how long a case is kept after it is closed.
    retention_days: int
    #: Until when the consent would run if given now.
    expires_at: datetime

    @property
    def fields(self) -> tuple[Field, ...]:
        return tuple(f for f in Field if f in self.values or f is Field.DESCRIPTION)


class PersonCases(Cases):
    """The hand-offs of the person of one step (through the step's own transaction)."""

    __slots__ = ("__scope", "__settings")

    def __init__(self, scope: StepScope, settings: Settings) -> None:
        self.__scope = scope
        self.__settings = settings

    async def offer(self, service_slug: str, topic: str | None = None) -> Offer | None:
        scope = self.__scope
        services = await load(scope.session)
        service = next((s for s in services if s.slug == service_slug), None)
        if service is None or Reach.LOTSE not in service.reach:
            return None
        return Offer(
            service_slug=service.slug,
            service_name=service.name,
            values=await self._values(topic),
            retention_days=self.__settings.case_days,
            expires_at=scope.now + timedelta(days=HANDOFF_DAYS),
        )

    async def _values(self, topic: str | None) -> dict[Field, str]:
        scope = self.__scope
        person = await scope.session.get(Person, scope.person_id)
        values: dict[Field, str] = {}
        invitation = await scope.session.scalar(
            select(Invitation)
            .where(Invitation.person_id == scope.person_id)
            .order_by(Invitation.id.desc())
            .limit(1)
        )
        given = _given_name(scope, invitation)
        if given:
            values[Field.FIRST_NAME] = given
        if person is not None and person.language:
            values[Field.LANGUAGE] = person.language
        ranking = list(person.channel_ranking or ()) if person is not None else []
        values[Field.CHANNEL] = ranking[0] if ranking else scope.channel.value
        if topic:
            values[Field.TOPIC] = topic
        if invitation is not None:
            values[Field.REFERENCE] = invitation.reference
        earlier = await mine(scope.session, scope.person_id)
        if earlier:
            values[Field.HISTORY] = "; ".join(_summary(h) for h in earlier[:HISTORY_MOST])
        return values

    async def hand_off(
        self,
        service_slug: str,
        fields: tuple[str, ...],
        *,
        topic: str | None = None,
        sealed_description: str | None = None,
        special_consent: bool = False,
    ) -> int | Refusal:
        scope = self.__scope
        chosen = {Field(f) for f in fields if f in Field._value2member_map_}
        known = await self._values(topic)
        values = {f: v for f, v in known.items() if f in chosen}
        description = self.unseal(sealed_description)
        if Field.DESCRIPTION in chosen and description:
            values[Field.DESCRIPTION] = description
        earlier = await mine(scope.session, scope.person_id)
        request = Request(
            service_slug=service_slug, values=values, language=known.get(Field.LANGUAGE, "de"),
            channel=scope.channel, expires_at=scope.now + timedelta(days=HANDOFF_DAYS),
            topic=topic, special_consent=special_consent,
            history_from=earlier[0].case_id if earlier and Field.HISTORY in values else None,
        )  # fmt: skip
        try:
            return await hand_off(scope.session, scope.vault, scope.person_id, request, scope.now)
        except HandoffRefused as refused:
            return refused.reason

    def seal(self, text: str) -> str:
        return self.__scope.vault.encrypt(text)

    def unseal(self, sealed: str | None) -> str | None:
        if not sealed:
            return None
        try:
            return self.__scope.vault.decrypt(sealed)
        except ValueError:
            return None  # another key, or a forged state: as if nothing was written

    async def mine(self) -> tuple[Handoff, ...]:
        return tuple(await mine(self.__scope.session, self.__scope.person_id))

    async def withdraw(self, case_id: int) -> bool:
        scope = self.__scope
        person = await scope.session.get(Person, scope.person_id)
        return await withdraw(
            scope.session, scope.person_id, case_id, scope.now,
            case_days=self.__settings.case_days, channel=scope.channel,
            language=(person.language if person is not None else None) or "de",
        )  # fmt: skip


def _given_name(scope: StepScope, invitation: Invitation | None) -> str | None:
    """The first name the office wrote on the invitation, while it is still kept."""
    if invitation is None or not invitation.personal_enc:
        return None
    personal = json.loads(scope.vault.decrypt(invitation.personal_enc))
    given = personal.get("given_name") if isinstance(personal, dict) else None
    return given.strip() or None if isinstance(given, str) else None


def _summary(handoff: Handoff) -> str:
    """One earlier hand-off in a line: the service, when, what was shared (never what
    was said)."""
    shared = ", ".join(f.value for f in handoff.fields)
    return f"{handoff.service_name} ({handoff.created_at:%Y-%m-%d}: {shared})"


def cases_port(settings: Settings) -> Callable[[StepScope], Cases]:
    """The factory the runtime lists among the engine's ports under `Cases`."""
    return lambda scope: PersonCases(scope, settings)
