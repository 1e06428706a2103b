"""`lotse advisor service-level`: set, show, and clear refusals (exit 2)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cases.levels import LevelError, parse_hours
from tests.cases.test_cli import env, run

__all__ = ["env"]


def test_hours_as_a_notice_on_the_door_writes_them() -> None:
    assert parse_hours("Mo-Do 09:00-16:00,Fr 09:00-12:00 13:00-15:00") == {
        "mon": [["09:00", "16:00"]], "tue": [["09:00", "16:00"]],
        "wed": [["09:00", "16:00"]], "thu": [["09:00", "16:00"]],
        "fri": [["09:00", "12:00"], ["13:00", "15:00"]],
    }  # fmt: skip
    for wrong, why in [("Mo-Xy 09:00-16:00", "weekday"), ("Fr-Mo 9:00-12:00", "backwards"),
                       ("Mo 16:00-09:00", "span"), ("Mo 09:00-16:00, Mo 10:00-11:00", "twice"),
                       ("Mo", "times"), ("", "no opening")]:  # fmt: skip
        with pytest.raises(LevelError, match=why):
            parse_hours(wrong)


def test_set_and_show(env: Path) -> None:
    assert "no service level set" in run("advisor", "service-level", "svc-a", "--show").stdout
    done = run("advisor", "service-level", "svc-a", "--first", "480", "--next", "960",
               "--hours", "Mo-Do 09:00-16:00,Fr 09:00-12:00", "--land", "NW",
               "--digest-to", "team@svc-a.example,leitung@svc-a.example")  # fmt: skip
    assert done.returncode == 0, done.stderr
    shown = run("advisor", "service-level", "svc-a", "--show").stdout
    assert "480 business minutes" in shown and "960 business minutes" in shown
    assert "thu 09:00-16:00, fri 09:00-12:00" in shown and "NW" in shown
    assert "team@svc-a.example, leitung@svc-a.example" in shown
    # Changing the targets keeps the hours set before.
    assert (
        run("advisor", "service-level", "svc-a", "--first", "60", "--next", "120").returncode == 0
    )
    shown = run("advisor", "service-level", "svc-a", "--show").stdout
    assert "60 business minutes" in shown and "fri 09:00-12:00" in shown


@pytest.mark.parametrize(
    ("argv", "why"),
    [
        (("svc-x", "--first", "1", "--next", "1"), "no advice service"),
        (("svc-a", "--first", "480"), "--first and --next"),
        (("svc-a", "--first", "-1", "--next", "1"), "negative"),
        (("svc-a", "--first", "1", "--next", "1", "--land", "XX"), "unknown Land"),
        (("svc-a", "--first", "1", "--next", "1", "--timezone", "Mars/Olympus"), "time zone"),
        (("svc-a", "--first", "1", "--next", "1", "--hours", "Mo 25:00-26:00"), "time of day"),
        (("svc-a", "--first", "1", "--next", "1", "--digest-to", "kein-mail"), "e-mail"),
    ],
)
def test_clear_refusals(env: Path, argv: tuple[str, ...], why: str) -> None:
    done = run("advisor", "service-level", *argv)
    assert done.returncode == 2 and why in done.stderr, done.stderr
    assert "no service level set" in run("advisor", "service-level", "svc-a", "--show").stdout
