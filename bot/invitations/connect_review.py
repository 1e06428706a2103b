"""For the operator: did someone connect to another person's invitation by guessing?

Before connect codes were limited and needed proof, a code typed in an anonymous chat
(web chat, Telegram) joined the phone number the office gave to whoever typed it. A
right guess thus pulled a person's number into a stranger's record, and when the real
person then texted the code they landed in that record. Under GDPR Art. 33 a possible
personal-data breach must be judged (and, if it is one, notified within 72 hours), so
`lotse security connections` lists:

- connections whose message came from a chat and that joined a phone contact which had
  never written to Lotse before: the number was not proven. `--detach` removes such a
  contact when the number has still never written (nobody proved it since);
- the same, where the number wrote later: the real person may share the record with a
  stranger. Lotse cannot tell one person from two: these are left for a person to check;
- invitations taken back by their owner with proof from a typed-code connection.

Only metadata is shown: invitation ids, offices, times, channels and log pseudonyms.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Contact, Invitation, InvitationEvent, Message, Office
from bot.invitations.connect import PHONE_CHANNELS as CONNECT_PHONE_CHANNELS
from bot.invitations.status import InvitationStatus
from bot.kernel.crypto import Vault
from bot.kernel.types import Channel, Direction

PHONE_CHANNELS = tuple(channel.value for channel in CONNECT_PHONE_CHANNELS)
CHAT_CHANNELS = (Channel.WEBCHAT.value, Channel.TELEGRAM.value)


class FindingKind(StrEnum):
    UNPROVEN = "number joined without proof; it never wrote to Lotse"
    DETACHED = "number joined without proof; detached now"
    SHARED = "number joined without proof and wrote later: check whether one person or two"
    RECLAIMED = "taken back by its owner with proof from a typed-code connection"


@dataclass(frozen=True, slots=True)
class Finding:
    invitation: str
    office: str
    connected_at: datetime
    via: str
    outcome: FindingKind
    #: The phone contact concerned: its channel and log pseudonym.
    contact: str = ""

    def line(self) -> str:
        when = self.connected_at.strftime("%Y-%m-%d %H:%M UTC")
        contact = f"  {self.contact}" if self.contact else ""
        return f"{self.invitation}  {self.office}  {when} via {self.via}{contact}  {self.outcome}"


async def review(session: AsyncSession, vault: Vault, *, detach: bool = False) -> list[Finding]:
    """Every finding, oldest first; with `detach`, unproven numbers are removed."""
    findings: list[Finding] = []
    rows = await session.execute(
        select(Invitation, Office.name, InvitationEvent)
        .join(Office, Office.id == Invitation.office_id)
        .join(InvitationEvent, InvitationEvent.invitation_id == Invitation.id)
        .where(
            InvitationEvent.status.in_([InvitationStatus.CONNECTED.value, "reclaimed"]),
            Invitation.person_id.is_not(None),
        )
        .order_by(InvitationEvent.at, InvitationEvent.id)
    )
    for invitation, office, event in rows:
        if event.status == "reclaimed":
            findings.append(Finding(invitation.public_id, office, event.at,
                                    event.detail or "", FindingKind.RECLAIMED))  # fmt: skip
        elif invitation.connected_by in (None, "code"):
            findings.extend(await _unproven(session, vault, invitation, office, event, detach))
    return findings


async def _unproven(
    session: AsyncSession,
    vault: Vault,
    invitation: Invitation,
    office: str,
    event: InvitationEvent,
    detach: bool,
) -> list[Finding]:
    assert invitation.person_id is not None
    via = await session.scalar(
        select(Message.channel)
        .where(
            Message.person_id == invitation.person_id,
            Message.direction == Direction.IN.value,
            Message.created_at <= event.at,
        )
        .order_by(Message.created_at.desc(), Message.id.desc())
        .limit(1)
    )
    if via not in CHAT_CHANNELS:
        return []  # texted from a number: that number was the sender's own
    contacts = await session.scalars(
        select(Contact).where(
            Contact.person_id == invitation.person_id, Contact.channel.in_(PHONE_CHANNELS)
        )
    )
    found = []
    for contact in contacts:
        if contact.last_inbound_at is not None and contact.last_inbound_at <= event.at:
            continue  # it had written before: proven then
        outcome = (
            FindingKind.SHARED if contact.last_inbound_at is not None else FindingKind.UNPROVEN
        )
        name = f"{contact.channel} {_pseudonym(vault, contact)}"
        if outcome is FindingKind.UNPROVEN and detach:
            await session.delete(contact)
            outcome = FindingKind.DETACHED
        found.append(Finding(invitation.public_id, office, event.at, via, outcome, name))
    return found


def _pseudonym(vault: Vault, contact: Contact) -> str:
    return vault.pseudonym(vault.decrypt(contact.address_enc)) if contact.address_enc else "-"
