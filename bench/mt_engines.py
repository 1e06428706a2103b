"""The engine choice, measured: argostranslate 1.11 itself against Lotse's way of running
its packages (CTranslate2 and SentencePiece directly, bot.translation.engine), with the
same tiny package and the same 40-word message, each in a fresh process:

- import: the libraries a translation needs (argostranslate pulls torch, stanza, spaCy);
- first call: from after the imports to the first translation (the model loaded on the way);
- warm call: the median of 20 more translations (each text new: argostranslate caches);
- memory: the process's resident set after them (VmRSS; peak VmHWM);
- install size: what the engine adds to a virtualenv.

    .venv/bin/python -m bench.mt_engines [--argos-venv /path/to/venv] [--threads 2]

The argostranslate venv is made outside the repository (python3 -m venv, then
pip install torch==2.13.0 — the CPU build — and argostranslate==1.11.0); without
--argos-venv that half is skipped. argostranslate runs with ARGOS_CHUNK_TYPE=SPACY and
a blank spaCy pipeline saved into the package (its other sentence splitters download
a model at first use), its data, cache and packages in a temporary folder.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from importlib.metadata import distribution
from pathlib import Path
from typing import Any

from bench.mt import MESSAGES

ROOT = Path(__file__).resolve().parent.parent
#: What the `mt` extra installs (ctranslate2's own dependencies included).
EXTRA = ("ctranslate2", "sentencepiece", "numpy", "pyyaml")

COMMON = """
import json, statistics, sys, time
def rss():
    f = dict(l.split(":", 1) for l in open("/proc/self/status").read().splitlines())
    return int(f["VmRSS"].split()[0]) // 1024, int(f["VmHWM"].split()[0]) // 1024
text, threads = sys.argv[2], int(sys.argv[3])
"""
LOTSE = (
    COMMON
    + """
started = time.perf_counter()
import ctranslate2, sentencepiece
from pathlib import Path
from bot.translation.engine import LoadedModel
imported = time.perf_counter()
model = LoadedModel(Path(sys.argv[1]), threads=threads)
first = model.translate(text)
done = time.perf_counter()
warm = []
for i in range(20):
    t = time.perf_counter(); model.translate(f"{i} {text}"); warm.append(time.perf_counter() - t)
print(json.dumps({"import": imported - started, "first": done - imported,
                  "warm": statistics.median(warm), "rss": rss(), "text": first}))
"""
)
ARGOS = (
    COMMON
    + """
import os
os.environ["ARGOS_INTRA_THREADS"] = str(threads)
started = time.perf_counter()
import argostranslate.package, argostranslate.translate
imported = time.perf_counter()
argostranslate.package.install_from_path(sys.argv[1])
installed = time.perf_counter()
first = argostranslate.translate.translate(text, "fa", "en")
done = time.perf_counter()
warm = []
for i in range(20):  # a text of its own each time: argostranslate caches the last one
    t = time.perf_counter(); argostranslate.translate.translate(f"{i} {text}", "fa", "en")
    warm.append(time.perf_counter() - t)
print(json.dumps({"import": imported - started, "first": done - installed,
                  "warm": statistics.median(warm), "rss": rss(), "text": first}))
"""
)


def run(python: str, script: str, args: list[str], env: dict[str, str]) -> dict[str, Any]:
    done = subprocess.run(
        [python, "-c", script, *args], capture_output=True, text=True, timeout=600,
        env={**os.environ, "PYTHONPATH": str(ROOT), **env}, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        raise SystemExit(f"{python}: {done.stderr[-3000:]}")
    return dict(json.loads(done.stdout.splitlines()[-1]))


def extra_size() -> int:
    return sum(
        (file.size or 0) for name in EXTRA for file in distribution(name).files or ()
    )  # fmt: skip


def venv_size(venv: Path) -> int:
    site = next(venv.glob("lib/python*/site-packages"))
    return sum(p.stat().st_size for p in site.rglob("*") if p.is_file() and not p.is_symlink())


def spacy_members(python: str, folder: Path) -> dict[str, bytes]:
    """A blank spaCy pipeline saved by the argos venv, as members of a package."""
    target = folder / "spacy"
    script = f"import spacy; spacy.blank('xx').to_disk({str(target)!r})"
    subprocess.run([python, "-c", script], check=True, timeout=300)
    return {
        f"spacy/{p.relative_to(target)}": p.read_bytes() for p in target.rglob("*") if p.is_file()
    }


def report(name: str, figures: dict[str, object], size: int) -> None:
    rss, peak = figures["rss"]  # type: ignore[misc]
    print(
        f"{name:34}{float(figures['import']):8.2f} s{float(figures['first']):9.2f} s"  # type: ignore[arg-type]
        f"{float(figures['warm']) * 1000:9.1f} ms{rss:7d} MB ({peak}){size / 1e6:9.0f} MB"
    )  # type: ignore[arg-type]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--argos-venv", type=Path)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    from tests.support.mt_model import build_package

    text = MESSAGES["fa"]
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        argos_python = str(args.argos_venv / "bin" / "python") if args.argos_venv else None
        extra = spacy_members(argos_python, folder) if argos_python else None
        # An end of sentence likely enough that both stop on their own, well before their
        # (different) length bounds: the decoding then costs both the same.
        package = build_package(folder / "fa_en.argosmodel", "fa", "en", extra=extra, eos_bias=4.0)
        unpacked = folder / "unpacked"
        from bot.translation.installed import install

        model = install(unpacked, package).model.path
        print(f"tiny fa→en package, {len(text.split())}-word message, {args.threads} threads")
        print(f"{'':36}{'import':>8}{'first call':>11}{'warm call':>12}{'RSS (peak)':>15}"
              f"{'install':>10}")  # fmt: skip
        lotse = run(sys.executable, LOTSE, [str(model), text, str(args.threads)], {})
        report("CTranslate2 + SentencePiece (Lotse)", lotse, extra_size())
        if argos_python and args.argos_venv:
            env = {"ARGOS_CHUNK_TYPE": "SPACY", "ARGOS_PACKAGES_DIR": str(folder / "argos"),
                   "XDG_DATA_HOME": str(folder / "xdg-data"), "XDG_CACHE_HOME":
                   str(folder / "xdg-cache"), "XDG_CONFIG_HOME": str(folder / "xdg-config"),
                   "HOME": str(folder)}  # fmt: skip
            figures = run(argos_python, ARGOS, [str(package), text, str(args.threads)], env)
            report("argostranslate 1.11 (torch CPU)", figures, venv_size(args.argos_venv))
            same = "the same" if figures["text"] == lotse["text"] else "NOT the same"
            print(f"the two translations of the message are {same}")
            if figures["text"] != lotse["text"]:
                print(f"  Lotse: {lotse['text']!r}\n  argos: {figures['text']!r}")


if __name__ == "__main__":
    main()
