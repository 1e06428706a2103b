"""Logging set-up. Message bodies, phone numbers and session tokens never reach a log line."""

from __future__ import annotations

import logging
import re

from aiohttp.abc import AbstractAccessLogger
from aiohttp.web import BaseRequest, StreamResponse

_SECRET_PATH = re.compile(r"/sessions/[^/?]+")


def setup(level: str) -> None:
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # httpx logs request URLs (a Telegram URL holds the bot token); python-telegram-bot
    # logs message texts and chat ids at DEBUG. Neither belongs in Lotse's logs.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("telegram").setLevel(max(logging.INFO, logging.getLevelName(level)))


class AccessLogger(AbstractAccessLogger):
    """Method, path with session tokens cut out, status and time; no query, no client IP."""

    def log(self, request: BaseRequest, response: StreamResponse, time: float) -> None:
        path = _SECRET_PATH.sub("/sessions/…", request.path)
        self.logger.info("%s %s %s %.1fms", request.method, path, response.status, time * 1000)
