"""A request's letter (the request, the reminder or the complaint) on the web: in the web
chat that asked, and behind a short link.

- `/chat/api/sessions/{session}/letters/{id}/{file}`: only the chat session that asked
  for the letter (its token in the path is the credential);
- `/r/{token}`: the page a short link (SMS, WhatsApp) opens, and `/r/{token}/{file}`.

Every failure (a wrong, expired, deleted or someone else's link, an unknown session)
answers the same 404 page, so a link reveals nothing. Tokens never reach a log line
(bot.runtime.logs cuts them). The PDF holds the person's name and birth date: no cache,
no referrer.
"""

from __future__ import annotations

import re
from html import escape

from aiohttp import web

from bot.i18n import Translator
from bot.kernel.types import Channel, Text, t
from bot.messaging import reader_for
from bot.rights import (
    LETTER_REFERENCE,
    LetterGone,
    LetterKind,
    OpenedLetter,
    open_by_token,
    open_in_chat,
    reference,
)
from bot.web.downloads import ID, TOKEN, file, gone, page
from bot.web.keys import SERVICES

routes = web.RouteTableDef()

LETTER_LABEL = t("Your request letter (PDF, to print and sign)")
LETTER_TITLE = t("Your request letter")
#: Each letter's words: its link's label and its page's title.
LABELS: dict[LetterKind, tuple[Text, Text]] = {
    LetterKind.REQUEST: (LETTER_LABEL, LETTER_TITLE),
    LetterKind.REMINDER: (t("Your reminder letter (PDF, to print and sign)"),
                          t("Your reminder letter")),
    LetterKind.COMPLAINT: (t("Your complaint letter (PDF, to print and sign)"),
                           t("Your complaint letter")),
}  # fmt: skip
#: The file name in a link says which letter: "LOTSE-R-12-erinnerung.pdf".
_NAME_WORDS = {LetterKind.REQUEST: "", LetterKind.REMINDER: "-erinnerung",
               LetterKind.COMPLAINT: "-beschwerde"}  # fmt: skip
# TRANSLATORS: the page a short link to a request letter opens (SMS, WhatsApp).
LETTER_WARNING = t(
    "The letter contains your name, your date of birth and your address. Save it only "
    "where no one else can open it, print it, sign it and send it."
)
GONE_TITLE = t("This link does not work")
GONE_TEXT = t(
    "Links to your letter work only for a short time, and only where you asked for them. "
    "You can ask for the letter again in the chat."
)
#: The file name in a link; the download itself is named by the letter.
_FILE = re.compile(r"[A-Za-z0-9._-]{1,120}\.pdf")


def file_name(request_id: int, kind: LetterKind = LetterKind.REQUEST) -> str:
    return f"{reference(request_id)}{_NAME_WORDS[kind]}.pdf"


def _kind_of(ref: str) -> tuple[str, LetterKind]:
    """The request id and the letter a reference names ("rights-letter:12:reminder")."""
    request_id, _, kind = ref.removeprefix(LETTER_REFERENCE).partition(":")
    known = kind in LetterKind._value2member_map_
    return request_id, LetterKind(kind) if known else LetterKind.REQUEST


def chat_documents(session: str, ref: str, translator: Translator) -> list[dict[str, str]]:
    """The link a web chat message with a letter shows (bot.web.chat.routes)."""
    request_id, kind = _kind_of(ref)
    name = file_name(int(request_id), kind) if request_id.isdigit() else "letter.pdf"
    href = f"/chat/api/sessions/{session}/letters/{request_id}/{name}"
    return [{"href": href, "label": translator.text(LABELS[kind][0]), "name": name,
             "type": "application/pdf"}]  # fmt: skip


def _gone(request: web.Request) -> web.Response:
    return gone(request, GONE_TITLE, GONE_TEXT)


async def _file(request: web.Request, opened: OpenedLetter) -> web.Response:
    services = request.app[SERVICES]
    try:  # laid out once, away from the event loop
        name, body = await services.letter_pdfs.pdf(opened)
    except LetterGone:  # its holder is no longer in the catalog
        return _gone(request)
    return file(body, "application/pdf", name)


@routes.get("/chat/api/sessions/{session}/letters/{request_id}/{name}")
async def chat_letter(request: web.Request) -> web.Response:
    services = request.app[SERVICES]
    name, request_id = request.match_info["name"], request.match_info["request_id"]
    if not _FILE.fullmatch(name) or not ID.fullmatch(request_id):
        return _gone(request)
    reader = await reader_for(
        services.sessionmaker, services.vault, Channel.WEBCHAT, request.match_info["session"]
    )
    if reader is None or reader.person_id is None:
        return _gone(request)
    try:
        opened = await open_in_chat(
            services.sessionmaker, services.vault, contact_id=reader.contact_id,
            request_id=int(request_id), now=services.clock(),
        )  # fmt: skip
    except LetterGone:
        return _gone(request)
    return await _file(request, opened)


async def _by_token(request: web.Request, *, log: bool) -> OpenedLetter | None:
    services = request.app[SERVICES]
    token = request.match_info["token"]
    if not TOKEN.fullmatch(token):
        return None
    try:
        return await open_by_token(services.sessionmaker, services.vault, token,
                                   services.clock(), log=log)  # fmt: skip
    except LetterGone:
        return None


@routes.get("/r/{token}")
async def link_page(request: web.Request) -> web.Response:
    opened = await _by_token(request, log=False)
    if opened is None:
        return _gone(request)
    translator = request.app[SERVICES].catalogs[opened.lang]
    token, name = request.match_info["token"], file_name(opened.request_id, opened.letter)
    label, title = LABELS[opened.letter]
    link = (
        f'<p><a href="/r/{token}/{name}" type="application/pdf" download="{name}">'
        f"{escape(translator.text(label))}</a></p>"
    )
    warning = f"<p>{escape(translator.text(LETTER_WARNING))}</p>"
    until = escape(translator.text(t("This link works until {time}.", time=opened.expires_at)))
    body = f"{link}\n{warning}\n<p>{until}</p>"
    return page(opened.lang, escape(translator.text(title)), body)


@routes.get("/r/{token}/{name}")
async def link_file(request: web.Request) -> web.Response:
    name = request.match_info["name"]
    opened = await _by_token(request, log=True) if _FILE.fullmatch(name) else None
    if opened is None:
        return _gone(request)
    return await _file(request, opened)
