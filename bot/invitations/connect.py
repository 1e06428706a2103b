"""Connecting a person with an office's invitation: with which proof, how often one may
try, and what the connection brings into the person's record.

Three ways to show that an invitation is yours (`Proof`):
- TOKEN: the long token a letter's QR code or a message's link carries (192 random
  bits: it cannot be guessed);
- SENDER: the short code texted from the very number the office gave;
- CODE: the short code typed anywhere else (the web chat, Telegram, another phone).

Only CODE can be guessed, so only CODE is limited (per session, per client, and for
everyone together); TOKEN and SENDER always work, so an attacker who uses up
the shared budget cannot lock the real people out. A refused CODE gets one answer
whatever the reason (unknown, expired, used by someone else): a guesser learns nothing.
With proof, the person is told what happened (expired, already used).

A connection brings the office's consent (the flow records it), the postal address
(the code or token printed in a letter proves the letter), and a phone number only
with SENDER proof: a code typed elsewhere never joins a number to anyone's record.
A connection made by CODE may have been a guess: when the owner comes with TOKEN or
SENDER proof, the invitation is theirs ("reclaimed"), with its letter contact and its
access-log entries (`bot.audit.link_to_person`), and the event stays for the operator
(`lotse security connections`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.audit import link_to_person
from bot.db.models import Invitation, Letter, Office
from bot.invitations.codes import code_index, is_token, token_index
from bot.invitations.request import Personal, personal_of
from bot.invitations.status import OPEN, InvitationStatus, LetterStatus, add_event, close
from bot.kernel.crypto import Vault
from bot.kernel.types import Channel
from bot.people import Joined, address_index, attach, contact_for, join, keep_postal_address
from bot.throttle import Limit, reached, record

log = logging.getLogger(__name__)

PHONE_CHANNELS = (Channel.SMS, Channel.WHATSAPP)


class Proof(StrEnum):
    TOKEN = "token"
    SENDER = "sender"
    CODE = "code"


class Refusal(StrEnum):
    #: Unknown, expired or someone else's: one answer for all without proof.
    INVALID = "invalid"
    #: With proof only.
    EXPIRED = "expired"
    USED = "used"
    #: Too many wrong codes (this session, this client, or everyone lately).
    TOO_MANY = "too_many"


#: Wrong typed codes allowed: per session (a chat, a number, a web session), per
#: client address (web chat), and for everyone together (README: threat model).
CODE = "code"
SESSION_LIMIT = Limit(CODE, 5, timedelta(hours=24))
CLIENT_LIMIT = Limit(CODE, 10, timedelta(hours=1))
HOURLY_LIMIT = Limit(CODE, 30, timedelta(hours=1))
DAILY_LIMIT = Limit(CODE, 200, timedelta(days=1))


@dataclass(frozen=True, slots=True)
class Attempt:
    """Someone offering a code or token: on which channel, from where."""

    secret: str
    channel: Channel
    #: The sender's phone number on SMS and WhatsApp (E.164), else None.
    phone: str | None
    #: The contact's keyed address: one "session" (a chat, a number, a web session).
    session_key: str
    #: Web chat: a keyed hash of the client's address (through trusted proxies).
    client_key: str | None = None


@dataclass(frozen=True, slots=True)
class Connected:
    invitation: Invitation
    office: Office
    proof: Proof
    #: The same person again (a second tap on the link): nothing new happened.
    again: bool = False
    #: Taken back from an earlier connection made with a typed code.
    reclaimed: bool = False
    #: The letter's name and address are now the person's letter contact.
    kept_postal: bool = False
    #: The office gave a number for SMS/WhatsApp, but it is not proven here: the person
    #: has to write from it once before Lotse uses it.
    phone_unproven: bool = False


async def connect_invitation(
    session: AsyncSession, vault: Vault, attempt: Attempt, person_id: int, now: datetime
) -> Connected | Refusal:
    row = await _find(session, vault, attempt.secret)
    invitation = row[0] if row else None
    proof = _proof(vault, attempt, invitation)
    if proof is Proof.CODE and await _limited(session, attempt, now):
        log.warning("a connect code on %s was refused: too many wrong codes", attempt.channel)
        return Refusal.TOO_MANY
    if row is None:
        return _failed(session, attempt, proof, now)
    invitation, office = row
    if invitation.status == InvitationStatus.CONNECTED.value:
        if invitation.person_id == person_id:
            return Connected(invitation, office, proof, again=True)
        if proof is not Proof.CODE and invitation.connected_by in (Proof.CODE.value, None):
            return await _reclaim(session, invitation, office, proof, person_id, now)
        return Refusal.USED if proof is not Proof.CODE else _failed(session, attempt, proof, now)
    if invitation.status not in {s.value for s in OPEN} or invitation.expires_at <= now:
        return Refusal.EXPIRED if proof is not Proof.CODE else _failed(session, attempt, proof, now)
    return await _connect(session, vault, attempt, invitation, office, proof, person_id, now)


async def _find(
    session: AsyncSession, vault: Vault, secret: str
) -> tuple[Invitation, Office] | None:
    column, index = (
        (Invitation.token_index, token_index(vault, secret))
        if is_token(secret)
        else (Invitation.code_index, code_index(vault, secret))
    )
    row = (
        await session.execute(
            select(Invitation, Office)
            .join(Office, Office.id == Invitation.office_id)
            .where(column == index)
            .with_for_update()
        )
    ).first()
    return None if row is None else (row[0], row[1])


def _proof(vault: Vault, attempt: Attempt, invitation: Invitation | None) -> Proof:
    if is_token(attempt.secret):
        return Proof.TOKEN
    if (
        invitation is not None
        and attempt.phone is not None
        and invitation.phone_index is not None
        and invitation.phone_index == address_index(vault, Channel.SMS, attempt.phone)
    ):
        return Proof.SENDER
    return Proof.CODE


async def _limited(session: AsyncSession, attempt: Attempt, now: datetime) -> bool:
    if await reached(session, SESSION_LIMIT, now, key=attempt.session_key):
        return True
    if attempt.client_key is not None and await reached(
        session, CLIENT_LIMIT, now, client=attempt.client_key
    ):
        return True
    return await reached(session, HOURLY_LIMIT, now) or await reached(session, DAILY_LIMIT, now)


def _failed(session: AsyncSession, attempt: Attempt, proof: Proof, now: datetime) -> Refusal:
    """A wrong typed code counts against the session, the client and everyone. A wrong
    token is not counted: it cannot be guessed (it is a link cut short)."""
    if proof is Proof.CODE:
        record(session, CODE, now, key=attempt.session_key, client=attempt.client_key)
    return Refusal.INVALID


async def _connect(
    session: AsyncSession,
    vault: Vault,
    attempt: Attempt,
    invitation: Invitation,
    office: Office,
    proof: Proof,
    person_id: int,
    now: datetime,
) -> Connected:
    personal = personal_of(vault, invitation) or Personal()
    invitation.status = InvitationStatus.CONNECTED.value
    invitation.person_id = person_id
    invitation.connected_by = proof.value
    close(invitation, now)
    add_event(session, invitation, InvitationStatus.CONNECTED, now,
              f"by {proof.value} on {attempt.channel.value}")  # fmt: skip
    await session.execute(
        update(Letter)
        .where(Letter.invitation_id == invitation.id, Letter.status == LetterStatus.PENDING.value)
        .values(status=LetterStatus.CANCELLED.value)
    )
    await link_to_person(session, invitation.id, person_id)
    channels = [Channel(c) for c in invitation.channels]
    wants_phone = personal.phone is not None and any(c in PHONE_CHANNELS for c in channels)
    if proof is Proof.SENDER and personal.phone is not None:
        await _attach_phone(session, vault, personal.phone, channels, person_id, now)
    address = personal.postal_address
    kept = (
        Channel.LETTER in channels
        and address is not None
        and await keep_postal_address(session, vault, person_id, address, now)
    )
    return Connected(
        invitation, office, proof, kept_postal=kept,
        phone_unproven=wants_phone and proof is not Proof.SENDER,
    )  # fmt: skip


async def _attach_phone(
    session: AsyncSession,
    vault: Vault,
    phone: str,
    channels: list[Channel],
    person_id: int,
    now: datetime,
) -> None:
    """The proven number becomes the person's on the phone channels they agreed to
    (the one they wrote from is theirs already), unless someone else has it."""
    for channel in channels:
        if channel not in PHONE_CHANNELS:
            continue
        index = address_index(vault, channel, phone)
        await attach(session, channel, index, person_id, now, address_enc=vault.encrypt(phone))


async def _reclaim(
    session: AsyncSession,
    invitation: Invitation,
    office: Office,
    proof: Proof,
    person_id: int,
    now: datetime,
) -> Connected:
    """The owner, with proof, takes the invitation back from a typed-code connection,
    and with it the letter contact that connection brought."""
    previous = invitation.person_id
    invitation.person_id = person_id
    invitation.connected_by = proof.value
    add_event(session, invitation, "reclaimed", now,
              f"by {proof.value}; it had been connected with a typed code")  # fmt: skip
    await link_to_person(session, invitation.id, person_id, taken_from=previous)
    moved = False
    if invitation.postal_index is not None:
        # Only a letter contact that exists moves: a reclaim makes none.
        contact = await contact_for(session, Channel.LETTER, invitation.postal_index)
        if contact is not None:
            moved = join(contact, person_id, take_from=previous) is Joined.TAKEN_OVER
    log.warning(
        "invitation %s reclaimed with %s proof from a connection made with a typed code "
        "(a possible guess: see `lotse security connections`)",
        invitation.public_id, proof.value,
    )  # fmt: skip
    return Connected(invitation, office, proof, reclaimed=True, kept_postal=moved)
