from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.config import Settings, load_settings
from bot.holders.checks import DATA_DIR


@pytest.fixture
def plain_settings(tmp_path: Path) -> Settings:
    """Settings with an empty data directory (no database needed)."""
    return load_settings(data_dir=tmp_path / "data", require_secret=False, _env_file=None)


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A copy of the shipped data files, to break."""
    target = tmp_path / "shipped"
    shutil.copytree(DATA_DIR, target)
    return target
