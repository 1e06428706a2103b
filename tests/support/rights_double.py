"""A small in-memory implementation of the `Requests` port, for the flows' step tests:
the interface of bot/conversation/scope.py kept in a dict, with the real checks of
bot.rights, its real deadline clock (bot.rights.clock on a row never stored) and the
real holder catalog. Per person, as the port is: another person's request id answers
None / False."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

from bot.config import Settings
from bot.conversation import Requests, StepScope
from bot.db.models import RightsRequest
from bot.holders import RequestKind, catalog
from bot.kernel.types import Channel
from bot.people import postal_address
from bot.rights import (
    Details,
    Identity,
    IssuedLetter,
    Part,
    Problem,
    RequestStatus,
    RequestView,
    apply_detail,
    apply_identity,
    clock,
)
from bot.rights.deadlines import SentBy
from bot.rights.letters import allows
from bot.rights.views import Ask, LetterKind, Outcome

DETAILS_OF: dict[RequestKind, tuple[Part, ...]] = {
    RequestKind.ACCESS: (),
    RequestKind.CORRECTION: (Part.WRONG, Part.RIGHT),
    RequestKind.ERASURE: (Part.REASONS,),
    RequestKind.RESTRICTION: (Part.REASONS,),
    RequestKind.TRANSFER_BLOCK: (Part.REASONS,),
}


@dataclass(frozen=True, slots=True)
class Stored:
    person_id: int
    holder: str
    kind: RequestKind
    identity: Identity
    details: Details
    created_at: datetime
    changed_at: datetime
    status: RequestStatus = RequestStatus.DRAFTED

    def missing(self) -> tuple[Part, ...]:
        details = tuple(p for p in DETAILS_OF[self.kind] if not getattr(self.details, p.value))
        return (*self.identity.missing(), *details)


class Store:
    """What the double keeps between steps (one per test)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.requests: dict[int, Stored] = {}
        self.consents: list[tuple[int, datetime]] = []
        self.letters: list[tuple[int, Channel]] = []
        #: The clock of each request: a row the real transitions change, never stored.
        self.rows: dict[int, RightsRequest] = {}
        #: Which letters were made: (request id, kind).
        self.made: list[tuple[int, str]] = []

    def ask(self, request_id: int, stage: Ask) -> None:
        """What the ask job does before it asks: the stage the question is about."""
        self.rows[request_id].ask = stage.value

    def port(self, scope: StepScope) -> MemoryRequests:
        return MemoryRequests(self, scope)


class MemoryRequests(Requests):
    def __init__(self, store: Store, scope: StepScope) -> None:
        self.store, self.scope = store, scope

    def _mine(self, request_id: int) -> Stored | None:
        stored = self.store.requests.get(request_id)
        return stored if stored is not None and stored.person_id == self.scope.person_id else None

    def _view(self, request_id: int, stored: Stored) -> RequestView:
        days = timedelta(days=self.store.settings.request_days)
        row = self.store.rows.get(request_id)
        if row is None or (row.sent_on is None and row.status != RequestStatus.CLOSED):
            return RequestView(
                request_id, stored.holder, stored.kind, stored.status, stored.missing(),
                stored.created_at, stored.changed_at + days,
            )  # fmt: skip
        office = None if row.office_id is None else stored.holder
        return RequestView(
            request_id, stored.holder, stored.kind, RequestStatus(row.status), stored.missing(),
            stored.created_at, row.erase_at, clock=clock.clock_of(row, office, None),
            ask=None if row.ask is None else Ask(row.ask),
        )  # fmt: skip

    def _row(self, request_id: int) -> RightsRequest | None:
        if self._mine(request_id) is None:
            return None
        stored = self.store.requests[request_id]
        row = self.store.rows.get(request_id)
        if row is None:
            now = self.scope.now
            row = RightsRequest(status=stored.status.value, created_at=stored.created_at,
                                updated_at=now, erase_at=now, letter_expires_at=None,
                                office_id=None)  # fmt: skip
            self.store.rows[request_id] = row
        return row

    def _changed(self, request_id: int, problem: Problem | None) -> Any:
        if problem is not None:
            return problem
        return self._view(request_id, self.store.requests[request_id])

    def _land(self, request_id: int) -> str | None:
        found = catalog(self.store.settings).get(self.store.requests[request_id].holder)
        return None if found is None else found.land

    def _save(self, request_id: int, stored: Stored) -> RequestView:
        self.store.requests[request_id] = replace(stored, changed_at=self.scope.now)
        return self._view(request_id, self.store.requests[request_id])

    async def start(self, holder: str, kind: str) -> Any:
        found = catalog(self.store.settings).get(holder)
        if found is None or kind not in {k.value for k in found.requests}:
            return None
        self.store.consents.append((self.scope.person_id, self.scope.now))
        mine = [s for s in self.store.requests.values() if s.person_id == self.scope.person_id]
        identity = mine[-1].identity if mine else Identity()
        now = self.scope.now
        stored = Stored(self.scope.person_id, holder, RequestKind(kind), identity, Details(),
                        now, now)  # fmt: skip
        return self._save(max(self.store.requests, default=0) + 1, stored)

    async def view(self, request_id: int) -> Any:
        stored = self._mine(request_id)
        return None if stored is None else self._view(request_id, stored)

    async def set_part(self, request_id: int, part: str, text: str) -> Any:
        stored = self._mine(request_id)
        if stored is None:
            return None
        if Part(part) in (Part.WRONG, Part.RIGHT, Part.REASONS):
            details = apply_detail(stored.details, Part(part), text)
            if isinstance(details, Problem):
                return details
            return self._save(request_id, replace(stored, details=details))
        identity = apply_identity(stored.identity, Part(part), text, self.scope.now.date())
        if isinstance(identity, Problem):
            return identity
        return self._save(request_id, replace(stored, identity=identity))

    async def use_letter_address(self, request_id: int) -> Any:
        stored = self._mine(request_id)
        kept = await postal_address(self.scope.session, self.scope.vault, self.scope.person_id)
        if stored is None or kept is None:
            return None
        identity = replace(stored.identity, street=kept.street, postcode=kept.postcode,
                           city=kept.city)  # fmt: skip
        return self._save(request_id, replace(stored, identity=identity))

    async def letter(self, request_id: int, kind: str = "request") -> Any:
        stored = self._mine(request_id)
        if stored is None or stored.missing():
            return None
        row = self._row(request_id)
        assert row is not None
        status = RequestStatus(row.status)
        today = clock.today(self.scope.now, self.store.settings)
        if not allows(row, LetterKind(kind), today):  # the rule of bot.rights.letters
            return None
        if status is RequestStatus.DRAFTED:
            row.status = RequestStatus.READY.value
            self.store.requests[request_id] = replace(stored, status=RequestStatus.READY)
        self.store.letters.append((request_id, self.scope.channel))
        self.store.made.append((request_id, kind))
        linked = self.scope.channel in (Channel.SMS, Channel.WHATSAPP)
        link = "https://lotse.example/r/token" if linked else None
        return IssuedLetter(request_id, self.scope.now + timedelta(hours=1), LetterKind(kind),
                            link)  # fmt: skip

    async def sent(self, request_id: int, on: date, by: str, letter: str = "request") -> Any:
        row = self._row(request_id)
        if row is None:
            return None
        problem = clock.mark_sent(row, letter=LetterKind(letter), on=on, by=SentBy(by),
                                  land=self._land(request_id), now=self.scope.now,
                                  settings=self.store.settings)  # fmt: skip
        return self._changed(request_id, problem)

    async def answered(
        self, request_id: int, on: date, outcome: str, recipients_named: bool | None = None
    ) -> Any:
        row = self._row(request_id)
        if row is None:
            return None
        problem = clock.mark_answered(row, on=on, outcome=Outcome(outcome),
                                      recipients_named=recipients_named, now=self.scope.now,
                                      settings=self.store.settings)  # fmt: skip
        return self._changed(request_id, problem)

    async def extended(self, request_id: int, notified_on: date, reasons: bool) -> Any:
        row = self._row(request_id)
        if row is None:
            return None
        problem = clock.mark_extended(row, notified_on=notified_on, reasons=reasons,
                                      land=self._land(request_id), now=self.scope.now,
                                      settings=self.store.settings)  # fmt: skip
        return self._changed(request_id, problem)

    async def no_answer(self, request_id: int) -> Any:
        row = self._row(request_id)
        if row is None:
            return None
        clock.mark_no_answer(row, now=self.scope.now, settings=self.store.settings)
        return self._changed(request_id, None)

    async def close(self, request_id: int) -> Any:
        row = self._row(request_id)
        if row is None:
            return None
        clock.mark_closed(row, now=self.scope.now, settings=self.store.settings)
        return self._changed(request_id, None)

    async def send_to_office(self, request_id: int) -> Any:
        stored = self._mine(request_id)
        found = None if stored is None else catalog(self.store.settings).get(stored.holder)
        row = self._row(request_id)
        if row is None or found is None or found.office is None or stored is None:
            return None
        if stored.missing():
            return None
        problem = clock.mark_received_by_office(
            row, office_id=1, now=self.scope.now, settings=self.store.settings, land=found.land
        )
        return None if problem is not None else self._changed(request_id, None)

    async def mine(self) -> Any:
        return tuple(
            self._view(i, s)
            for i, s in sorted(self.store.requests.items(), reverse=True)
            if s.person_id == self.scope.person_id
        )

    async def delete(self, request_id: int) -> bool:
        if self._mine(request_id) is None:
            return False
        del self.store.requests[request_id]
        return True
