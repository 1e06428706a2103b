"""`lotse i18n check` catches a keyword that reads as a doubled word or is not quoted."""

from __future__ import annotations

from pathlib import Path

from bot.config import REPO_ROOT
from bot.i18n.check import SOURCE_PACKAGES, check_catalogs
from bot.i18n.keyword_check import keyword_uses

WRITE = "Write “{menu}” for the main menu, or “{language}” to change the language."
USES = {WRITE: {"menu": "keyword-menu", "language": "keyword-language"}}


def _catalogs(tmp_path: Path, translation: str) -> Path:
    """A one-language set (ti) with the keyword entries and one message using them."""
    (tmp_path / "ti" / "LC_MESSAGES").mkdir(parents=True)
    entries = f'msgid "{WRITE}"\nmsgstr ""\n\nmsgid "keyword-menu"\nmsgstr ""\n\n'
    entries += 'msgid "keyword-language"\nmsgstr ""\n'
    (tmp_path / "messages.pot").write_text(f'msgid ""\nmsgstr ""\n\n{entries}', encoding="utf-8")
    (tmp_path / "ti" / "LC_MESSAGES" / "messages.po").write_text(
        'msgid ""\nmsgstr ""\n"Plural-Forms: nplurals=2; plural=(n > 1);\\n"\n\n'
        f'msgid "{WRITE}"\nmsgstr "{translation}"\n\n'
        'msgid "keyword-menu"\nmsgstr "ሜኑ|menu"\n\n'
        'msgid "keyword-language"\nmsgstr "ቋንቋ"\n',
        encoding="utf-8",
    )
    return tmp_path


def test_a_keyword_next_to_its_own_word_is_caught(tmp_path: Path) -> None:
    # As it was: "ንቀንዲ ሜኑ ሜኑ ጽሓፉ" ("for the main menu MENU write"), unquoted.
    buggy = "ኣብ ዝኾነ እዋን ንቀንዲ ሜኑ {menu} ጽሓፉ፣ ቋንቋ ንምቕያር ድማ {language} ጽሓፉ።"
    problems = check_catalogs(_catalogs(tmp_path, buggy), ("ti",), keywords=USES)
    doubled = [p for p in problems if "next to the same word" in p]
    assert len(doubled) == 1 and "{menu}" in doubled[0] and "ሜኑ ሜኑ" in doubled[0]
    unquoted = [p for p in problems if "not in quotes" in p]
    assert [p.split(" is ")[0] for p in unquoted] == [
        "ti: keyword {menu} (ሜኑ)",
        "ti: keyword {language} (ቋንቋ)",
    ]


def test_quotes_alone_do_not_hide_a_doubled_word(tmp_path: Path) -> None:
    quoted = "ቋንቋ ንምቕያር ቋንቋ «{language}» ጽሓፉ፣ ቀንዲ ሜኑ ንምርኣይ «{menu}» ጽሓፉ።"
    problems = check_catalogs(_catalogs(tmp_path, quoted), ("ti",), keywords=USES)
    assert len(problems) == 1 and "{language}" in problems[0] and "next to" in problems[0]


def test_quoted_keywords_apart_from_their_words_pass(tmp_path: Path) -> None:
    good = "ቀንዲ ሜኑ ንምርኣይ ኣብ ዝኾነ እዋን «{menu}» ጽሓፉ፣ ቋንቋ ንምቕያር ድማ «{language}» ጽሓፉ።"
    assert check_catalogs(_catalogs(tmp_path, good), ("ti",), keywords=USES) == []


def test_keyword_placeholders_are_found_in_the_source(tmp_path: Path) -> None:
    (tmp_path / "flows").mkdir()
    (tmp_path / "flows" / "a.py").write_text(
        "from bot.kernel.types import Keyword, t\n"
        'MENU = Keyword("keyword-menu")\n'
        't("Write {menu} or {help}", menu=MENU, help=Keyword.named("help"))\n'
        't("Now in {language}.", language="Deutsch")\n'
        't("Type {stop}.", stop=Keyword("keyword-stop"))\n',
        encoding="utf-8",
    )
    assert keyword_uses(tmp_path, ("flows",)) == {
        "Write {menu} or {help}": {"menu": "keyword-menu", "help": "keyword-help"},
        "Type {stop}.": {"stop": "keyword-stop"},
    }


def test_every_keyword_message_in_lotse_is_known() -> None:
    uses = keyword_uses(REPO_ROOT, SOURCE_PACKAGES)
    named = {name for params in uses.values() for name in params}
    assert named == {"menu", "language", "help", "start"}
    # "{language}" in "From now on I will write to you in {language}." is a name, not a keyword.
    assert "From now on I will write to you in {language}." not in uses
