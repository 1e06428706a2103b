"""A reply whose lines are in several languages says which line is in which."""

from __future__ import annotations

from bot.config import REPO_ROOT
from bot.i18n.catalogs import Catalogs
from bot.kernel.types import Reply, multilingual, t


def test_each_line_of_a_multilingual_reply_names_its_language() -> None:
    de = Catalogs(REPO_ROOT / "locales", ("de",))["de"]
    lines = multilingual([("", "🌐"), ("ar", "مرحبا"), ("en", "Hello")])
    rendered = de.reply(Reply((lines, t("Continue"))))
    # The text is as before; only the languages are added, a blank line between parts.
    assert rendered.text == "🌐\nمرحبا\nHello\n\nWeiter"
    assert rendered.line_langs == ("", "ar", "en", "", "de")
    assert de.reply(Reply((t("Continue"),))).line_langs == ()
