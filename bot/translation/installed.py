"""The models the operator installed, kept under LOTSE_MT_DIR (default LOTSE_DATA_DIR/mt).

    mt/fa-en -> packages/fa-en-1.9-3f2a…     one link per pair, swapped atomically
    mt/packages/fa-en-1.9-3f2a…/            an unpacked package (metadata.json, model/, …)

An install unpacks into a folder of its own, then replaces the pair's link in one step:
a reader (the worker) sees the old model or the new one, never half of one. Writers
(install, remove) take a file lock, so two operators' commands do not interleave.
"""

from __future__ import annotations

import fcntl
import os
import re
import secrets
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from bot.config import Settings
from bot.translation.package import (
    PackageError,
    PackageInfo,
    extract,
    read_installed,
    read_package,
    version_key,
)

PACKAGES = "packages"
_PAIR = re.compile(r"^([a-z]{2,3})-([a-z]{2,3})$")


def mt_path(settings: Settings) -> Path:
    return settings.mt_dir or settings.data_dir / "mt"


def parse_pair(text: str) -> tuple[str, str]:
    match = _PAIR.match(text.strip().lower())
    if not match:
        raise InstallError(f"{text!r} is not a pair like fa-en")
    return match[1], match[2]


class InstallError(Exception):
    """An install or removal refused; the message is one line."""


class InstallKind(StrEnum):
    INSTALLED = "installed"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    #: An older version replaced a newer one (only with force).
    DOWNGRADED = "downgraded"
    #: The same version unpacked again (only with force).
    REINSTALLED = "reinstalled"


@dataclass(frozen=True, slots=True)
class Installed:
    info: PackageInfo
    #: The unpacked package.
    path: Path

    @property
    def pair(self) -> tuple[str, str]:
        return self.info.source, self.info.target


@dataclass(frozen=True, slots=True)
class InstallResult:
    kind: InstallKind
    model: Installed
    previous: str | None = None


def installed_models(mt_dir: Path) -> dict[tuple[str, str], Installed]:
    """The installed pairs; a link whose package cannot be read is left out."""
    found: dict[tuple[str, str], Installed] = {}
    if not mt_dir.is_dir():
        return found
    for entry in mt_dir.iterdir():
        if not (entry.is_symlink() and _PAIR.match(entry.name)):
            continue
        target = entry.resolve()
        try:
            info = read_installed(target)
        except (OSError, PackageError):
            continue
        if info.pair == entry.name:
            found[(info.source, info.target)] = Installed(info, target)
    return found


def disk_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


@contextmanager
def _locked(mt_dir: Path) -> Iterator[None]:
    (mt_dir / PACKAGES).mkdir(parents=True, exist_ok=True)
    with (mt_dir / ".lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _kind(new: PackageInfo, current: Installed | None, force: bool) -> InstallKind:
    if current is None:
        return InstallKind.INSTALLED
    old, wanted = version_key(current.info.version), version_key(new.version)
    if wanted > old:
        return InstallKind.UPDATED
    if wanted == old:
        return InstallKind.REINSTALLED if force else InstallKind.UNCHANGED
    if not force:
        raise InstallError(
            f"{new.pair} {new.version} is older than the installed {current.info.version}; "
            "--force installs it anyway"
        )
    return InstallKind.DOWNGRADED


def install(
    mt_dir: Path,
    file: Path,
    *,
    force: bool = False,
    check: Callable[[Path], None] | None = None,
) -> InstallResult:
    """Install one package file. `check` may refuse the unpacked package (raise
    PackageError) before it replaces anything, e.g. by loading it."""
    package = read_package(file)
    info = package.info
    with _locked(mt_dir):
        current = installed_models(mt_dir).get((info.source, info.target))
        kind = _kind(info, current, force)
        if kind is InstallKind.UNCHANGED:
            assert current is not None
            return InstallResult(kind, current, current.info.version)
        token = secrets.token_hex(4)
        staging = mt_dir / PACKAGES / f".incoming-{token}"
        final = mt_dir / PACKAGES / f"{info.pair}-{info.version}-{token}"
        try:
            staging.mkdir()
            extract(package, staging)
            if check is not None:
                check(staging)
            staging.rename(final)
            _point(mt_dir, info.pair, final)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            shutil.rmtree(final, ignore_errors=True)
            raise
        _sweep(mt_dir)
    previous = current.info.version if current else None
    return InstallResult(kind, Installed(info, final), previous)


def _point(mt_dir: Path, pair: str, target: Path) -> None:
    """Make mt/<pair> point at `target` in one step (rename over the old link)."""
    temporary = mt_dir / f".{pair}.{secrets.token_hex(4)}"
    os.symlink(Path(PACKAGES) / target.name, temporary)
    os.replace(temporary, mt_dir / pair)


def _sweep(mt_dir: Path) -> None:
    """Remove unpacked packages no link points to (replaced ones, a crashed install's)."""
    used = {entry.resolve() for entry in mt_dir.iterdir() if entry.is_symlink()}
    for folder in (mt_dir / PACKAGES).iterdir():
        if folder.resolve() not in used:
            shutil.rmtree(folder, ignore_errors=True)
    for stale in mt_dir.glob(".*.*"):
        if stale.is_symlink():
            stale.unlink(missing_ok=True)


def remove(mt_dir: Path, pair: str) -> Installed:
    key = parse_pair(pair)
    with _locked(mt_dir):
        current = installed_models(mt_dir).get(key)
        if current is None:
            raise InstallError(f"{key[0]}-{key[1]} is not installed")
        (mt_dir / current.info.pair).unlink()
        _sweep(mt_dir)
    return current
