"""The worker process on its own: JSON lines in, JSON lines out, in order; a bad line
gets an answer saying so and the worker goes on."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from tests.support.cli import cli_env


def _converse(mt_dir: Path, lines: list[str]) -> tuple[list[dict[str, object]], str]:
    done = subprocess.run(
        [sys.executable, "-m", "bot.translation.worker", "--mt-dir", str(mt_dir)],
        input="".join(line + "\n" for line in lines), capture_output=True, text=True,
        timeout=60, env=cli_env(None), check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in done.stdout.splitlines()], done.stderr


def test_bad_lines_are_answered_and_the_worker_goes_on(
    mt_dir: Path, with_models: Callable[..., None]
) -> None:
    with_models("fa-en")
    secret = "سلام، برای درخواستم به کمک نیاز دارم."
    answers, stderr = _converse(
        mt_dir,
        [
            "not json {",
            "[1, 2]",
            json.dumps({"id": 1, "op": "translate", "text": 5, "models": [["fa", "en"]]}),
            json.dumps({"id": 2, "op": "dance", "text": "x", "models": [["fa", "en"]]}),
            json.dumps({"id": 3, "op": "translate", "text": "x", "models": [["fa", "../x"]]}),
            json.dumps({"id": 4, "op": "translate", "text": secret, "models": [["ar", "en"]]}),
            "",
            json.dumps({"id": 5, "op": "echo", "text": "ünïcode ✓"}),
            json.dumps({"id": 6, "op": "translate", "text": secret, "models": [["fa", "en"]]}),
        ],
    )
    assert [a["id"] for a in answers] == [None, None, 1, 2, 3, 4, 5, 6]  # blank lines: none
    assert [a.get("error") for a in answers[:6]] == ["bad-request"] * 5 + ["failed"]
    assert answers[0]["detail"] == "not JSON"
    assert answers[6] == {"id": 5, "text": "ünïcode ✓"}
    assert isinstance(answers[7]["text"], str) and answers[7]["text"]
    assert answers[7]["models"] == [["fa", "en", "1.0"]] and answers[7]["cached"] is False
    assert secret not in stderr  # the failed request was reported without its text
    assert "FileNotFoundError" in stderr or "OSError" in stderr or "Error" in stderr
