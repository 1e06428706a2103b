"""Phone numbers: E.164 normalisation, clear refusals, and a language guess per country."""

from __future__ import annotations

import pytest

from bot.kernel.phones import InvalidPhoneNumber, language_hint, normalize


@pytest.mark.parametrize(
    "raw",
    [
        "0151 1234567",
        "+49 151 1234567",
        "0049 151 1234567",
        "0049-151-1234567",
        "(0151) 123 45 67",
        "whatsapp:+491511234567",
        "WhatsApp:+49 151 1234567",
        "  +491511234567\n",
    ],
)
def test_german_numbers_in_every_usual_form(raw: str) -> None:
    assert normalize(raw) == "+491511234567"


def test_foreign_numbers_keep_their_country() -> None:
    assert normalize("+963 944 567 890") == "+963944567890"
    assert normalize("00963 944 567 890") == "+963944567890"
    assert normalize("+7 912 345-67-89") == "+79123456789"


def test_the_default_region_reads_national_numbers() -> None:
    assert normalize("0664 1234567", default_region="AT") == "+436641234567"
    assert normalize("0664 1234567", default_region="at") == "+436641234567"


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("", "it is empty"),
        ("whatsapp:", "it is empty"),
        ("call me", "it is not a phone number"),
        ("+999 1234567", "it has no valid country code"),
        ("+49 151", "it is too short"),
        ("+49 30", "it is too short"),
        ("12", "it is too short (is the area code missing?)"),
        ("+49 151 1234567 8901234", "it is too long"),
    ],
)
def test_invalid_numbers_are_refused_with_a_reason(raw: str, reason: str) -> None:
    with pytest.raises(InvalidPhoneNumber) as caught:
        normalize(raw)
    assert caught.value.reason.startswith(reason)
    assert str(caught.value) == f"invalid phone number: {caught.value.reason}"
    assert isinstance(caught.value, ValueError)


def test_the_reason_never_repeats_the_number() -> None:
    for raw in ("+49 151", "+999 1234567", "0151 1234567 8901234"):
        with pytest.raises(InvalidPhoneNumber) as caught:
            normalize(raw)
        digits = "".join(c for c in raw if c.isdigit())
        assert digits not in str(caught.value)
        assert "151" not in str(caught.value) and "999" not in str(caught.value)


@pytest.mark.parametrize(
    ("number", "language"),
    [
        ("+963944567890", "ar"),  # Syria
        ("+9647701234567", "ar"),  # Iraq
        ("+201001234567", "ar"),  # Egypt
        ("+989123456789", "fa"),  # Iran
        ("+93701234567", "fa"),  # Afghanistan: Dari
        ("+380501234567", "uk"),
        ("+79123456789", "ru"),
        ("+77012345678", "ru"),  # Kazakhstan shares +7
        ("+375291234567", "ru"),  # Belarus
        ("+905321234567", "tr"),
        ("+2917123456", "ti"),  # Eritrea
        ("+252612345678", "so"),
        ("+33612345678", "fr"),
        ("+221771234567", "fr"),  # Senegal
        ("+447700900123", "en"),
    ],
)
def test_language_hint_by_country(number: str, language: str) -> None:
    assert language_hint(number) == language


@pytest.mark.parametrize(
    "number",
    ["+491511234567", "+436641234567", "+41791234567", "+5511912345678", "not a number", ""],
)
def test_no_hint_where_the_number_says_nothing(number: str) -> None:
    assert language_hint(number) is None
