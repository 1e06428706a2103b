"""Running the `lotse` command in a subprocess, as an operator would."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

#: The repository's root: the subprocess imports Lotse from here.
ROOT = Path(__file__).resolve().parents[2]


def lotse(
    *args: str, cwd: Path, env: dict[str, str] | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        cwd=cwd,
        text=True,
        capture_output=True,
        timeout=timeout,
        env=cli_env(env),
    )


def cli_env(extra: dict[str, str] | None) -> dict[str, str]:
    """This process's environment without its LOTSE_ settings, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LOTSE_")}
    env["PYTHONPATH"] = str(ROOT)
    return {**env, **(extra or {})}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
