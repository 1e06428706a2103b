"""The office pages' HTML frame: header with navigation, language switch and logout,
<main>, and a footer with the accessibility statement. Values put into HTML are
escaped with `e` where they are used.
"""

from __future__ import annotations

import re
from html import escape
from typing import Final

from babel import Locale

from bot.web.office.words import LANGUAGES, NOTHING, Words

_CURRENT: Final = ' aria-current="page"'

#: Phone numbers in provider error texts are not shown (nor anything number-like).
_NUMBER: Final = re.compile(r"\+?\d[\d ()/.-]{4,}\d")


def redact(_: Words, text: str | None) -> str:
    return NOTHING if not text else _NUMBER.sub(_("[number]"), text)


def e(value: object) -> str:
    return escape(str(value), quote=True)


def _own_name(code: str) -> str:
    name = Locale.parse(code).get_display_name(code) or code
    return name[:1].upper() + name[1:]


def language_switch(_: Words, csrf: str | None, back: str) -> str:
    """Buttons (logged in: a POST that remembers the choice) or links (the login page)
    to the other languages, each named in its own language."""
    others = [code for code in LANGUAGES if code != _.lang]
    label = e(_("Language"))
    if csrf is None:
        links = "".join(
            f'<a href="/office/login?lang={code}" hreflang="{code}" lang="{code}">'
            f"{e(_own_name(code))}</a>"
            for code in others
        )
        return f'<nav class="languages" aria-label="{label}">{links}</nav>'
    buttons = "".join(
        f'<button type="submit" name="lang" value="{code}" lang="{code}">'
        f"{e(_own_name(code))}</button>"
        for code in others
    )
    return (
        f'<form method="post" action="/office/language" class="languages" aria-label="{label}">'
        f'<input type="hidden" name="csrf" value="{e(csrf)}">'
        f'<input type="hidden" name="next" value="{e(back)}">{buttons}</form>'
    )


def page(
    _: Words,
    title: str,
    body: str,
    *,
    office: str | None = None,
    csrf: str | None = None,
    current: str = "",
    script: bool = False,
    back: str = "/office",
) -> str:
    """The frame of every office page. With `csrf` (logged in): navigation, the language
    switch (back to `back`) and logout."""
    app = _("Lotse – office pages")
    sections, log_out = _("Sections"), _("Log out")
    nav = ""
    if csrf is not None:
        links = "".join(
            f'<li><a href="{href}"{_CURRENT if href == current else ""}>{e(label)}</a></li>'
            for href, label in (
                ("/office", _("Invitations")),
                ("/office/upload", _("Upload CSV")),
                ("/office/letters", _("Print letters")),
                ("/office/requests", _("Requests")),
            )
        )
        nav = (
            f'<nav aria-label="{e(sections)}"><ul>{links}</ul></nav>'
            f'<form method="post" action="/office/logout" class="logout">'
            f'<input type="hidden" name="csrf" value="{e(csrf)}">'
            f'<button type="submit">{e(log_out)}</button></form>'
        )
    where = f'<span class="office">{e(office)}</span>' if office else ""
    js = '<script src="/static/office.js" defer></script>\n' if script else ""
    statement = e(_("Accessibility statement"))
    return (
        f'<!doctype html>\n<html lang="{_.lang}" dir="{_.direction}">\n<head>\n'
        '<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="color-scheme" content="light">\n'
        f"<title>{e(title)} – {e(app)}</title>\n"
        '<link rel="icon" href="data:,">\n'
        '<link rel="stylesheet" href="/static/office.css">\n'
        f"{js}</head>\n<body>\n"
        f'<header class="top"><p class="brand">{e(app)}</p>{where}{nav}'
        f"{language_switch(_, csrf, back)}</header>\n"
        f'<main id="main">\n<h1>{e(title)}</h1>\n{body}\n</main>\n'
        f'<footer class="foot"><a href="/accessibility?lang={_.lang}">{statement}</a>'
        "</footer>\n</body>\n</html>\n"
    )
