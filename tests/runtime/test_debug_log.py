"""A full run of `lotse serve` at LOTSE_LOG_LEVEL=DEBUG leaves no secret in its log, and
what it writes is readable by its own account only.

An office invites someone by SMS and letter through the API, the person connects with
the code in the web chat, writes, and downloads the export of their data, staff log in
to the office page, and the SMS channel sends and receives through a fake Twilio on
127.0.0.1. Then the whole log is searched for every secret and personal value of the
run.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from tests.fakes.twilio import ACCOUNT_SID, AUTH_TOKEN, FakeTwilio
from tests.support.cli import cli_env, free_port, lotse
from tests.support.factories import readable_by_others, stored_bytes
from tests.support.settings import SECRET

PHONE = "+4915112345678"
EMAIL = "sachbearbeitung@amt-mitte.example"
PASSWORD = "ein-sehr-geheimes-passwort"
SECRETS_TYPED = ("Mein Geheimnis 4711", "Antwort per SMS 0815")


@pytest.fixture
async def fake() -> AsyncIterator[FakeTwilio]:
    async with FakeTwilio() as fake:
        yield fake


@pytest.fixture
def run_env(database_url: str, tmp_path: Path, fake: FakeTwilio) -> Iterator[dict[str, str]]:
    port = free_port()
    env = {
        "LOTSE_DATABASE_URL": database_url,
        "LOTSE_DATA_DIR": str(tmp_path / "data"),
        "LOTSE_SECRET_KEY": SECRET,
        "LOTSE_LOG_LEVEL": "DEBUG",
        "LOTSE_PORT": str(port),
        "LOTSE_PUBLIC_URL": f"http://127.0.0.1:{port}",
        "LOTSE_CONTACT_CHANNELS": "webchat,sms",
        "LOTSE_TWILIO_ACCOUNT_SID": ACCOUNT_SID,
        "LOTSE_TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "LOTSE_TWILIO_FROM": "+4915000000000",
        "LOTSE_TWILIO_API_URL": fake.url,
        "LOTSE_TWILIO_RATE_PER_SECOND": "100",
    }
    yield env


def setup_office(env: dict[str, str], cwd: Path) -> str:
    """Municipality, office, staff login and API key by the CLI; the key."""
    steps = [
        ("db", "upgrade"),
        ("municipality", "set", "--slug", "musterstadt", "--name", "Stadt Musterstadt",
         "--contact", "integration@musterstadt.example",
         "--privacy-contact", "datenschutz@musterstadt.example"),
        ("office", "create", "--slug", "mitte", "--name", "Bürgeramt Mitte", "--street",
         "Rathausplatz 1", "--postcode", "10115", "--city", "Berlin", "--contact", "030 1"),
    ]  # fmt: skip
    for args in steps:
        result = lotse(*args, cwd=cwd, env=env)
        assert result.returncode == 0, result.stderr
    user = subprocess.run(
        [sys.executable, "-m", "bot.cli", "office", "user", "create", "--office", "mitte",
         "--email", EMAIL, "--password-stdin"],
        input=PASSWORD + "\n", cwd=cwd, text=True, capture_output=True, env=cli_env(env),
        timeout=60,
    )  # fmt: skip
    assert user.returncode == 0, user.stderr
    key = lotse("office", "key", "create", "--office", "mitte", cwd=cwd, env=env)
    assert key.returncode == 0, key.stderr
    return key.stdout.strip().splitlines()[-1]


async def wait_ready(base: str) -> None:
    async with aiohttp.ClientSession() as http:
        for _ in range(200):
            try:
                async with http.get(f"{base}/readyz") as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.1)
    raise AssertionError("lotse serve did not get ready")


async def exercise(base: str, key: str, fake: FakeTwilio) -> dict[str, str]:
    """Everything a day of Lotse does, once; the secrets it handled."""
    seen: dict[str, str] = {"key": key, "password": PASSWORD, "email": EMAIL}
    auth = {"Authorization": f"Bearer {key}"}
    invitation = {
        "reference": "AZ-GEHEIM-4242", "language": "de", "channels": ["sms", "letter"],
        "phone": PHONE, "given_name": "Amira", "family_name": "Verborgen",
        "postal_address": {"name": "Amira Verborgen", "street": "Versteckweg 9",
                           "postcode": "10999", "city": "Berlin"},
        "consent": {"recorded_at": "2026-11-20T10:00:00+01:00", "notice_version": "2026-01"},
    }  # fmt: skip
    # unsafe: the jar keeps cookies of an IP address (127.0.0.1) too
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        async with http.post(f"{base}/api/v1/invitations", json=invitation, headers=auth) as r:
            assert r.status == 201, await r.text()
            code = (await r.json())["code"]
        seen |= {"code": code, "code plain": code.replace("-", ""), "reference": "AZ-GEHEIM-4242",
                 "name": "Verborgen", "street": "Versteckweg"}  # fmt: skip
        async with http.post(f"{base}/chat/api/sessions", json={"code": code}) as r:
            assert r.status == 201
            session = (await r.json())["session"]
        seen["chat session"] = session
        url = f"{base}/chat/api/sessions/{session}/messages"
        async with http.post(url, json={"text": SECRETS_TYPED[0]}) as r:
            assert r.status == 202
        async with http.get(url) as r:
            assert r.status == 200
        # The person exports their data and downloads both files.
        for choice, then in (("confirm", "my_data"), ("my_data", "export"), ("export", "yes"),
                             ("yes", "my_data")):  # fmt: skip
            await chose(http, url, choice, then)
        documents = [d for m in await bot_messages(http, url) for d in m.get("documents", [])]
        assert len(documents) == 2
        for document in documents:
            async with http.get(base + document["href"]) as r:
                body = await r.read()
                assert r.status == 200 and body.startswith(b"%PDF" if "pdf" in r.content_type
                                                           else b'{\n  "format"')  # fmt: skip
        async with http.get(f"{base}/office/login") as r:
            csrf = re.search(r'name="csrf" value="([^"]+)"', await r.text())
        assert csrf is not None
        seen["csrf"] = csrf[1]
        form = {"email": EMAIL, "password": PASSWORD, "csrf": csrf[1]}
        async with http.post(f"{base}/office/login", data=form, allow_redirects=False) as r:
            assert r.status == 303, await r.text()
            seen["staff session"] = r.cookies["lotse_office"].value
        async with http.get(f"{base}/office") as r:
            assert "AZ-GEHEIM-4242" in await r.text()
    answer = await fake.inbound(base, PHONE, SECRETS_TYPED[1])
    assert answer.status == 200
    for _ in range(100):  # the invitation SMS and the replies reach the fake
        if len(fake.to(PHONE)) >= 2:
            break
        await asyncio.sleep(0.1)
    assert fake.to(PHONE), "nothing was sent by SMS"
    return seen


async def bot_messages(http: aiohttp.ClientSession, url: str) -> list[dict[str, Any]]:
    async with http.get(url) as r:
        assert r.status == 200
        return [m for m in (await r.json())["messages"] if m["from"] == "bot"]


async def offered(http: aiohttp.ClientSession, url: str) -> list[str]:
    """The choices the newest message offers (none before any is sent)."""
    shown = await bot_messages(http, url)
    return [c["id"] for c in shown[-1]["choices"]] if shown else []


async def chose(http: aiohttp.ClientSession, url: str, choice: str, then: str) -> None:
    """Choose `choice`, then wait until the newest message offers `then`."""
    for _ in range(100):
        if choice in await offered(http, url):
            break
        await asyncio.sleep(0.1)
    async with http.post(url, json={"choice": choice}) as r:
        assert r.status == 202, await r.text()
    for _ in range(100):
        if then in await offered(http, url):
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"after {choice!r}, nothing offers {then!r}")


def start_serve(env: dict[str, str], cwd: Path, log_path: Path) -> subprocess.Popen[str]:
    old_umask = os.umask(0o022)  # a usual login's umask: Lotse must not rely on it
    try:
        with log_path.open("w") as log:
            return subprocess.Popen(
                [sys.executable, "-m", "bot.cli", "serve"], cwd=cwd, env=cli_env(env),
                stdout=log, stderr=subprocess.STDOUT, text=True,
            )  # fmt: skip
    finally:
        os.umask(old_umask)


async def test_a_full_run_at_debug_logs_no_secret_and_keeps_files_private(
    run_env: dict[str, str], tmp_path: Path, fake: FakeTwilio, database_url: str
) -> None:
    key = setup_office(run_env, tmp_path)
    log_path = tmp_path / "serve.log"
    server = start_serve(run_env, tmp_path, log_path)
    try:
        base = run_env["LOTSE_PUBLIC_URL"]
        await wait_ready(base)
        seen = await exercise(base, key, fake)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    logged = log_path.read_text()
    assert "DEBUG" in logged  # the run really logged at DEBUG
    forms = {
        **seen, **{f"typed {i}": text for i, text in enumerate(SECRETS_TYPED)},
        "phone": PHONE, "phone national": "15112345678", "phone json": json.dumps(PHONE),
        "auth token": AUTH_TOKEN, "secret key": SECRET,
    }  # fmt: skip
    leaked = {name: value for name, value in forms.items() if value in logged}
    assert leaked == {}, f"in the log: {sorted(leaked)}"

    assert readable_by_others(Path(run_env["LOTSE_DATA_DIR"])) == []
    if database_url.startswith("sqlite"):  # and the database file holds no secret either
        stored = stored_bytes(Path(database_url.split("///", 1)[1]))
        at_rest = {name: seen[name] for name in ("code plain", "email", "street", "name")}
        assert {n: v for n, v in at_rest.items() if v.encode() in stored} == {"email": EMAIL}
        assert PHONE.encode() not in stored
