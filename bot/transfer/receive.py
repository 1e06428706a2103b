"""The installation a person moves to: it claims their code from the issuing peer over
HTTPS, and accepts the answer only if the peer's pinned key signed it, for this
installation, still valid, and never seen before."""

from __future__ import annotations

import json
import logging
import secrets
import ssl
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

import aiohttp
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.audit import Actor, Concerned, record
from bot.config import Settings
from bot.db.models import TransferReceived
from bot.transfer.codes import TransferCode
from bot.transfer.document import Document, DocumentError, Item, iso, read_document
from bot.transfer.identity import Identity, Peer
from bot.transfer.signing import FORMAT, BadSignature, Purpose, open_signed, sign
from bot.transfer.source import CATEGORIES

log = logging.getLogger(__name__)
#: Answers are small; anything larger is not a transfer document.
MAX_ANSWER = 64 * 1024


class Failure(StrEnum):
    """Why nothing was brought along, for the flow to tell the person."""

    NOT_CONFIGURED = "not_configured"
    TOO_MANY = "too_many"
    #: A code of this very installation.
    OWN = "own"
    UNKNOWN_PEER = "unknown_peer"
    INVALID = "invalid"
    EXPIRED = "expired"
    USED = "used"
    #: The peer was not reached, or did not answer in time.
    UNREACHABLE = "unreachable"
    #: The peer refuses this installation (not its peer, keys not exchanged).
    REFUSED = "refused"
    #: An answer that is no valid document for us: garbage, a bad signature, a replay.
    BAD_ANSWER = "bad_answer"
    #: The fetch was cut off (a restart) after the claim went out: the issuer may have
    #: used the code up, and nothing arrived here.
    INTERRUPTED = "interrupted"


ERRORS = {
    "code_invalid": Failure.INVALID,
    "code_expired": Failure.EXPIRED,
    "code_used": Failure.USED,
    "too_many": Failure.UNREACHABLE,
}


@dataclass(frozen=True, slots=True)
class Received:
    peer: str
    language: str | None
    order: tuple[str, ...] | None
    agreed: tuple[str, ...] | None


def claim_message(
    identity: Identity, peer: Peer, code: TransferCode, now: datetime
) -> dict[str, Any]:
    payload = {
        "format": FORMAT,
        "kind": "claim",
        "requester": identity.id,
        "audience": peer.id,
        "code": str(code),
        "at": iso(now),
        "nonce": secrets.token_urlsafe(16),
    }
    return sign(identity.key, Purpose.CLAIM, payload)


def ssl_context(settings: Settings) -> ssl.SSLContext:
    ca = settings.transfer_ca_file
    return ssl.create_default_context(cafile=str(ca) if ca else None)


async def post_claim(
    settings: Settings, peer: Peer, message: dict[str, Any]
) -> tuple[int, Any] | Failure:
    """The peer's status and JSON answer; UNREACHABLE or BAD_ANSWER if there is none."""
    timeout = aiohttp.ClientTimeout(total=settings.transfer_timeout_seconds)
    try:
        async with (
            aiohttp.ClientSession(timeout=timeout) as http,
            http.post(
                peer.claim_url, json=message, ssl=ssl_context(settings), allow_redirects=False
            ) as response,
        ):
            body = await response.content.read(MAX_ANSWER + 1)
            status = response.status
    except (aiohttp.ClientError, TimeoutError, OSError) as error:
        log.warning("transfer peer %s not reached: %s", peer.id, type(error).__name__)
        return Failure.UNREACHABLE
    if len(body) > MAX_ANSWER:
        return Failure.BAD_ANSWER
    try:
        return status, json.loads(body)
    except (ValueError, RecursionError):
        log.warning("transfer peer %s answered %s with no JSON", peer.id, status)
        return Failure.UNREACHABLE if status >= 500 else Failure.BAD_ANSWER


async def claim_document(
    settings: Settings, identity: Identity, peer: Peer, code: TransferCode, now: datetime
) -> Document | Failure:
    """Claim `code` from `peer` over HTTPS and check the answer: no database here, so
    no transaction waits on the peer (bot.transfer.fetcher calls this with none open)."""
    answer = await post_claim(settings, peer, claim_message(identity, peer, code, now))
    if isinstance(answer, Failure):
        return answer
    status, body = answer
    if status != 200:
        error = body.get("error") if isinstance(body, dict) else None
        log.info("transfer peer %s refused a claim: %s %s", peer.id, status, error)
        if status >= 500:
            return Failure.UNREACHABLE
        return ERRORS.get(str(error), Failure.REFUSED)
    document = _verified(body, identity, peer, now)
    return Failure.BAD_ANSWER if document is None else document


async def accept_document(
    session: AsyncSession, peer: Peer, document: Document, person_id: int, now: datetime
) -> Received | Failure:
    """Take a checked document for the person, once: recorded in their access log."""
    if not await _first_time(session, document, now):
        log.warning("transfer document from peer %s was replayed", peer.id)
        return Failure.BAD_ANSWER
    items = document.items
    taken = [i for i, there in ((Item.LANGUAGE, items.language), (Item.CHANNELS, items.order))
             if there is not None]  # fmt: skip
    await record(session, Actor.peer(peer.id), "transfer.received", now,
                 concerns=[Concerned(person_id=person_id)],
                 categories=[c for item in taken for c in CATEGORIES[item]],
                 detail=peer.name)  # fmt: skip
    return Received(peer.name, items.language, items.order, items.agreed)


def _verified(body: Any, identity: Identity, peer: Peer, now: datetime) -> Document | None:
    try:
        payload = open_signed(body, Purpose.DOCUMENT, peer.keys)
        return read_document(payload, issuer=peer.id, audience=identity.id, now=now)
    except (BadSignature, DocumentError) as error:
        log.warning("transfer answer of peer %s refused: %s", peer.id, error)
        return None


async def _first_time(session: AsyncSession, document: Document, now: datetime) -> bool:
    seen = await session.scalar(
        select(TransferReceived.document_id).where(TransferReceived.document_id == document.id)
    )
    if seen is not None:
        return False
    try:
        async with session.begin_nested():
            seen_now = TransferReceived(
                document_id=document.id,
                issuer=document.issuer,
                received_at=now,
                expires_at=document.expires_at,
            )
            session.add(seen_now)
    except IntegrityError:
        return False
    return True
