"""A print batch as files: its id, its document cut into letters, the folder written or zipped.

A batch's files sit in the folder `<batch id>/`: one PDF per letter (for reprints),
the whole batch as `<batch id>.pdf` (for the printer) and `manifest.csv` (for the
print shop to check the batch).
"""

from __future__ import annotations

import io
import secrets
import zipfile
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from pypdf import PdfReader, PdfWriter

#: A file of a batch: its path inside the batch, and its content.
BatchFile = tuple[str, bytes]


def new_batch_id(now: datetime, timezone: str) -> str:
    """Readable by the local time it was made, and unique with a random tail."""
    local = now.astimezone(ZoneInfo(timezone))
    return f"batch-{local:%Y%m%d-%H%M%S}-{secrets.token_hex(2)}"


def cut_batch(
    merged: bytes, counts: Sequence[int], keep: Sequence[bool]
) -> tuple[bytes, list[bytes]]:
    """The batch document and each kept letter as a PDF of its own; `counts` are the
    letters' page counts in order. When a letter is left out, the batch document is
    cut down to the kept ones (their pages taken as they are: no second rendering)."""
    reader = PdfReader(io.BytesIO(merged))
    letters: list[bytes] = []
    ranges: list[range] = []
    start = 0
    for count, wanted in zip(counts, keep, strict=True):
        pages = range(start, start + count)
        start += count
        if wanted:
            letters.append(_pdf(reader, pages))
            ranges.append(pages)
    if len(letters) < len(counts):
        merged = _pdf(reader, *ranges)
    return merged, letters


def _pdf(reader: PdfReader, *ranges: range) -> bytes:
    writer = PdfWriter()
    for pages in ranges:
        for number in pages:
            writer.add_page(reader.pages[number])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def batch_files(
    batch_id: str, letters: Iterable[BatchFile], merged_pdf: bytes, manifest: bytes
) -> list[BatchFile]:
    """The batch's files, all in the folder `<batch_id>/`: each letter's PDF (named by
    the caller), the whole batch's PDF and the manifest."""
    folder = batch_id
    files = [(f"{folder}/{name}", pdf) for name, pdf in letters]
    files.append((f"{folder}/{folder}.pdf", merged_pdf))
    files.append((f"{folder}/manifest.csv", manifest))
    return files


def write_files(files: Iterable[BatchFile], out_dir: Path) -> list[Path]:
    """Write the files below `out_dir`; the paths written."""
    written = []
    for name, content in files:
        path = out_dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        written.append(path)
    return written


def zip_files(files: Iterable[BatchFile]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files:
            archive.writestr(name, content)
    return out.getvalue()
