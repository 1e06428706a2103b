"""A request's letter as a PDF: built from the stored request and the holder catalog,
laid out in a thread, a few kept in memory.

Layout takes a moment of CPU; a browser's second request, a retried Telegram send or a
replayed link must not cost that each time. The key is the request, its last change
and its language: a changed request is laid out anew, never served from an old layout.
Nothing is written to disk.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import partial

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.documents import Layouts
from bot.i18n import Catalogs, Translator
from bot.kernel.crypto import Vault
from bot.kernel.types import Attachment
from bot.messaging import AttachmentLoader
from bot.rights.letter import LetterRequest, letter_filename, render_request_letter
from bot.rights.letters import LetterGone, OpenedLetter, open_in_chat
from bot.rights.port import HolderCatalog
from bot.rights.records import GERMANY
from bot.rights.views import LETTER_REFERENCE

#: PDFs kept: a handful of people fetching at the same time.
KEPT = 8

_Key = tuple[int, datetime, str]
#: Lays out one letter: its file name and its PDF.
Render = Callable[[OpenedLetter, Translator], tuple[str, bytes]]


def reference(request_id: int) -> str:
    """The reference a letter carries on its PDF and in its file name."""
    return f"LOTSE-R-{request_id}"


def letter_renderer(holders: Callable[[], HolderCatalog]) -> Render:
    """The letter layout of bot.rights.letter for a stored request."""

    def render(opened: OpenedLetter, translator: Translator) -> tuple[str, bytes]:
        catalog = holders()
        holder = catalog.get(opened.holder)
        if holder is None:  # the operator removed a local body since: nothing to address
            raise LetterGone(opened.holder)
        request = LetterRequest(
            holder=holder, supervisor=catalog.supervisor_of(holder), kind=opened.kind,
            identity=opened.identity, details=opened.details, lang=opened.lang,
            dated=opened.created_at.astimezone(GERMANY).date(),
            reference=reference(opened.request_id),
        )  # fmt: skip
        return letter_filename(request), render_request_letter(request, translator)

    return render


class LetterPdfs:
    """The PDFs of recent letters (bot.documents.Layouts). The key is the request, its
    last change and its language: a changed request is laid out anew, never served from
    an old layout."""

    def __init__(self, catalogs: Catalogs, render: Render, kept: int = KEPT) -> None:
        self._catalogs = catalogs
        self._render = render
        self._layouts: Layouts[_Key, tuple[str, bytes]] = Layouts(kept)

    async def pdf(self, opened: OpenedLetter) -> tuple[str, bytes]:
        """The letter's file name and PDF; two requests for the same one share a layout."""
        key = (opened.request_id, opened.updated_at, opened.lang)
        # An older version of this request is never served again.
        self._layouts.drop(lambda k: k[0] == key[0] and k != key)
        translator = self._catalogs[opened.lang]
        return await self._layouts.get(key, partial(self._render, opened, translator))

    def __len__(self) -> int:
        return len(self._layouts)


def letter_loader(
    sessionmaker: async_sessionmaker[AsyncSession],
    vault: Vault,
    pdfs: LetterPdfs,
    clock: Callable[[], datetime],
) -> AttachmentLoader:
    """The outbox's loader for a message that carries a letter (Telegram: a document)."""

    async def load(ref: str, contact_id: int) -> tuple[Attachment, ...]:
        number = ref.removeprefix(LETTER_REFERENCE)
        if not ref.startswith(LETTER_REFERENCE) or not number.isdigit():
            raise LetterGone(ref)
        opened = await open_in_chat(
            sessionmaker, vault, contact_id=contact_id, request_id=int(number), now=clock()
        )
        name, body = await pdfs.pdf(opened)
        return (Attachment(name, "application/pdf", body),)

    return load
