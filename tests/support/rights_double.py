"""A small in-memory implementation of the `Requests` port, for the wizard's step tests:
the interface of bot/conversation/scope.py kept in a dict, with the real checks of
bot.rights and the real holder catalog. Per person, as the port is: another person's
request id answers None / False."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from bot.config import Settings
from bot.conversation import Requests, StepScope
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
)

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
        return RequestView(
            request_id, stored.holder, stored.kind, stored.status, stored.missing(),
            stored.created_at, stored.changed_at + days,
        )  # fmt: skip

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

    async def letter(self, request_id: int) -> Any:
        stored = self._mine(request_id)
        if stored is None or stored.missing():
            return None
        self.store.requests[request_id] = replace(stored, status=RequestStatus.READY)
        self.store.letters.append((request_id, self.scope.channel))
        linked = self.scope.channel in (Channel.SMS, Channel.WHATSAPP)
        link = "https://lotse.example/r/token" if linked else None
        return IssuedLetter(request_id, self.scope.now + timedelta(hours=1), link=link)

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
