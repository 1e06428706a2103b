"""Documents for people: the DIN 5008 letter layout, a plain report, PDF rendering,
print batch files, and spreadsheets. The wording comes from the feature that sends the document."""

from bot.documents.batch import (
    BatchFile,
    batch_files,
    cut_batch,
    new_batch_id,
    write_files,
    zip_files,
)
from bot.documents.fonts import LETTER_FONTS, LetterFontsMissing, missing_fonts, require_fonts
from bot.documents.letter import (
    Block,
    Closing,
    DinLetter,
    Heading,
    Letterhead,
    LetterPart,
    Paragraph,
    QrBox,
    Steps,
    isolated,
    render_letters,
)
from bot.documents.report import Entry, Report, Section, render_report, report_html
from bot.documents.spreadsheet import csv_bytes

__all__ = [
    "LETTER_FONTS",
    "BatchFile",
    "Block",
    "Closing",
    "DinLetter",
    "Entry",
    "Heading",
    "LetterFontsMissing",
    "LetterPart",
    "Letterhead",
    "Paragraph",
    "QrBox",
    "Report",
    "Section",
    "Steps",
    "batch_files",
    "csv_bytes",
    "cut_batch",
    "isolated",
    "missing_fonts",
    "new_batch_id",
    "render_letters",
    "render_report",
    "report_html",
    "require_fonts",
    "write_files",
    "zip_files",
]
