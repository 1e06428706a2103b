"""The pieces another system must reproduce: canonical JSON, signatures, documents,
codes, the peers file and the key file."""

from __future__ import annotations

import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from bot.config import load_settings
from bot.transfer import (
    BadSignature,
    DocumentError,
    Items,
    Purpose,
    TransferConfigError,
    canonical,
    find_transfer_code,
    fingerprint,
    load_identity,
    load_key,
    new_code,
    open_signed,
    parse_peers,
    public_text,
    read_document,
    sign,
)
from bot.transfer.document import new_document
from tests.support.settings import SECRET

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def test_canonical_json_sorts_keys_keeps_unicode_and_refuses_floats() -> None:
    value = {"b": [1, True, None], "a": "Köln ትግርኛ", "c": {"z": 1, "y": "x"}}
    assert canonical(value) == '{"a":"Köln ትግርኛ","b":[1,true,null],"c":{"y":"x","z":1}}'.encode()
    with pytest.raises(TypeError):
        canonical({"a": 1.5})


def test_a_signature_covers_the_payload_and_its_purpose() -> None:
    key = Ed25519PrivateKey.generate()
    signed = sign(key, Purpose.DOCUMENT, {"a": 1, "b": "x"})
    assert open_signed(signed, Purpose.DOCUMENT, (key.public_key(),)) == {"a": 1, "b": "x"}
    # Keys reordered in transit: the canonical form is the same.
    reordered = {"signature": signed["signature"], "payload": {"b": "x", "a": 1}}
    assert open_signed(reordered, Purpose.DOCUMENT, (key.public_key(),))
    with pytest.raises(BadSignature):  # a claim's signature is no document's
        open_signed(signed, Purpose.CLAIM, (key.public_key(),))
    with pytest.raises(BadSignature):  # changed
        open_signed({**signed, "payload": {"a": 2, "b": "x"}}, Purpose.DOCUMENT,
                    (key.public_key(),))  # fmt: skip
    with pytest.raises(BadSignature):  # another key
        open_signed(signed, Purpose.DOCUMENT, (Ed25519PrivateKey.generate().public_key(),))
    with pytest.raises(BadSignature):
        open_signed({"payload": {}, "signature": {"alg": "none", "value": ""}}, Purpose.DOCUMENT,
                    (key.public_key(),))  # fmt: skip
    # During a rotation either pinned key is enough.
    rotated = (Ed25519PrivateKey.generate().public_key(), key.public_key())
    assert open_signed(signed, Purpose.DOCUMENT, rotated)


def test_a_document_is_checked_for_issuer_audience_time_and_shape() -> None:
    items = Items("ar", ("sms", "webchat"), ("sms",))
    payload = new_document("koeln", "bonn", NOW, items)
    assert set(payload) == {"format", "kind", "issuer", "audience", "issued_at", "expires_at",
                            "id", "items"}  # fmt: skip
    channels = {"order": ["sms", "webchat"], "agreed": ["sms"]}
    assert payload["items"] == {"language": {"code": "ar"}, "channels": channels}
    document = read_document(payload, issuer="koeln", audience="bonn", now=NOW)
    assert document.items == items
    with pytest.raises(DocumentError, match="another installation"):
        read_document(payload, issuer="koeln", audience="dorf", now=NOW)
    with pytest.raises(DocumentError, match="another installation than asked"):
        read_document(payload, issuer="dorf", audience="bonn", now=NOW)
    with pytest.raises(DocumentError, match="expired"):
        read_document(payload, issuer="koeln", audience="bonn", now=NOW + timedelta(minutes=11))
    with pytest.raises(DocumentError, match="future"):
        read_document(payload, issuer="koeln", audience="bonn", now=NOW - timedelta(hours=1))
    for bad in ({"language": {"code": "<script>"}}, {"channels": {"order": "sms"}},
                {"channels": {"order": ["sms", "sms"], "agreed": []}}, []):  # fmt: skip
        with pytest.raises(DocumentError):
            read_document({**payload, "items": bad}, issuer="koeln", audience="bonn", now=NOW)
    # Only what was chosen travels; an unknown later item kind is ignored.
    only = {**payload, "items": {"language": {"code": "uk"}, "handoffs": [{"x": 1}]}}
    assert read_document(only, issuer="koeln", audience="bonn", now=NOW).items == Items("uk")


def test_codes_carry_their_issuer_and_are_found_as_typed() -> None:
    code = new_code("koeln")
    text = str(code)
    assert text.startswith("KOELN-") and len(text) == len("KOELN-7KQ2-9XW4-M3PA")
    assert find_transfer_code(text) == code
    assert find_transfer_code(text.lower().replace("-", " ")) == code
    assert find_transfer_code("KOELN-7KQ29XW4M3PA") is not None
    # An invitation code is no transfer code, nor a sentence.
    assert find_transfer_code("K7QF-9M2X") is None
    assert find_transfer_code("hello there") is None
    secrets = {new_code("koeln").secret for _ in range(200)}
    assert len(secrets) == 200


def peer_text(
    key: Ed25519PrivateKey, peer_id: str = "bonn", url: str = "https://lotse.bonn.example"
) -> str:
    return (f'[[peer]]\nid = "{peer_id}"\nname = "Lotse Bonn"\nurl = "{url}"\n'
            f'public_key = "{public_text(key.public_key())}"\n')  # fmt: skip


def test_the_peers_file_is_checked_with_a_clear_line() -> None:
    key = Ed25519PrivateKey.generate()
    [peer] = parse_peers(peer_text(key), "koeln")
    assert (peer.id, peer.name, peer.claim_url) == (
        "bonn",
        "Lotse Bonn",
        "https://lotse.bonn.example/transfer/v1/claim",
    )
    problems = {
        peer_text(key, url="http://lotse.bonn.example"): "url must be an https:// address",
        peer_text(key, peer_id="Bonn!"): "id must be",
        peer_text(key, peer_id="koeln"): "own id",
        peer_text(key) + peer_text(key): "listed twice",
        peer_text(key).replace("ed25519:", "rsa:"): "must start with 'ed25519:'",
        peer_text(key).replace('name = "Lotse Bonn"\n', ""): "name must be",
        "[[peer]\n": "not valid TOML",
        peer_text(key) + 'colour = "red"\n': "unknown field 'colour'",
    }
    for text, problem in problems.items():
        with pytest.raises(ValueError, match=problem):
            parse_peers(text, "koeln")


def test_the_key_is_made_once_readable_by_the_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "transfer.key"
    key = load_key(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_key(path).public_key().public_bytes_raw() == key.public_key().public_bytes_raw()
    assert len(fingerprint(key.public_key())) == 39
    path.chmod(0o644)
    with pytest.raises(TransferConfigError, match="chmod 600"):
        load_key(path)


def test_transfers_are_off_without_an_id_and_a_bad_peers_file_stops_the_start(
    tmp_path: Path,
) -> None:
    base = {"data_dir": tmp_path, "secret_key": SECRET, "_env_file": None}
    assert load_identity(load_settings(**base)) is None
    peers = tmp_path / "peers.toml"
    peers.write_text(peer_text(Ed25519PrivateKey.generate(), url="http://x.example"))
    settings = load_settings(**base, transfer_id="koeln", transfer_peers=peers)
    with pytest.raises(TransferConfigError, match=r"LOTSE_TRANSFER_PEERS .*https://"):
        load_identity(settings)
