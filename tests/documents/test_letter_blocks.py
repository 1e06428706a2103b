"""The letter blocks a request to a data holder needs: labelled rows, text in any script
kept as written, a signature line, a box for a stamp, and a recipient as lines (blank
lines to write on by hand)."""

from __future__ import annotations

import subprocess

import pytest

from bot.documents import (
    AddressLines,
    BlankBox,
    DataBlock,
    DinLetter,
    Letterhead,
    LetterPart,
    OwnWords,
    Paragraph,
    SignatureLine,
    render_letters,
)
from bot.documents.letter import first_strong
from tests.rights.pdf import require_tools

SENDER = Letterhead(
    office_name="Amal Haddad", street="Venloer Straße 12", postcode="50672", city="Köln",
    contact="Datum: 30.11.2026", more=("Mein Zeichen: LR-7K2Q",),
)  # fmt: skip


def text(pdf: bytes) -> str:
    out = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True,
                         check=True).stdout.decode()  # fmt: skip
    return " ".join(out.split())


@pytest.mark.parametrize(
    ("value", "way"),
    [("Haddad", "ltr"), ("حداد", "rtl"), ("12. حداد", "rtl"), ("ተስፋይ", "ltr"), ("", "ltr")],
)
def test_first_strong_character_sets_the_direction(value: str, way: str) -> None:
    assert first_strong(value) == way


def test_blocks_render_and_read_back() -> None:
    require_tools()
    part = LetterPart("de", "Antrag", (
        Paragraph("Sehr geehrte Damen und Herren,"),
        DataBlock((("Familienname", "Haddad"), ("Geburtsname", ""), ("Geburtsort", "حلب"))),
        OwnWords("Zeile eins\nZeile zwei", "(in eigenen Worten)"),
        OwnWords("ቤተሰበይ ኣብ ሃገረይ"),
        SignatureLine("Amal Haddad"),
        BlankBox("Raum für die amtliche Beglaubigung der Unterschrift"),
    ))  # fmt: skip
    blank = DinLetter(AddressLines(("", "", "", "")), SENDER, (part,))
    lines = DinLetter(AddressLines(("Bundesverwaltungsamt", "50728 Köln")), SENDER, (part,))
    pdf, counts = render_letters([blank, lines])
    assert counts == [1, 1]
    found = text(pdf)
    for expected in ("Familienname Haddad", "Geburtsname", "حلب", "(in eigenen Worten)",
                     "Zeile eins", "Zeile zwei", "ቤተሰበይ", "Amal Haddad",
                     "Raum für die amtliche Beglaubigung", "Mein Zeichen: LR-7K2Q",
                     "Bundesverwaltungsamt"):  # fmt: skip
        assert expected in found, expected
    # The person's line breaks are kept.
    assert found.index("Zeile eins") < found.index("Zeile zwei")
