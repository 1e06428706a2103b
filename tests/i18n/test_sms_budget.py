"""The SMS budget: every message Lotse sends by SMS, in every language, costs at most
three segments as it is really sent (bot/cli/sms_tour.py drives the real flows), so
none is ever split and a question always travels with its choices."""

from __future__ import annotations

import pytest

from bot.cli.sms_tour import sms_steps
from bot.i18n import LANGUAGES, over_budget, step_cost
from bot.i18n.sms_cost import BUDGET
from bot.kernel import sms


@pytest.fixture(scope="module")
def steps() -> list:  # type: ignore[type-arg]
    return sms_steps()


def test_the_tour_reaches_every_flow_in_every_language(steps: list) -> None:  # type: ignore[type-arg]
    assert {s.lang for s in steps} == set(LANGUAGES)
    de = [s.where for s in steps if s.lang == "de"]
    for where in (
        "first contact: the language menu",
        "settings: consent per channel",
        "my consents",
        "my data: what Lotse keeps",
        "my data: who looked at it",
        "holders: the longest list, with may hold",
        "holders: details of the AZR",
        "request: the kinds azr takes",
        "request: a birth date in the future",
        "request: here: short link, what to do next",
        "request: posted to the kept address",
        "hand-off: special categories asked",
        "hand-off: the summary",
        "hand-off: withdrawn",
        "keyword: stop",
        "delete: done, goodbye",
        "invitation SMS",
        "invitation reminder SMS",
        "the apology after an error",
    ):
        assert any(w.startswith(where) for w in de), where
    menu = next(s.text for s in steps if s.lang == "fa" and s.where.startswith("first contact"))
    assert "13. Français" in menu and "Bitte" not in menu  # no German for a Persian reader


def test_every_sms_step_fits_the_budget_in_every_language(steps: list) -> None:  # type: ignore[type-arg]
    costs = [step_cost(s.lang, s.where, s.text) for s in steps]
    over = over_budget(costs, BUDGET)
    assert not over, "\n".join(
        f"{c.lang}: {c.where}: {c.segments} segments ({c.encoding}, {c.units} units): {c.start}"
        for c in over
    )
    assert all(sms.segments(s.text) <= BUDGET for s in steps)
