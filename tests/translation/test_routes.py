"""Routes are pure: a direct model, else through English when both halves are installed;
where none can exist, Lotse says so instead of "not installed"."""

from __future__ import annotations

import pytest

from bot.i18n import LANGUAGES
from bot.translation import NO_PUBLISHED_MODEL, PUBLISHED_WITH_ENGLISH, Route, RouteKind, coverage
from bot.translation.routes import route

FA_EN_DE = {("fa", "en"), ("en", "de")}


def test_direct_wins_over_english() -> None:
    assert route("fa", "en", FA_EN_DE) == Route(RouteKind.DIRECT, ("fa", "en"))
    assert route("fa", "de", FA_EN_DE | {("fa", "de")}) == Route(RouteKind.DIRECT, ("fa", "de"))


def test_through_english_when_both_halves_are_installed() -> None:
    found = route("fa", "de", FA_EN_DE)
    assert found == Route(RouteKind.VIA_ENGLISH, ("fa", "en", "de"))
    assert found.hops == (("fa", "en"), ("en", "de"))
    assert route("de", "fa", FA_EN_DE).kind is RouteKind.NOT_INSTALLED  # the other way round
    assert route("ar", "de", FA_EN_DE).kind is RouteKind.NOT_INSTALLED  # ar-en missing


def test_the_honesty_table() -> None:
    assert frozenset({"ps", "ku", "ckb", "ti", "so"}) == NO_PUBLISHED_MODEL
    assert frozenset({"de", "ar", "fa", "tr", "ru", "fr", "uk"}) == PUBLISHED_WITH_ENGLISH
    assert set(LANGUAGES) == NO_PUBLISHED_MODEL | PUBLISHED_WITH_ENGLISH | {"en"}


@pytest.mark.parametrize("language", sorted(NO_PUBLISHED_MODEL))
def test_no_model_exists_for_ps_ku_ckb_ti_so(language: str) -> None:
    everything = {(a, b) for a in LANGUAGES for b in LANGUAGES if a != b and language not in (a, b)}
    for other in ("de", "en", "fa"):
        assert route(language, other, everything).kind is RouteKind.NO_MODEL_EXISTS
        assert route(other, language, everything).kind is RouteKind.NO_MODEL_EXISTS
    assert route(language, language, set()).kind is RouteKind.SAME_LANGUAGE


def test_an_installed_model_outside_the_table_is_used() -> None:
    # An operator's own model: what is installed counts, whatever Argos publishes.
    assert route("ps", "de", {("ps", "de")}) == Route(RouteKind.DIRECT, ("ps", "de"))
    assert route("ps", "de", {("ps", "en")}).kind is RouteKind.NOT_INSTALLED  # en-de missing


def test_coverage_to_and_from_german() -> None:
    rows = {row.language: row for row in coverage(FA_EN_DE | {("de", "en")})}
    assert set(rows) == set(LANGUAGES) - {"de"}
    assert rows["en"].to_german.kind is RouteKind.DIRECT
    assert rows["en"].from_german.kind is RouteKind.DIRECT
    assert rows["fa"].to_german.kind is RouteKind.VIA_ENGLISH
    assert rows["fa"].from_german.kind is RouteKind.NOT_INSTALLED
    assert rows["tr"].to_german.kind is RouteKind.NOT_INSTALLED
    for language in NO_PUBLISHED_MODEL:
        assert rows[language].to_german.kind is RouteKind.NO_MODEL_EXISTS
        assert rows[language].from_german.kind is RouteKind.NO_MODEL_EXISTS
