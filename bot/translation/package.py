"""Reading and checking an argostranslate model package (`.argosmodel`): a zip file with
one folder holding `metadata.json`, the CTranslate2 model (`model/model.bin` and its
vocabulary) and the SentencePiece tokenizer (`sentencepiece.model`).

Nothing in a package is trusted: member names that would escape the folder they are
extracted to (absolute, `..`, links), encrypted members, and sizes past the limits are
refused before anything is written.
"""

from __future__ import annotations

import json
import re
import shutil
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from bot.i18n import LANGUAGES

METADATA = "metadata.json"
MODEL_DIR = "model"
TOKENIZER = "sentencepiece.model"
#: Real packages unpack to 100–400 MB; far more is not a translation model.
MAX_UNPACKED = 4 * 1024**3
MAX_MEMBERS = 10_000
_VERSION = re.compile(r"^\d+(\.\d+){0,3}$")
_VOCABULARIES = (
    ("shared_vocabulary.json",),
    ("shared_vocabulary.txt",),
    ("source_vocabulary.json", "target_vocabulary.json"),
    ("source_vocabulary.txt", "target_vocabulary.txt"),
)


class PackageError(Exception):
    """A package that cannot be installed; the message is one line naming the cause."""


@dataclass(frozen=True, slots=True)
class PackageInfo:
    source: str
    target: str
    version: str
    argos_version: str
    #: Multilingual models want this token first in the output (Argos' `target_prefix`).
    target_prefix: str = ""

    @property
    def pair(self) -> str:
        return f"{self.source}-{self.target}"


def version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def parse_metadata(raw: bytes) -> PackageInfo:
    try:
        data = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise PackageError(f"{METADATA} is not valid JSON") from None
    if not isinstance(data, dict):
        raise PackageError(f"{METADATA} is not a JSON object")
    if data.get("type", "translate") != "translate":
        raise PackageError(f"{METADATA}: type is {data.get('type')!r}, not a translation model")
    fields = {}
    for name in ("from_code", "to_code", "package_version", "argos_version"):
        value = data.get(name)
        if not isinstance(value, str) or not value.strip():
            raise PackageError(f"{METADATA}: {name} is missing or not a text")
        fields[name] = value.strip()
    for name in ("from_code", "to_code"):
        if fields[name] not in LANGUAGES:
            raise PackageError(
                f"{METADATA}: {name} {fields[name]!r} is not a language of Lotse "
                f"({', '.join(LANGUAGES)})"
            )
    if fields["from_code"] == fields["to_code"]:
        raise PackageError(f"{METADATA}: translates {fields['from_code']} into itself")
    for name in ("package_version", "argos_version"):
        if not _VERSION.match(fields[name]):
            raise PackageError(f"{METADATA}: {name} {fields[name]!r} is not a version like 1.9")
    prefix = data.get("target_prefix", "")
    if not isinstance(prefix, str):
        raise PackageError(f"{METADATA}: target_prefix is not a text")
    return PackageInfo(
        fields["from_code"],
        fields["to_code"],
        fields["package_version"],
        fields["argos_version"],
        prefix.strip(),
    )


def _safe_name(member: zipfile.ZipInfo) -> PurePosixPath:
    name = member.filename
    path = PurePosixPath(name)
    if (
        not name
        or "\\" in name
        or "\x00" in name
        or path.is_absolute()
        or ".." in path.parts
        or re.match(r"^[A-Za-z]:", name)
    ):
        raise PackageError(f"refused: the member {name!r} would be written outside the package")
    if stat.S_ISLNK(member.external_attr >> 16):
        raise PackageError(f"refused: the member {name!r} is a link")
    if member.flag_bits & 0x1:
        raise PackageError(f"refused: the member {name!r} is encrypted")
    return path


def _root(names: list[PurePosixPath]) -> PurePosixPath:
    """The folder holding metadata.json: the zip's only top folder, or the zip itself."""
    if PurePosixPath(METADATA) in names:
        return PurePosixPath()
    tops = {name.parts[0] for name in names if name.parts}
    if len(tops) == 1:
        top = PurePosixPath(tops.pop())
        if top / METADATA in names:
            return top
    raise PackageError(f"no {METADATA} (is this an argostranslate .argosmodel file?)")


def _check_contents(files: set[PurePosixPath], root: PurePosixPath) -> None:
    if root / MODEL_DIR / "model.bin" not in files:
        raise PackageError(f"no {MODEL_DIR}/model.bin: not a CTranslate2 model package")
    if root / TOKENIZER not in files:
        if root / "bpe.model" in files:
            raise PackageError(
                "the package uses a BPE tokenizer (bpe.model); Lotse runs only packages "
                "with a SentencePiece tokenizer (sentencepiece.model)"
            )
        raise PackageError(f"no {TOKENIZER}: the package has no tokenizer")
    if not any(all(root / MODEL_DIR / f in files for f in names) for names in _VOCABULARIES):
        raise PackageError(f"no vocabulary in {MODEL_DIR}/ (shared_vocabulary.json or .txt)")


@dataclass(frozen=True, slots=True)
class Package:
    """A checked package file, ready to extract."""

    path: Path
    info: PackageInfo
    root: PurePosixPath
    #: Unpacked size in bytes.
    size: int


def read_package(path: Path) -> Package:
    if not path.is_file():
        raise PackageError("no such file")
    if not zipfile.is_zipfile(path):
        raise PackageError("not a zip file (an .argosmodel package is one)")
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            if len(members) > MAX_MEMBERS:
                raise PackageError(f"refused: more than {MAX_MEMBERS} members")
            names = [_safe_name(member) for member in members]
            size = sum(member.file_size for member in members)
            if size > MAX_UNPACKED:
                raise PackageError(f"refused: unpacks to {size} bytes, more than {MAX_UNPACKED}")
            root = _root(names)
            files = {n for n, m in zip(names, members, strict=True) if not m.is_dir()}
            _check_contents(files, root)
            info = parse_metadata(archive.read(str(root / METADATA)))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError) as error:
        raise PackageError(f"the zip file is broken ({type(error).__name__})") from None
    return Package(path, info, root, size)


def extract(package: Package, into: Path) -> None:
    """Unpack the package's folder into `into` (which exists and is empty)."""
    base = into.resolve()
    try:
        with zipfile.ZipFile(package.path) as archive:
            for member in archive.infolist():
                name = _safe_name(member)
                if member.is_dir() or not name.is_relative_to(package.root):
                    continue
                target = (base / name.relative_to(package.root)).resolve()
                if not target.is_relative_to(base):  # a second guard, after _safe_name
                    raise PackageError(f"refused: the member {member.filename!r} escapes")
                target.parent.mkdir(parents=True, exist_ok=True)
                with archive.open(member) as source, target.open("wb") as sink:
                    shutil.copyfileobj(source, sink, 1024 * 1024)
    except (zipfile.BadZipFile, EOFError) as error:
        # A member whose data does not match its checksum, or a cut-off file.
        raise PackageError(f"the zip file is broken ({type(error).__name__})") from None


def read_installed(directory: Path) -> PackageInfo:
    """The metadata of an unpacked package."""
    return parse_metadata((directory / METADATA).read_bytes())
