"""`lotse i18n review`: what is marked for review, and what changed since the last review."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import REPO_ROOT
from bot.i18n.review import REVIEWED, format_review, mark_reviewed, review_list, set_header
from tests.support.settings import STRICT

HEADER = (
    '# German translation of Lotse.\nmsgid ""\nmsgstr ""\n'
    '"Project-Id-Version: Lotse\\n"\n"Language: de\\n"\n'
    '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n'
    '"Content-Type: text/plain; charset=utf-8\\n"\n\n'
)


def _po(*entries: str) -> str:
    return HEADER + "\n".join(entries)


HELLO = 'msgid "Hello"\nmsgstr "Hallo"\n'
BYE = '# review: "Tschüss" is informal;\n# check the register\nmsgid "Bye"\nmsgstr "Tschüss"\n'


@pytest.fixture
def git() -> str:
    found = shutil.which("git")
    if found is None:
        if STRICT:
            pytest.fail("git is not installed (Debian package git)")
        pytest.skip("git is not installed")
    return found


def _run(git: str, where: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org"}
    env |= {"GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}
    return subprocess.run(
        [git, *args], cwd=where, env=env, check=True, capture_output=True, text=True
    ).stdout


def _repo(git: str, tmp_path: Path, text: str) -> Path:
    locales = tmp_path / "locales"
    (locales / "de" / "LC_MESSAGES").mkdir(parents=True)
    (locales / "de" / "LC_MESSAGES" / "messages.po").write_text(text, encoding="utf-8")
    _run(git, tmp_path, "init", "-q")
    _run(git, tmp_path, "add", "-A")
    _run(git, tmp_path, "commit", "-qm", "catalog")
    return locales


def test_marked_entries_are_listed_with_their_whole_note(tmp_path: Path) -> None:
    (tmp_path / "de" / "LC_MESSAGES").mkdir(parents=True)
    (tmp_path / "de" / "LC_MESSAGES" / "messages.po").write_text(_po(HELLO, BYE), "utf-8")
    listed = review_list(tmp_path, "de")
    assert [(m.msgid, m.note, m.text) for m in listed.marked] == [
        ("Bye", '"Tschüss" is informal; check the register', "Tschüss")
    ]
    assert listed.reviewed is None and listed.changes is None
    assert f"not reviewed yet (no {REVIEWED} header)" in format_review([listed])


def test_changes_since_the_last_review_come_from_git(git: str, tmp_path: Path) -> None:
    locales = _repo(git, tmp_path, _po(HELLO, 'msgid "Old"\nmsgstr "Alt"\n'))
    value = mark_reviewed(locales, "de")
    assert value == _run(git, tmp_path, "rev-parse", "HEAD").strip()
    path = locales / "de" / "LC_MESSAGES" / "messages.po"
    assert f'"{REVIEWED}: {value}\\n"' in path.read_text(encoding="utf-8")
    _run(git, tmp_path, "commit", "-qam", "reviewed")
    path.write_text(
        set_header(_po('msgid "Hello"\nmsgstr "Guten Tag"\n', BYE), REVIEWED, value), "utf-8"
    )
    listed = review_list(locales, "de")
    assert [(c.kind, c.msgid, c.old, c.new) for c in listed.changes or ()] == [
        ("new", "Bye", "", "Tschüss"),
        ("changed", "Hello", "Hallo", "Guten Tag"),
        ("removed", "Old", "Alt", ""),
    ]
    report = format_review([listed])
    assert f"compared with the catalog at {value}" in report
    assert "was: 'Hallo'" in report and "now: 'Guten Tag'" in report


def test_a_review_date_finds_the_catalog_of_that_day(git: str, tmp_path: Path) -> None:
    locales = _repo(git, tmp_path, set_header(_po(HELLO), REVIEWED, "2099-12-31"))
    listed = review_list(locales, "de")
    assert listed.changes == () and "(nothing)" in format_review([listed])
    path = locales / "de" / "LC_MESSAGES" / "messages.po"
    path.write_text(set_header(_po(HELLO), REVIEWED, "2000-01-01"), "utf-8")
    assert "no commit of locales/de/LC_MESSAGES/messages.po on or before 2000-01-01" in (
        review_list(locales, "de").baseline
    )


def test_marking_needs_the_review_committed(git: str, tmp_path: Path) -> None:
    locales = _repo(git, tmp_path, _po(HELLO))
    (locales / "de" / "LC_MESSAGES" / "messages.po").write_text(_po(HELLO, BYE), "utf-8")
    with pytest.raises(ValueError, match="commit the reviewed catalog first"):
        mark_reviewed(locales, "de")


def test_without_git_history_the_list_says_so(tmp_path: Path) -> None:
    (tmp_path / "de" / "LC_MESSAGES").mkdir(parents=True)
    text = set_header(_po(HELLO), REVIEWED, "0123abcd")
    (tmp_path / "de" / "LC_MESSAGES" / "messages.po").write_text(text, "utf-8")
    listed = review_list(tmp_path, "de")
    assert listed.changes is None and listed.baseline.startswith("cannot compare")


def test_the_command_prints_each_language() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "i18n", "review", "ti", "de"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("== ti (ትግርኛ):") and "\n== de (Deutsch):" in done.stdout
    assert "marked for review" in done.stdout
