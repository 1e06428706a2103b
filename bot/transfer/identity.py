"""Who this installation is among its peers, and whom it trusts.

- The id (LOTSE_TRANSFER_ID, e.g. "koeln"): how peers know it, and its codes' prefix.
- The signing key: Ed25519, a PEM file made on first use with mode 0600
  (LOTSE_TRANSFER_KEY_FILE, default LOTSE_DATA_DIR/transfer.key). Its public half and
  fingerprint (`lotse transfer key`) go to the peers' operators, out of band.
- The peers (LOTSE_TRANSFER_PEERS, TOML): each peer's id, display name, HTTPS base URL
  and pinned public key(s). Two keys while a peer rotates its key.

Transfers are off while the id is empty.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from bot.config import ConfigError, Settings

KEY_FILE = "transfer.key"
KEY_PREFIX = "ed25519:"
PEER_ID = re.compile(r"[a-z][a-z0-9]{1,11}")
NAME_MAX = 80


class TransferConfigError(ConfigError):
    """A bad transfer setting or peers file; the message is one line naming it."""


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def public_text(key: Ed25519PublicKey) -> str:
    """The form a peers file pins: "ed25519:" and the 32 raw bytes, base64url."""
    return KEY_PREFIX + b64(key.public_bytes_raw())


def fingerprint(key: Ed25519PublicKey) -> str:
    """SHA-256 of the raw key, for operators to compare by phone or letter."""
    digest = hashlib.sha256(key.public_bytes_raw()).hexdigest()[:32].upper()
    return "-".join(digest[i : i + 4] for i in range(0, len(digest), 4))


def parse_public(text: str) -> Ed25519PublicKey:
    if not text.startswith(KEY_PREFIX):
        raise ValueError(f"must start with {KEY_PREFIX!r}")
    try:
        raw = unb64(text.removeprefix(KEY_PREFIX))
    except ValueError:
        raise ValueError("is not base64url") from None
    if len(raw) != 32:
        raise ValueError("must be 32 bytes")
    return Ed25519PublicKey.from_public_bytes(raw)


@dataclass(frozen=True, slots=True)
class Peer:
    id: str
    name: str
    #: The HTTPS base URL, without a trailing slash.
    url: str
    #: Pinned keys; more than one only while the peer rotates.
    keys: tuple[Ed25519PublicKey, ...]

    @property
    def claim_url(self) -> str:
        return self.url + "/transfer/v1/claim"


@dataclass(frozen=True, slots=True)
class Identity:
    id: str
    key: Ed25519PrivateKey
    peers: tuple[Peer, ...]

    def peer(self, peer_id: str) -> Peer | None:
        return next((p for p in self.peers if p.id == peer_id), None)

    @property
    def public(self) -> Ed25519PublicKey:
        return self.key.public_key()


def key_path(settings: Settings) -> Path:
    return settings.transfer_key_file or settings.data_dir / KEY_FILE


def load_key(path: Path, *, create: bool = True) -> Ed25519PrivateKey:
    """The private key; made on first use, readable by the owner only."""
    if not path.exists():
        if not create:
            raise TransferConfigError(f"LOTSE_TRANSFER_KEY_FILE: {path} does not exist")
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        pem = Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it just now: use theirs
            return load_key(path, create=False)
        with os.fdopen(fd, "wb") as out:
            out.write(pem)
    if path.stat().st_mode & 0o077:
        raise TransferConfigError(
            f"LOTSE_TRANSFER_KEY_FILE: {path} may be read by others; chmod 600 it"
        )
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except ValueError:
        raise TransferConfigError(f"LOTSE_TRANSFER_KEY_FILE: {path} is no PEM key") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise TransferConfigError(f"LOTSE_TRANSFER_KEY_FILE: {path} is not an Ed25519 key")
    return key


def _peer(n: int, entry: Any, own: str) -> Peer:
    if not isinstance(entry, dict):
        raise ValueError(f"peer {n}: must be a table ([[peer]])")
    peer_id = entry.get("id")
    where = f"peer {n}" + (f" ({peer_id})" if isinstance(peer_id, str) else "")
    unknown = set(entry) - {"id", "name", "url", "public_key", "public_keys"}
    if unknown:
        raise ValueError(f"{where}: unknown field {sorted(unknown)[0]!r}")
    if not isinstance(peer_id, str) or not PEER_ID.fullmatch(peer_id):
        raise ValueError(f"{where}: id must be 2 to 12 lowercase letters or digits")
    if peer_id == own:
        raise ValueError(f"{where}: is this installation's own id (LOTSE_TRANSFER_ID)")
    name = entry.get("name")
    if not isinstance(name, str) or not name.strip() or len(name) > NAME_MAX:
        raise ValueError(f"{where}: name must be a text of 1 to {NAME_MAX} characters")
    url = entry.get("url")
    parsed = urlparse(url) if isinstance(url, str) else None
    if parsed is None or parsed.scheme != "https" or not parsed.hostname:
        raise ValueError(f"{where}: url must be an https:// address")
    if parsed.query or parsed.fragment or parsed.username:
        raise ValueError(f"{where}: url must have no query, fragment or user")
    texts = entry.get("public_keys", [entry["public_key"]] if "public_key" in entry else [])
    if not isinstance(texts, list) or not texts or not all(isinstance(t, str) for t in texts):
        raise ValueError(f"{where}: public_key (or public_keys, a list) is missing")
    keys = []
    for text in texts:
        try:
            keys.append(parse_public(text))
        except ValueError as error:
            raise ValueError(f"{where}: public key {error}") from None
    assert isinstance(url, str)
    return Peer(peer_id, name.strip(), url.rstrip("/"), tuple(keys))


def parse_peers(text: str, own: str) -> tuple[Peer, ...]:
    """The peers of a TOML text; ValueError with the first problem found."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ValueError(f"not valid TOML: {error}") from None
    unknown = set(data) - {"peer"}
    if unknown:
        raise ValueError(f"unknown table {sorted(unknown)[0]!r} (expected [[peer]])")
    entries = data.get("peer", [])
    if not isinstance(entries, list):
        raise ValueError("peer must be an array of tables ([[peer]])")
    peers = tuple(_peer(n, entry, own) for n, entry in enumerate(entries, 1))
    seen: set[str] = set()
    for peer in peers:
        if peer.id in seen:
            raise ValueError(f"peer {peer.id}: listed twice")
        seen.add(peer.id)
    return peers


def load_peers(settings: Settings) -> tuple[Peer, ...]:
    path = settings.transfer_peers
    if path is None:
        return ()
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise TransferConfigError(f"LOTSE_TRANSFER_PEERS: cannot read {path}: {error}") from None
    try:
        return parse_peers(text, settings.transfer_id)
    except ValueError as error:
        raise TransferConfigError(f"LOTSE_TRANSFER_PEERS ({path}): {error}") from None


def load_identity(settings: Settings) -> Identity | None:
    """This installation's identity, or None when transfers are off (no id set)."""
    if not settings.transfer_id:
        return None
    if settings.transfer_ca_file is not None and not settings.transfer_ca_file.is_file():
        raise TransferConfigError(
            f"LOTSE_TRANSFER_CA_FILE: {settings.transfer_ca_file} is not a file"
        )
    return Identity(settings.transfer_id, load_key(key_path(settings)), load_peers(settings))
