"""The import contracts in pyproject.toml hold, and they catch a break of each kind."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"

#: One module per kind of break, added to a copy of the code.
PROBES = {
    "bot/kernel/probe.py": "import bot.db.session\n",  # the kernel reaching up
    "flows/probe.py": "from bot.i18n.catalogs import Catalogs\n",  # past a public API
    "adapters/probe.py": "import sqlalchemy\n",  # an adapter at the database
}


def lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    # Wide: a contract's name and its verdict stay on one line.
    env = {**os.environ, "PYTHONPATH": str(root), "COLUMNS": "500"}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--config", str(root / "pyproject.toml")],
        cwd=root, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


def test_the_code_keeps_every_contract() -> None:
    done = lint_imports(ROOT)
    assert done.returncode == 0, done.stdout[-3000:]
    assert " broken." in done.stdout and "0 broken" in done.stdout


def test_each_kind_of_break_is_caught(tmp_path: Path) -> None:
    for package in ("bot", "flows", "adapters"):
        shutil.copytree(ROOT / package, tmp_path / package,
                        ignore=shutil.ignore_patterns("__pycache__"))  # fmt: skip
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    for path, source in PROBES.items():
        (tmp_path / path).write_text(source)
    done = lint_imports(tmp_path)
    assert done.returncode == 1, done.stdout[-3000:]
    broken = {line.split(" BROKEN")[0] for line in done.stdout.splitlines() if " BROKEN" in line}
    assert {name.split(":")[0] for name in broken} == {
        "One direction",
        "The kernel and the document layout do no I/O of their own",
        "Conversations, web handlers and channel adapters never touch the database",
        "bot.i18n is used through its public names",
    }, done.stdout[-3000:]
    assert "bot.kernel.probe -> bot.db.session" in done.stdout
    assert "flows.probe -> bot.i18n.catalogs" in done.stdout
    assert "adapters.probe -> sqlalchemy" in done.stdout
