"""Every catalog opens cleanly in the standard tools: GNU msgfmt (what Poedit and Weblate
run) checks the header, the domain and every python-brace-format placeholder."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from bot.config import REPO_ROOT
from bot.i18n import LANGUAGES
from tests.support.settings import STRICT

LOCALES = REPO_ROOT / "locales"


@pytest.fixture(scope="module")
def msgfmt() -> str:
    found = shutil.which("msgfmt")
    if found is None:
        message = "no msgfmt on PATH (Debian package gettext; deploy/setup.sh --test)"
        if STRICT:
            pytest.fail(message)
        pytest.skip(message)
    return found


@pytest.mark.parametrize("lang", LANGUAGES)
def test_msgfmt_accepts_the_catalog(msgfmt: str, lang: str) -> None:
    po = LOCALES / lang / "LC_MESSAGES" / "messages.po"
    done = subprocess.run(
        [msgfmt, "--check-format", "--check-header", "--check-domain", "-o", "-", str(po)],
        capture_output=True,
        timeout=60,
        check=False,
    )
    # Warnings (a header field left at its template value) count as failures too.
    assert (done.returncode, done.stderr.decode()) == (0, ""), po


def test_msgfmt_would_catch_a_broken_placeholder(msgfmt: str, tmp_path: Path) -> None:
    po = tmp_path / "broken.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Language: de\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
        '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n'
        '#, python-brace-format\nmsgid "Hello {name}"\nmsgstr "Hallo {nmae}"\n',
        encoding="utf-8",
    )
    done = subprocess.run(
        [msgfmt, "--check-format", "-o", "-", str(po)], capture_output=True, check=False
    )
    assert done.returncode != 0 and b"argument 'name'" in done.stderr
