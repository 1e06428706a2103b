"""No module of Lotse's code grows past 400 lines (migrations aside): one module, one job."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LIMIT = 400


def test_every_module_is_small() -> None:
    sizes = {
        path.relative_to(ROOT).as_posix(): len(path.read_text(encoding="utf-8").splitlines())
        for package in ("bot", "flows", "adapters")
        for path in (ROOT / package).rglob("*.py")
        if "migrations" not in path.parts
    }
    assert len(sizes) > 50  # the walk found the code
    too_long = {name: lines for name, lines in sizes.items() if lines > LIMIT}
    assert not too_long, f"over {LIMIT} lines: {too_long}"
