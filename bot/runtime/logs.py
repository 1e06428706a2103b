"""Logging set-up. Message bodies, phone numbers and session tokens never reach a log line."""

from __future__ import annotations

import logging
import re

from aiohttp.abc import AbstractAccessLogger
from aiohttp.web import BaseRequest, StreamResponse

#: Chat session tokens, and the capability tokens of short links to a person's export
#: (/d/) and to a request letter (/r/).
_SECRET_PATH = re.compile(r"(/sessions/|^/d/|^/r/)[^/?]+")


def setup_logging(level: str) -> None:
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    hold_libraries()


#: Libraries that write secrets or personal data below these levels, held there even
#: with LOTSE_LOG_LEVEL=DEBUG: aiosqlite logs each call with its SQL parameters
#: (connect codes, e-mail addresses, tokens), SQLAlchemy statements and results, httpx
#: request URLs (a Telegram URL holds the bot token), python-telegram-bot parameters and
#: results (message texts, chat ids), twilio request bodies (phone numbers, texts).
LIBRARY_FLOORS: dict[str, int] = {
    "aiosqlite": logging.INFO,
    "asyncpg": logging.WARNING,
    "sqlalchemy": logging.WARNING,
    "httpx": logging.WARNING,
    "httpcore": logging.WARNING,
    "telegram": logging.INFO,
    "twilio": logging.WARNING,
}


def hold_libraries() -> None:
    """Raise each library's logger to its floor (never lower one an operator raised)."""
    for name, floor in LIBRARY_FLOORS.items():
        logger = logging.getLogger(name)
        if logger.getEffectiveLevel() < floor:
            logger.setLevel(floor)


class AccessLogger(AbstractAccessLogger):
    """Method, path with session and link tokens cut out, status and time; no query and
    no client IP."""

    def log(self, request: BaseRequest, response: StreamResponse, time: float) -> None:
        path = _SECRET_PATH.sub(r"\1…", request.path)
        self.logger.info("%s %s %s %.1fms", request.method, path, response.status, time * 1000)
