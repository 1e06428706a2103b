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
only the letters still pending at that moment (one conditional UPDATE, safe
against concurrent exports and connects on SQLite and PostgreSQL), and the batch
is then cut down to them: their pages are taken from the rendered document, no
second rendering. A letter left out stays as it is (cancelled), and is in no file.

A batch can be written again by its id (`reprint`): when the files were lost, the
download broke off, or the printer jammed. Only letters whose invitation is still
open can be rendered again; once the person has connected or the invitation has
expired, the address is erased and the letter is reported as unavailable.

The manifest is written by `bot.documents.spreadsheet` (cells a spreadsheet would run as a
formula are neutralised).
"""

from __future__ import annotations

import asyncio
import io
import secrets
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import NamedTuple, Protocol
from zoneinfo import ZoneInfo

from pypdf import PdfReader, PdfWriter
from sqlalchemy import case, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.audit import log_access
from bot.config import Settings
from bot.db.models import Invitation, InvitationEvent, Letter, Office
from bot.documents import LetterContent, Letterhead, csv_bytes, render_batch
from bot.i18n import Catalogs
from bot.invitations.core import (
    OPEN,
    InvitationStatus,
    LetterKind,
    LetterStatus,
    code_of,
    display_code,
    entry_link,
    personal_of,
    sms_number,
)
from bot.kernel.crypto import Vault

#: Letters in one batch at most (rendering holds about 1.2 MB per letter in memory);
#: what is left waits for the next export.
MAX_BATCH_LETTERS = 500
EXPORT_ACTION = "letters.export"
REPRINT_ACTION = "letters.reprint"
MANIFEST_COLUMNS = ("invitation", "reference", "letter", "pages")


class NothingToPrint(Exception):
    """No pending letters (for the office asked about)."""


class UnknownBatch(Exception):
    """No printed letters under this batch id (for the office asked about)."""


class PrintContext(Protocol):
    """What an export needs; `bot.runtime.services.Services` has it."""

    @property
    def settings(self) -> Settings: ...
    @property
    def sessionmaker(self) -> async_sessionmaker[AsyncSession]: ...
    @property
    def vault(self) -> Vault: ...
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


@dataclass(frozen=True, slots=True)
class _Pending:
    letter_id: int
    invitation_id: int
    office_id: int
    public_id: str
    kind: LetterKind
    reference: str
    content: LetterContent

    @classmethod
    def of(
        cls, row: Letter, invitation: Invitation, office: Office, content: LetterContent
    ) -> _Pending:
        return cls(
            row.id, invitation.id, office.id, invitation.public_id, LetterKind(row.kind),
            invitation.reference, content,
        )  # fmt: skip


# ---------------------------------------------------------------- exporting


async def export_pending(
    services: PrintContext,
    *,
    office_id: int | None,
    now: datetime,
    actor: str = "cli",
    limit: int = MAX_BATCH_LETTERS,
) -> Batch | None:
    """Render and mark printed the pending letters (of one office, or all); None when
    there is nothing to print. `actor` goes to the staff access log ("cli", "user:<id>")."""
    pending = await _load_pending(services, office_id, now, limit)
    if not pending:
        return None
    contents = [p.content for p in pending]
    merged, counts = await asyncio.to_thread(render_batch, contents, services.catalogs)
    batch_id = new_batch_id(now, services.settings.timezone)
    async with services.sessionmaker() as session, session.begin():
        marked = await _mark_printed(session, pending, counts, batch_id, now)
        await _log(session, pending, marked, batch_id, actor, now)
    if not marked:
        return None
    return await asyncio.to_thread(_cut, batch_id, merged, pending, counts, marked)


async def reprint(
    services: PrintContext,
    batch_id: str,
    *,
    office_id: int | None,
    now: datetime,
    actor: str = "cli",
) -> Batch:
    """An earlier batch rendered again, as far as its letters can still be rendered.
    Statuses stay as they are. Raises UnknownBatch, or NothingToPrint when none of the
    batch's letters can be rendered any more."""
    query = (
        select(Letter, Invitation, Office)
        .join(Invitation, Invitation.id == Letter.invitation_id)
        .join(Office, Office.id == Invitation.office_id)
        .where(Letter.batch == batch_id, Letter.status == LetterStatus.PRINTED.value)
        .order_by(Letter.id)
    )
    if office_id is not None:
        query = query.where(Invitation.office_id == office_id)
    pending: list[_Pending] = []
    unavailable: list[str] = []
    async with services.sessionmaker() as session, session.begin():
        rows = list(await session.execute(query))
        if not rows:
            raise UnknownBatch(f"no printed letters in batch {batch_id!r}")
        for row, invitation, office in rows:
            content = (
                letter_content(services, invitation, office, reminder=_is_reminder(row))
                if invitation.status in {s.value for s in OPEN}
                else None
            )
            if content is None:
                unavailable.append(invitation.public_id)
            else:
                pending.append(_Pending.of(row, invitation, office, content))
        offices = sorted({office.id for _, _, office in rows})
        for office_id_ in offices:
            count = sum(1 for p in pending if p.office_id == office_id_)
            await log_access(
                session, actor=actor, action=REPRINT_ACTION, office_id=office_id_,
                detail=f"{batch_id}: {count} letters again", at=now,
            )  # fmt: skip
    if not pending:
        raise NothingToPrint(
            f"the letters of {batch_id} cannot be rendered again: their invitations are "
            "closed and the addresses erased"
        )
    contents = [p.content for p in pending]
    merged, counts = await asyncio.to_thread(render_batch, contents, services.catalogs)
    marked = {p.letter_id for p in pending}
    batch = await asyncio.to_thread(_cut, batch_id, merged, pending, counts, marked)
    return Batch(batch.batch_id, batch.merged_pdf, batch.letters, tuple(unavailable))


@dataclass(frozen=True, slots=True)
class BatchSummary:
    batch_id: str
    printed_at: datetime
    letters: int
    pages: int


async def recent_batches(
    session: AsyncSession, office_id: int, limit: int = 10
) -> list[BatchSummary]:
    """An office's latest print batches, newest first."""
    rows = await session.execute(
        select(
            Letter.batch,
            func.max(Letter.printed_at),
            func.count(Letter.id),
            func.coalesce(func.sum(Letter.pages), 0),
        )
        .join(Invitation, Invitation.id == Letter.invitation_id)
        .where(
            Invitation.office_id == office_id,
            Letter.status == LetterStatus.PRINTED.value,
            Letter.batch.is_not(None),
        )
        .group_by(Letter.batch)
        .order_by(func.max(Letter.printed_at).desc(), Letter.batch.desc())
        .limit(limit)
    )
    summaries = []
    for batch, printed_at, letters, pages in rows:
        assert printed_at is not None  # set together with the batch id
        summaries.append(BatchSummary(str(batch), printed_at, int(letters), int(pages or 0)))
    return summaries


def _is_reminder(row: Letter) -> bool:
    return row.kind == LetterKind.REMINDER.value


def new_batch_id(now: datetime, timezone: str) -> str:
    local = now.astimezone(ZoneInfo(timezone))
    return f"batch-{local:%Y%m%d-%H%M%S}-{secrets.token_hex(2)}"


async def _load_pending(
    services: PrintContext, office_id: int | None, now: datetime, limit: int
) -> list[_Pending]:
    query = (
        select(Letter, Invitation, Office)
        .join(Invitation, Invitation.id == Letter.invitation_id)
        .join(Office, Office.id == Invitation.office_id)
        .where(
            Letter.status == LetterStatus.PENDING.value,
            Invitation.personal_enc.is_not(None),
            Invitation.status.in_([s.value for s in OPEN]),
            Invitation.expires_at > now,
        )
        .order_by(Letter.id)
        .limit(limit)
    )
    if office_id is not None:
        query = query.where(Invitation.office_id == office_id)
    found: list[_Pending] = []
    async with services.sessionmaker() as session:
        for row, invitation, office in await session.execute(query):
            content = letter_content(services, invitation, office, reminder=_is_reminder(row))
            if content is not None:
                found.append(_Pending.of(row, invitation, office, content))
    return found


def letter_content(
    services: PrintContext, invitation: Invitation, office: Office, *, reminder: bool = False
) -> LetterContent | None:
    """What the invitation's letter says; None without a postal address."""
    settings = services.settings
    personal = personal_of(services.vault, invitation)
    address = personal.postal_address if personal else None
    if address is None:
        return None
    return LetterContent(
        language=invitation.language,
        recipient=address,
        sender=Letterhead(
            office_name=office.name, street=office.street, postcode=office.postcode,
            city=office.city, contact=office.contact,
        ),
        code=display_code(code_of(services.vault, invitation)),
        qr_url=entry_link(settings, services.vault, invitation)[0],
        chat_url=f"{settings.public_url}/chat",
        sms_number=sms_number(settings),
        expires_on=invitation.expires_at.astimezone(ZoneInfo(settings.timezone)).date(),
        reminder=reminder,
    )  # fmt: skip


async def _mark_printed(
    session: AsyncSession,
    pending: Sequence[_Pending],
    counts: Sequence[int],
    batch_id: str,
    now: datetime,
) -> set[int]:
    """Mark printed those letters still pending now; their ids. Invitations still
    CREATED move to SENT."""
    pages = {p.letter_id: n for p, n in zip(pending, counts, strict=True)}
    still_open = select(Invitation.id).where(
        Invitation.personal_enc.is_not(None),
        Invitation.status.in_([s.value for s in OPEN]),
    )
    marked = set(
        await session.scalars(
            update(Letter)
            .where(
                Letter.id.in_(list(pages)),
                Letter.status == LetterStatus.PENDING.value,
                Letter.invitation_id.in_(still_open),
            )
            .values(
                status=LetterStatus.PRINTED.value,
                printed_at=now,
                batch=batch_id,
                pages=case(pages, value=Letter.id),
            )
            .returning(Letter.id)
            .execution_options(synchronize_session=False)
        )
    )
    invitations = {p.invitation_id for p in pending if p.letter_id in marked}
    if not invitations:
        return marked
    sent = await session.scalars(
        update(Invitation)
        .where(
            Invitation.id.in_(sorted(invitations)),
            Invitation.status == InvitationStatus.CREATED.value,
        )
        .values(status=InvitationStatus.SENT.value, sent_at=now)
        .returning(Invitation.id)
        .execution_options(synchronize_session=False)
    )
    session.add_all(
        InvitationEvent(
            invitation_id=invitation_id,
            status=InvitationStatus.SENT.value,
            at=now,
            detail="letter handed to print",
        )
        for invitation_id in sent
    )
    return marked


async def _log(
    session: AsyncSession,
    pending: Sequence[_Pending],
    marked: set[int],
    batch_id: str,
    actor: str,
    now: datetime,
) -> None:
    """One access log row per office in the batch: addresses were read and printed."""
    per_office: dict[int, int] = {}
    for p in pending:
        if p.letter_id in marked:
            per_office[p.office_id] = per_office.get(p.office_id, 0) + 1
    for office_id, count in sorted(per_office.items()):
        await log_access(
            session, actor=actor, action=EXPORT_ACTION, office_id=office_id,
            detail=f"{batch_id}: {count} letters", at=now,
        )  # fmt: skip


def _cut(
    batch_id: str,
    merged: bytes,
    pending: Sequence[_Pending],
    counts: Sequence[int],
    marked: set[int],
) -> Batch:
    """The rendered document split into letters, keeping only the marked ones."""
    reader = PdfReader(io.BytesIO(merged))
    letters: list[PrintedLetter] = []
    ranges: list[range] = []
    start = 0
    for p, count in zip(pending, counts, strict=True):
        pages = range(start, start + count)
        start += count
        if p.letter_id in marked:
            letters.append(
                PrintedLetter(
                    p.letter_id, p.public_id, p.kind, p.reference, count, _pdf(reader, pages)
                )
            )
            ranges.append(pages)
    if len(letters) < len(pending):
        merged = _pdf(reader, *ranges)
    return Batch(batch_id, merged, tuple(letters))


def _pdf(reader: PdfReader, *ranges: range) -> bytes:
    writer = PdfWriter()
    for pages in ranges:
        for number in pages:
            writer.add_page(reader.pages[number])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# ---------------------------------------------------------------- files


def batch_files(batch: Batch) -> list[tuple[str, bytes]]:
    """The batch's files as (path inside the batch, content): one PDF per letter, the
    merged PDF and the manifest, all in the folder `<batch_id>/`."""
    folder = batch.batch_id
    files = [(f"{folder}/{item.file_name}", item.pdf) for item in batch.letters]
    files.append((f"{folder}/{folder}.pdf", batch.merged_pdf))
    files.append((f"{folder}/manifest.csv", manifest(batch)))
    return files


def manifest(batch: Batch) -> bytes:
    return csv_bytes(
        MANIFEST_COLUMNS,
        ((item.invitation, item.reference, item.kind.value, item.pages) for item in batch.letters),
    )


def write_batch(batch: Batch, out_dir: Path) -> list[Path]:
    """Write the batch's files below `out_dir`; the paths written."""
    written = []
    for name, content in batch_files(batch):
        path = out_dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        written.append(path)
    return written


def zip_batch(batch: Batch) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in batch_files(batch):
            archive.writestr(name, content)
    return out.getvalue()


async def export_for_office(
    services: PrintContext, office: Office, now: datetime, *, actor: str = "web"
) -> tuple[bytes, str]:
    """The office's pending letters as a ZIP of the batch files, and its file name, for
    the office web page (pass actor="user:<id>"). Raises NothingToPrint."""
    batch = await export_pending(services, office_id=office.id, now=now, actor=actor)
    if batch is None:
        raise NothingToPrint(f"no letters to print for {office.name}")
    return await asyncio.to_thread(zip_batch, batch), f"{batch.batch_id}.zip"


async def reprint_for_office(
    services: PrintContext, office: Office, batch_id: str, now: datetime, *, actor: str
) -> tuple[bytes, str]:
    """An earlier batch of the office again, as a ZIP and its file name. Raises
    UnknownBatch (also for another office's batch) or NothingToPrint. Letters that can
    no longer be rendered are left out (the page says why)."""
    batch = await reprint(services, batch_id, office_id=office.id, now=now, actor=actor)
    return await asyncio.to_thread(zip_batch, batch), f"{batch.batch_id}.zip"
