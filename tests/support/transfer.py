"""Two real installations of Lotse for transfer tests: each its own database, data
directory and signing key; the issuing one serves HTTPS with a certificate made here,
trusted by the other through LOTSE_TRANSFER_CA_FILE."""

from __future__ import annotations

import datetime as dt
import ipaddress
import re
import socket
import ssl
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiohttp import ClientResponse, ClientSession, web
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.x509.oid import NameOID
from sqlalchemy import select

from adapters.webchat import WebChatAdapter
from bot.config import Settings
from bot.db.models import AccessEntry
from bot.kernel.types import Channel
from bot.messaging import ChannelAdapter
from bot.runtime.services import Services, build_services
from bot.transfer import load_key, public_text
from bot.web.app import make_app
from flows import build_router
from tests.support.clock import Clock
from tests.support.factories import ChatPerson, seed_municipality
from tests.support.settings import SECRET

CODE = re.compile(r"\b[A-Z][A-Z0-9]{1,11}-[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}\b")


@dataclass(frozen=True)
class Pki:
    """A test CA and a server certificate for 127.0.0.1 signed by it."""

    ca_file: Path
    cert_file: Path
    key_file: Path

    def server_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(self.cert_file, self.key_file)
        return context

    def client_context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=str(self.ca_file))


def make_pki(folder: Path) -> Pki:
    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Lotse test CA")])
    ca = (
        x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name)
        .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=2))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                     content_commitment=False, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False,
                                     encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()),
                       critical=False)
        .sign(ca_key, hashes.SHA256())
    )  # fmt: skip
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
        .issuer_name(ca_name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=2))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(
            "127.0.0.1"))]), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
                       critical=False)
        .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]),
                       critical=False)
        .sign(ca_key, hashes.SHA256())
    )  # fmt: skip
    pki = Pki(folder / "ca.pem", folder / "server.pem", folder / "server.key")
    pki.ca_file.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    pki.cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    pki.key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                               serialization.PrivateFormat.PKCS8,
                                               serialization.NoEncryption()))  # fmt: skip
    return pki


def peer_entry(peer_id: str, name: str, url: str, key: Ed25519PrivateKey) -> str:
    return (f'[[peer]]\nid = "{peer_id}"\nname = "{name}"\nurl = "{url}"\n'
            f'public_key = "{public_text(key.public_key())}"\n\n')  # fmt: skip


def free_socket() -> socket.socket:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    return sock


def transfer_settings(folder: Path, database_url: str, transfer_id: str, peers: str,
                      ca: Path | None, **extra: Any) -> dict[str, Any]:  # fmt: skip
    """Settings of one installation in `folder` (its key exists already, see `key_of`)."""
    (folder / "peers.toml").write_text(peers)
    return {"data_dir": folder, "database_url": database_url,
            "secret_key": SECRET + transfer_id,
            "transfer_id": transfer_id, "transfer_peers": folder / "peers.toml",
            "transfer_ca_file": ca, "transfer_timeout_seconds": 3, **extra}  # fmt: skip


def key_of(folder: Path) -> Ed25519PrivateKey:
    """The installation's signing key, made in its data directory as on first use."""
    folder.mkdir(parents=True, exist_ok=True)
    return load_key(folder / "transfer.key")


async def services_for(
    settings: Settings, clock: Clock, adapters: Mapping[Channel, ChannelAdapter] | None = None
) -> Services:
    await seed_municipality(settings)
    every = {Channel.WEBCHAT: WebChatAdapter(), **(adapters or {})}
    return await build_services(settings, router_factory=build_router, clock=clock, adapters=every)


@asynccontextmanager
async def serving(
    app: web.Application, sock: socket.socket, context: ssl.SSLContext | None = None
) -> AsyncIterator[str]:
    """The app on `sock` (over TLS with `context`); its base URL."""
    runner = web.AppRunner(app)
    await runner.setup()
    await web.SockSite(runner, sock, ssl_context=context).start()
    port = sock.getsockname()[1]
    try:
        yield f"{'https' if context else 'http'}://127.0.0.1:{port}"
    finally:
        await runner.cleanup()


@asynccontextmanager
async def installation(services: Services, sock: socket.socket, pki: Pki | None = None,
                       routes: Any = ()) -> AsyncIterator[Https]:  # fmt: skip
    """The installation's app served on `sock` (HTTPS with `pki`), and a client for it."""
    app = make_app(services, dispatch=False, extra_routes=routes)
    context = pki.server_context() if pki else None
    async with serving(app, sock, context) as url, ClientSession() as http:
        yield Https(http, url, pki.client_context() if pki else None)


class Https:
    """What ChatPerson needs of a test client, against a served app (HTTPS or not)."""

    def __init__(self, http: ClientSession, url: str, context: ssl.SSLContext | None) -> None:
        self.http, self.url, self.context = http, url, context

    async def post(self, path: str, **kwargs: Any) -> ClientResponse:
        return await self.http.post(self.url + path, ssl=self.context or False, **kwargs)

    async def get(self, path: str, **kwargs: Any) -> ClientResponse:
        return await self.http.get(self.url + path, ssl=self.context or False, **kwargs)


def chat(client: Https, services: Services) -> ChatPerson:
    return ChatPerson(client, services)  # type: ignore[arg-type]


def shown(messages: list[dict[str, Any]]) -> str:
    return " ".join(" ".join(m["text"] for m in messages).split())


def code_in(messages: list[dict[str, Any]]) -> str:
    found = CODE.search(shown(messages))
    assert found is not None, shown(messages)
    return found[0]


async def log_entries(services: Services, action: str) -> list[AccessEntry]:
    async with services.sessionmaker() as session:
        query = select(AccessEntry).where(AccessEntry.action == action).order_by(AccessEntry.id)
        return list(await session.scalars(query))


FETCHING = "We are fetching your data from"


async def fetched(services: Services, person: ChatPerson) -> list[dict[str, Any]]:
    """What comes back into the person's chat once the claims ran (as `lotse serve`'s
    fetcher does after the step) and the result's message was processed."""
    await services.transfers.process_pending()
    await services.inbox.process_pending()
    return await person.replies()


async def bring(services: Services, person: ChatPerson, code: str) -> str:
    """Type `code`: the answer at once, and what comes after if it is being fetched."""
    first = shown(await person.say(code))
    return f"{first} {shown(await fetched(services, person))}".strip()
