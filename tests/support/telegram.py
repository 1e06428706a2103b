"""The Telegram harness: the fake Bot API, the real app's webhook, a person writing to it."""

from __future__ import annotations

import copy
import itertools
import json
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from adapters import telegram
from adapters.telegram import CHOSEN, TelegramAdapter
from adapters.webchat import WebChatAdapter
from bot.config import Settings, load_settings
from bot.kernel.types import Channel
from bot.runtime.services import Services, build_services
from bot.web.app import make_app
from flows import build_router
from tests.fakes.telegram import START_DATE, TOKEN, FakeTelegram, Params
from tests.support.clock import Clock
from tests.support.factories import seed_municipality
from tests.support.settings import SECRET

#: Recorded Updates, one JSON file each.
PAYLOADS = Path(__file__).resolve().parents[1] / "adapters" / "payloads" / "telegram"
WEBHOOK_SECRET = "s" * 20


def payload(name: str) -> Params:
    """A recorded Update from PAYLOADS."""
    data: Params = json.loads((PAYLOADS / f"{name}.json").read_text())
    return data


@pytest.fixture(name="fake")
async def telegram_fake() -> AsyncIterator[FakeTelegram]:
    """The fake Bot API on 127.0.0.1, as the fixture `fake` (import it to use it)."""
    async with FakeTelegram() as server:
        yield server


def telegram_settings(
    tmp_path: Path, database_url: str, fake: FakeTelegram, **more: Any
) -> Settings:
    """Settings for the web chat and Telegram against `fake`; `more` overrides any."""
    values: dict[str, Any] = {
        "data_dir": tmp_path,
        "database_url": database_url,
        "secret_key": SECRET,
        "telegram_token": TOKEN,
        "telegram_api_url": fake.url,
        "telegram_webhook_secret": WEBHOOK_SECRET,
        "contact_channels": "webchat,telegram",
        # Telegram's 1 message/s per chat would make each onboarding step wait in real time.
        "telegram_rate_per_chat_per_second": 1000,
    }
    return load_settings(_env_file=None, **{**values, **more})


@dataclass
class Harness:
    """The app with Telegram: post Updates to its webhook, run its outbox."""

    services: Services
    adapter: TelegramAdapter
    client: TestClient[Any, Any]
    fake: FakeTelegram
    clock: Clock
    update_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(800_000_001))

    async def post(self, update: Params, secret: str | None = WEBHOOK_SECRET) -> int:
        headers = {} if secret is None else {"X-Telegram-Bot-Api-Secret-Token": secret}
        response = await self.client.post("/webhooks/telegram", json=update, headers=headers)
        if response.status == 200:
            assert await response.json() == {}
            # What the inbox workers do in a running Lotse.
            await self.services.inbox.process_pending()
        return response.status

    async def dispatch(self) -> None:
        """Run the outbox until nothing is due, then let button answers finish."""
        for _ in range(10):
            if await self.services.dispatcher.dispatch_once() == 0:
                break
        await self.adapter.drain()


async def start_harness(settings: Settings, clock: Clock) -> tuple[Services, TelegramAdapter]:
    """Services with the web chat and a started Telegram adapter, the municipality seeded."""
    await seed_municipality(settings)
    adapter = TelegramAdapter(settings, timeout=1.0)
    services = await build_services(
        settings,
        router_factory=build_router,
        adapters={Channel.WEBCHAT: WebChatAdapter(), Channel.TELEGRAM: adapter},
        clock=clock,
    )
    await adapter.start()
    return services, adapter


class TelegramPerson:
    """Someone writing to the bot. Each action is one webhook Update; the answer is
    what the fake Bot API received for this chat after the outbox ran."""

    def __init__(self, h: Harness, chat_id: int, language_code: str, name: str = "Amal") -> None:
        self.h = h
        self.chat_id = chat_id
        self.user = {"id": chat_id, "is_bot": False, "first_name": name}
        if language_code:
            self.user["language_code"] = language_code
        self.chat = {"id": chat_id, "first_name": name, "type": "private"}
        self.seen = 0
        self.message_ids = itertools.count(1)

    def message(self, **fields: Any) -> Params:
        return {
            "update_id": next(self.h.update_ids),
            "message": {
                "message_id": next(self.message_ids),
                "from": self.user,
                "chat": self.chat,
                "date": START_DATE,
                **fields,
            },
        }

    def from_payload(self, name: str) -> Params:
        """A recorded Update, as if this person had sent it."""
        update = copy.deepcopy(payload(name))
        update["update_id"] = next(self.h.update_ids)
        update["message"].update({"from": self.user, "chat": self.chat})
        return update

    def callback(self, choice: str) -> Params:
        """Pressing the button `choice` on the newest bot message that offers it."""
        message = next(
            m
            for (chat, _), m in reversed(self.h.fake.messages.items())
            if chat == self.chat_id and choice in buttons(m)
        )
        return {
            "update_id": next(self.h.update_ids),
            "callback_query": {
                "id": uuid.uuid4().hex[:18],
                "from": self.user,
                "message": message,
                "chat_instance": "-5092384756473829104",
                "data": choice,
            },
        }

    async def send(self, update: Params) -> list[Params]:
        assert await self.h.post(update) == 200
        return await self.replies()

    async def write(self, text: str) -> list[Params]:
        return await self.send(self.message(text=text))

    async def replies(self) -> list[Params]:
        await self.h.dispatch()
        sent = self.h.fake.sent(self.chat_id)
        new, self.seen = sent[self.seen :], len(sent)
        return new


def buttons(message: Params) -> list[str]:
    """The choice ids on a message's inline keyboard."""
    rows = message.get("reply_markup", {}).get("inline_keyboard", [])
    return [button["callback_data"] for row in rows for button in row]


def assert_marked(fake: FakeTelegram, pressed: Params) -> None:
    """The press was answered, and its message now shows the choice instead of buttons."""
    query = pressed["callback_query"]
    assert fake.calls_to("answerCallbackQuery")[-1].params == {"callback_query_id": query["id"]}
    edit = fake.calls_to("editMessageText")[-1].params
    message = query["message"]
    label = next(
        b["text"]
        for row in message["reply_markup"]["inline_keyboard"]
        for b in row
        if b["callback_data"] == query["data"]
    )
    assert (edit["chat_id"], edit["message_id"]) == (message["chat"]["id"], message["message_id"])
    assert edit["text"] == f"{message['text']}\n\n{CHOSEN}{label}"
    assert "reply_markup" not in edit  # Telegram then drops the keyboard
    assert "reply_markup" not in fake.messages[(edit["chat_id"], edit["message_id"])]


@pytest.fixture(name="tg")
async def telegram_harness(
    database_url: str, tmp_path: Path, clock: Clock, fake: FakeTelegram
) -> AsyncIterator[Harness]:
    """The app with the Telegram webhook, against the fake Bot API (import it with
    `telegram_fake` into a test module to use it as `tg`)."""
    settings = telegram_settings(tmp_path, database_url, fake)
    services, adapter = await start_harness(settings, clock)
    app = make_app(services, dispatch=False, extra_routes=[telegram.routes(services)])
    try:
        async with TestClient(TestServer(app, host="127.0.0.1")) as client:
            yield Harness(services, adapter, client, fake, clock)
    finally:
        await adapter.close()
        await services.close()
