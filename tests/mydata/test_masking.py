"""A masked street never carries a house number, wherever it stands."""

from __future__ import annotations

import pytest

from bot.mydata import phone_ending, street_name


@pytest.mark.parametrize(
    ("street", "shown"),
    [
        ("Seestraße 12", "Seestraße"),
        ("12 Main Street", "Main Street"),
        ("Hauptstr. 3a-5", "Hauptstr."),
        ("Hauptstr.3", "Hauptstr."),
        ("Seestraße12", "Seestraße"),
        ("Am Markt 3 / Hinterhaus", "Am Markt"),
        ("Straße des 17. Juni 100", "Straße des"),  # too little beats a house number
        ("Postfach", "Postfach"),
        ("", ""),
    ],
)
def test_the_street_name_keeps_no_number(street: str, shown: str) -> None:
    assert street_name(street) == shown


def test_a_phone_number_shows_its_last_two_digits() -> None:
    assert phone_ending("+4915112345678") == "78"
    assert phone_ending("whatsapp:+49 151 1234 5621") == "21"
