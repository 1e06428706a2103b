"""The Telegram channel adapter: Bot API calls, Telegram's errors as the core's failures."""

from __future__ import annotations

import asyncio
import logging
import re
import warnings
from collections.abc import Awaitable
from datetime import timedelta
from typing import TypeVar

from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    InputMediaDocument,
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

from adapters.telegram.parsing import CallbackAnswer
from bot.config import ConfigError, Settings
from bot.kernel.types import Attachment, Capabilities, Channel, OutboundMessage, RateLimit
from bot.messaging import PermanentFailure, SendResult, TemporaryFailure
from bot.runtime import hold_libraries

# The channel's one logger name, as before it was split into modules.
log = logging.getLogger("adapters.telegram")

#: Seconds one Bot API call may take; a slower answer is a temporary failure.
REQUEST_TIMEOUT = 10.0
CHOSEN = "✓ "
#: The longest caption Telegram takes on a file.
CAPTION_LIMIT = 1024
_LONG_NUMBER = re.compile(r"\d{5,}")

T = TypeVar("T")


def make_bot(settings: Settings, timeout: float = REQUEST_TIMEOUT) -> Bot:
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
    capabilities = Capabilities(buttons=True, max_length=4096, max_buttons=20, files=True)
    resend_is_harmless = False

    def __init__(self, settings: Settings, *, timeout: float = REQUEST_TIMEOUT) -> None:
        self.rate_limit: RateLimit | None = RateLimit(
            settings.telegram_rate_per_second, settings.telegram_rate_per_chat_per_second
        )
        self.bot = make_bot(settings, timeout)
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
            if message.files:
                sent_id = await self._send_files(chat_id, message)
            else:
                sent = await self.bot.send_message(
                    chat_id, message.text, reply_markup=_keyboard(message)
                )
                sent_id = sent.message_id
        except TelegramError as error:
            raise self._failure(error) from None
        return SendResult(provider_id=str(sent_id))

    async def _send_files(self, chat_id: int, message: OutboundMessage) -> int:
        """The files with the text as their caption, in one call: a retry after a
        failure never repeats a part of it (a call that failed sent nothing)."""
        files = list(message.files)
        if message.choices or len(message.text) > CAPTION_LIMIT:
            # The text cannot be a caption (buttons, or too long): it goes first.
            first = await self.bot.send_message(
                chat_id, message.text, reply_markup=_keyboard(message)
            )
            await self._send_documents(chat_id, files, None)
            return first.message_id
        return await self._send_documents(chat_id, files, message.text)

    async def _send_documents(
        self, chat_id: int, files: list[Attachment], caption: str | None
    ) -> int:
        if len(files) == 1:
            one = InputFile(files[0].data, filename=files[0].filename)
            sent = await self.bot.send_document(chat_id, one, caption=caption)
            return sent.message_id
        # Bytes, not InputFile: PTB then uploads each as a part of its own (attach://).
        media = [InputMediaDocument(f.data, filename=f.filename) for f in files]
        album = await self.bot.send_media_group(chat_id, media, caption=caption)
        return album[0].message_id

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
