"""The local spool: acknowledged messages on disk while the database is away.

One file per message, written to a temporary name, fsynced, renamed into place and
the directory fsynced: once `write` returns, the message survives a crash of the
process or the machine. File names sort by arrival, so draining keeps the order.
The files hold what the inbox would (the message encrypted, keyed hashes), never a
readable address or text; the directory is the operator's only (0700).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path

log = logging.getLogger(__name__)

SUFFIX = ".msg"


class SpoolFull(Exception):
    """The spool holds its maximum, or the disk refused the write."""


@dataclass(frozen=True, slots=True)
class Entry:
    """An acknowledged message as the inbox stores it."""

    inbound_key: str
    sender_key: str
    payload_enc: str
    received_at: str  # ISO 8601, UTC

    def dumps(self) -> bytes:
        return json.dumps(asdict(self)).encode()

    @classmethod
    def loads(cls, data: bytes) -> Entry:
        values = json.loads(data)
        return cls(**{k: str(values[k]) for k in cls.__slots__})


class Spool:
    def __init__(self, directory: Path, max_messages: int) -> None:
        self.directory = directory
        self.max_messages = max_messages
        self._lock = threading.Lock()
        self._sequence = 0
        self._count = len(self.files()) if directory.is_dir() else 0

    @property
    def empty(self) -> bool:
        """Whether this process knows of no spooled message (new ones go after them)."""
        return self._count == 0

    @property
    def count(self) -> int:
        return self._count

    def write(self, entry: Entry) -> Path:
        """Store one entry durably (blocking: call it in a thread)."""
        with self._lock:
            if self._count >= self.max_messages:
                raise SpoolFull(f"the spool holds its maximum of {self.max_messages} messages")
            self._sequence += 1
            name = f"{time.time_ns():020d}-{os.getpid()}-{self._sequence:06d}{SUFFIX}"
            self._count += 1
        try:
            self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
            temporary = self.directory / f".{name}.tmp"
            descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            try:
                os.write(descriptor, entry.dumps())
                os.fsync(descriptor)
            finally:
                os.close(descriptor)
            path = self.directory / name
            os.replace(temporary, path)
            self._sync_directory()
        except OSError as error:
            with self._lock:
                self._count -= 1
            raise SpoolFull(f"the spool could not be written ({error.strerror})") from None
        return path

    def files(self, limit: int | None = None) -> list[Path]:
        """Spooled files, oldest first."""
        try:
            names = sorted(n for n in os.listdir(self.directory) if n.endswith(SUFFIX))
        except FileNotFoundError:
            names = []
        if limit is not None:
            names = names[:limit]
        return [self.directory / name for name in names]

    def read(self, path: Path) -> Entry | None:
        """The entry, or None if another process drained it meanwhile. A file that
        cannot be read is moved aside (kept for the operator), never dropped silently."""
        try:
            return Entry.loads(path.read_bytes())
        except FileNotFoundError:
            return None
        except (ValueError, KeyError, TypeError):
            aside = self.directory / "unreadable"
            aside.mkdir(mode=0o700, exist_ok=True)
            os.replace(path, aside / path.name)
            log.error("spool file %s is unreadable; moved to %s", path.name, aside)
            return None

    def remove(self, paths: list[Path]) -> None:
        """Forget drained files (after the database committed them)."""
        for path in paths:
            # Gone already: drained by another process sharing the directory.
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
        if paths:
            self._sync_directory()
        self.recount()

    def recount(self) -> int:
        with self._lock:
            self._count = len(self.files())
            return self._count

    def _sync_directory(self) -> None:
        descriptor = os.open(self.directory, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
