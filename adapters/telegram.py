"""Telegram: send through the Bot API (python-telegram-bot), receive by webhook or polling.

The adapter stays thin: the outbox renders, paces, retries and marks dead chats;
here are only the Bot API calls, the mapping of Telegram's errors onto the core's
failures, and the normalising of Updates into `InboundMessage`s.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
import re
import warnings
from collections.abc import Awaitable
from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import Any, TypeVar

from aiohttp import web
from aiohttp.web_protocol import RequestPayloadError
from telegram import (
    Bot,
    CallbackQuery,
    Chat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    Update,
    User,
)
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    InvalidToken,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.request import HTTPXRequest
from telegram.warnings import PTBDeprecationWarning

from bot.config import ConfigError, Settings
from bot.conversation import InboundOutcome
from bot.kernel.types import Capabilities, Channel, InboundMessage, OutboundMessage, RateLimit
from bot.messaging import PermanentFailure, SendResult, TemporaryFailure
from bot.runtime import Services, fail, hold_libraries, parse_json

log = logging.getLogger(__name__)

WEBHOOK_PATH = "/webhooks/telegram"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
ALLOWED_UPDATES = ("message", "callback_query")
#: Seconds one Bot API call may take; a slower answer is a temporary failure.
REQUEST_TIMEOUT = 10.0
#: getUpdates long-poll duration (Telegram holds the request open up to this long).
POLL_TIMEOUT = 25
POLL_BACKOFF = (0.5, 60.0)  # first and longest pause after a failed poll, in seconds
#: Bot commands that stand for the engine's keywords (English words always work).
COMMANDS = {"language": "language", "help": "help", "menu": "menu", "stop": "stop"}
#: Telegram's deep-link alphabet for /start payloads.
_PAYLOAD = re.compile(r"[A-Za-z0-9_-]{1,64}")
#: What a person can send that Lotse cannot read; they get a polite answer.
UNSUPPORTED = (
    "photo", "voice", "video", "video_note", "audio", "animation", "sticker",
    "document", "location", "venue", "contact", "poll", "dice", "story",
)  # fmt: skip
CHOSEN = "✓ "
_LONG_NUMBER = re.compile(r"\d{5,}")

T = TypeVar("T")


# -- inbound: Update JSON → InboundMessage ---------------------------------


@dataclass(frozen=True, slots=True)
class CallbackAnswer:
    """What answering a button press needs: the query, and the message to mark."""

    query_id: str
    chat_id: int = field(repr=False)
    #: None when Telegram no longer shows the bot the message (too old to edit).
    message_id: int | None
    choice: str
    #: The pressed button's label and the message's text, to show the choice as made.
    label: str | None = field(default=None, repr=False)
    text: str | None = field(default=None, repr=False)


@dataclass(frozen=True, slots=True)
class ParsedUpdate:
    inbound: InboundMessage
    callback: CallbackAnswer | None = None


def parse_update(data: dict[str, Any]) -> ParsedUpdate | None:
    """One Update as Lotse sees it, or None for what Lotse ignores (groups, channels,
    edits, service messages). Raises ValueError for JSON that is not an Update."""
    if not isinstance(data, dict) or type(data.get("update_id")) is not int:
        raise ValueError("not a Telegram update (no integer update_id)")
    try:
        return from_update(Update.de_json(data, bot=None))
    except (KeyError, TypeError, AttributeError, ValueError, OverflowError) as error:
        # The message names only the error type: its text may quote the update.
        raise ValueError(f"malformed Telegram update ({type(error).__name__})") from None


def from_update(update: Update) -> ParsedUpdate | None:
    # Telegram repeats a webhook it thinks failed: the engine drops a repeated id.
    provider_id = f"u{update.update_id}"
    if update.callback_query is not None:
        return _from_callback(update.callback_query, provider_id)
    if update.message is not None:
        return _from_message(update.message, provider_id)
    return None


def _private_chat_id(chat: Chat) -> int | None:
    if chat.type != Chat.PRIVATE:
        return None
    if type(chat.id) is not int:
        raise ValueError("chat id is not an integer")
    return chat.id


def _hints(user: User | None) -> tuple[str, ...]:
    code = user.language_code if user is not None else None
    return (code,) if isinstance(code, str) and code else ()


def _from_message(message: Message, provider_id: str) -> ParsedUpdate | None:
    chat_id = _private_chat_id(message.chat)
    if chat_id is None:
        return None
    base = InboundMessage(
        channel=Channel.TELEGRAM,
        address=str(chat_id),
        provider_id=provider_id,
        language_hints=_hints(message.from_user),
        received_at=message.date,
    )
    if isinstance(message.text, str) and message.text.strip():
        return ParsedUpdate(_with_text(base, message.text.strip()))
    if any(getattr(message, kind, None) for kind in UNSUPPORTED):
        return ParsedUpdate(replace(base, unsupported=True))
    return None


def _with_text(base: InboundMessage, text: str) -> InboundMessage:
    if not text.startswith("/"):
        return replace(base, text=text)
    head, *rest = text.split(maxsplit=1)
    command = head[1:].split("@", 1)[0].lower()  # "/start@lotse_bot" in some clients
    if command == "start":
        payload = rest[0] if rest else ""
        return replace(base, start=True, payload=payload if _PAYLOAD.fullmatch(payload) else None)
    if command in COMMANDS:
        return replace(base, text=COMMANDS[command])
    return replace(base, text=text)


def _from_callback(query: CallbackQuery, provider_id: str) -> ParsedUpdate | None:
    message = query.message
    if message is None or not isinstance(query.data, str) or not query.data:
        return None  # inline-mode or game buttons: Lotse sends neither
    chat_id = _private_chat_id(message.chat)
    if chat_id is None:
        return None
    if isinstance(message, Message):
        answer = CallbackAnswer(
            str(query.id), chat_id, message.message_id, query.data,
            label=_label(message, query.data), text=message.text,
        )  # fmt: skip
    else:  # an InaccessibleMessage: too old for the bot to see or edit
        answer = CallbackAnswer(str(query.id), chat_id, None, query.data)
    inbound = InboundMessage(
        channel=Channel.TELEGRAM,
        address=str(chat_id),
        provider_id=provider_id,
        choice=query.data,
        language_hints=_hints(query.from_user),
    )
    return ParsedUpdate(inbound, answer)


def _label(message: Message, choice: str) -> str | None:
    markup = message.reply_markup
    rows = markup.inline_keyboard if markup is not None else ()
    return next((b.text for row in rows for b in row if b.callback_data == choice), None)


# -- outbound: the adapter ------------------------------------------------


def _bot(settings: Settings, timeout: float = REQUEST_TIMEOUT) -> Bot:
    if not settings.telegram_token:
        raise ConfigError("LOTSE_TELEGRAM_TOKEN: not set")

    def request() -> HTTPXRequest:
        return HTTPXRequest(read_timeout=timeout, write_timeout=timeout, connect_timeout=timeout)

    return Bot(
        settings.telegram_token,
        base_url=f"{settings.telegram_api_url}/bot",
        base_file_url=f"{settings.telegram_api_url}/file/bot",
        request=request(),
        get_updates_request=request(),
    )


def _keyboard(message: OutboundMessage) -> InlineKeyboardMarkup | None:
    if not message.choices:
        return None
    # One button per row: labels in Arabic or Tigrinya are long, and rows never squeeze.
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(c.label, callback_data=c.id)] for c in message.choices]
    )


def _seconds(error: RetryAfter) -> float:
    with warnings.catch_warnings():  # PTB 22 warns that the int will become a timedelta
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


class TelegramAdapter:
    channel = Channel.TELEGRAM
    capabilities = Capabilities(buttons=True, max_length=4096, max_buttons=20)
    resend_is_harmless = False

    def __init__(self, settings: Settings, *, timeout: float = REQUEST_TIMEOUT) -> None:
        self.rate_limit: RateLimit | None = RateLimit(
            settings.telegram_rate_per_second, settings.telegram_rate_per_chat_per_second
        )
        self.bot = _bot(settings, timeout)
        self._token = settings.telegram_token
        self._tasks: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        """Open the HTTP pools and check the token (getMe). Safe to call twice."""
        hold_libraries()
        try:
            await self.bot.initialize()
        except InvalidToken:  # PTB's message would quote the token
            raise ConfigError("LOTSE_TELEGRAM_TOKEN: Telegram rejected the token") from None
        except TelegramError as error:
            # Telegram unreachable: the rest of Lotse runs, and the outbox retries.
            log.warning("Telegram is not reachable at start: %s", self._reason(error))

    async def close(self) -> None:
        await self.drain()
        await self.bot.shutdown()

    async def drain(self) -> None:
        """Wait for the background answers to button presses."""
        while self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    async def send(self, message: OutboundMessage) -> SendResult:
        try:
            chat_id = int(message.address)
        except ValueError:
            raise PermanentFailure("not a Telegram chat id", unreachable=True) from None
        try:
            sent = await self.bot.send_message(
                chat_id, message.text, reply_markup=_keyboard(message)
            )
        except TelegramError as error:
            raise self._failure(error) from None
        return SendResult(provider_id=str(sent.message_id))

    def _failure(self, error: TelegramError) -> TemporaryFailure | PermanentFailure:
        reason = self._reason(error)
        if isinstance(error, Forbidden):  # blocked by the user, user deactivated
            return PermanentFailure(reason, unreachable=True)
        if isinstance(error, RetryAfter):
            return TemporaryFailure(reason, retry_after=_seconds(error))
        if isinstance(error, BadRequest):  # before NetworkError, which it subclasses
            dead = any(words in reason.lower() for words in ("chat not found", "user not found"))
            return PermanentFailure(reason, unreachable=dead)
        if isinstance(error, ChatMigrated):
            return PermanentFailure(reason)
        if isinstance(error, InvalidToken):
            log.error("Telegram rejected the bot token; check LOTSE_TELEGRAM_TOKEN")
        # TimedOut, NetworkError (5xx, connection), Conflict, a bad token: try again later.
        return TemporaryFailure(reason)

    def _reason(self, error: TelegramError) -> str:
        """Telegram's description, without the token, long numbers (chat ids) or a quoted
        response body (it may echo the message)."""
        if isinstance(error, RetryAfter):
            return f"Telegram flood control: retry after {_seconds(error):g} s"
        if isinstance(error, TimedOut):
            return "Telegram did not answer in time"
        text = error.message.split(". Parsing the server response", 1)[0]
        text = _LONG_NUMBER.sub("…", text.replace(self._token, "<token>"))
        kind = type(error).__name__
        prefix = "" if text.lower().startswith(kind.lower()) else f"{kind}: "
        return f"{prefix}{text}"[:200]

    # -- button presses ------------------------------------------------------

    def acknowledge(self, answer: CallbackAnswer, *, mark: bool) -> None:
        """Answer a button press in the background (after the engine committed), and
        mark the choice on the message unless this press was a repeated delivery."""
        task = asyncio.create_task(self._acknowledge(answer, mark), name="telegram-callback")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _acknowledge(self, answer: CallbackAnswer, mark: bool) -> None:
        try:
            # Until answered, the person's client shows a spinner on the button.
            await self._quietly(
                "answerCallbackQuery", self.bot.answer_callback_query(answer.query_id)
            )
            if mark and answer.message_id is not None:
                await self._mark_chosen(answer, answer.message_id)
        except Exception as error:  # nobody awaits this task: say what went wrong
            log.warning("answering a Telegram button press failed (%s)", type(error).__name__)

    async def _mark_chosen(self, answer: CallbackAnswer, message_id: int) -> None:
        """Show the choice made instead of the buttons, so old buttons cannot be pressed
        again. Editing without `reply_markup` removes the inline keyboard."""
        if answer.text and answer.label:
            edited = await self._quietly(
                "editMessageText",
                self.bot.edit_message_text(
                    f"{answer.text}\n\n{CHOSEN}{answer.label}",
                    chat_id=answer.chat_id,
                    message_id=message_id,
                ),
            )
            if edited is not None:
                return
        # No text to extend (or it would be too long): at least take the buttons away.
        await self._quietly(
            "editMessageReplyMarkup",
            self.bot.edit_message_reply_markup(chat_id=answer.chat_id, message_id=message_id),
        )

    async def _quietly(self, method: str, call: Awaitable[T]) -> T | None:
        try:
            return await call
        except TelegramError as error:
            log.warning("Telegram %s failed: %s", method, self._reason(error))
            return None


# -- the webhook, polling, and registering the webhook ----------------------


def _adapter(services: Services) -> TelegramAdapter:
    adapter = services.adapters.get(Channel.TELEGRAM)
    if not isinstance(adapter, TelegramAdapter):
        raise ConfigError("the Telegram channel is not configured (LOTSE_TELEGRAM_TOKEN)")
    return adapter


async def process(services: Services, parsed: ParsedUpdate) -> None:
    """What the webhook and the poller share: the engine first, then (outside its
    transaction) the answer to a button press."""
    handled = await services.engine.handle(parsed.inbound)
    if parsed.callback is not None:
        mark = handled.outcome is not InboundOutcome.DUPLICATE
        _adapter(services).acknowledge(parsed.callback, mark=mark)


def routes(services: Services) -> web.RouteTableDef:
    table = web.RouteTableDef()
    secret = services.settings.telegram_webhook_secret.encode()

    @table.post(WEBHOOK_PATH)
    async def webhook(request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode("utf-8", "surrogateescape")
        # No secret configured (polling mode) means no webhook is accepted at all.
        if not secret or not hmac.compare_digest(given, secret):
            fail(403, "forbidden", "wrong or missing secret token")
        try:
            parsed = parse_update(parse_json(await request.read()))
        except (web.HTTPRequestEntityTooLarge, RequestPayloadError, ValueError) as error:
            # From Telegram (it knew the secret) but unusable: acknowledged, or Telegram
            # would send it again and again. Logged without the update's content.
            reason = "the body is too large" if isinstance(error, web.HTTPException) else error
            log.warning("telegram: unusable update acknowledged and dropped: %s", reason)
            return web.json_response({})
        if parsed is not None:
            await process(services, parsed)
        return web.json_response({})

    return table


async def poll(
    services: Services, *, stop: asyncio.Event | None = None, wait: int = POLL_TIMEOUT
) -> None:
    """Long-poll getUpdates (each call waits up to `wait` seconds) until `stop` is set
    or the task is cancelled.

    For machines without a public URL. The webhook is deleted first (Telegram
    refuses getUpdates while one is set). An update is confirmed (the offset moves
    past it) only once processed: after a failure it comes again, and the engine
    drops what it already handled.
    """
    adapter = _adapter(services)
    stop = stop or asyncio.Event()
    offset: int | None = None
    webhook_deleted = False
    failures = 0
    while not stop.is_set():
        try:
            if not webhook_deleted:
                webhook_deleted = await adapter.bot.delete_webhook()
            offset = await _poll_once(services, adapter, offset, wait, stop)
            failures = 0
        except Exception as error:  # Telegram or the database: pause, then try again
            failures += 1
            delay = min(POLL_BACKOFF[0] * 2 ** (failures - 1), POLL_BACKOFF[1])
            log.warning(
                "Telegram polling failed (%s); again in %.1f s", type(error).__name__, delay
            )
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), delay)


async def _poll_once(
    services: Services,
    adapter: TelegramAdapter,
    offset: int | None,
    wait: int,
    stop: asyncio.Event,
) -> int | None:
    call = adapter.bot.get_updates(offset=offset, timeout=wait, allowed_updates=ALLOWED_UPDATES)
    for update in await _unless_stopped(call, stop) or ():
        try:
            parsed = from_update(update)
        except (KeyError, TypeError, AttributeError, ValueError, OverflowError) as error:
            log.warning("skipped a malformed Telegram update (%s)", type(error).__name__)
            parsed = None
        if parsed is not None:
            await process(services, parsed)
        offset = update.update_id + 1
    return offset


async def _unless_stopped(call: Awaitable[T], stop: asyncio.Event) -> T | None:
    """The call's result, or None as soon as `stop` is set (the call is cancelled)."""
    task = asyncio.ensure_future(call)
    stopped = asyncio.ensure_future(stop.wait())
    try:
        await asyncio.wait({task, stopped}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        stopped.cancel()
        if not task.done():
            task.cancel()
        await asyncio.gather(task, stopped, return_exceptions=True)
    return None if task.cancelled() else task.result()  # result() raises the call's error


async def set_webhook(settings: Settings) -> str:
    """Tell Telegram where to deliver updates; returns that URL."""
    if not settings.telegram_webhook_secret:
        raise ConfigError("LOTSE_TELEGRAM_WEBHOOK_SECRET: needed to register the webhook")
    url = f"{settings.public_url}{WEBHOOK_PATH}"
    try:
        async with _bot(settings) as bot:
            await bot.set_webhook(
                url,
                secret_token=settings.telegram_webhook_secret,
                allowed_updates=list(ALLOWED_UPDATES),
            )
    except InvalidToken:  # PTB's message would quote the token
        raise ConfigError("LOTSE_TELEGRAM_TOKEN: Telegram rejected the token") from None
    except BadRequest as error:  # e.g. "bad webhook: HTTPS url must be provided"
        raise ConfigError(f"LOTSE_PUBLIC_URL: Telegram refused {url}: {error.message}") from None
    except TelegramError as error:
        raise ConfigError(
            f"LOTSE_TELEGRAM_API_URL: Telegram could not be reached ({type(error).__name__})"
        ) from None
    return url
