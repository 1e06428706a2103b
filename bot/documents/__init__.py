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
from bot.documents.layouts import Layouts
from bot.documents.letter import (
    AddressLines,
    BlankBox,
    Block,
    Closing,
    DataBlock,
    DinLetter,
    Heading,
    Letterhead,
    LetterPart,
    OwnWords,
    Paragraph,
    QrBox,
    SignatureLine,
    Steps,
    render_letters,
)
from bot.documents.report import Entry, Report, Section, render_report, report_html
from bot.documents.spreadsheet import csv_bytes

__all__ = [
    "LETTER_FONTS",
    "AddressLines",
    "BatchFile",
    "BlankBox",
    "Block",
    "Closing",
    "DataBlock",
    "DinLetter",
    "Entry",
    "Heading",
    "Layouts",
    "LetterFontsMissing",
    "LetterPart",
    "Letterhead",
    "OwnWords",
    "Paragraph",
    "QrBox",
    "Report",
    "Section",
    "SignatureLine",
    "Steps",
    "batch_files",
    "csv_bytes",
    "cut_batch",
    "missing_fonts",
    "new_batch_id",
    "render_letters",
    "render_report",
    "report_html",
    "require_fonts",
    "write_files",
    "zip_files",
]
