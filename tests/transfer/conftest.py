"""Köln, which a person leaves, and Bonn, where they arrive: two real installations
(each its own database and key), Köln over HTTPS; Bonn also by SMS (the fake Twilio),
and a few misbehaving peers Bonn also knows."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from aiohttp import web
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from adapters.twilio import TwilioClient, TwilioSmsAdapter, routes
from bot.kernel.types import Channel
from bot.runtime.services import Services
from bot.transfer import Identity, Items, Purpose, load_identity, sign
from bot.transfer.document import new_document
from tests.fakes.twilio import FakeTwilio
from tests.support.clock import Clock
from tests.support.transfer import (
    Https,
    Pki,
    free_socket,
    installation,
    key_of,
    make_pki,
    peer_entry,
    services_for,
    serving,
    transfer_settings,
)
from tests.support.twilio import TIMEOUT, Lotse, twilio_fake, twilio_settings

__all__ = ["twilio_fake"]
#: Peers that misbehave, each under its own path of one HTTPS server.
FAKES = ("junk", "broken", "forger", "mirror", "elsewhere", "slow", "huge")
REPLAYED_ID = "same-id-every-time-0123456789"


@dataclass
class Pair:
    koeln: Services
    bonn: Services
    at_koeln: Https
    at_bonn: Https
    bonn_sms: Lotse
    bonn_identity: Identity
    koeln_key: Ed25519PrivateKey
    clock: Clock
    pki: Pki


def fake_peers(clock: Clock, keys: dict[str, Ed25519PrivateKey]) -> web.Application:
    async def claim(request: web.Request) -> web.Response:
        who = request.match_info["who"]
        if who == "junk":
            return web.Response(text="<html>maintenance</html>", content_type="text/html")
        if who == "broken":
            return web.Response(status=502, text="bad gateway")
        if who == "slow":  # longer than the claim may take (3 s here)
            await asyncio.sleep(4)
        if who == "huge":
            return web.json_response({"payload": {"x": "y" * 70_000}, "signature": {}})
        payload = new_document(who, "dorf" if who == "elsewhere" else "bonn", clock(), Items("fr"))
        if who == "mirror":
            payload["id"] = REPLAYED_ID
        return web.json_response(sign(keys[who], Purpose.DOCUMENT, payload))

    app = web.Application()
    app.router.add_post("/{who}/transfer/v1/claim", claim)
    return app


@pytest.fixture
async def pair(
    database_url: str, tmp_path: Path, sqlite_template: Path, clock: Clock, fake: FakeTwilio
) -> AsyncIterator[Pair]:
    pki = make_pki(tmp_path)
    koeln_dir, bonn_dir = tmp_path / "koeln", tmp_path / "bonn"
    koeln_key, bonn_key = key_of(koeln_dir), key_of(bonn_dir)
    koeln_sock, bonn_sock, fakes_sock, down_sock = (free_socket() for _ in range(4))
    koeln_url = f"https://127.0.0.1:{koeln_sock.getsockname()[1]}"
    bonn_url = f"http://127.0.0.1:{bonn_sock.getsockname()[1]}"
    fakes_url = f"https://127.0.0.1:{fakes_sock.getsockname()[1]}"
    down_url = f"https://127.0.0.1:{down_sock.getsockname()[1]}"
    down_sock.close()  # nothing listens there
    # The misbehaving peers' keys as Bonn pinned them; the forger signs with another.
    pinned = {who: Ed25519PrivateKey.generate() for who in FAKES}
    used = {**pinned, "forger": Ed25519PrivateKey.generate()}
    shutil.copy(sqlite_template, bonn_dir / "lotse.sqlite3")
    koeln_peers = peer_entry("bonn", "Lotse Bonn", bonn_url.replace("http:", "https:"), bonn_key)
    bonn_peers = (
        peer_entry("koeln", "Lotse Köln", koeln_url, koeln_key)
        + "".join(
            peer_entry(who, f"Lotse {who}", f"{fakes_url}/{who}", pinned[who]) for who in FAKES
        )
        + peer_entry("down", "Lotse Down", down_url, Ed25519PrivateKey.generate())
    )
    koeln_settings = twilio_settings(
        tmp_path, fake, koeln_url, contact_channels="webchat,sms",
        **transfer_settings(koeln_dir, database_url, "koeln", koeln_peers, None),
    )  # fmt: skip
    bonn_settings = twilio_settings(
        tmp_path, fake, bonn_url, contact_channels="webchat,sms",
        **transfer_settings(bonn_dir, f"sqlite+aiosqlite:///{bonn_dir / 'lotse.sqlite3'}", "bonn",
                            bonn_peers, pki.ca_file),
    )  # fmt: skip
    koeln = await services_for(koeln_settings, clock)
    client = TwilioClient(bonn_settings, timeout=TIMEOUT)
    bonn = await services_for(
        bonn_settings, clock, {Channel.SMS: TwilioSmsAdapter(bonn_settings, client)}
    )
    identity = load_identity(bonn_settings)
    assert identity is not None
    try:
        async with (
            installation(koeln, koeln_sock, pki) as at_koeln,
            installation(bonn, bonn_sock, routes=[routes(bonn)]) as at_bonn,
            serving(fake_peers(clock, used), fakes_sock, pki.server_context()),
        ):
            yield Pair(koeln, bonn, at_koeln, at_bonn, Lotse(bonn, fake, bonn_url, clock),
                       identity, koeln_key, clock, pki)  # fmt: skip
    finally:
        await koeln.close()
        await bonn.close()
