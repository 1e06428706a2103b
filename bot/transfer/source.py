"""The installation a person leaves: it issues their code and answers a peer's claim.

A claim is answered only for a known peer whose signature checks, addressed to this
installation. The code is consumed by one UPDATE that matches only an unused, unexpired
code, so of two claims at once only one gets the document (PostgreSQL re-checks the
condition on the locked row; SQLite has one writer). Every refused code counts against
the requesting peer's limit.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.audit import Actor, Category, Concerned, record
from bot.consent import ConsentBook
from bot.db.models import Person, TransferCode
from bot.kernel.crypto import Vault
from bot.throttle import Limit, key_of, reached
from bot.throttle import record as count_attempt
from bot.transfer.codes import TransferCode as Code
from bot.transfer.codes import code_index, find_transfer_code, new_code
from bot.transfer.document import SKEW, DocumentError, Item, Items, new_document, parse_time
from bot.transfer.identity import Identity
from bot.transfer.signing import FORMAT, BadSignature, Purpose, open_signed, sign

log = logging.getLogger(__name__)

#: Refused codes a peer may send in an hour: it asks for all its people together.
PEER_LIMIT = Limit("transfer", 30, timedelta(hours=1))
CATEGORIES = {
    Item.LANGUAGE: (Category.LANGUAGE,),
    Item.CHANNELS: (Category.CONTACT, Category.CONSENT),
}


class ClaimError(StrEnum):
    """Error codes of /transfer/v1/claim, with their HTTP status (docs/transfer.md)."""

    BAD_REQUEST = "bad_request"
    NOT_CONFIGURED = "not_configured"
    UNKNOWN_PEER = "unknown_peer"
    BAD_SIGNATURE = "bad_signature"
    WRONG_AUDIENCE = "wrong_audience"
    STALE_REQUEST = "stale_request"
    TOO_MANY = "too_many"
    CODE_INVALID = "code_invalid"
    CODE_EXPIRED = "code_expired"
    CODE_USED = "code_used"


STATUS = {
    ClaimError.BAD_REQUEST: 400,
    ClaimError.STALE_REQUEST: 400,
    ClaimError.NOT_CONFIGURED: 404,
    ClaimError.UNKNOWN_PEER: 401,
    ClaimError.BAD_SIGNATURE: 401,
    ClaimError.WRONG_AUDIENCE: 403,
    ClaimError.TOO_MANY: 429,
    ClaimError.CODE_INVALID: 404,
    ClaimError.CODE_EXPIRED: 410,
    ClaimError.CODE_USED: 410,
}


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    body: dict[str, Any]


def refused(error: ClaimError) -> Answer:
    return Answer(STATUS[error], {"error": error.value})


async def issue_code(
    session: AsyncSession,
    vault: Vault,
    identity: Identity,
    person_id: int,
    items: Sequence[Item],
    now: datetime,
    valid: timedelta,
) -> tuple[Code, datetime]:
    """A new code for the person; the one they had before stops working."""
    code = new_code(identity.id)
    # To the minute: the time the person is told is the time it ends.
    expires = (now + valid).replace(second=0, microsecond=0)
    await session.execute(delete(TransferCode).where(TransferCode.person_id == person_id))
    session.add(
        TransferCode(
            person_id=person_id,
            code_index=code_index(vault, code),
            items=[item.value for item in items],
            created_at=now,
            expires_at=expires,
        )
    )
    await session.flush()
    return code, expires


def _claim(body: bytes, identity: Identity, now: datetime) -> tuple[str, Code | None] | ClaimError:
    """The requesting peer and the code, if the claim is well-formed and theirs."""
    try:
        message = json.loads(body)
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
        return ClaimError.BAD_REQUEST
    payload = message.get("payload") if isinstance(message, dict) else None
    if not isinstance(payload, dict):
        return ClaimError.BAD_REQUEST
    peer = identity.peer(str(payload.get("requester")))
    if peer is None:
        return ClaimError.UNKNOWN_PEER
    try:
        open_signed(message, Purpose.CLAIM, peer.keys)
    except BadSignature:
        return ClaimError.BAD_SIGNATURE
    if payload.get("format") != FORMAT or payload.get("kind") != "claim":
        return ClaimError.BAD_REQUEST
    if payload.get("audience") != identity.id:
        return ClaimError.WRONG_AUDIENCE
    try:
        at = parse_time(payload.get("at"))
    except DocumentError:
        return ClaimError.BAD_REQUEST
    if abs(at - now) > SKEW:
        return ClaimError.STALE_REQUEST
    code = payload.get("code")
    if not isinstance(code, str):
        return ClaimError.BAD_REQUEST
    found = find_transfer_code(code)
    # A code of another installation is no code here.
    return peer.id, found if found is not None and found.issuer == identity.id else None


async def answer_claim(
    sessionmaker: async_sessionmaker[AsyncSession],
    vault: Vault,
    identity: Identity | None,
    body: bytes,
    now: datetime,
) -> Answer:
    """POST /transfer/v1/claim: the signed document, or an error code."""
    if identity is None:
        return refused(ClaimError.NOT_CONFIGURED)
    claim = _claim(body, identity, now)
    if isinstance(claim, ClaimError):
        log.info("a transfer claim was refused: %s", claim.value)
        return refused(claim)
    peer_id, code = claim
    peer = identity.peer(peer_id)
    assert peer is not None
    key = key_of(vault, "peer", peer_id)
    async with sessionmaker() as session, session.begin():
        if await reached(session, PEER_LIMIT, now, key=key):
            log.warning("transfer claims of peer %s refused: too many wrong codes", peer_id)
            return refused(ClaimError.TOO_MANY)
        taken = None if code is None else await _consume(session, vault, code, peer_id, now)
        if taken is None or isinstance(taken, ClaimError):
            count_attempt(session, PEER_LIMIT.kind, now, key=key)
            error = taken or ClaimError.CODE_INVALID
            log.info("a transfer claim of peer %s was refused: %s", peer_id, error.value)
            return refused(error)
        person_id, chosen = taken
        items = await _items(session, person_id, chosen)
        categories = [c for item in chosen for c in CATEGORIES[item]]
        await record(session, Actor.peer(peer_id), "transfer.sent", now,
                     concerns=[Concerned(person_id=person_id)], categories=categories,
                     detail=peer.name)  # fmt: skip
    document = new_document(identity.id, peer_id, now, items)
    log.info("transfer document %s sent to peer %s", document["id"], peer_id)
    return Answer(200, sign(identity.key, Purpose.DOCUMENT, document))


async def _consume(
    session: AsyncSession, vault: Vault, code: Code, peer_id: str, now: datetime
) -> tuple[int, list[Item]] | ClaimError | None:
    index = code_index(vault, code)
    row = (
        await session.execute(
            update(TransferCode)
            .where(TransferCode.code_index == index, TransferCode.used_at.is_(None),
                   TransferCode.expires_at > now)
            .values(used_at=now, used_by=peer_id)
            .returning(TransferCode.person_id, TransferCode.items)
        )
    ).first()  # fmt: skip
    if row is not None:
        return int(row[0]), [Item(i) for i in row[1] if i in Item.__members__.values()]
    used = await session.scalar(
        select(TransferCode.used_at).where(TransferCode.code_index == index)
    )
    exists = await session.scalar(select(TransferCode.id).where(TransferCode.code_index == index))
    if exists is None:
        return None
    return ClaimError.CODE_USED if used is not None else ClaimError.CODE_EXPIRED


async def _items(session: AsyncSession, person_id: int, chosen: list[Item]) -> Items:
    person = await session.get(Person, person_id)
    assert person is not None  # the code goes with the person (on_erasure)
    language = person.language if Item.LANGUAGE in chosen else None
    if Item.CHANNELS not in chosen:
        return Items(language)
    agreed = [c.value for c in await ConsentBook(session, person_id).given_channels()]
    return Items(language, tuple(person.channel_ranking), tuple(agreed))
