"""The Twilio harness: the fake Twilio, the real app on a port it signs for, a phone."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from sqlalchemy import func, select

from adapters.twilio import TwilioClient, TwilioSmsAdapter, TwilioWhatsAppAdapter, routes
from adapters.webchat import WebChatAdapter
from bot.config import Settings, load_settings
from bot.db.models import Contact, Message
from bot.kernel.types import Channel
from bot.runtime.services import Services, build_services
from bot.web.app import make_app
from flows import build_router
from tests.fakes.twilio import ACCOUNT_SID, AUTH_TOKEN, Answer, FakeTwilio
from tests.support.clock import Clock
from tests.support.factories import seed_municipality
from tests.support.settings import SECRET

SMS_FROM = "+4915000000000"
WHATSAPP_FROM = "+4915000000001"
TIMEOUT = 0.5  # the client's timeout here; the fake's "slow" answers take longer
TEMPLATES = {"invitation": {"de": "HX" + "d" * 32, "en": "HX" + "e" * 32}}


def twilio_settings(tmp_path: Path, fake: FakeTwilio, public_url: str, **extra: Any) -> Settings:
    """Settings for the web chat, SMS and WhatsApp against `fake`; `extra` overrides any."""
    values: dict[str, Any] = {
        "data_dir": tmp_path,
        "secret_key": SECRET,
        "contact_channels": "webchat,sms,whatsapp",
        "twilio_account_sid": ACCOUNT_SID,
        "twilio_auth_token": AUTH_TOKEN,
        "twilio_from": SMS_FROM,
        "twilio_whatsapp_from": WHATSAPP_FROM,
        "twilio_api_url": fake.url,
        "public_url": public_url,
        "twilio_rate_per_second": 1000,  # pacing is real time; keep the tests quick
        "whatsapp_templates": TEMPLATES,
        **extra,
    }
    return load_settings(_env_file=None, **values)


@pytest.fixture(name="fake")
async def twilio_fake() -> AsyncIterator[FakeTwilio]:
    """The fake Twilio on 127.0.0.1, as the fixture `fake` (import it to use it)."""
    async with FakeTwilio() as fake:
        yield fake


@dataclass
class Lotse:
    """The app over Twilio: its services, the fake, its public URL, the clock."""

    services: Services
    fake: FakeTwilio
    url: str
    clock: Clock

    async def process(self) -> None:
        """What the inbox workers do in a running Lotse: process acknowledged messages."""
        await self.services.inbox.process_pending()

    async def dispatch(self) -> None:
        await self.process()
        for _ in range(20):
            if not await self.services.dispatcher.dispatch_once():
                return

    async def messages(self, direction: str | None = None) -> list[Message]:
        query = select(Message).order_by(Message.id)
        if direction is not None:
            query = query.where(Message.direction == direction)
        async with self.services.sessionmaker() as session:
            return list(await session.scalars(query))

    async def count(self) -> int:
        async with self.services.sessionmaker() as session:
            return int(await session.scalar(select(func.count()).select_from(Message)) or 0)

    async def contact(self, channel: Channel = Channel.SMS) -> Contact:
        async with self.services.sessionmaker() as session:
            found = await session.scalar(select(Contact).where(Contact.channel == channel.value))
        assert found is not None
        return found

    def text(self, lang: str, msgid: str) -> str:
        return self.services.catalogs[lang].gettext(msgid)


@pytest.fixture(name="lotse")
async def twilio_lotse(
    database_url: str, tmp_path: Path, clock: Clock, fake: FakeTwilio
) -> AsyncIterator[Lotse]:
    """The app with SMS and WhatsApp on a real port, as the fixture `lotse` (import it and
    `twilio_fake` to use it)."""
    # The app's public URL must be known before the app exists (Twilio signs it):
    # bind the port first, serve on that socket.
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    settings = twilio_settings(tmp_path, fake, url, database_url=database_url)
    await seed_municipality(settings)
    client = TwilioClient(settings, timeout=TIMEOUT)
    services = await build_services(
        settings,
        router_factory=build_router,
        adapters={
            Channel.WEBCHAT: WebChatAdapter(),
            Channel.SMS: TwilioSmsAdapter(settings, client),
            Channel.WHATSAPP: TwilioWhatsAppAdapter(settings, client, clock=clock),
        },
        clock=clock,
    )
    app = make_app(services, dispatch=False, extra_routes=[routes(services)])
    runner = web.AppRunner(app)
    await runner.setup()
    await web.SockSite(runner, sock).start()
    yield Lotse(services, fake, url, clock)
    await runner.cleanup()
    await services.close()


class Phone:
    """A person texting Lotse from one number, as Twilio delivers it."""

    def __init__(self, lotse: Lotse, number: str, *, whatsapp: bool = False) -> None:
        self.lotse = lotse
        self.number = number
        self.address = f"whatsapp:{number}" if whatsapp else number

    async def send(self, text: str, **extra: Any) -> Answer:
        self.lotse.clock.advance(seconds=5)
        answer = await self.lotse.fake.inbound(self.lotse.url, self.address, text, **extra)
        assert answer.status == 200, answer.text
        await self.lotse.process()
        return answer

    async def say(self, text: str, **extra: Any) -> str:
        """Send, let the outbox run, and return what reached the phone (parts joined)."""
        seen = len(self.lotse.fake.to(self.address))
        await self.send(text, **extra)
        await self.lotse.dispatch()
        return "\n".join(m.body or "" for m in self.lotse.fake.to(self.address)[seen:])
