"""Connecting an invitation code from a conversation, without handing the flow a session.

The conversation package sits below this one, so its `Context` cannot offer
`connect_invitation` itself. Instead the flows list `Connector` among their router's
ports (flows/__init__.py); when the invitation flow asks `ctx.port(Connector)`, the engine
builds it from the step's scope, and the flow gets a plain `Connection` back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.conversation import StepScope
from bot.invitations.connect import PHONE_CHANNELS, Attempt, Refusal, connect_invitation
from bot.kernel.types import Channel


@dataclass(frozen=True, slots=True)
class Connection:
    """What a flow learns from a connection (the invitation and office rows stay here)."""

    office: str
    #: The language the office noted, and the channels the person agreed to there.
    language: str
    channels: tuple[Channel, ...]
    consent_recorded_at: datetime
    notice_version: str
    #: The same person again (a second tap on the link): nothing new happened.
    again: bool
    #: The letter's name and address are now the person's letter contact.
    kept_postal: bool
    #: The office gave a phone number that this connection does not prove.
    phone_unproven: bool


class Connector:
    """`connect_invitation` for the person of one conversation step."""

    __slots__ = ("__scope",)

    def __init__(self, scope: StepScope) -> None:
        self.__scope = scope

    async def connect(self, secret: str) -> Connection | Refusal:
        scope = self.__scope
        # Only a number the person writes from can prove an office's phone number.
        phone = scope.address() if scope.channel in PHONE_CHANNELS else None
        attempt = Attempt(secret, scope.channel, phone, scope.address_index, scope.client)
        result = await connect_invitation(
            scope.session, scope.vault, attempt, scope.person_id, scope.now
        )
        if isinstance(result, Refusal):
            return result
        invitation = result.invitation
        return Connection(
            office=result.office.name,
            language=invitation.language,
            channels=tuple(Channel(c) for c in invitation.channels),
            consent_recorded_at=invitation.consent_recorded_at,
            notice_version=invitation.notice_version,
            again=result.again,
            kept_postal=result.kept_postal,
            phone_unproven=result.phone_unproven,
        )
