"""`lotse services …` as an operator runs it, on SQLite: the bad file in a subprocess,
the rest through the same command parser in this process (each `lotse` process costs
seconds of imports)."""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
from pathlib import Path

import pytest

from bot.advice import DEMO_FILE
from bot.cli.common import Stop
from bot.cli.main import parser
from tests.support.cli import lotse


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    env = {"LOTSE_DATA_DIR": str(tmp_path / "data")}
    for key in [k for k in os.environ if k.startswith("LOTSE_")]:
        monkeypatch.delenv(key)
    monkeypatch.setenv("LOTSE_DATA_DIR", env["LOTSE_DATA_DIR"])
    monkeypatch.chdir(tmp_path)  # no .env of the repository
    assert _run(("db", "upgrade")).returncode == 0
    return env


def _run(argv: tuple[str, ...]) -> subprocess.CompletedProcess[str]:
    """The command in this process: exit code 2 and the line on stderr, as `main` does."""
    out, err = io.StringIO(), io.StringIO()
    code = 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        args = parser().parse_args(argv)
        try:
            args.func(args)
        except Stop as error:
            print(f"lotse: {error}", file=err)
            code = 2
    return subprocess.CompletedProcess(argv, code, out.getvalue(), err.getvalue())


def here(*args: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """As `lotse(...)`, in this process (the fixture set the environment and directory)."""
    return _run(args)


def test_import_list_reimport_and_remove(tmp_path: Path, env: dict[str, str]) -> None:
    checked = here("services", "import", str(DEMO_FILE), "--check", cwd=tmp_path, env=env)
    assert checked.returncode == 0, checked.stderr
    assert "would add 6, update 0, leave 0 unchanged and remove 0" in checked.stdout
    # --check imports nothing.
    listed = json.loads(here("services", "list", "--json", cwd=tmp_path, env=env).stdout)
    assert listed == {"services": []}

    done = here("services", "import", str(DEMO_FILE), cwd=tmp_path, env=env)
    assert done.returncode == 0, done.stderr
    assert "imported demo-services.json: 6 added, 0 updated, 0 unchanged, 0 removed" in done.stdout

    listed = json.loads(here("services", "list", "--json", cwd=tmp_path, env=env).stdout)
    mbe = next(s for s in listed["services"] if s["slug"] == "beispiel-mbe-musterstadt")
    assert mbe["phone"] == "+49301234567" and mbe["min_age"] == 27 and mbe["any_age"] == ["asylum"]

    # The listing, edited and imported again with --replace: one changed, one gone.
    kept = [s for s in listed["services"] if s["slug"] != "beispiel-rechtsberatung"]
    kept[0]["name"] = "Umbenannt (fiktiv)"
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps({"services": kept}, ensure_ascii=False), encoding="utf-8")
    again = here("services", "import", str(edited), "--replace", cwd=tmp_path, env=env)
    assert "0 added, 1 updated, 4 unchanged, 1 removed" in again.stdout, again.stderr

    table = here("services", "list", cwd=tmp_path, env=env).stdout
    assert "Umbenannt (fiktiv)" in table and "beispiel-rechtsberatung" not in table
    assert "5 service(s)" in table and "last change: replace edited.json" in table
    assert "mbe 27+" in table and "jmd 12-26" in table and "(all areas)" in table

    removed = here("services", "remove", "beispiel-jmd-musterstadt", cwd=tmp_path, env=env)
    assert removed.returncode == 0 and "removed beispiel-jmd-musterstadt" in removed.stdout
    unknown = here("services", "remove", "beispiel-jmd-musterstadt", cwd=tmp_path, env=env)
    assert unknown.returncode == 2
    assert "no service 'beispiel-jmd-musterstadt'" in unknown.stderr


def test_a_bad_file_is_refused_with_every_error_and_nothing_imported(
    tmp_path: Path, env: dict[str, str]
) -> None:
    bad = tmp_path / "beratung.csv"
    bad.write_text(
        "slug;name;programme;provider;languages;email;source;verified_at\n"
        "caritas-mitte;Caritas Mitte;mbe;Caritas;de|kurdish;mitte@example.org;Anruf;2026-11-01\n"
        "jmd-nord;JMD Nord;jmd;AWO;de|ar;nord@example.org;Anruf;2026-11-01\n"
        "jmd-nord;JMD Nord;jmd;AWO;de;nord@example.org;Anruf;2030-01-01\n",
        encoding="utf-8",
    )
    # A real `lotse` process once; --check through the same parser.
    for run, flags in ((lotse, ()), (here, ("--check",))):
        result = run("services", "import", str(bad), *flags, cwd=tmp_path, env=env)
        assert result.returncode == 2
        assert result.stdout.splitlines() == [
            "error: row 2 (caritas-mitte), languages: 'kurdish' is ambiguous: write ku for "
            "Kurmanji or ckb for Sorani",
            "error: row 4 (jmd-nord), verified_at: 2030-01-01 lies in the future",
        ]
        assert "lotse: 2 problem(s) in beratung.csv; nothing imported" in result.stderr
    listed = json.loads(here("services", "list", "--json", cwd=tmp_path, env=env).stdout)
    assert listed == {"services": []}
    missing = here("services", "import", str(tmp_path / "nope.csv"), cwd=tmp_path, env=env)
    assert missing.returncode == 2 and "cannot read it" in missing.stderr


def test_old_records_are_flagged_to_check_again(tmp_path: Path, env: dict[str, str]) -> None:
    old = tmp_path / "old.csv"
    old.write_text(
        "slug,name,programme,provider,languages,email,source,verified_at\n"
        "alt,Alte Beratung,other,Träger,de,alt@example.org,Anruf,2020-01-31\n"
        "neu,Neue Beratung,other,Träger,de,neu@example.org,Anruf,2026-11-01\n",
        encoding="utf-8",
    )
    done = here("services", "import", str(old), cwd=tmp_path, env=env)
    assert "warning: 1 service(s) verified before" in done.stdout and done.stdout.endswith("alt\n")
    table = here("services", "list", cwd=tmp_path, env=env).stdout
    assert "| 2020-01-31 RE-CHECK" in table and "| 2026-11-01\n" in table
    assert "2 service(s), 1 to check again" in table
