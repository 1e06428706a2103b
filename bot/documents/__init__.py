from bot.documents.letter import LetterContent, Letterhead, render_batch
from bot.documents.spreadsheet import csv_bytes

__all__ = [
    "LetterContent",
    "Letterhead",
    "csv_bytes",
    "render_batch",
]
