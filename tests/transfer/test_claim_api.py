"""POST /transfer/v1/claim as another implementation would call it: only known peers,
signed, addressed to this installation, recent; a code consumed once even when two
claims arrive together; a code of one person never yields another's data; wrong codes
throttled per requesting peer."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import delete

from bot.db.models import ThrottleEvent
from bot.runtime.jobs import registered_jobs
from bot.transfer import (
    Identity,
    Purpose,
    claim_message,
    find_transfer_code,
    open_signed,
    purge_transfers,
    sign,
)
from tests.support.transfer import log_entries
from tests.transfer.conftest import Pair
from tests.transfer.test_between_installations import leaving, people

PATH = "/transfer/v1/claim"


async def post(pair: Pair, body: Any) -> tuple[int, Any]:
    response = await pair.at_koeln.post(PATH, json=body)
    return response.status, await response.json()


def claim(pair: Pair, typed: str, identity: Identity | None = None, **changes: Any) -> Any:
    identity = identity or pair.bonn_identity
    peer = pair.bonn_identity.peer("koeln")
    found = find_transfer_code(typed)
    assert peer is not None and found is not None
    message = claim_message(identity, peer, found, pair.clock())
    if changes:  # re-signed with the changes, by the same key
        message = sign(identity.key, Purpose.CLAIM, {**message["payload"], **changes})
    return message


async def test_a_claim_gets_the_chosen_items_signed_for_the_requester(pair: Pair) -> None:
    _, code = await leaving(pair, lang="ar")
    status, body = await post(pair, claim(pair, code))
    assert status == 200
    document = open_signed(body, Purpose.DOCUMENT, (pair.koeln_key.public_key(),))
    assert document["issuer"] == "koeln" and document["audience"] == "bonn"
    items = document["items"]
    assert set(items) == {"language", "channels"} and items["language"] == {"code": "ar"}
    assert items["channels"]["order"] == ["sms", "webchat"]
    assert sorted(items["channels"]["agreed"]) == ["sms", "webchat"]
    # Nothing that names or reaches the person, and no consent record.
    flat = str(document)
    assert "phone" not in flat and "address" not in flat and "record" not in flat
    assert await post(pair, claim(pair, code)) == (410, {"error": "code_used"})


async def test_unknown_unsigned_misaddressed_or_stale_claims_are_refused(pair: Pair) -> None:
    _, code = await leaving(pair)
    stranger = Identity("dorf", Ed25519PrivateKey.generate(), pair.bonn_identity.peers)
    impostor = Identity("bonn", Ed25519PrivateKey.generate(), pair.bonn_identity.peers)
    assert await post(pair, claim(pair, code, stranger)) == (401, {"error": "unknown_peer"})
    assert await post(pair, claim(pair, code, impostor)) == (401, {"error": "bad_signature"})
    assert await post(pair, claim(pair, code, audience="dorf")) == (
        403, {"error": "wrong_audience"})  # fmt: skip
    assert await post(pair, claim(pair, code, at="2026-11-23T08:00:00Z")) == (
        400, {"error": "stale_request"})  # fmt: skip
    tampered = claim(pair, code)
    tampered["payload"]["requester"] = "bonn"
    tampered["payload"]["code"] = "KOELN-2345-6789-ABCD"
    assert await post(pair, tampered) == (401, {"error": "bad_signature"})
    for junk in ({}, [], "x", {"payload": 1, "signature": 2}):
        status, _ = await post(pair, junk)
        assert status in (400, 401)
    response = await pair.at_koeln.post(PATH, data=b"\xff\xfe not json")
    assert response.status == 400
    # None of it used the code.
    status, _ = await post(pair, claim(pair, code))
    assert status == 200
    assert len(await log_entries(pair.koeln, "transfer.sent")) == 1


async def test_two_claims_at_once_get_the_document_once(pair: Pair) -> None:
    _, code = await leaving(pair)
    results = await asyncio.gather(*(post(pair, claim(pair, code)) for _ in range(4)))
    assert sorted(status for status, _ in results) == [200, 410, 410, 410]
    assert len(await log_entries(pair.koeln, "transfer.sent")) == 1


async def test_a_code_yields_only_its_own_persons_data(pair: Pair) -> None:
    _, english = await leaving(pair, lang="en", take="take-language")
    _, turkish = await leaving(pair, lang="tr", take="take-language")
    key = (pair.koeln_key.public_key(),)
    for code, lang in ((turkish, "tr"), (english, "en")):
        status, body = await post(pair, claim(pair, code))
        assert status == 200
        assert open_signed(body, Purpose.DOCUMENT, key)["items"] == {"language": {"code": lang}}
    first, second = await people(pair.koeln)
    sent = await log_entries(pair.koeln, "transfer.sent")
    assert [entry.person_id for entry in sent] == [second.id, first.id]


async def test_wrong_codes_are_throttled_per_requesting_peer(pair: Pair) -> None:
    _, code = await leaving(pair)
    for n in range(30):
        status, body = await post(
            pair, claim(pair, f"KOELN-2345-6789-{'ABCDEFGHJKMNPQRSTUVWXYZ2345678'[n]}BCD")
        )
        assert (status, body) == (404, {"error": "code_invalid"})
    assert await post(pair, claim(pair, code)) == (429, {"error": "too_many"})
    async with pair.koeln.sessionmaker() as session, session.begin():
        await session.execute(delete(ThrottleEvent))
    status, _ = await post(pair, claim(pair, code))
    assert status == 200  # the refusals did not touch the code


async def test_expired_codes_and_old_document_ids_are_purged(pair: Pair) -> None:
    _, code = await leaving(pair)
    status, _ = await post(pair, claim(pair, code))
    assert status == 200
    await leaving(pair)  # another person's live code stays
    assert [job.id for job in registered_jobs(pair.koeln) if job.id.startswith("transfer")] == [
        "transfer-retention"
    ]
    assert await purge_transfers(pair.koeln.sessionmaker, pair.clock()) == 0
    pair.clock.advance(hours=73)
    assert await purge_transfers(pair.koeln.sessionmaker, pair.clock()) == 2


async def test_a_claim_over_the_size_limit_is_refused_unread(pair: Pair) -> None:
    response = await pair.at_koeln.post(PATH, data=b"{" + b" " * 9000 + b"}")
    assert response.status == 413 and await response.json() == {"error": "bad_request"}


async def test_hostile_claims_get_a_4xx_never_a_5xx(pair: Pair) -> None:
    _, code = await leaving(pair)
    good = claim(pair, code)
    hostile: list[bytes] = [
        b"[" * 4000 + b"]" * 4000,
        b'{"payload": {"requester": "bonn"}, "signature": {"alg": "Ed25519", "value": "!!"}}',
        b'{"payload": {"requester": "\\ud800"}, "signature": {}}',
        b'{"payload": {"requester": ["bonn"]}, "signature": {}}',
        json.dumps({**good, "signature": {"alg": "Ed25519", "value": 5}}).encode(),
        json.dumps(
            {"payload": {**good["payload"], "x": 1.5}, "signature": good["signature"]}
        ).encode(),
        b"\x00\x01\x02",
        b"null",
        b'"just a string"',
    ]
    for changes in ({"at": "2026-11-23T09:00:00"}, {"at": "2026-11-23T10:00:00+01:00"},
                    {"at": 5}, {"code": 5}, {"code": "x" * 5000}, {"kind": "document"},
                    {"requester": {"id": "bonn"}}):  # fmt: skip
        hostile.append(json.dumps(claim(pair, code, **changes)).encode())
    for body in hostile:
        response = await pair.at_koeln.post(PATH, data=body)
        assert 400 <= response.status < 500, (body[:80], response.status)
        assert set(await response.json()) == {"error"}
    # And the code still works for its real claim.
    status, _ = await post(pair, good)
    assert status == 200
