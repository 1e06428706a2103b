"""The data directory is private, also one that an older Lotse made readable for all."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from bot.kernel.files import private_data_dir
from tests.support.factories import readable_by_others


def test_a_wide_data_directory_and_its_database_are_tightened(tmp_path: Path) -> None:
    data = tmp_path / "lotse-data"
    data.mkdir(mode=0o755)
    os.chmod(data, 0o755)
    for name in ("lotse.sqlite3", "lotse.sqlite3-wal"):
        (data / name).write_bytes(b"")
        os.chmod(data / name, 0o644)
    assert len(readable_by_others(data)) == 3

    private_data_dir(data)

    assert readable_by_others(data) == []
    assert stat.S_IMODE(data.stat().st_mode) == 0o700


def test_a_new_data_directory_is_made_private(tmp_path: Path) -> None:
    private_data_dir(tmp_path / "new" / "data")
    assert stat.S_IMODE((tmp_path / "new" / "data").stat().st_mode) == 0o700
