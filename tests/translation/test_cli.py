"""`lotse mt …` as an operator runs it: the commands through the `lotse` entry point, in
one child process (an interpreter start with all of Lotse is seconds on a busy machine)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.support.cli import cli_env
from tests.translation.conftest import Packages

SCRIPT = """
import contextlib, io, json, sys
from bot.cli.main import main
results = []
for argv in json.loads(sys.argv[1]):
    out, err, code = io.StringIO(), io.StringIO(), 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main(argv)
        except SystemExit as stop:
            code = stop.code
    results.append({"returncode": code, "stdout": out.getvalue(), "stderr": err.getvalue()})
print(json.dumps(results))
"""


class Done:
    def __init__(self, result: dict[str, object]) -> None:
        self.returncode = result["returncode"]
        self.stdout = str(result["stdout"])
        self.stderr = str(result["stderr"])


def lotse_many(*commands: list[str], cwd: Path, env: dict[str, str]) -> list[Done]:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, json.dumps(commands)], cwd=cwd, env=cli_env(env),
        capture_output=True, text=True, timeout=180, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return [Done(result) for result in json.loads(done.stdout.splitlines()[-1])]


def test_install_list_translate_remove(packages: Packages, tmp_path: Path) -> None:
    env = {"LOTSE_DATA_DIR": str(tmp_path / "data")}
    junk = tmp_path / "junk.argosmodel"
    junk.write_text("junk")
    fa_en, en_de = str(packages("fa", "en")), str(packages("en", "de"))
    done, again, listed_json, listed, translated, missing, none, removed, gone = lotse_many(
        ["mt", "install", fa_en, str(junk), en_de],
        ["mt", "install", fa_en],
        ["mt", "list", "--json"],
        ["mt", "list"],
        ["mt", "translate", "--from", "fa", "--to", "de", "سلام."],
        ["mt", "translate", "--from", "ar", "--to", "de", "x"],
        ["mt", "translate", "--from", "so", "--to", "de", "x"],
        ["mt", "remove", "en-de"],
        ["mt", "remove", "en-de"],
        cwd=tmp_path,
        env=env,
    )
    assert done.returncode == 2  # one file refused: the run says so ...
    assert f"refused {junk}: not a zip file" in done.stderr
    assert "1 of 3 file(s) refused; the others are installed" in done.stderr
    assert "installed fa-en 1.0" in done.stdout and "installed en-de 1.0" in done.stdout
    assert again.returncode == 0 and "unchanged fa-en 1.0" in again.stdout  # ... the good are in

    data = json.loads(listed_json.stdout)
    assert [m["pair"] for m in data["installed"]] == ["en-de", "fa-en"]
    assert all(m["version"] == "1.0" and m["bytes"] > 50_000 for m in data["installed"])
    assert data["engine"]["name"] == "ctranslate2/sentencepiece"
    rows = {row["language"]: row for row in data["coverage"]}
    assert rows["fa"]["to_de"] == {"route": "via-english", "path": ["fa", "en", "de"]}
    assert rows["fa"]["from_de"] == {"route": "not-installed", "path": []}
    assert rows["ps"]["to_de"]["route"] == "no-model-exists"
    assert "fa   through English (fa→en→de)    not installed" in listed.stdout
    assert "ti   no model exists               no model exists" in listed.stdout

    assert translated.returncode == 0, translated.stderr
    assert translated.stdout.strip()
    assert "translated: fa→en→de via fa-en 1.0, en-de 1.0 (ctranslate2/" in translated.stderr
    assert missing.returncode == 2
    assert "not-installed: not installed here: install ar-de or ar-en and en-de" in missing.stderr
    assert none.returncode == 2 and "no-model-exists" in none.stderr

    assert removed.stdout == "removed en-de 1.0\n"
    assert gone.returncode == 2 and "en-de is not installed" in gone.stderr
