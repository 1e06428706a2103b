"""The office pages' words in the staff member's language: the `staff` gettext domain
(locales/staff.pot; German and English), dates, sizes and language names by Babel.

Staff strings are marked `_("…")` (a `Words`, called) or `N_("…")` (a table, translated
where shown) here in bot/web/office only, so they never enter the 13 catalogs that
people's messages use (bot/i18n/domains.py).
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Final
from zoneinfo import ZoneInfo

from aiohttp import web
from babel import Locale
from babel.dates import format_date, format_time
from babel.numbers import format_decimal

from bot.i18n import STAFF, Catalogs, Translator, direction, negotiate, parse_accept_language

DEFAULT: Final = "de"
LANGUAGES: Final = STAFF.languages
NOTHING: Final = "–"
STAFF_CATALOGS = web.AppKey("staff_catalogs", Catalogs)


def N_(msgid: str) -> str:
    """Marks a staff string for extraction; it is translated where it is shown."""
    return msgid


STATUS: Final[dict[str, str]] = {
    "created": N_("Created"),
    "sent": N_("Sent"),
    "delivered": N_("Delivered"),
    "connected": N_("Connected"),
    "expired": N_("Expired"),
    "failed": N_("Failed"),
    # Timeline steps that are not statuses.
    "queued": N_("Prepared for sending"),
    "retry": N_("New attempt"),
    "reminded": N_("Reminded"),
}
CHANNEL: Final[dict[str, str]] = {
    "sms": N_("SMS"),
    "whatsapp": N_("WhatsApp"),
    "telegram": N_("Telegram"),
    "letter": N_("Letter"),
    "webchat": N_("Web chat"),
}
OUTCOME: Final[dict[str, str]] = {
    "created": N_("Created"),
    "existing": N_("Already there"),
    "error": N_("Error"),
}


class Words:
    """One language's staff words: `_("Log in")` gives "Anmelden" in German."""

    def __init__(self, translator: Translator) -> None:
        self.lang = translator.lang
        self.direction = direction(self.lang)
        self._translator = translator

    def __call__(self, msgid: str) -> str:
        return self._translator.gettext(msgid)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self._translator.ngettext(singular, plural, n)

    def status(self, status: str) -> str:
        return self(STATUS[status]) if status in STATUS else status

    def channel(self, channel: str) -> str:
        return self(CHANNEL[channel]) if channel in CHANNEL else channel

    def outcome(self, outcome: str) -> str:
        return self(OUTCOME[outcome]) if outcome in OUTCOME else outcome

    def language(self, code: str) -> str:
        """A person's language by its name in the staff member's ("Persisch" for fa)."""
        try:
            name = Locale.parse(code).get_display_name(self.lang)
        except (ValueError, TypeError):
            return code
        return name or code

    def number(self, n: int) -> str:
        return format_decimal(n, locale=self.lang)

    def size(self, n: int) -> str:
        if n >= 1024 * 1024:
            return f"{format_decimal(n / (1024 * 1024), '#,##0.0', locale=self.lang)} MB"
        return f"{format_decimal(n // 1024, locale=self.lang)} KB"

    def day(self, value: date | None) -> str:
        """A date as the language writes it (30.11.2026; 30 Nov 2026), in a <time>."""
        if value is None:
            return NOTHING
        shown = format_date(value, "medium", locale=self.lang)
        return f'<time datetime="{value.isoformat()}">{shown}</time>'

    def when(self, value: datetime | None, timezone: str) -> str:
        """A time in the installation's time zone, as the language writes it
        (23.11.2026 14:05; Nov 23, 2026 2:05 PM), in a <time> element."""
        if value is None:
            return NOTHING
        local = value.astimezone(ZoneInfo(timezone))
        shown = (
            f"{format_date(local, 'medium', locale=self.lang)} "
            f"{format_time(local, 'short', locale=self.lang)}"
        )
        return f'<time datetime="{value.isoformat()}">{shown}</time>'


def load(locales_dir: Path) -> Catalogs:
    return Catalogs(locales_dir, STAFF.languages, STAFF.name)


def words(request: web.Request, chosen: str | None = None) -> Words:
    """The words for this request: the staff member's stored choice, else the browser's
    preference (Accept-Language), else German."""
    catalogs = request.app[STAFF_CATALOGS]
    lang = chosen if chosen in LANGUAGES else None
    lang = lang or negotiate(
        parse_accept_language(request.headers.get("Accept-Language")), among=LANGUAGES
    )
    return Words(catalogs[lang or DEFAULT])
