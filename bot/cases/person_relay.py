"""The relay as flows reach it: the `Relay` port, bound to one step's person."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

from bot.cases.relay import CANNED, Event, active, event_of, person_wrote, rendering_of
from bot.cases.views import Direction
from bot.conversation import Relay, StepScope
from bot.db.models import Case, CaseMessage


class Shown(StrEnum):
    #: An advisor's own words, with a machine translation where one exists.
    REPLY = "reply"
    #: A canned reply: its human-written version in the person's language.
    CANNED = "canned"
    JOINED = "joined"
    CLOSED = "closed"


@dataclass(frozen=True, slots=True)
class Relayed:
    """What the person is shown of one message from the service."""

    case_id: int
    service_name: str
    kind: Shown
    #: The advisor's German (REPLY) or the human-written version (CANNED).
    original: str | None = field(repr=False)
    #: The machine translation into the person's language; None when there is none.
    translation: str | None = field(repr=False)
    #: The case still takes the person's messages.
    active: bool


class CaseRelay(Relay):
    __slots__ = ("__scope",)

    def __init__(self, scope: StepScope) -> None:
        self.__scope = scope

    async def _case(self, case_id: int) -> Case | None:
        case = await self.__scope.session.get(Case, case_id)
        return case if case is not None and case.person_id == self.__scope.person_id else None

    async def message(self, message_id: int) -> Relayed | None:
        scope = self.__scope
        row = await scope.session.get(CaseMessage, message_id)
        if row is None or row.direction == Direction.IN.value:
            return None
        case = await self._case(row.case_id)
        if case is None or case.withdrawn_at is not None:
            return None
        live = active(case, scope.now)
        event = event_of(row)
        if event is not None:
            kind = Shown.JOINED if event is Event.JOINED else Shown.CLOSED
            return Relayed(case.id, case.service_name, kind, None, None, live)
        if row.body_enc is None:
            return None  # erased meanwhile
        rendering = rendering_of(scope.vault, row)
        original = scope.vault.decrypt(row.body_enc)
        if rendering is not None and rendering.outcome == CANNED and rendering.text:
            return Relayed(case.id, case.service_name, Shown.CANNED, rendering.text, None, live)
        found = rendering.text if rendering is not None and rendering.path else None
        text = found if found and found.strip() else None  # an empty output is none
        return Relayed(case.id, case.service_name, Shown.REPLY, original, text, live)

    async def wrote(self, case_id: int, text: str) -> bool:
        scope = self.__scope
        stored = await person_wrote(scope.session, scope.vault, scope.person_id, case_id, text,
                                    scope.now)  # fmt: skip
        if stored is None:
            return False
        await self.remember(case_id)
        return True

    async def remember(self, case_id: int) -> bool:
        scope = self.__scope
        case = await self._case(case_id)
        if case is None or not active(case, scope.now):
            return False
        # The web chat keeps no address (Lotse never writes there first): its session,
        # held in memory for this step, is what the answers need.
        address = scope.inbound_address or scope.address()
        if address:
            case.reply_channel = scope.channel.value
            case.reply_address_enc = scope.vault.encrypt(address)
        return True


def relay_port() -> Callable[[StepScope], Relay]:
    """The factory the runtime lists among the engine's ports under `Relay`."""
    return CaseRelay
