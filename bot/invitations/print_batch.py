"""Print batches: pending letters rendered to PDF, handed to print, and marked so.

An export renders every pending letter (optionally one office's) as ONE batch
document, splits it into one PDF per letter, and marks the letters printed: the
merged PDF goes to the printer, the single PDFs serve reprints, and the manifest
(`invitation;reference;letter;pages`) lets the print shop check a batch. Only
what was marked printed is in the files. Files are named by the invitation's public
id (`letter-inv_….pdf`, `…-reminder.pdf`), never by a database id, which would tell
one office how many letters others send.

Rendering takes seconds and runs in a worker thread, outside any transaction.
Meanwhile a letter may stop being pending: the person connected with the code
from another channel, or the invitation expired. So the final transaction marks
only the letters still pending at that moment (`bot.invitations.print_queue`), and
the batch is then cut down to them: their pages are taken from the rendered
document, no second rendering. A letter left out stays as it is (cancelled), and is
in no file.

A batch can be written again by its id (`reprint`): when the files were lost, the
download broke off, or the printer jammed. Only letters whose invitation is still
open can be rendered again; once the person has connected or the invitation has
expired, the address is erased and the letter is reported as unavailable.

The manifest is written by `bot.documents.csv_bytes` (cells a spreadsheet would run as a
formula are neutralised).
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import NamedTuple, Protocol

# The module, not its function: tests replace `render_batch` to act while a batch renders.
import bot.invitations.letter as invitation_letter
from bot.audit import Actor
from bot.db.models import Office
from bot.documents import (
    BatchFile,
    batch_files,
    csv_bytes,
    cut_batch,
    new_batch_id,
    write_files,
    zip_files,
)
from bot.i18n import Catalogs
from bot.invitations.print_queue import (
    NothingToPrint,
    Pending,
    QueueContext,
    load_batch,
    load_pending,
    log_export,
    mark_printed,
)
from bot.invitations.status import LetterKind

#: Letters in one batch at most (rendering holds about 1.2 MB per letter in memory);
#: what is left waits for the next export.
MAX_BATCH_LETTERS = 500
MANIFEST_COLUMNS = ("invitation", "reference", "letter", "pages")


OPERATOR = Actor.operator()


class PrintContext(QueueContext, Protocol):
    """What an export needs; `bot.runtime.services.Services` has it."""

    @property
    def catalogs(self) -> Catalogs: ...


class PrintedLetter(NamedTuple):
    letter_id: int
    invitation: str  # the public id
    kind: LetterKind
    reference: str
    pages: int
    pdf: bytes

    @property
    def file_name(self) -> str:
        suffix = "-reminder" if self.kind == LetterKind.REMINDER else ""
        return f"letter-{self.invitation}{suffix}.pdf"


@dataclass(frozen=True, slots=True)
class Batch:
    batch_id: str
    merged_pdf: bytes
    letters: tuple[PrintedLetter, ...]
    #: On a reprint: the public ids of the invitations whose letters cannot be rendered
    #: again (the invitation was closed and its address erased).
    unavailable: tuple[str, ...] = ()

    @property
    def pages(self) -> int:
        return sum(item.pages for item in self.letters)


async def export_pending(
    services: PrintContext,
    *,
    office_id: int | None,
    now: datetime,
    actor: Actor = OPERATOR,
    limit: int = MAX_BATCH_LETTERS,
) -> Batch | None:
    """Render and mark printed the pending letters (of one office, or all); None when
    there is nothing to print. `actor` goes to the access log."""
    pending = await load_pending(services, office_id, now, limit)
    if not pending:
        return None
    merged, counts = await _render(services, pending)
    batch_id = new_batch_id(now, services.settings.timezone)
    async with services.sessionmaker() as session, session.begin():
        marked = await mark_printed(session, pending, counts, batch_id, now)
        await log_export(session, pending, marked, batch_id, actor, now)
    if not marked:
        return None
    return await asyncio.to_thread(_cut, batch_id, merged, pending, counts, marked)


async def reprint(
    services: PrintContext,
    batch_id: str,
    *,
    office_id: int | None,
    now: datetime,
    actor: Actor = OPERATOR,
) -> Batch:
    """An earlier batch rendered again, as far as its letters can still be rendered.
    Statuses stay as they are. Raises UnknownBatch, or NothingToPrint when none of the
    batch's letters can be rendered any more."""
    pending, unavailable = await load_batch(
        services, batch_id, office_id=office_id, now=now, actor=actor
    )
    if not pending:
        raise NothingToPrint(
            f"the letters of {batch_id} cannot be rendered again: their invitations are "
            "closed and the addresses erased"
        )
    merged, counts = await _render(services, pending)
    marked = {p.letter_id for p in pending}
    batch = await asyncio.to_thread(_cut, batch_id, merged, pending, counts, marked)
    return Batch(batch.batch_id, batch.merged_pdf, batch.letters, tuple(unavailable))


async def _render(services: PrintContext, pending: Sequence[Pending]) -> tuple[bytes, list[int]]:
    contents = [p.content for p in pending]
    return await asyncio.to_thread(invitation_letter.render_batch, contents, services.catalogs)


def _cut(
    batch_id: str,
    merged: bytes,
    pending: Sequence[Pending],
    counts: Sequence[int],
    marked: set[int],
) -> Batch:
    """The rendered document split into letters, keeping only the marked ones."""
    keep = [p.letter_id in marked for p in pending]
    merged, pdfs = cut_batch(merged, counts, keep)
    kept = [(p, count) for p, count, wanted in zip(pending, counts, keep, strict=True) if wanted]
    letters = tuple(
        PrintedLetter(p.letter_id, p.public_id, p.kind, p.reference, count, pdf)
        for (p, count), pdf in zip(kept, pdfs, strict=True)
    )
    return Batch(batch_id, merged, letters)


# ---------------------------------------------------------------- files


def _files(batch: Batch) -> list[BatchFile]:
    """The batch's files: one PDF per letter, the merged PDF and the manifest."""
    letters = ((item.file_name, item.pdf) for item in batch.letters)
    return batch_files(batch.batch_id, letters, batch.merged_pdf, manifest(batch))


def manifest(batch: Batch) -> bytes:
    return csv_bytes(
        MANIFEST_COLUMNS,
        ((item.invitation, item.reference, item.kind.value, item.pages) for item in batch.letters),
    )


def write_batch(batch: Batch, out_dir: Path) -> list[Path]:
    """Write the batch's files below `out_dir` (in the folder `<batch_id>/`); the paths
    written."""
    return write_files(_files(batch), out_dir)


def zip_batch(batch: Batch) -> bytes:
    return zip_files(_files(batch))


async def export_for_office(
    services: PrintContext, office: Office, now: datetime, *, actor: Actor
) -> tuple[bytes, str]:
    """The office's pending letters as a ZIP of the batch files, and its file name, for
    the office web page. Raises NothingToPrint."""
    batch = await export_pending(services, office_id=office.id, now=now, actor=actor)
    if batch is None:
        raise NothingToPrint(f"no letters to print for {office.name}")
    return await asyncio.to_thread(zip_batch, batch), f"{batch.batch_id}.zip"


async def reprint_for_office(
    services: PrintContext, office: Office, batch_id: str, now: datetime, *, actor: Actor
) -> tuple[bytes, str]:
    """An earlier batch of the office again, as a ZIP and its file name. Raises
    UnknownBatch (also for another office's batch) or NothingToPrint. Letters that can
    no longer be rendered are left out (the page says why)."""
    batch = await reprint(services, batch_id, office_id=office.id, now=now, actor=actor)
    return await asyncio.to_thread(zip_batch, batch), f"{batch.batch_id}.zip"
