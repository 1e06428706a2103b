"""Canned replies: the shipped ones complete and consistent, the operator's file checked
the same way with errors that say where, and rendering that never leaves a gap."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.cases.canned import CannedError, MissingValue, Value, load_canned
from bot.config import ConfigError, Settings, load_settings
from bot.i18n import LANGUAGES, step_cost
from bot.runtime import build_services
from flows import build_router

VALUES = {"first_name": "Amal", "advisor": "Frau Weber", "service": "Caritas Köln"}


def own_file(tmp_path: Path, replies: dict[str, Any]) -> Path:
    path = tmp_path / "canned.json"
    path.write_text(json.dumps({"replies": replies}, ensure_ascii=False), encoding="utf-8")
    return path


def a_reply(text: str = "Hello from {service}.") -> dict[str, Any]:
    return {
        "title": {"de": "Öffnungszeiten", "en": "Opening hours"},
        "text": {lang: f"[{lang}] {text}" for lang in LANGUAGES},
    }


def test_the_shipped_replies_speak_all_13_languages() -> None:
    replies = load_canned()
    assert [r.code for r in replies] == [
        "received", "appointment", "documents", "callback", "not-our-topic", "closing",
    ]  # fmt: skip
    for reply in replies:
        assert set(reply.texts) == set(LANGUAGES)
        # Written by hand, so none is just another language's text.
        assert len(set(reply.texts.values())) == len(LANGUAGES)
        # German and English are the originals; every other language awaits review.
        assert reply.review == set(LANGUAGES) - {"de", "en"}
        assert reply.title("de") != reply.title("en")
    assert replies["closing"].placeholders == {"first_name", "advisor", "service"}
    assert replies["appointment"].placeholders == {"advisor", "service", "date"}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_shipped_reply_renders_in_every_language(lang: str) -> None:
    values: dict[str, Value] = {**VALUES, "date": date(2026, 12, 7)}
    for reply in load_canned():
        text = reply.render(lang, values)
        assert "{" not in text and "}" not in text
        assert "Frau Weber" in text
        assert ("Amal" in text) is ("first_name" in reply.placeholders)


def test_dates_are_written_as_the_persons_language_writes_them() -> None:
    appointment = load_canned()["appointment"]
    when = datetime(2026, 12, 7, 10, 30, tzinfo=ZoneInfo("Europe/Berlin"))
    values: dict[str, Value] = {**VALUES, "date": when}
    assert "am Montag, 7. Dezember 2026, 10:30 anbieten" in appointment.render("de", values)
    assert "le lundi 7 décembre 2026" in appointment.render("fr", values)
    assert "دوشنبه 7 دسامبر 2026، ساعت 10:30" in appointment.render("fa", values)
    assert "7 декабря 2026" in appointment.render("ru", values)


def test_a_missing_or_blank_value_is_an_error_never_a_gap() -> None:
    closing = load_canned()["closing"]
    assert closing.missing({"advisor": "A", "service": "S"}) == ("first_name",)
    with pytest.raises(MissingValue, match="needs first_name"):
        closing.render("ar", {"advisor": "A", "service": "S"})
    with pytest.raises(MissingValue, match="needs first_name"):
        closing.render("ar", {**VALUES, "first_name": "  "})
    with pytest.raises(MissingValue, match="needs date"):
        load_canned()["appointment"].render("de", VALUES)
    assert load_canned()["received"].missing({**VALUES, "first_name": None}) == ()


def test_values_are_put_in_as_they_are_on_one_line() -> None:
    received = load_canned()["received"]
    text = received.render("en", {**VALUES, "advisor": "{service} {0.__class__}\nWeber"})
    assert "this is {service} {0.__class__} Weber from Caritas Köln" in text


def test_the_operators_file_adds_replaces_and_withdraws(tmp_path: Path) -> None:
    path = own_file(
        tmp_path,
        {"opening-hours": a_reply(), "documents": None, "received": a_reply("Got it, {advisor}.")},
    )
    replies = load_canned(path)
    assert "documents" not in replies and "opening-hours" in replies
    assert replies["received"].render("en", VALUES) == "[en] Got it, Frau Weber."
    assert replies["received"].origin == str(path) and replies["closing"].origin == "shipped"
    assert replies["opening-hours"].review == frozenset()
    assert replies["opening-hours"].render("ti", VALUES) == "[ti] Hello from Caritas Köln."


def broken(change: Any) -> dict[str, Any]:
    reply = a_reply("Hello {first_name}, {service}.")
    change(reply)
    return reply


def text(lang: str, value: str) -> dict[str, Any]:
    return broken(lambda r: r["text"].update({lang: value}))


@pytest.mark.parametrize(
    ("reply", "message"),
    [
        (broken(lambda r: r["text"].pop("ti")), "reply 'hours': text needs all of de en"),
        (broken(lambda r: r["text"].update(xx="x")), "unknown xx"),
        (text("ti", "ሰላም {service}።"), "ti: not the placeholders of the English text: lacks"),
        (text("so", "{name} {first_name} {service}"), "so: unknown placeholder {name}"),
        (text("fr", "{first_name.upper} {service}"), "fr: unknown placeholder {first_name.up"),
        (text("fr", "{first_name!r} {service}"), "fr: unknown placeholder {first_name!r}"),
        (text("uk", "{first_name} {service"), "uk: expected '}'"),
        (text("ru", ""), "ru: must be a text, not empty"),
        (text("de", "x" * 1001), "de: 1001 characters, at most 1000"),
        (broken(lambda r: r["title"].pop("en")), "title needs exactly de and en"),
        (broken(lambda r: r.update(review=["xx"])), "review must list language codes"),
        (broken(lambda r: r.update(reviwe=["ar"])), "unknown key reviwe"),
    ],
)  # fmt: skip
def test_a_broken_reply_names_the_file_the_reply_and_the_problem(
    tmp_path: Path, reply: dict[str, Any], message: str
) -> None:
    path = own_file(tmp_path, {"hours": reply})
    with pytest.raises(CannedError) as error:
        load_canned(path)
    assert str(error.value).startswith(f"{path}: reply 'hours'")
    assert message in str(error.value)


def test_a_bad_code_or_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(CannedError, match="a code is 2 to 40 of a-z"):
        load_canned(own_file(tmp_path, {"Öffnung": a_reply()}))
    (tmp_path / "bad.json").write_text("{replies: 1}", encoding="utf-8")
    with pytest.raises(CannedError, match=r"bad\.json: not valid JSON"):
        load_canned(tmp_path / "bad.json")
    (tmp_path / "list.json").write_text("[]", encoding="utf-8")
    with pytest.raises(CannedError, match='must be a JSON object with "replies"'):
        load_canned(tmp_path / "list.json")
    with pytest.raises(CannedError, match=r"LOTSE_CANNED_FILE: cannot read .*nowhere\.json"):
        load_canned(tmp_path / "nowhere.json")


async def test_a_bad_file_stops_the_start(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = own_file(tmp_path, {"hours": broken(lambda r: r["text"].pop("ti"))})
    monkeypatch.setenv("LOTSE_CANNED_FILE", str(path))
    settings: Settings = load_settings(
        data_dir=tmp_path / "data", require_secret=False, _env_file=None
    )
    assert settings.canned_file == path
    with pytest.raises(ConfigError, match="reply 'hours': text needs all"):
        await build_services(settings, router_factory=build_router, adapters={})


def test_with_everyday_values_every_reply_fits_3_sms() -> None:
    values: dict[str, Value] = {
        "first_name": "Amal",
        "advisor": "Frau Weber",
        "service": "Caritas",
        "date": datetime(2026, 12, 7, 10, 30, tzinfo=ZoneInfo("Europe/Berlin")),
    }
    over = [
        (reply.code, lang, cost.segments)
        for reply in load_canned()
        for lang in LANGUAGES
        if (cost := step_cost(lang, reply.code, reply.render(lang, values))).segments > 3
    ]
    assert not over
