"""A fake Telegram Bot API: real HTTP on 127.0.0.1, answering `/bot<token>/<method>`.

It records every call (method + parsed parameters), keeps the messages it "sent"
so edits can be checked, serves queued updates to getUpdates (long polling
included), and fails on demand: 429 with retry_after, 5xx, 403 blocked, 400,
or an answer slower than the client's timeout.

    async with FakeTelegram() as fake:
        settings = load_settings(..., telegram_api_url=fake.url, telegram_token=fake.token)
        fake.fail(429, retry_after=30)        # the next sendMessage is rate limited
        fake.fail(403, chat_id=42)            # the next sendMessage to chat 42: blocked

Use the `fake_telegram` fixture, or the class as an async context manager.
"""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from types import TracebackType
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

TOKEN = "123:ABC"
BOT_USER = {"id": 123, "is_bot": True, "first_name": "Lotse", "username": "lotse_test_bot"}
START_DATE = 1_795_424_400  # 2026-11-23 09:00 UTC, the tests' clock

# Parameters arrive form-encoded (strings) from PTB, or as JSON from other clients.
_JSON_PARAMS = {"reply_markup", "allowed_updates", "entities", "link_preview_options", "media"}
_INT_PARAMS = {"chat_id", "message_id", "offset", "limit", "timeout", "max_connections"}
_BOOL_PARAMS = {"drop_pending_updates", "show_alert", "disable_notification"}

_DESCRIPTIONS = {
    400: "Bad Request: chat not found",
    403: "Forbidden: bot was blocked by the user",
    500: "Internal Server Error",
}
#: What a reverse proxy in front of the Bot API answers when it is down: not JSON.
_BAD_GATEWAY = "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"

Params = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Call:
    method: str
    params: Params
    #: What the fake did instead of answering normally ("429", "502", "slow"...).
    fault: str | None = None


@dataclass(slots=True)
class Fault:
    status: int | None  # None: answer normally, only late
    times: int
    chat_id: int | None = None
    method: str | None = "sendMessage"  # None: any method
    retry_after: int = 3
    delay: float = 0.0
    description: str | None = None

    def matches(self, method: str, params: Params) -> bool:
        return (
            self.times > 0
            and self.method in (None, method)
            and self.chat_id in (None, params.get("chat_id"))
        )

    @property
    def name(self) -> str:
        return "slow" if self.status is None else str(self.status)

    def response(self) -> web.Response:
        assert self.status is not None
        if self.status == 502:
            return web.Response(status=502, text=_BAD_GATEWAY, content_type="text/html")
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.status,
            "description": self.description or _DESCRIPTIONS.get(self.status, "Error"),
        }
        if self.status == 429:
            body["description"] = f"Too Many Requests: retry after {self.retry_after}"
            body["parameters"] = {"retry_after": self.retry_after}
        return web.json_response(body, status=self.status)


class FakeTelegram:
    def __init__(self, token: str = TOKEN) -> None:
        self.token = token
        self.url = ""
        self.calls: list[Call] = []
        #: Messages the bot has in each chat, by (chat id, message id), as last edited.
        self.messages: dict[tuple[int, int], Params] = {}
        self.webhook: Params | None = None
        self._faults: list[Fault] = []
        self._updates: list[Params] = []
        self._update_ids = itertools.count(500_000_001)
        self._message_ids = itertools.count(1001)
        self._new_update = asyncio.Event()
        self._closing = asyncio.Event()
        self._server: TestServer | None = None
        self._answers: dict[str, Callable[[Params], Awaitable[Any]]] = {
            "getMe": self._get_me,
            "sendMessage": self._send_message,
            "sendDocument": self._send_document,
            "sendMediaGroup": self._send_media_group,
            "answerCallbackQuery": self._true,
            "editMessageReplyMarkup": self._edit,
            "editMessageText": self._edit,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getUpdates": self._get_updates,
        }

    # -- life cycle ----------------------------------------------------------

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        self._server = TestServer(app, host="127.0.0.1")
        await self._server.start_server(access_log=None)  # its URLs carry the token
        self.url = str(self._server.make_url("")).rstrip("/")

    async def close(self) -> None:
        self._closing.set()  # ends long polls and slow answers still waiting
        if self._server is not None:
            await self._server.close()

    async def __aenter__(self) -> FakeTelegram:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()

    # -- what tests do -------------------------------------------------------

    def fail(
        self,
        status: int,
        *,
        times: int = 1,
        chat_id: int | None = None,
        method: str | None = "sendMessage",
        retry_after: int = 3,
        description: str | None = None,
    ) -> None:
        """Answer the next `times` matching calls with `status` (429, 400, 403, 500, 502…)."""
        self._faults.append(
            Fault(status, times, chat_id, method, retry_after, description=description)
        )

    def stall(
        self,
        seconds: float,
        *,
        times: int = 1,
        chat_id: int | None = None,
        method: str | None = "sendMessage",
    ) -> None:
        """Answer the next `times` matching calls only after `seconds` (a real Bot API
        still carries the call out: the message exists though the client gave up)."""
        self._faults.append(Fault(None, times, chat_id, method, delay=seconds))

    def clear_faults(self) -> None:
        self._faults.clear()

    def queue_update(self, update: Params) -> Params:
        """Serve `update` to getUpdates; an update_id is given if it has none."""
        update = {"update_id": next(self._update_ids), **update}
        self._updates.append(update)
        self._new_update.set()
        return update

    def calls_to(self, method: str) -> list[Call]:
        return [call for call in self.calls if call.method == method]

    def sent(self, chat_id: int | None = None) -> list[Params]:
        """Parameters of the sendMessage calls that succeeded, in order."""
        return [
            call.params
            for call in self.calls_to("sendMessage")
            if call.fault is None and chat_id in (None, call.params.get("chat_id"))
        ]

    # -- HTTP ----------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params = await _params(request)
        if request.match_info["token"] != self.token:
            self.calls.append(Call(method, params, "401"))
            return _error(401, "Unauthorized")
        fault = next((f for f in self._faults if f.matches(method, params)), None)
        self.calls.append(Call(method, params, fault.name if fault else None))
        if fault is not None:
            fault.times -= 1
            if fault.status is not None:
                return fault.response()
            await self._pause(fault.delay)
        answer = self._answers.get(method)
        if answer is None:
            return _error(404, "Not Found")
        result = await answer(params)
        if isinstance(result, web.Response):
            return result
        return web.json_response({"ok": True, "result": result})

    async def _pause(self, seconds: float, until: asyncio.Event | None = None) -> None:
        """Sleep `seconds`, or less if `until` is set or the fake closes."""
        events = {self._closing} if until is None else {until, self._closing}
        waits = [asyncio.ensure_future(event.wait()) for event in events]
        try:
            await asyncio.wait(waits, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for wait in waits:
                wait.cancel()

    # -- methods -------------------------------------------------------------

    async def _true(self, params: Params) -> bool:
        return True

    async def _get_me(self, params: Params) -> Params:
        return BOT_USER

    async def _send_message(self, params: Params) -> Params | web.Response:
        if not isinstance(params.get("chat_id"), int) or not params.get("text"):
            return _error(400, "Bad Request: message text is empty or chat_id is missing")
        chat_id, message_id = params["chat_id"], next(self._message_ids)
        message: Params = {
            "message_id": message_id,
            "from": BOT_USER,
            "chat": {"id": chat_id, "first_name": "Person", "type": "private"},
            "date": START_DATE,
            "text": params["text"],
        }
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        self.messages[(chat_id, message_id)] = message
        return message

    async def _send_document(self, params: Params) -> Params | web.Response:
        """A file sent as multipart form data: its name and bytes are kept in the call."""
        document = params.get("document")
        if not isinstance(params.get("chat_id"), int) or not isinstance(document, dict):
            return _error(400, "Bad Request: there is no document in the request")
        chat_id, message_id = params["chat_id"], next(self._message_ids)
        message: Params = {
            "message_id": message_id,
            "from": BOT_USER,
            "chat": {"id": chat_id, "first_name": "Person", "type": "private"},
            "date": START_DATE,
            "document": {"file_id": f"file-{message_id}", "file_unique_id": f"u{message_id}",
                         "file_name": document["filename"], "file_size": len(document["data"])},
        }  # fmt: skip
        self.messages[(chat_id, message_id)] = message
        return message

    async def _send_media_group(self, params: Params) -> list[Params] | web.Response:
        """An album of files: `media` names each upload (attach://<field>); the files
        are kept in the call's params as `files`, in order."""
        media = params.get("media")
        if not isinstance(params.get("chat_id"), int) or not isinstance(media, list):
            return _error(400, "Bad Request: media is missing")
        params["files"] = [params.get(item["media"].removeprefix("attach://")) for item in media]
        if not 2 <= len(media) <= 10 or not all(isinstance(f, dict) for f in params["files"]):
            return _error(400, "Bad Request: wrong number of media or a file is missing")
        sent = []
        for item, file in zip(media, params["files"], strict=True):
            answer = await self._send_document({"chat_id": params["chat_id"], "document": file})
            assert isinstance(answer, dict)
            if item.get("caption"):
                answer["caption"] = item["caption"]
            sent.append(answer)
        return sent

    async def _edit(self, params: Params) -> Params | web.Response:
        key = (params.get("chat_id"), params.get("message_id"))
        message = self.messages.get(key)  # type: ignore[arg-type]
        if message is None:
            return _error(400, "Bad Request: message to edit not found")
        edited = {**message, "edit_date": START_DATE}
        if "text" in params:
            edited["text"] = params["text"]
        edited.pop("reply_markup", None)
        if params.get("reply_markup", {}).get("inline_keyboard"):
            edited["reply_markup"] = params["reply_markup"]
        self.messages[key] = edited  # type: ignore[index]
        return edited

    async def _set_webhook(self, params: Params) -> bool:
        self.webhook = params
        return True

    async def _delete_webhook(self, params: Params) -> bool:
        self.webhook = None
        return True

    async def _get_updates(self, params: Params) -> list[Params] | web.Response:
        if self.webhook is not None:
            return _error(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = params.get("offset")
        if offset is not None:  # everything before the offset is confirmed
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        if not self._updates:
            self._new_update.clear()
            await self._pause(params.get("timeout") or 0, until=self._new_update)
        return self._updates[: params.get("limit") or 100]


def _error(status: int, description: str) -> web.Response:
    return web.json_response(
        {"ok": False, "error_code": status, "description": description}, status=status
    )


async def _params(request: web.Request) -> Params:
    raw: Params = dict(request.query)
    if request.content_type == "application/json":
        raw.update(await request.json())
    elif request.can_read_body:
        form = await request.post()
        raw.update({k: v for k, v in form.items() if isinstance(v, str)})
        # Uploaded files (sendDocument): kept as their name and bytes.
        raw.update(
            {k: {"filename": v.filename, "data": v.file.read()}
             for k, v in form.items() if isinstance(v, web.FileField)}
        )  # fmt: skip
    return {name: _typed(name, value) for name, value in raw.items()}


def _typed(name: str, value: Any) -> Any:
    if not isinstance(value, str):
        return value
    if name in _JSON_PARAMS:
        return json.loads(value)
    if name in _INT_PARAMS and value.lstrip("-").isdigit():
        return int(value)
    if name in _BOOL_PARAMS:
        return value == "true"
    return value


@pytest.fixture
async def fake_telegram() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as fake:
        yield fake
