"""Transfers for the flows: the `Transfers` port, bound to the person of one step.

Flows import this class to ask `ctx.port(Transfers)`; the runtime wires the factory
(bot/runtime/services.py), which holds the installation's identity, loaded once at
start so that a bad peers file stops the start with a clear line.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.config import Settings
from bot.conversation import StepScope
from bot.throttle import Limit, reached, record
from bot.transfer.codes import find_transfer_code
from bot.transfer.document import Item
from bot.transfer.identity import Identity, load_identity
from bot.transfer.receive import Failure, Received, fetch
from bot.transfer.source import issue_code

#: Failed transfer codes one conversation may type in a day (each costs a peer a claim).
SESSION_LIMIT = Limit("transfer-in", 5, timedelta(hours=24))
COUNTED = frozenset({Failure.INVALID, Failure.UNKNOWN_PEER, Failure.EXPIRED, Failure.USED})


@dataclass(frozen=True, slots=True)
class Issued:
    code: str
    expires_at: datetime


class Transfers:
    """Issuing a code for the step's person, and fetching one for them."""

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

    async def fetch(self, typed: str) -> Received | Failure:
        """The data the person chose at the installation that issued `typed`."""
        identity, scope = self.__identity, self.__scope
        if identity is None:
            return Failure.NOT_CONFIGURED
        if await reached(scope.session, SESSION_LIMIT, scope.now, key=scope.address_index):
            return Failure.TOO_MANY
        code = find_transfer_code(typed)
        if code is None:
            result: Received | Failure = Failure.INVALID
        else:
            result = await fetch(scope.session, self.__settings, identity, scope.person_id,
                                 code, scope.now)  # fmt: skip
        if result in COUNTED:
            record(scope.session, SESSION_LIMIT.kind, scope.now, key=scope.address_index)
        return result


def transfers_port(settings: Settings) -> Callable[[StepScope], Transfers]:
    """The factory the runtime lists among the engine's ports under `Transfers`."""
    identity = load_identity(settings)
    return lambda scope: Transfers(scope, settings, identity)
