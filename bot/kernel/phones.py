"""Phone numbers: E.164 normalisation and a language guess from the country.

Reasons in errors never repeat the number: they end up in logs and API answers.
"""

from __future__ import annotations

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat, ValidationResult

#: Channel prefixes providers put before a number ("whatsapp:+49…").
_PREFIXES = ("whatsapp:", "sms:", "tel:")

_PARSE_REASONS = {
    NumberParseException.INVALID_COUNTRY_CODE: "it has no valid country code",
    NumberParseException.NOT_A_NUMBER: "it is not a phone number",
    NumberParseException.TOO_SHORT_AFTER_IDD: "it is too short",
    NumberParseException.TOO_SHORT_NSN: "it is too short",
    NumberParseException.TOO_LONG: "it is too long",
}

_LENGTH_REASONS = {
    ValidationResult.INVALID_COUNTRY_CODE: "it has no valid country code",
    ValidationResult.TOO_SHORT: "it is too short for its country",
    ValidationResult.TOO_LONG: "it is too long for its country",
    ValidationResult.INVALID_LENGTH: "its length does not fit its country",
    ValidationResult.IS_POSSIBLE_LOCAL_ONLY: "it is too short (is the area code missing?)",
}


class InvalidPhoneNumber(ValueError):
    """The text is not a usable phone number; the message says why, without the number."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"invalid phone number: {reason}")
        self.reason = reason


def normalize(raw: str, default_region: str = "DE") -> str:
    """The number in E.164 ("+4915112345678"); national forms use `default_region`.

    Only the length is checked against the country's plan, not whether the range
    is allocated: metadata lags behind new ranges, and turning a real person away
    is worse than Twilio answering 21211 for a number that does not exist.
    """
    text = raw.strip()
    for prefix in _PREFIXES:
        if text.lower().startswith(prefix):
            text = text[len(prefix) :].strip()
    if not text:
        raise InvalidPhoneNumber("it is empty")
    if text.startswith("00"):  # the international prefix of most of Europe and Africa
        text = "+" + text[2:]
    try:
        number = phonenumbers.parse(text, default_region.upper())
    except NumberParseException as error:
        raise InvalidPhoneNumber(
            _PARSE_REASONS.get(error.error_type, "it cannot be read")
        ) from None
    result = phonenumbers.is_possible_number_with_reason(number)
    if result != ValidationResult.IS_POSSIBLE:
        raise InvalidPhoneNumber(_LENGTH_REASONS.get(result, "it is not a possible number"))
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)


# Where a number comes from says something about the language its owner reads
# best; it is only a first guess that onboarding lets the person change.
_ARABIC = (
    "SY IQ LB JO PS EG SD LY YE SA KW AE QA BH OM "
    # Maghreb: Arabic is the official language; many also read French.
    "TN DZ MA MR"
)
_FRENCH = "FR MC BE LU SN CI ML BF NE GN CM CD CG BJ TG GA TD CF MG BI KM HT"
_ENGLISH = "GB IE US AU NZ NG GH GM SL LR"
_LANGUAGE_BY_REGION: dict[str, str] = {
    **dict.fromkeys(_ARABIC.split(), "ar"),
    **dict.fromkeys(_FRENCH.split(), "fr"),
    **dict.fromkeys(_ENGLISH.split(), "en"),
    "IR": "fa",
    # Afghanistan: Dari (read as Persian, `fa`) is the lingua franca most Afghans
    # read, Pashto speakers included; Pashto-only readers pick `ps` in the menu.
    "AF": "fa",
    "UA": "uk",
    "RU": "ru",
    "BY": "ru",
    "KZ": "ru",
    "KG": "ru",
    "TR": "tr",
    "ER": "ti",
    "SO": "so",
}
# Not listed on purpose: DE, AT, CH, LI (a German number says nothing about the
# language), and countries whose people Lotse cannot tell apart by number
# (Kurdish speakers have Iraqi, Syrian, Turkish or Iranian numbers).


def language_hint(e164: str) -> str | None:
    """A likely Lotse language for the number's country, or None when it says nothing."""
    try:
        number = phonenumbers.parse(e164, None)
    except NumberParseException:
        return None
    region = phonenumbers.region_code_for_number(number)
    if region is None and number.country_code:  # possible but unallocated: the main region
        region = phonenumbers.region_code_for_country_code(number.country_code)
    return _LANGUAGE_BY_REGION.get(region or "")
