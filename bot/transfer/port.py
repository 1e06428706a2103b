"""Transfers for the flows: the `Transfers` port, bound to the person of one step.

Flows import this class to ask `ctx.port(Transfers)`; the runtime wires the factory
(bot/runtime/services.py), which holds the installation's identity, loaded once at
start so that a bad peers file stops the start with a clear line.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select

from bot.config import Settings
from bot.conversation import StepScope
from bot.db.models import TransferFetch
from bot.throttle import Limit, reached, record
from bot.transfer.codes import find_transfer_code
from bot.transfer.document import Item
from bot.transfer.fetcher import FetchStatus, decode_result
from bot.transfer.identity import Identity, load_identity
from bot.transfer.receive import Failure, Received
from bot.transfer.source import issue_code

#: Failed transfer codes one conversation may type in a day (each costs a peer a claim).
SESSION_LIMIT = Limit("transfer-in", 5, timedelta(hours=24))
COUNTED = frozenset({Failure.INVALID, Failure.UNKNOWN_PEER, Failure.EXPIRED, Failure.USED})


@dataclass(frozen=True, slots=True)
class Pending:
    """The code is recorded; the other Lotse (`peer`, its display name) is asked next."""

    peer: str


@dataclass(frozen=True, slots=True)
class Issued:
    code: str
    expires_at: datetime


class Transfers:
    """Issuing a code for the step's person, and fetching one for them (in two steps)."""

    __slots__ = ("__identity", "__scope", "__settings")

    def __init__(self, scope: StepScope, settings: Settings, identity: Identity | None) -> None:
        self.__scope = scope
        self.__settings = settings
        self.__identity = identity

    @property
    def configured(self) -> bool:
        return self.__identity is not None

    async def issue(self, items: Sequence[Item]) -> Issued | None:
        """A new code (the person's earlier one stops working); None when transfers are off."""
        identity, scope = self.__identity, self.__scope
        if identity is None:
            return None
        valid = timedelta(hours=self.__settings.transfer_code_hours)
        code, expires = await issue_code(scope.session, scope.vault, identity, scope.person_id,
                                         items, scope.now, valid)  # fmt: skip
        return Issued(str(code), expires)

    async def fetch(self, typed: str) -> Pending | Failure:
        """What can be checked here about `typed`; if it may work, the fetch is recorded
        for bot.transfer.fetcher, which claims it from its issuer after this step and
        brings the result back into this conversation (`result`)."""
        identity, scope = self.__identity, self.__scope
        if identity is None:
            return Failure.NOT_CONFIGURED
        if await reached(scope.session, SESSION_LIMIT, scope.now, key=scope.address_index):
            return Failure.TOO_MANY
        code = find_transfer_code(typed)
        peer = None if code is None else identity.peer(code.issuer)
        if code is None or peer is None:
            failure = Failure.INVALID if code is None else (
                Failure.OWN if code.issuer == identity.id else Failure.UNKNOWN_PEER)  # fmt: skip
            self._count(failure)
            return failure
        address = scope.inbound_address
        if address is None:
            raise ValueError("a transfer fetch needs the step's address to answer in")
        # A code typed again before the first was claimed replaces it (one claim each).
        await scope.session.execute(
            delete(TransferFetch).where(
                TransferFetch.person_id == scope.person_id,
                TransferFetch.status == FetchStatus.PENDING,
            )
        )
        vault = scope.vault
        row = TransferFetch(person_id=scope.person_id, status=FetchStatus.PENDING,
                            code_enc=vault.encrypt(str(code)), channel=scope.channel.value,
                            address_enc=vault.encrypt(address), created_at=scope.now)  # fmt: skip
        scope.session.add(row)
        await scope.session.flush()
        return Pending(peer.name)

    async def result(self, row_id: int) -> Received | Failure | None:
        """The fetched result for the step's person, once (the row goes); None if there
        is none: another person's row, one read before, or one still being fetched."""
        scope = self.__scope
        row = await scope.session.scalar(
            select(TransferFetch).where(
                TransferFetch.id == row_id,
                TransferFetch.person_id == scope.person_id,
                TransferFetch.status.in_((FetchStatus.DONE, FetchStatus.SENT)),
            )
        )
        if row is None or row.result_enc is None:
            return None
        result = decode_result(scope.vault, row.result_enc)
        await scope.session.delete(row)
        if isinstance(result, Failure):
            self._count(result)
        return result

    def _count(self, result: Failure) -> None:
        """Wrong codes count against this conversation's daily limit."""
        if result in COUNTED:
            scope = self.__scope
            record(scope.session, SESSION_LIMIT.kind, scope.now, key=scope.address_index)


def transfers_port(settings: Settings) -> Callable[[StepScope], Transfers]:
    """The factory the runtime lists among the engine's ports under `Transfers`."""
    identity = load_identity(settings)
    return lambda scope: Transfers(scope, settings, identity)
