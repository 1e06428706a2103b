"""The `lotse` command as an operator runs it, in a subprocess."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.support.cli import cli_env, free_port, lotse

SECRET = "s" * 40


def test_serve_refuses_a_database_without_the_schema(tmp_path: Path) -> None:
    result = lotse("serve", cwd=tmp_path, env={"LOTSE_SECRET_KEY": SECRET})
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "run `lotse db upgrade`" in result.stderr


def test_a_bad_setting_stops_start_up_with_one_line(tmp_path: Path) -> None:
    result = lotse("serve", cwd=tmp_path, env={"LOTSE_PORT": "http", "LOTSE_SECRET_KEY": SECRET})
    assert result.returncode == 2
    assert (
        result.stderr.strip() == "lotse: LOTSE_PORT: Input should be a valid integer, "
        "unable to parse string as an integer (got 'http')"
    )


def test_db_upgrade_then_serve_needs_a_municipality_then_runs(tmp_path: Path) -> None:
    env = {"LOTSE_SECRET_KEY": SECRET, "LOTSE_PORT": str(free_port())}
    assert lotse("db", "upgrade", cwd=tmp_path, env=env).returncode == 0
    assert lotse("db", "current", cwd=tmp_path, env=env).stdout.strip() != "no schema"
    refused = lotse("serve", cwd=tmp_path, env=env)
    assert refused.returncode == 2 and "lotse municipality set" in refused.stderr
    saved = lotse(
        "municipality",
        "set",
        "--slug",
        "x",
        "--name",
        "Stadt X",
        "--contact",
        "c",
        "--privacy-contact",
        "p",
        cwd=tmp_path,
        env=env,
    )
    assert saved.returncode == 0, saved.stderr
    with running("serve", cwd=tmp_path, env=env) as base:
        assert get(f"{base}/readyz") == 200


def test_demo_starts_on_sqlite_with_nothing_set_up(tmp_path: Path) -> None:
    port = free_port()
    with running("demo", cwd=tmp_path, env={"LOTSE_PORT": str(port)}) as base:
        assert get(f"{base}/readyz") == 200
        assert get(f"{base}/chat") == 200
    assert (tmp_path / "lotse-data" / "lotse.sqlite3").exists()
    assert (tmp_path / "lotse-data" / "secret.key").exists()


def get(url: str) -> int:
    with urllib.request.urlopen(url, timeout=5) as response:
        return int(response.status)


class running:
    def __init__(self, *args: str, cwd: Path, env: dict[str, str]) -> None:
        self.args, self.cwd, self.env = args, cwd, env

    def __enter__(self) -> str:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", *self.args],
            cwd=self.cwd,
            env=cli_env(self.env),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        port = self.env["LOTSE_PORT"]
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"lotse {self.args} exited: {self.process.stdout.read()}")  # type: ignore[union-attr]
            try:
                get(f"{base}/healthz")
                return base
            except OSError:
                time.sleep(0.2)
        pytest.fail("lotse did not start within 60 s")

    def __exit__(self, *exc: object) -> None:
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            raise
        assert self.process.returncode == 0, self.process.stdout.read()  # type: ignore[union-attr]
