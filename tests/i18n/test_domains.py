"""The two gettext domains: each loads its own catalogs in its own languages, each is
checked against its own sources, and a string marked for one never sits in the other's."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import REPO_ROOT
from bot.i18n import (
    MESSAGES,
    STAFF,
    Catalogs,
    check_all,
    check_catalogs,
    check_separation,
    check_template,
)
from bot.i18n.catalogs import UnknownLanguage
from bot.i18n.check import check_fstrings
from bot.i18n.domains import STAFF_SOURCES

LOCALES = REPO_ROOT / "locales"
EMPTY_POT = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'


def test_the_staff_catalogs_are_german_and_english_only() -> None:
    staff = Catalogs(LOCALES, STAFF.languages, STAFF.name)
    assert staff["de"].gettext("Log in") == "Anmelden"
    assert staff["en"].gettext("Log in") == "Log in"
    rows = (
        "{rows} row: {created} created, {existing} already there, {error} with an error.",
        "{rows} rows: {created} created, {existing} already there, {error} with an error.",
    )
    assert staff["de"].ngettext(*rows, 2).startswith("{rows} Zeilen:")
    assert staff["de"].ngettext(*rows, 1).startswith("{rows} Zeile:")
    with pytest.raises(UnknownLanguage):
        staff["fa"]
    # The person-facing catalogs do not carry the staff pages' words.
    assert Catalogs(LOCALES, ("de",))["de"].gettext("Upload and check") == "Upload and check"


def test_every_domain_is_complete_and_matches_its_sources() -> None:
    assert check_all(REPO_ROOT, LOCALES) == []
    assert check_template(REPO_ROOT, LOCALES, domain=STAFF) == []
    assert check_catalogs(LOCALES, domain=STAFF) == []


def _tree(root: Path, files: dict[str, str]) -> Path:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
    return root


def test_a_staff_string_missing_from_its_template_is_reported(tmp_path: Path) -> None:
    root = _tree(tmp_path, {
        "locales/staff.pot": EMPTY_POT,
        "locales/messages.pot": EMPTY_POT,
        "bot/web/office/page.py": 'def f(_):\n    return _("Upload")\n',
        "flows/x.py": "", "adapters/x.py": "",
    })  # fmt: skip
    assert check_template(root, root / "locales", domain=STAFF) == [
        "source: 'Upload' (bot/web/office/page.py:2) is not in staff.pot; run locales/extract.sh"
    ]
    assert check_template(root, root / "locales", domain=MESSAGES) == []


def test_markers_across_domains_are_reported(tmp_path: Path) -> None:
    root = _tree(tmp_path, {
        "bot/web/office/page.py": 'from bot.kernel.types import t\nA = t("For people")\n',
        "flows/menu.py": 'def f(_):\n    return _("For staff")\n',
        "adapters/x.py": "",
    })  # fmt: skip
    assert check_separation(root) == [
        "source: 'For people' (bot/web/office/page.py:2) is marked for the messages domain "
        "in the staff pages; use _() there",
        "source: 'For staff' (flows/menu.py:2) is marked as a staff string outside "
        f"{', '.join(STAFF_SOURCES)}; use t() for what people read",
    ]


def test_a_marker_inside_an_f_string_is_reported(tmp_path: Path) -> None:
    root = _tree(tmp_path, {
        "bot/web/office/page.py": 'def f(_):\n    return f"<p>{_(\'Lost\')}</p>"\n',
        "flows/x.py": "", "adapters/x.py": "",
    })  # fmt: skip
    assert check_fstrings(root) == [
        "source: bot/web/office/page.py:2 calls _() inside an f-string; pybabel cannot "
        "extract it there, assign it first"
    ]


def test_a_missing_german_staff_translation_is_named_by_domain(tmp_path: Path) -> None:
    (tmp_path / "de" / "LC_MESSAGES").mkdir(parents=True)
    (tmp_path / "staff.pot").write_text(EMPTY_POT + '\nmsgid "Search"\nmsgstr ""\n')
    (tmp_path / "de" / "LC_MESSAGES" / "staff.po").write_text(
        'msgid ""\nmsgstr ""\n"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n'
        '\nmsgid "Search"\nmsgstr ""\n'
    )
    problems = check_catalogs(tmp_path, ("de",), domain=STAFF)
    assert problems == ["staff de: missing translation of 'Search'"]
