"""Installing, listing and removing model packages: each file checked before anything
is written, a pair replaced in one step, versions compared."""

from __future__ import annotations

import json
import stat
import zipfile
from pathlib import Path

import pytest

from bot.translation import (
    InstallError,
    InstallKind,
    PackageError,
    check_model,
    disk_size,
    install,
    installed_models,
    read_package,
    remove,
)
from tests.support.mt_model import build_package
from tests.translation.conftest import Packages


def _rezip(
    source: Path, target: Path, *, drop: str = "", add: dict[str, bytes] | None = None
) -> Path:
    """A copy of a package without the members ending in `drop`, with `add` added."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for member in old.infolist():
            if not (drop and member.filename.endswith(drop)):
                new.writestr(member, old.read(member))
        for name, data in (add or {}).items():
            new.writestr(name, data)
    return target


def test_a_good_package_is_installed_listed_and_removed(packages: Packages, mt_dir: Path) -> None:
    result = install(mt_dir, packages("fa", "en"), check=check_model)
    assert result.kind is InstallKind.INSTALLED and result.previous is None
    models = installed_models(mt_dir)
    assert set(models) == {("fa", "en")}
    model = models[("fa", "en")]
    assert model.info.version == "1.0" and model.info.argos_version == "1.9.0"
    assert (model.path / "model" / "model.bin").is_file()
    assert (model.path / "sentencepiece.model").is_file()
    assert (mt_dir / "fa-en").is_symlink()
    assert disk_size(model.path) > 50_000
    gone = remove(mt_dir, "fa-en")
    assert gone.info.pair == "fa-en"
    assert installed_models(mt_dir) == {}
    assert not (mt_dir / "fa-en").exists()
    assert list((mt_dir / "packages").iterdir()) == []  # the unpacked files are gone too
    with pytest.raises(InstallError, match="fa-en is not installed"):
        remove(mt_dir, "fa-en")
    with pytest.raises(InstallError, match="not a pair"):
        remove(mt_dir, "persian")


def test_same_version_changes_nothing_newer_replaces_older_needs_force(
    packages: Packages, mt_dir: Path
) -> None:
    first = install(mt_dir, packages("en", "de", "1.1"))
    again = install(mt_dir, packages("en", "de", "1.1"))
    assert again.kind is InstallKind.UNCHANGED and again.model.path == first.model.path
    newer = install(mt_dir, packages("en", "de", "1.10"))  # 1.10 > 1.9 > 1.1: numbers, not text
    assert newer.kind is InstallKind.UPDATED and newer.previous == "1.1"
    assert installed_models(mt_dir)[("en", "de")].info.version == "1.10"
    assert not first.model.path.exists()  # the replaced package was removed
    with pytest.raises(InstallError, match=r"1\.9 is older than the installed 1\.10; --force"):
        install(mt_dir, packages("en", "de", "1.9"))
    assert installed_models(mt_dir)[("en", "de")].info.version == "1.10"
    older = install(mt_dir, packages("en", "de", "1.9"), force=True)
    assert older.kind is InstallKind.DOWNGRADED
    assert installed_models(mt_dir)[("en", "de")].info.version == "1.9"
    assert len(list((mt_dir / "packages").iterdir())) == 1
    assert install(mt_dir, packages("en", "de", "1.9"), force=True).kind is InstallKind.REINSTALLED


def test_not_a_zip(tmp_path: Path, mt_dir: Path) -> None:
    file = tmp_path / "model.argosmodel"
    file.write_text("not a zip")
    with pytest.raises(PackageError, match="not a zip file"):
        install(mt_dir, file)
    with pytest.raises(PackageError, match="no such file"):
        install(mt_dir, tmp_path / "missing.argosmodel")
    assert installed_models(mt_dir) == {}


def test_missing_parts_are_named(packages: Packages, tmp_path: Path, mt_dir: Path) -> None:
    good = packages("fa", "en")
    cases = {
        "metadata.json": "no metadata.json",
        "model.bin": "no model/model.bin",
        "sentencepiece.model": "no sentencepiece.model",
        "shared_vocabulary.json": "no vocabulary",
    }
    for member, message in cases.items():
        broken = _rezip(good, tmp_path / f"without-{member}.argosmodel", drop=member)
        with pytest.raises(PackageError, match=message):
            install(mt_dir, broken)
    bpe = _rezip(good, tmp_path / "bpe.argosmodel", drop="sentencepiece.model",
                 add={"translate-fa_en-1_0/bpe.model": b"x"})  # fmt: skip
    with pytest.raises(PackageError, match="BPE tokenizer"):
        install(mt_dir, bpe)
    assert not (mt_dir / "packages").exists() or not list((mt_dir / "packages").iterdir())


@pytest.mark.parametrize(
    "name",
    ["../evil.txt", "translate-fa_en-1_0/../../evil.txt", "/etc/evil", "C:/evil", "a\\..\\b"],
)
def test_a_member_escaping_the_package_is_refused(
    packages: Packages, tmp_path: Path, mt_dir: Path, name: str
) -> None:
    bad = _rezip(packages("fa", "en"), tmp_path / "slip.argosmodel", add={name: b"owned"})
    with pytest.raises(PackageError, match="outside the package"):
        install(mt_dir, bad)
    assert not (tmp_path / "evil.txt").exists() and not (mt_dir.parent / "evil.txt").exists()
    assert installed_models(mt_dir) == {}


def test_a_link_member_is_refused(packages: Packages, tmp_path: Path, mt_dir: Path) -> None:
    link = zipfile.ZipInfo("translate-fa_en-1_0/model/link")
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    bad = tmp_path / "link.argosmodel"
    with zipfile.ZipFile(packages("fa", "en")) as old, zipfile.ZipFile(bad, "w") as new:
        for member in old.infolist():
            new.writestr(member, old.read(member))
        new.writestr(link, "/etc/passwd")
    with pytest.raises(PackageError, match="is a link"):
        install(mt_dir, bad)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"from_code": "es"}, "from_code 'es' is not a language of Lotse"),
        ({"to_code": "zz"}, "to_code 'zz' is not a language of Lotse"),
        ({"to_code": "fa"}, "translates fa into itself"),
        ({"package_version": "latest"}, "not a version like 1.9"),
        ({"package_version": None}, "package_version is missing"),
        ({"type": "sbd"}, "not a translation model"),
    ],
)
def test_bad_metadata_is_refused(
    packages: Packages, tmp_path: Path, mt_dir: Path, fields: dict[str, object], message: str
) -> None:
    # Built here, with its own metadata; `packages` skips (or fails) without the engine.
    file = build_package(tmp_path / "bad.argosmodel", "fa", "en", metadata=fields)
    with pytest.raises(PackageError, match=message):
        read_package(file)
    with pytest.raises(PackageError, match=message):
        install(mt_dir, file)


def test_metadata_that_is_not_json(packages: Packages, tmp_path: Path) -> None:
    bad = _rezip(packages("fa", "en"), tmp_path / "nojson.argosmodel", drop="metadata.json",
                 add={"translate-fa_en-1_0/metadata.json": b"{from_code: fa"})  # fmt: skip
    with pytest.raises(PackageError, match="not valid JSON"):
        read_package(bad)


def test_a_model_that_does_not_load_replaces_nothing(
    packages: Packages, tmp_path: Path, mt_dir: Path
) -> None:
    install(mt_dir, packages("fa", "en"))
    broken = _rezip(packages("fa", "en"), tmp_path / "broken.argosmodel", drop="model.bin",
                    add={"translate-fa_en-1_0/model/model.bin": b"garbage"})  # fmt: skip
    metadata = json.dumps({"package_version": "2.0", "argos_version": "1.9", "from_code": "fa",
                           "to_code": "en"})  # fmt: skip
    newer = _rezip(broken, tmp_path / "broken2.argosmodel", drop="metadata.json",
                   add={"translate-fa_en-1_0/metadata.json": metadata.encode()})  # fmt: skip
    with pytest.raises(PackageError, match="the model does not load"):
        install(mt_dir, newer, check=check_model)
    assert installed_models(mt_dir)[("fa", "en")].info.version == "1.0"
    assert len(list((mt_dir / "packages").iterdir())) == 1  # nothing left behind
