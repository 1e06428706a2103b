"""The PDFs of recent exports, laid out once per process.

A long export (a thousand access-log lines) takes seconds of CPU to lay out. A person
fetching it again, a browser's second request, or a retried Telegram send must not cost
that each time, nor may a valid link be replayed to keep a core busy. A few PDFs are
kept in memory (never on disk), each only until its export expires; two requests for
the same one at once share one layout.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from functools import partial

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.documents import Layouts
from bot.i18n import Catalogs
from bot.kernel.crypto import Vault
from bot.kernel.types import Attachment
from bot.messaging import AttachmentLoader
from bot.mydata.document import JSON_NAME, PDF_NAME, export_pdf
from bot.mydata.exports import REFERENCE, ExportGone, Opened, open_in_chat

#: PDFs kept: a handful of people fetching at the same time.
KEPT = 8

_Key = tuple[int, datetime, str]


class ExportPdfs:
    def __init__(self, catalogs: Catalogs, kept: int = KEPT) -> None:
        self._catalogs = catalogs
        self._layouts: Layouts[_Key, bytes] = Layouts(kept)

    async def pdf(self, opened: Opened, now: datetime) -> bytes:
        """The export's PDF in its language. A replaced export has a new expiry, so a
        new key: an older layout is never served for it."""
        self._layouts.drop(lambda key: key[1] <= now)
        key = (opened.export_id, opened.expires_at, opened.lang)
        translator = self._catalogs[opened.lang]
        return await self._layouts.get(key, partial(export_pdf, opened.document, translator))

    def __len__(self) -> int:
        return len(self._layouts)


def attachment_loader(
    sessionmaker: async_sessionmaker[AsyncSession],
    vault: Vault,
    pdfs: ExportPdfs,
    clock: Callable[[], datetime],
) -> AttachmentLoader:
    """The outbox's loader for a message that carries an export (Telegram): read in a
    short session of its own, laid out in a thread, before the provider call."""

    async def load(reference: str, contact_id: int) -> tuple[Attachment, ...]:
        number = reference.removeprefix(REFERENCE)
        if not reference.startswith(REFERENCE) or not number.isdigit():
            raise ExportGone(reference)
        now = clock()
        opened = await open_in_chat(
            sessionmaker, vault, contact_id=contact_id, export_id=int(number), now=now
        )
        data = json.dumps(opened.document, ensure_ascii=False, indent=2).encode()
        return (
            Attachment(PDF_NAME, "application/pdf", await pdfs.pdf(opened, now)),
            Attachment(JSON_NAME, "application/json", data),
        )

    return load
