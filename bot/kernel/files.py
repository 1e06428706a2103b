"""Files Lotse writes are readable by the account that runs it only.

`lotse` sets the process umask to 077, so everything it creates (the data directory,
the SQLite database and its WAL, print batches, letters, manifests) is 0700/0600.
`private_data_dir` also tightens a data directory made by an older Lotse or by hand.
"""

from __future__ import annotations

import os
from pathlib import Path

UMASK = 0o077


def private_umask() -> None:
    os.umask(UMASK)


def private_data_dir(data_dir: Path) -> None:
    """Create the data directory 0700, or tighten it and the SQLite files in it."""
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    if data_dir.stat().st_uid == os.getuid():
        data_dir.chmod(0o700)
        for path in data_dir.glob("*.sqlite3*"):
            path.chmod(0o600)
