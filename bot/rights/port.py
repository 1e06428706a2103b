"""Requests for the flows: the `Requests` port, bound to the person of one step."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Protocol

from sqlalchemy import select

from bot.config import Settings
from bot.conversation import Requests, StepScope
from bot.db.models import Contact, Person
from bot.holders import Holder, RequestKind, Supervisor
from bot.rights import letters, post, store, tracking
from bot.rights.deadlines import SentBy
from bot.rights.identity import Part, Problem
from bot.rights.views import IssuedLetter, LetterKind, Outcome, PostedLetter, RequestView


class HolderCatalog(Protocol):
    """What requests need of the holder catalog (bot.holders.Catalog)."""

    def get(self, slug: str) -> Holder | None: ...

    def supervisor_of(self, holder: Holder) -> Supervisor | None: ...


class PersonRequests(Requests):
    """Reads and changes only the step's own person's requests."""

    __slots__ = ("__holders", "__scope", "__settings")

    def __init__(
        self, scope: StepScope, settings: Settings, holders: Callable[[], HolderCatalog]
    ) -> None:
        self.__scope = scope
        self.__settings = settings
        self.__holders = holders

    async def _contact(self) -> int | None:
        scope = self.__scope
        return await scope.session.scalar(
            select(Contact.id).where(
                Contact.channel == scope.channel.value,
                Contact.address_index == scope.address_index,
                Contact.person_id == scope.person_id,
            )
        )

    async def _lang(self) -> str:
        scope = self.__scope
        lang = await scope.session.scalar(
            select(Person.language).where(Person.id == scope.person_id)
        )
        return lang or self.__settings.default_language

    async def start(self, holder: str, kind: str) -> RequestView | None:
        found = self.__holders().get(holder)
        if found is None or kind not in RequestKind._value2member_map_:
            return None
        if RequestKind(kind) not in found.requests:
            return None
        scope = self.__scope
        return await store.start(
            scope.session, scope.vault, person_id=scope.person_id,
            contact_id=await self._contact(), channel=scope.channel, holder=found.slug,
            kind=RequestKind(kind), lang=await self._lang(),
            keep_days=self.__settings.request_days, now=scope.now,
        )  # fmt: skip

    async def view(self, request_id: int) -> RequestView | None:
        scope = self.__scope
        return await store.view(
            scope.session, scope.vault, person_id=scope.person_id, request_id=request_id
        )

    async def set_part(self, request_id: int, part: str, text: str) -> RequestView | Problem | None:
        if part not in Part._value2member_map_:
            return None
        scope = self.__scope
        return await store.set_part(
            scope.session, scope.vault, person_id=scope.person_id, request_id=request_id,
            part=Part(part), text=text, channel=scope.channel,
            keep_days=self.__settings.request_days, now=scope.now,
        )  # fmt: skip

    async def use_letter_address(self, request_id: int) -> RequestView | None:
        scope = self.__scope
        return await store.use_letter_address(
            scope.session, scope.vault, person_id=scope.person_id, request_id=request_id,
            channel=scope.channel, keep_days=self.__settings.request_days, now=scope.now,
        )  # fmt: skip

    async def letter(self, request_id: int, kind: str = "request") -> IssuedLetter | None:
        if kind not in LetterKind._value2member_map_:
            return None
        scope = self.__scope
        contact_id = await self._contact()
        if contact_id is None:
            return None
        return await letters.issue_letter(
            scope.session, scope.vault, person_id=scope.person_id, request_id=request_id,
            contact_id=contact_id, channel=scope.channel, lang=await self._lang(),
            settings=self.__settings, now=scope.now, kind=LetterKind(kind),
        )  # fmt: skip

    def _holder(self, slug: str) -> Holder | None:
        return self.__holders().get(slug)

    async def sent(
        self, request_id: int, on: date, by: str, letter: str = "request"
    ) -> RequestView | Problem | None:
        if by not in SentBy._value2member_map_ or letter not in LetterKind._value2member_map_:
            return None
        scope = self.__scope
        return await tracking.sent(
            scope.session, scope.vault, person_id=scope.person_id, request_id=request_id,
            letter=LetterKind(letter), on=on, by=SentBy(by), holder_of=self._holder,
            channel=scope.channel, settings=self.__settings, now=scope.now,
        )  # fmt: skip

    async def answered(
        self, request_id: int, on: date, outcome: str, recipients_named: bool | None = None
    ) -> RequestView | Problem | None:
        if outcome not in Outcome._value2member_map_:
            return None
        scope = self.__scope
        return await tracking.answered(
            scope.session, scope.vault, person_id=scope.person_id, request_id=request_id,
            on=on, outcome=Outcome(outcome), recipients_named=recipients_named,
            channel=scope.channel, settings=self.__settings, now=scope.now,
        )  # fmt: skip

    async def extended(
        self, request_id: int, notified_on: date, reasons: bool
    ) -> RequestView | Problem | None:
        scope = self.__scope
        return await tracking.extended(
            scope.session, scope.vault, person_id=scope.person_id, request_id=request_id,
            notified_on=notified_on, reasons=reasons, holder_of=self._holder,
            channel=scope.channel, settings=self.__settings, now=scope.now,
        )  # fmt: skip

    async def no_answer(self, request_id: int) -> RequestView | None:
        scope = self.__scope
        return await tracking.no_answer(
            scope.session, scope.vault, person_id=scope.person_id, request_id=request_id,
            channel=scope.channel, settings=self.__settings, now=scope.now,
        )  # fmt: skip

    async def close(self, request_id: int) -> RequestView | None:
        scope = self.__scope
        return await tracking.close(
            scope.session, scope.vault, person_id=scope.person_id, request_id=request_id,
            channel=scope.channel, settings=self.__settings, now=scope.now,
        )  # fmt: skip

    async def send_to_office(self, request_id: int) -> RequestView | None:
        scope = self.__scope
        return await tracking.send_to_office(
            scope.session, scope.vault, person_id=scope.person_id, request_id=request_id,
            holder_of=self._holder, channel=scope.channel, settings=self.__settings,
            now=scope.now,
        )  # fmt: skip

    async def mine(self) -> tuple[RequestView, ...]:
        scope = self.__scope
        return await store.mine(scope.session, scope.vault, scope.person_id)

    async def delete(self, request_id: int) -> bool:
        scope = self.__scope
        return await store.delete_request(
            scope.session, person_id=scope.person_id, request_id=request_id,
            channel=scope.channel, lang=await self._lang(), now=scope.now,
        )  # fmt: skip

    async def can_post(self, request_id: int) -> bool:
        scope = self.__scope
        return await post.can_post(
            scope.session, scope.vault, enabled=self.__settings.request_post,
            person_id=scope.person_id, request_id=request_id,
        )  # fmt: skip

    async def post(self, request_id: int) -> PostedLetter | None:
        scope = self.__scope
        return await post.request_post(
            scope.session, scope.vault, enabled=self.__settings.request_post,
            person_id=scope.person_id, request_id=request_id, channel=scope.channel,
            now=scope.now,
        )  # fmt: skip


def requests_port(
    settings: Settings, holders: Callable[[], HolderCatalog]
) -> Callable[[StepScope], Requests]:
    """The factory the runtime lists among the engine's ports under `Requests`;
    `holders` gives the current catalog (it reloads when the operator's file changes)."""
    return lambda scope: PersonRequests(scope, settings, holders)
