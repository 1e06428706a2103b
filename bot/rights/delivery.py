"""A request's letter as a PDF: built from the stored request and the holder catalog,
laid out in a thread, a few kept in memory.

Layout takes a moment of CPU; a browser's second request, a retried Telegram send or a
replayed link must not cost that each time. The key is the request, its last change,
its language, which of its letters (request, reminder, complaint) and that letter's
date: a changed request is laid out anew, never served from an old layout. Nothing is
written to disk.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from functools import partial

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.documents import Layouts
from bot.i18n import Catalogs, Translator
from bot.kernel.crypto import Vault
from bot.kernel.types import Attachment
from bot.messaging import AttachmentLoader
from bot.rights.followup import FollowUp, followup_filename, render_followup_letter
from bot.rights.letter import LetterRequest, letter_filename, render_request_letter
from bot.rights.letters import LetterGone, OpenedLetter, open_in_chat
from bot.rights.port import HolderCatalog
from bot.rights.views import LETTER_REFERENCE, LetterKind

#: PDFs kept: a handful of people fetching at the same time.
KEPT = 8

_Key = tuple[int, datetime, str, LetterKind, date]
#: Lays out one letter: its file name and its PDF.
Render = Callable[[OpenedLetter, Translator], tuple[str, bytes]]


def reference(request_id: int) -> str:
    """The reference a letter carries on its PDF and in its file name."""
    return f"LOTSE-R-{request_id}"


def letter_renderer(holders: Callable[[], HolderCatalog]) -> Render:
    """The letter layout of bot.rights.letter (the request) and bot.rights.followup (the
    reminder, the complaint) for a stored request: the letter its row names."""

    def render(opened: OpenedLetter, translator: Translator) -> tuple[str, bytes]:
        catalog = holders()
        holder = catalog.get(opened.holder)
        if holder is None:  # the operator removed a local body since: nothing to address
            raise LetterGone(opened.holder)
        if opened.letter is not LetterKind.REQUEST:
            if opened.clock is None:  # only a request that went has follow-ups
                raise LetterGone(opened.letter)
            follow_up = FollowUp(
                letter=opened.letter, holder=holder, supervisor=catalog.supervisor_of(holder),
                kind=opened.kind, identity=opened.identity, lang=opened.lang,
                dated=opened.dated, reference=reference(opened.request_id), clock=opened.clock,
            )  # fmt: skip
            return followup_filename(follow_up), render_followup_letter(follow_up, translator)
        request = LetterRequest(
            holder=holder, supervisor=catalog.supervisor_of(holder), kind=opened.kind,
            identity=opened.identity, details=opened.details, lang=opened.lang,
            dated=opened.dated,
            reference=reference(opened.request_id),
        )  # fmt: skip
        return letter_filename(request), render_request_letter(request, translator)

    return render


class LetterPdfs:
    """The PDFs of recent letters (bot.documents.Layouts). The key is the request, its
    last change, its language, the letter and its date: a changed request is laid out
    anew, never served from an old layout."""

    def __init__(self, catalogs: Catalogs, render: Render, kept: int = KEPT) -> None:
        self._catalogs = catalogs
        self._render = render
        self._layouts: Layouts[_Key, tuple[str, bytes]] = Layouts(kept)

    async def pdf(self, opened: OpenedLetter) -> tuple[str, bytes]:
        """The letter's file name and PDF; two requests for the same one share a layout."""
        key = (opened.request_id, opened.updated_at, opened.lang, opened.letter, opened.dated)
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
        # "rights-letter:12" or "rights-letter:12:reminder": the row names the letter.
        number = ref.removeprefix(LETTER_REFERENCE).split(":", 1)[0]
        if not ref.startswith(LETTER_REFERENCE) or not number.isdigit():
            raise LetterGone(ref)
        opened = await open_in_chat(
            sessionmaker, vault, contact_id=contact_id, request_id=int(number), now=clock()
        )
        name, body = await pdfs.pdf(opened)
        return (Attachment(name, "application/pdf", body),)

    return load
