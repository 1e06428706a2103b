"""A service's card: opening hours grouped in the person's language, Kurmanji and
Sorani told apart, numbers kept in place in right-to-left text, and by SMS every demo
service within three segments in every language."""

from __future__ import annotations

from datetime import date, time

import pytest

from adapters.twilio import TwilioSmsAdapter
from bot.advice import DEMO_FILE, Eligible, Hours, Match, parse
from bot.config import Settings
from bot.i18n import LANGUAGES, Catalogs
from bot.kernel import sms
from bot.kernel.types import Channel, OutboundMessage
from bot.messaging import rendered_text
from flows.advice_card import Card
from tests.support.advice import service
from tests.support.settings import SECRET

LRI, PDI = "\u2066", "\u2069"


@pytest.fixture(scope="module")
def catalogs() -> Catalogs:
    return Catalogs(Settings.model_fields["locales_dir"].default)


def hours(text: str) -> tuple[Hours, ...]:
    """ "0 9-12" style: day, opening and closing hour, separated by ";"."""
    found = []
    for rule in text.split(";"):
        day, span = rule.split()
        opens, closes = span.split("-")
        found.append(Hours(int(day), time(int(opens)), time(int(closes))))
    return tuple(found)


def test_days_with_the_same_hours_are_grouped() -> None:
    card = Card("en", sms=False)
    week = ";".join(f"{d} 9-12" for d in range(5))
    assert card.hours(hours(week)) == ["Mon–Fri 09:00–12:00"]
    split = ";".join([*(f"{d} 9-12" for d in range(4)), "1 14-17"])
    assert card.hours(hours(split)) == ["Mon–Thu 09:00–12:00", "Tue 14:00–17:00"]
    both = ";".join(f"{d} {span}" for d in range(5) for span in ("9-12", "14-16"))
    assert card.hours(hours(both)) == ["Mon–Fri 09:00–12:00, 14:00–16:00"]
    apart = "0 10-13;2 10-13;3 14-16"
    assert card.hours(hours(apart)) == ["Mon, Wed 10:00–13:00", "Thu 14:00–16:00"]
    assert Card("de", sms=False).hours(hours(week)) == ["Mo–Fr 09:00–12:00"]
    assert Card("ti", sms=False).hours(hours("0 9-12")) == ["ሰኑ 09:00–12:00"]


def test_right_to_left_keeps_times_numbers_and_names_in_place(catalogs: Catalogs) -> None:
    card = Card("ar", sms=False)
    assert card.hours(hours("0 9-12;1 9-12")) == [f"الاثنين–الثلاثاء {LRI}09:00–12:00{PDI}"]
    found = service("x", name="Beratung X", phone="+49301234567", email="x@example.org")
    text = catalogs["ar"].text(card.full(Match(found, Eligible.YES, "de", True, None)))
    lines = text.split("\n")
    assert lines[0] == f"{LRI}Beratung X{PDI}"
    assert f"{LRI}Weg 1, 12345 Musterstadt{PDI}" in text
    assert f"{LRI}+49 30 1234567{PDI}" in text and f"{LRI}x@example.org{PDI}" in text
    assert "تم التحقق في 2 نوفمبر 2026." in lines[-1]
    # Not in a left-to-right language: an SMS in German stays GSM-7.
    german = catalogs["de"].text(
        Card("de", sms=True).short(Match(found, Eligible.YES, "de", True, None))
    )
    assert LRI not in german and sms.is_gsm7(sms.gsm_folded(german))


def test_kurmanji_and_sorani_are_told_apart(catalogs: Catalogs) -> None:
    for lang in LANGUAGES:
        card = Card(lang, sms=False)
        kurmanji = catalogs[lang].text(card.language("ku"))
        sorani = catalogs[lang].text(card.language("ckb"))
        assert kurmanji != sorani, lang
    card = Card("en", sms=False)
    spoken = catalogs["en"].text(card.languages(("ckb", "ar", "ku", "it"), "ar"))
    assert spoken == "Arabic, Kurdish (Kurmanji), Kurdish (Sorani), Italian"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_each_demo_service_by_sms_fits_three_segments(catalogs: Catalogs, lang: str) -> None:
    settings = Settings(secret_key=SECRET, twilio_account_sid="AC" + "0" * 32,
                        twilio_auth_token="0" * 32, twilio_from="+4942112345678",
                        _env_file=None)  # type: ignore[call-arg]  # fmt: skip
    capabilities = TwilioSmsAdapter(settings).capabilities
    card = Card(lang, sms=True)
    demo = parse(DEMO_FILE.read_bytes(), name=DEMO_FILE.name, today=date(2026, 11, 30))
    for found in demo:
        for match in (
            Match(found, Eligible.YES, lang, True, True),
            # Speaking none of the person's languages, perhaps eligible, elsewhere.
            Match(found, Eligible.MAYBE, None, False, False),
        ):
            text = catalogs[lang].text(card.short(match))
            message = OutboundMessage(0, Channel.SMS, "", text, (), lang)
            shown = rendered_text(message, capabilities, catalogs)
            assert sms.segments(shown) <= 3, (lang, found.slug, sms.units(shown), shown)
