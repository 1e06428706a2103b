"""One word per thing: wordings a review found wrong or inconsistent do not come back."""

from __future__ import annotations

import re

import pytest
from babel.messages.pofile import read_po

from bot.config import REPO_ROOT

#: (language, pattern in any translation, why it is wrong)
RETIRED = [
    ("ti", r"(?<![\w])ኖ(?![\w])", '"No" is ኣይፋል on every button'),
    ("ti", r"ምርጫታት", '"Settings" is ቅጥዕታት; ምርጫ means a choice'),
    ("so", r"koodh", '"code" is kood'),
    ("fr", r"votre compte", "Lotse has no accounts"),
    ("fr", r"consultation", 'advice is "conseils", as in the heading and the SMS'),
    ("fr", r"quand même", "the ê makes an SMS cost twice as much"),
    ("tr", r"kanal", 'a way of contact is "yol"'),
    ("uk", r"канал", 'a way of contact is "спосіб"'),
    ("ru", r"канал", 'a way of contact is "способ"'),
    ("ar", r"خطاب", 'a letter is "رسالة بريدية"'),
]

#: Buttons in the polite plural, like the sentences around them (ku, ckb).
BUTTONS = {
    "ku": {
        "Send": "Bişînin",
        "Continue": "Berdewam bikin",
        "Start again": "Ji nû ve dest pê bikin",
    },
    "ckb": {
        "Send": "بنێرن",
        "Continue": "بەردەوام بن",
        "Choose another language": "زمانێکی تر هەڵبژێرن",
    },
}


def _translations(lang: str) -> dict[str, str]:
    path = REPO_ROOT / "locales" / lang / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=lang)
    return {
        str(m.id if isinstance(m.id, str) else m.id[0]): " ".join(
            m.string if isinstance(m.string, tuple) else (m.string,)
        )
        for m in catalog
        if m.id
    }


@pytest.mark.parametrize(("lang", "pattern", "why"), RETIRED)
def test_retired_wordings_stay_out(lang: str, pattern: str, why: str) -> None:
    found = [msgid for msgid, text in _translations(lang).items() if re.search(pattern, text)]
    assert found == [], f"{lang}: {pattern} ({why}) in {found}"


@pytest.mark.parametrize("lang", sorted(BUTTONS))
def test_buttons_use_the_polite_register(lang: str) -> None:
    translations = _translations(lang)
    assert {msgid: translations[msgid] for msgid in BUTTONS[lang]} == BUTTONS[lang]
