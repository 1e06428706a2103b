"""The Telegram channel end to end: recorded Updates into the real app's webhook, the
real python-telegram-bot client talking HTTP to a fake Bot API on 127.0.0.1, the
outbox driven by hand with a controlled clock, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from adapters.telegram import TelegramAdapter, parse_update, poll, set_webhook
from bot.config import ConfigError
from bot.db.models import Contact, Message, Person
from bot.i18n.catalogs import native_name
from bot.i18n.labels import CHANNEL_NAMES
from bot.invitations.connect import Refusal
from bot.kernel.types import Channel, InboundMessage, OutboundMessage, RenderedChoice, t
from bot.messaging.body import decode_body
from bot.messaging.channel import PermanentFailure, TemporaryFailure
from bot.runtime.services import Services
from flows.invitation import REFUSALS
from flows.router import START
from tests.fakes.telegram import TOKEN, FakeTelegram, Params
from tests.support.clock import Clock
from tests.support.telegram import (
    WEBHOOK_SECRET,
    Harness,
    TelegramPerson,
    assert_marked,
    buttons,
    payload,
    start_harness,
    telegram_fake,  # noqa: F401  (the fixture `fake`)
    telegram_harness,  # noqa: F401  (the fixture `tg`)
    telegram_settings,
)

# PTB 22 itself warns, inside RetryAfter(), that retry_after will become a timedelta.
pytestmark = pytest.mark.filterwarnings(
    "ignore:.*retry_after.*:telegram.warnings.PTBDeprecationWarning"
)
SCRIPTS = {"ar": re.compile("[\u0600-\u06ff]"), "ru": re.compile("[\u0400-\u04ff]")}
ONBOARDED_MENU = ["advice", "settings", "my_consents", "my_data", "delete", "help"]


# -- fixtures ---------------------------------------------------------------


async def count(services: Services, *where: Any) -> int:
    async with services.sessionmaker() as session:
        found = await session.scalar(select(func.count()).select_from(Message).where(*where))
    return int(found or 0)


async def outbox(services: Services) -> list[tuple[str, int, str | None, str]]:
    """(status, attempts, error, text) of every outbound row, in order."""
    async with services.sessionmaker() as session:
        rows = await session.scalars(
            select(Message).where(Message.direction == "out").order_by(Message.id)
        )
        return [
            (m.status, m.attempts, m.error, decode_body(services.vault, m.body_enc or "")["text"])
            for m in rows
        ]


async def eventually(check: Callable[[], Awaitable[bool]], seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while not await check():
        assert time.monotonic() < deadline, "condition not met in time"
        await asyncio.sleep(0.02)


# -- parsing recorded Updates ----------------------------------------------

AMAL = "6123456789"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("private_text", {"text": "Hallo, ich habe eine Frage"}),
        ("start", {"start": True}),
        ("start_payload", {"start": True, "payload": "inv-7Kq2_xA9"}),
        ("language", {"text": "language"}),
        ("help", {"text": "help"}),
        ("stop", {"text": "stop"}),
        ("callback_query", {"choice": "continue"}),
        ("photo", {"unsupported": True}),
        ("voice", {"unsupported": True}),
        ("sticker", {"unsupported": True}),
    ],
)
def test_recorded_updates_are_normalised(name: str, expected: dict[str, Any]) -> None:
    data = payload(name)
    parsed = parse_update(data)
    assert parsed is not None
    inbound = parsed.inbound
    assert (inbound.channel, inbound.address) == (Channel.TELEGRAM, AMAL)
    assert inbound.provider_id == f"u{data['update_id']}"
    assert inbound.language_hints == ("de",)
    defaults = InboundMessage(Channel.TELEGRAM, AMAL, inbound.provider_id)
    for attribute in ("text", "choice", "start", "payload", "unsupported"):
        assert getattr(inbound, attribute) == expected.get(
            attribute, getattr(defaults, attribute)
        ), attribute
    assert (parsed.callback is not None) == (name == "callback_query")


def test_a_button_press_carries_what_answering_it_needs() -> None:
    parsed = parse_update(payload("callback_query"))
    assert parsed is not None and parsed.callback is not None
    answer = parsed.callback
    assert (answer.query_id, answer.chat_id, answer.message_id) == (
        "4382bfdwdsb323b2d9",
        int(AMAL),
        1001,
    )
    assert (answer.choice, answer.label) == ("continue", "Weiter")
    assert AMAL not in repr(answer) and "Weiter" not in repr(answer)  # safe to log


@pytest.mark.parametrize("name", ["edited_message", "group_message", "channel_post"])
def test_what_lotse_does_not_answer_is_ignored(name: str) -> None:
    assert parse_update(payload(name)) is None


def test_language_hints_come_from_the_sender() -> None:
    for name, code in (("language_ar", "ar"), ("language_ru", "ru")):
        parsed = parse_update(payload(name))
        assert parsed is not None and parsed.inbound.language_hints == (code,)


@pytest.mark.parametrize(
    ("text", "start", "payload_"),
    [
        ("/start", True, None),
        ("/start@lotse_test_bot abc", True, "abc"),
        ("/start " + "x" * 65, True, None),
        ("/start inv code", True, None),
        ("/start\nabc", True, "abc"),
        ("/START", True, None),
        ("/start <script>", True, None),
    ],
)
def test_start_payloads_are_checked(text: str, start: bool, payload_: str | None) -> None:
    data = payload("start")
    data["message"]["text"] = text
    parsed = parse_update(data)
    assert parsed is not None
    assert (parsed.inbound.start, parsed.inbound.payload) == (start, payload_)


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"update_id": "1"},
        {"update_id": 1, "message": "hello"},
        {"update_id": 1, "message": {"chat": 5}},
        {
            "update_id": 1,
            "message": {
                "message_id": 1,
                "date": 1,
                "chat": {"id": "x", "type": "private"},
                "text": "a",
            },
        },
        {"update_id": 1, "callback_query": []},
    ],
)
def test_malformed_updates_raise_value_error(data: Params) -> None:
    with pytest.raises(ValueError, match="Telegram update"):
        parse_update(data)


# -- sending: the adapter against the fake Bot API -------------------------


def outbound(text: str = "Hallo", address: str = AMAL, choices: int = 0) -> OutboundMessage:
    return OutboundMessage(
        id=1,
        channel=Channel.TELEGRAM,
        address=address,
        text=text,
        choices=tuple(RenderedChoice(f"c{i}", f"Option {i}") for i in range(choices)),
        lang="de",
    )


async def test_send_and_the_mapping_of_telegram_errors(fake: FakeTelegram, tmp_path: Path) -> None:
    settings = telegram_settings(tmp_path, "", fake)
    adapter = TelegramAdapter(settings, timeout=0.5)
    await adapter.start()
    try:
        result = await adapter.send(outbound("Hallo", choices=2))
        [call] = fake.calls_to("sendMessage")
        assert call.params["chat_id"] == int(AMAL) and call.params["text"] == "Hallo"
        assert call.params["reply_markup"] == {
            "inline_keyboard": [
                [{"text": "Option 0", "callback_data": "c0"}],
                [{"text": "Option 1", "callback_data": "c1"}],
            ]
        }
        assert result.provider_id == "1001"  # the message_id Telegram gave

        failures: list[tuple[Callable[[], None], type[Exception], dict[str, Any]]] = [
            (lambda: fake.fail(429, retry_after=7), TemporaryFailure, {"retry_after": 7.0}),
            (lambda: fake.fail(403), PermanentFailure, {"unreachable": True}),
            (lambda: fake.fail(400), PermanentFailure, {"unreachable": True}),
            (
                lambda: fake.fail(400, description="Bad Request: message is too long"),
                PermanentFailure,
                {"unreachable": False},
            ),
            (lambda: fake.fail(500), TemporaryFailure, {"retry_after": None}),
            (lambda: fake.fail(502), TemporaryFailure, {"retry_after": None}),
            (lambda: fake.stall(1.0), TemporaryFailure, {"retry_after": None}),
        ]
        for inject, kind, attributes in failures:
            inject()
            with pytest.raises(kind) as raised:
                await adapter.send(outbound("geheimer Text 12345"))
            for name, value in attributes.items():
                assert getattr(raised.value, name) == value, (raised.value, name)
            reason = str(raised.value)
            assert AMAL not in reason and "geheim" not in reason and TOKEN not in reason
            assert "<html" not in reason
        with pytest.raises(PermanentFailure):
            await adapter.send(outbound(address="not-a-chat"))
    finally:
        await adapter.close()


async def test_start_checks_the_token_without_showing_it(
    fake: FakeTelegram, tmp_path: Path
) -> None:
    settings = telegram_settings(tmp_path, "", fake, telegram_token="999:WRONG")
    adapter = TelegramAdapter(settings)
    with pytest.raises(ConfigError) as raised:
        await adapter.start()
    assert "WRONG" not in str(raised.value)
    await adapter.close()


async def test_telegram_down_at_start_does_not_stop_lotse(
    fake: FakeTelegram, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = telegram_settings(tmp_path, "", fake)
    await fake.close()  # nothing listens on its port any more
    adapter = TelegramAdapter(settings, timeout=0.5)
    await adapter.start()
    assert "not reachable at start" in caplog.text and TOKEN not in caplog.text
    with pytest.raises(TemporaryFailure):
        await adapter.send(outbound())
    await adapter.close()


async def test_set_webhook_registers_url_secret_and_update_types(
    fake: FakeTelegram, tmp_path: Path
) -> None:
    settings = telegram_settings(tmp_path, "", fake, public_url="https://lotse.example.org")
    url = await set_webhook(settings)
    assert url == "https://lotse.example.org/webhooks/telegram"
    [call] = fake.calls_to("setWebhook")
    assert call.params == {
        "url": url,
        "secret_token": WEBHOOK_SECRET,
        "allowed_updates": ["message", "callback_query"],
    }
    refusal = "Bad Request: bad webhook: HTTPS url must be provided for webhook"
    fake.fail(400, method="setWebhook", description=refusal)
    with pytest.raises(ConfigError, match=r"LOTSE_PUBLIC_URL: .*(?i:https url must be provided)"):
        await set_webhook(settings)


# -- the webhook --------------------------------------------------------------


@pytest.mark.parametrize("secret", [None, "", "t" * 20, WEBHOOK_SECRET + "x"])
async def test_a_wrong_or_missing_secret_is_refused(tg: Harness, secret: str | None) -> None:
    assert await tg.post(payload("start"), secret=secret) == 403
    assert await count(tg.services) == 0


UNUSABLE = [
    b"{not json",
    b"[1, 2]",
    b'{"message": {}}',
    b'{"update_id": "1"}',
    b"[" * 50_000 + b"]" * 50_000,  # nested beyond Python's recursion limit
    b'{"update_id": 800000001, "message": {"message_id": 1, "date": 1, "chat": {"id": 5, '
    b'"type": "private"}, "from": {"id": 5, "is_bot": false, "first_name": "A"}, '
    b'"text": "hi \\ud800"}}',  # a lone surrogate
    b"\xff\xfe{",
]


async def test_an_unusable_update_is_acknowledged_logged_and_dropped(
    tg: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    """It came with the secret, so from Telegram: a 4xx or 5xx would make Telegram send
    it again and again."""
    headers = {"X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET}
    for body in UNUSABLE:
        caplog.clear()
        response = await tg.client.post("/webhooks/telegram", data=body, headers=headers)
        assert response.status == 200, body[:80]
        assert await response.json() == {}
        assert "unusable update acknowledged" in caplog.text
    assert await count(tg.services) == 0


async def test_an_oversized_update_with_the_secret_is_acknowledged(tg: Harness) -> None:
    headers = {"X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET}
    big = b'{"update_id": 1, "x": "' + b"a" * 200_000 + b'"}'
    response = await tg.client.post("/webhooks/telegram", data=big, headers=headers)
    assert response.status == 200
    assert await count(tg.services) == 0


@pytest.mark.parametrize("name", ["edited_message", "group_message", "channel_post"])
async def test_edits_groups_and_channels_are_ignored(tg: Harness, name: str) -> None:
    assert await tg.post(payload(name)) == 200
    await tg.dispatch()
    assert await count(tg.services) == 0
    assert tg.fake.sent() == []


async def test_a_repeated_update_is_processed_once(tg: Harness) -> None:
    person = TelegramPerson(tg, 6123456789, "de")
    start = person.from_payload("start")
    assert len(await person.send(start)) == 1
    assert await person.send(start) == []
    assert await count(tg.services, Message.direction == "in") == 1

    press = person.callback("continue")
    assert len(await person.send(press)) == 1
    assert await person.send(press) == []  # Telegram retried: no second step
    assert await count(tg.services, Message.direction == "in") == 2
    # Both deliveries get an answer (the first may not have arrived); the mark only once.
    assert len(tg.fake.calls_to("answerCallbackQuery")) == 2
    assert len(tg.fake.calls_to("editMessageText")) == 1


async def test_start_payload_reaches_the_engine(tg: Harness) -> None:
    person = TelegramPerson(tg, 6123456789, "de")
    # Through the webhook and the inbox: only a start with this payload gets the answer
    # about an unknown invitation code before the greeting.
    [explained, greeting] = await person.send(person.from_payload("start_payload"))
    assert await count(tg.services, Message.direction == "in") == 1
    de = tg.services.catalogs["de"]
    # The payload is no invitation code Lotse knows: said kindly, then the usual start.
    assert explained["text"] == de.text(REFUSALS[Refusal.INVALID])
    welcome = t("Hello! I am Lotse. I will write to you in {language}.", language=native_name("de"))
    assert greeting["text"] == de.text(welcome)
    assert buttons(greeting) == ["continue", "other-language"]


@pytest.mark.parametrize("lang", ["ar", "ru"])
async def test_a_whole_onboarding_through_telegram(tg: Harness, lang: str) -> None:
    first = payload(f"language_{lang}")
    user = first["message"]["from"]
    person = TelegramPerson(tg, user["id"], lang, user["first_name"])
    script = SCRIPTS[lang]
    translator = tg.services.catalogs[lang]

    [welcome] = await person.send(first)
    greeting = t(
        "Hello! I am Lotse. I will write to you in {language}.", language=native_name(lang)
    )
    assert welcome["text"] == translator.text(greeting)
    assert buttons(welcome) == ["continue", "other-language"]

    steps = [
        ("continue", ["continue", "other-language"]),  # → what Lotse is, privacy
        ("continue", ["yes", "no"]),  # → consent: web chat
        ("yes", ["yes", "no"]),  # → consent: Telegram
        ("yes", ["rank:webchat", "rank:telegram"]),  # → receipt, then ranking
        ("rank:telegram", ONBOARDED_MENU),  # → saved, thank you, main menu
    ]
    for choice, offered in steps:
        pressed = person.callback(choice)
        replies = await person.send(pressed)
        assert replies, choice
        assert all(script.search(r["text"]) for r in replies), [r["text"] for r in replies]
        assert buttons(replies[-1]) == offered, choice
        assert all(not buttons(r) for r in replies[:-1])
        assert_marked(tg.fake, pressed)

    async with tg.services.sessionmaker() as session:
        human = await session.scalar(select(Person))
    assert human is not None and human.language == lang
    assert human.onboarded_at is not None
    assert human.channel_ranking == ["telegram", "webchat"]
    assert all(call.fault is None for call in tg.fake.calls)


@pytest.mark.parametrize("kind", ["photo", "sticker", "voice"])
async def test_media_get_a_polite_answer_in_the_persons_language(tg: Harness, kind: str) -> None:
    person = TelegramPerson(tg, 6234567890, "ar")
    await person.write("مرحبا")
    replies = await person.send(person.from_payload(kind))
    sorry = tg.services.catalogs["ar"].text(
        t("Sorry, I can only read written text. Please write your answer.")
    )
    assert replies and sorry in replies[0]["text"]
    assert buttons(replies[-1]) == ["continue", "other-language"]  # the question stays open


# -- failures on the way out --------------------------------------------------


async def test_flood_control_retries_after_the_delay_telegram_gave(tg: Harness) -> None:
    person = TelegramPerson(tg, 6123456789, "de")
    tg.fake.fail(429, retry_after=30)
    assert await person.send(person.from_payload("start")) == []
    [(status, attempts, error, _)] = await outbox(tg.services)
    assert (status, attempts) == ("queued", 1) and error is not None and "retry after 30" in error
    tg.clock.advance(seconds=29)
    assert await person.replies() == []
    tg.clock.advance(seconds=2)
    assert len(await person.replies()) == 1
    assert [row[:2] for row in await outbox(tg.services)] == [("sent", 2)]


async def test_a_blocked_bot_fails_for_good_and_marks_the_chat_unreachable(tg: Harness) -> None:
    person = TelegramPerson(tg, 6123456789, "de")
    tg.fake.fail(403, times=5, chat_id=person.chat_id)
    assert await person.send(person.from_payload("start")) == []
    [(status, attempts, error, _)] = await outbox(tg.services)
    assert (status, attempts, error) == ("failed", 1, "Forbidden: bot was blocked by the user")
    async with tg.services.sessionmaker() as session:
        contact = await session.scalar(select(Contact).where(Contact.channel == "telegram"))
    assert contact is not None and contact.reachable is False
    tg.clock.advance(hours=3)
    await tg.dispatch()
    assert len(tg.fake.calls_to("sendMessage")) == 1  # never tried again


async def test_an_outage_then_recovery_sends_everything_once_in_order(tg: Harness) -> None:
    person = TelegramPerson(tg, 6123456789, "de")
    tg.fake.fail(500, times=2)
    tg.fake.fail(502)
    tg.fake.stall(1.5)  # longer than the client's timeout (1 s)
    for update in (
        person.from_payload("start"),
        person.from_payload("help"),
        person.from_payload("language"),
    ):
        assert await tg.post(update) == 200
    for _ in range(6):
        await tg.dispatch()
        tg.clock.advance(minutes=2)
    rows = await outbox(tg.services)
    assert len(rows) >= 3 and all(status == "sent" for status, *_ in rows)
    assert [sent["text"] for sent in tg.fake.sent(person.chat_id)] == [row[3] for row in rows]
    faults = [call.fault for call in tg.fake.calls_to("sendMessage")]
    assert faults[:4] == ["500", "500", "502", "slow"]


# -- polling ------------------------------------------------------------------


async def test_polling_gets_updates_and_answers_them(
    database_url: str, tmp_path: Path, clock: Clock, fake: FakeTelegram
) -> None:
    settings = telegram_settings(tmp_path, database_url, fake, telegram_mode="polling")
    services, adapter = await start_harness(settings, clock)
    fake.webhook = {"url": "https://old.example.org/webhooks/telegram"}  # still registered
    fake.fail(502, method="getUpdates")  # polling must back off and go on
    stop = asyncio.Event()
    task = asyncio.create_task(poll(services, stop=stop, wait=1))
    try:
        first = fake.queue_update(payload("language_ru"))
        chat_id = first["message"]["chat"]["id"]

        async def answered() -> bool:
            await services.inbox.process_pending()  # the workers, in a running Lotse
            await services.dispatcher.dispatch_once()
            return bool(fake.sent(chat_id))

        await eventually(answered)
        [welcome] = fake.sent(chat_id)
        assert SCRIPTS["ru"].search(welcome["text"]) and buttons(welcome)[0] == "continue"

        message = next(m for (chat, _), m in fake.messages.items() if chat == chat_id)
        query = {"id": "q-polling-1", "from": first["message"]["from"], "message": message}
        fake.queue_update({"callback_query": {**query, "chat_instance": "-1", "data": "continue"}})

        async def acknowledged() -> bool:
            await services.inbox.process_pending()
            await services.dispatcher.dispatch_once()
            await adapter.drain()
            return bool(fake.calls_to("answerCallbackQuery")) and len(fake.sent(chat_id)) == 2

        await eventually(acknowledged)
        assert await count(services, Message.direction == "in") == 2
    finally:
        stop.set()
        await asyncio.wait_for(task, 5)
        await adapter.close()
        await services.close()
    methods = [call.method for call in fake.calls if call.method != "getMe"]
    assert methods[0] == "deleteWebhook" and fake.webhook is None
    polls = [call for call in fake.calls_to("getUpdates") if call.fault is None]
    assert polls[0].params.get("allowed_updates") == ["message", "callback_query"]
    assert first["update_id"] + 1 in [call.params.get("offset") for call in polls]


async def test_stop_is_confirmed_and_then_nothing_more_is_sent(tg: Harness) -> None:
    person = TelegramPerson(tg, 6123456789, "de")
    await person.send(person.from_payload("start"))
    [confirmation] = await person.send(person.from_payload("stop"))
    stopped = t(
        "You will get no more messages from us by {channel}. Write “{start}” to get them again.",
        channel=CHANNEL_NAMES[Channel.TELEGRAM],
        start=START,
    )
    assert confirmation["text"] == tg.services.catalogs["de"].text(stopped)
    assert await person.write("Hallo?") == []
