"""The office web page's words (German: the staff are German offices) and its HTML frame.

Every string staff see on /office is here, so wording is changed (or translated)
in one place. Values put into HTML are escaped with `e` where they are used.
"""

from __future__ import annotations

import re
from datetime import datetime
from html import escape
from typing import Final
from zoneinfo import ZoneInfo

LANG: Final = "de"
APP: Final = "Lotse – Behördenseite"

STATUS: Final[dict[str, str]] = {
    "created": "Angelegt",
    "sent": "Gesendet",
    "delivered": "Zugestellt",
    "connected": "Verbunden",
    "expired": "Abgelaufen",
    "failed": "Fehlgeschlagen",
    # Timeline steps that are not statuses.
    "queued": "Versand vorbereitet",
    "retry": "Neuer Versuch",
    "reminded": "Erinnert",
}
CHANNEL: Final[dict[str, str]] = {
    "sms": "SMS",
    "whatsapp": "WhatsApp",
    "telegram": "Telegram",
    "letter": "Brief",
    "webchat": "Web-Chat",
}
OUTCOME: Final[dict[str, str]] = {
    "created": "Angelegt",
    "existing": "Schon vorhanden",
    "error": "Fehler",
}

# Login and session
LOGIN_TITLE: Final = "Anmeldung"
EMAIL: Final = "E-Mail-Adresse"
PASSWORD: Final = "Passwort"
LOGIN: Final = "Anmelden"
LOGOUT: Final = "Abmelden"
LOGIN_FAILED: Final = "Anmeldung nicht möglich: E-Mail-Adresse oder Passwort ist falsch."
TOO_MANY: Final = (
    "Zu viele Anmeldeversuche. Bitte versuchen Sie es in 15 Minuten erneut, oder melden "
    "Sie sich an Ihrem üblichen Arbeitsplatz an."
)
LOGGED_OUT: Final = "Sie sind abgemeldet."
SESSION_ENDED: Final = "Ihre Sitzung ist abgelaufen. Bitte melden Sie sich erneut an."
CSRF_FAILED: Final = (
    "Die Sicherheitsprüfung des Formulars ist fehlgeschlagen. Bitte laden Sie die Seite "
    "neu und versuchen Sie es noch einmal."
)
FORBIDDEN_TITLE: Final = "Nicht erlaubt"

# Navigation
NAV_LABEL: Final = "Bereiche"
NAV_LIST: Final = "Einladungen"
NAV_UPLOAD: Final = "CSV hochladen"
NAV_LETTERS: Final = "Briefe drucken"

# List
LIST_TITLE: Final = "Einladungen"
COUNTS_LABEL: Final = "Anzahl nach Status"
ALL: Final = "Alle"
SEARCH: Final = "Aktenzeichen suchen"
SEARCH_BUTTON: Final = "Suchen"
RESET: Final = "Zurücksetzen"
NONE_FOUND: Final = "Keine Einladungen gefunden."
PAGE_OF: Final = "Seite {page} von {pages} ({total} Einladungen)"
PREVIOUS: Final = "Zurück"
NEXT: Final = "Weiter"
PAGES_LABEL: Final = "Seiten"
COL_REFERENCE: Final = "Aktenzeichen"
COL_STATUS: Final = "Status"
COL_LANGUAGE: Final = "Sprache"
COL_CHANNEL: Final = "Versandweg"
COL_CREATED: Final = "Angelegt"
COL_SENT: Final = "Gesendet"
COL_DELIVERED: Final = "Zugestellt"
COL_CLOSED: Final = "Abgeschlossen"
COL_CODE: Final = "Code"

# Detail
DETAIL_TITLE: Final = "Einladung {reference}"
BACK: Final = "Zurück zur Liste"
TIMELINE: Final = "Verlauf"
EXPIRES: Final = "Gültig bis"
REMINDED: Final = "Erinnert"
ERROR: Final = "Grund"
CHANNELS: Final = "Gewünschte Wege"
REDACTED: Final = "[Nummer]"
NOT_FOUND_TITLE: Final = "Nicht gefunden"
NOT_FOUND: Final = "Diese Einladung gibt es nicht (oder sie gehört zu einer anderen Behörde)."

# Upload
UPLOAD_TITLE: Final = "CSV-Datei hochladen"
UPLOAD_HELP: Final = (
    "Eine Zeile je Person. Nach dem Hochladen sehen Sie für jede Zeile, ob die "
    "Einladung angelegt wurde, schon vorhanden war oder welcher Wert fehlerhaft ist."
)
UPLOAD_FILE: Final = "CSV-Datei (UTF-8, höchstens {size})"
UPLOAD_BUTTON: Final = "Hochladen und prüfen"
UPLOADING: Final = "Datei wird hochgeladen …"
PROCESSING: Final = "Datei ist hochgeladen und wird verarbeitet …"
UPLOAD_NET: Final = "Das Hochladen ist fehlgeschlagen. Bitte noch einmal versuchen."
UPLOAD_EMPTY: Final = "Bitte eine CSV-Datei auswählen."
UPLOAD_TOO_LARGE: Final = "Die Datei ist größer als {size}. Bitte teilen Sie sie auf."
UPLOAD_BAD: Final = "Die Datei konnte nicht gelesen werden: {reason}"
REPORT_TITLE: Final = "Ergebnis je Zeile"
REPORT_SUMMARY: Final = (
    "{rows} Zeilen: {created} angelegt, {existing} schon vorhanden, {error} mit Fehler."
)
COL_ROW: Final = "Zeile"
COL_OUTCOME: Final = "Ergebnis"
COL_FIELD: Final = "Feld"
COL_MESSAGE: Final = "Hinweis"

# Letters
LETTERS_TITLE: Final = "Briefe drucken"
LETTERS_PENDING: Final = "Briefe, die auf den Druck warten: {count}"
LETTERS_NONE: Final = "Zurzeit warten keine Briefe auf den Druck."
LETTERS_HELP: Final = (
    "Die Druckdatei enthält alle wartenden Briefe Ihrer Behörde. Danach gelten sie als "
    "gedruckt; bitte die Datei sofort drucken und anschließend löschen."
)
LETTERS_DOWNLOAD: Final = "Druckdatei herunterladen"
BATCHES_TITLE: Final = "Frühere Druckdateien"
BATCHES_HELP: Final = (
    "Ging eine Druckdatei verloren, lässt sie sich erneut erzeugen – mit den Briefen, "
    "deren Einladung noch offen ist. Abgeschlossene Einladungen haben keine Adresse mehr."
)
COL_BATCH: Final = "Druckdatei"
COL_PRINTED: Final = "Erzeugt"
COL_LETTERS: Final = "Briefe"
COL_PAGES: Final = "Seiten"
BATCH_AGAIN: Final = "Erneut herunterladen"
BATCH_UNKNOWN: Final = "Diese Druckdatei gibt es für Ihre Behörde nicht."
BATCH_GONE: Final = (
    "Keiner dieser Briefe lässt sich erneut erzeugen: Die Einladungen sind abgeschlossen "
    "und die Adressen gelöscht."
)

NOTHING: Final = "–"
_CURRENT: Final = ' aria-current="page"'


#: Phone numbers in provider error texts are not shown (nor anything number-like).
_NUMBER: Final = re.compile(r"\+?\d[\d ()/.-]{4,}\d")


def redact(text: str | None) -> str:
    return NOTHING if not text else _NUMBER.sub(REDACTED, text)


def e(value: object) -> str:
    return escape(str(value), quote=True)


def size(n: int) -> str:
    return (
        f"{n / (1024 * 1024):.1f} MB".replace(".", ",") if n >= 1024 * 1024 else f"{n // 1024} KB"
    )


def when(value: datetime | None, timezone: str) -> str:
    """A time as German staff read it, in the installation's time zone."""
    if value is None:
        return NOTHING
    local = value.astimezone(ZoneInfo(timezone))
    return f'<time datetime="{e(value.isoformat())}">{local:%d.%m.%Y %H:%M}</time>'


def page(
    title: str,
    body: str,
    *,
    office: str | None = None,
    csrf: str | None = None,
    current: str = "",
    script: bool = False,
) -> str:
    """The frame of every office page. With `csrf` (logged in): navigation and logout."""
    nav = ""
    if csrf is not None:
        links = "".join(
            f'<li><a href="{href}"{_CURRENT if href == current else ""}>{e(label)}</a></li>'
            for href, label in (
                ("/office", NAV_LIST),
                ("/office/upload", NAV_UPLOAD),
                ("/office/letters", NAV_LETTERS),
            )
        )
        nav = (
            f'<nav aria-label="{e(NAV_LABEL)}"><ul>{links}</ul></nav>'
            f'<form method="post" action="/office/logout" class="logout">'
            f'<input type="hidden" name="csrf" value="{e(csrf)}">'
            f'<button type="submit">{e(LOGOUT)}</button></form>'
        )
    where = f'<span class="office">{e(office)}</span>' if office else ""
    js = '<script src="/static/office.js" defer></script>\n' if script else ""
    return (
        f'<!doctype html>\n<html lang="{LANG}" dir="ltr">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="color-scheme" content="light">\n'
        f"<title>{e(title)} – {e(APP)}</title>\n"
        '<link rel="icon" href="data:,">\n'
        '<link rel="stylesheet" href="/static/office.css">\n'
        f"{js}</head>\n<body>\n"
        f'<header class="top"><p class="brand">{e(APP)}</p>{where}{nav}</header>\n'
        f'<main id="main">\n<h1>{e(title)}</h1>\n{body}\n</main>\n</body>\n</html>\n'
    )
