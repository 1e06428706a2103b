"""Postal letters: how fast WeasyPrint renders them, one at a time and as a print batch.

Letters in a fixed mix of every language Lotse speaks (so right-to-left Arabic,
Persian, Pashto and Sorani, and Tigrinya in Ge'ez script, each part followed by the
German one) are rendered

1. one at a time: `render_letter` in a loop, one PDF per letter (the baseline);
2. as one print batch: `render_batch` of the same letters, one PDF.

Each way runs in a fresh child process, so that its peak RSS (getrusage) is its
own. Before the clock starts, each child renders one letter per language, which
loads the fonts; that first letter's time is printed as the cold start. Each way
is timed --rounds times and the median round is printed: wall time, CPU time per
letter, and letters per CPU-second, that is per core (rendering is single-threaded,
so CPU time is the honest figure on a shared machine). The batch is compared with
the one-at-a-time baseline measured in the same run.

    .venv/bin/python -m bench.letters [--letters 100] [--rounds 3]
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import date

from bench.common import ROOT
from bot.config import REPO_ROOT
from bot.documents.letter import Letterhead
from bot.i18n.catalogs import LANGUAGES, Catalogs
from bot.invitations.letter import LetterContent, render_batch, render_letter
from bot.kernel.postal import PostalAddress

#: The target for print batches, per core.
TARGET_PER_CORE = 20.0
NAMES = {
    "de": "Anna Schmidt", "en": "John Smith", "ar": "فاطمة الأحمد", "fa": "زهرا احمدی",
    "ps": "احمد ګل وردک", "tr": "Ayşe Yılmaz", "ku": "Rojda Baran", "ckb": "ڕێزان عەلی",
    "uk": "Олена Коваль", "ru": "Ольга Иванова", "ti": "ተስፋይ ገብረሚካኤል", "so": "Cabdi Maxamed",
    "fr": "Marie Dubois",
}  # fmt: skip


def contents(count: int) -> list[LetterContent]:
    """`count` letters, the languages taking turns, each with its own code."""
    letters = []
    for i in range(count):
        lang = LANGUAGES[i % len(LANGUAGES)]
        code = f"K7QF-{i:04d}"
        letters.append(
            LetterContent(
                language=lang,
                recipient=PostalAddress(
                    name=NAMES[lang], street=f"Seestraße {i % 90 + 1}", postcode="10115",
                    city="Berlin", extra=f"Zimmer {i % 40 + 1}" if i % 3 == 0 else None,
                ),
                sender=Letterhead(
                    office_name="Bürgeramt Mitte", street="Karl-Marx-Allee 31",
                    postcode="10178", city="Berlin", contact="030 901820",
                ),
                code=code,
                qr_url=f"https://t.me/lotse_bot?start={code.replace('-', '')}",
                chat_url="https://lotse.example/chat",
                sms_number="+49 30 1234567" if i % 4 else None,
                expires_on=date(2026, 12, 31),
            )
        )  # fmt: skip
    return letters


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def child(way: str, count: int, rounds: int) -> dict[str, object]:
    """One way of rendering, measured in this (fresh) process."""
    catalogs = Catalogs(REPO_ROOT / "locales")
    letters = contents(count)
    rss_loaded = peak_rss_mb()
    cold = time.perf_counter()
    render_letter(letters[0], catalogs)
    cold = time.perf_counter() - cold
    for content in letters[1 : len(LANGUAGES)]:  # every language's fonts, once
        render_letter(content, catalogs)
    rss_warm = peak_rss_mb()
    walls, cpus, pages, size = [], [], 0, 0
    for _ in range(rounds):
        wall, cpu = time.perf_counter(), time.process_time()
        if way == "single":
            size = sum(len(render_letter(c, catalogs)) for c in letters)
            pages = 0
        else:
            pdf, counts = render_batch(letters, catalogs)
            size, pages = len(pdf), sum(counts)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return {
        "wall": statistics.median(walls),
        "cpu": statistics.median(cpus),
        "cold": cold,
        "rss_loaded": rss_loaded,
        "rss_warm": rss_warm,
        "rss_peak": peak_rss_mb(),
        "pages": pages,
        "bytes": size,
    }


@dataclass(frozen=True)
class Result:
    name: str
    letters: int
    wall: float
    cpu: float
    cold: float
    rss_loaded: float
    rss_warm: float
    rss_peak: float
    pages: int
    bytes: int

    @property
    def rate(self) -> float:
        return self.letters / self.wall

    @property
    def per_core(self) -> float:
        return self.letters / self.cpu

    @property
    def cpu_ms(self) -> float:
        return self.cpu / self.letters * 1000

    def line(self, baseline: Result | None = None) -> str:
        ratio = (
            f"  ×{self.rate / baseline.rate:.2f} letters/s, "
            f"×{baseline.cpu / self.cpu:.2f} less CPU than one at a time"
            if baseline
            else ""
        )
        return (
            f"{self.name:<22} {self.rate:7.1f} letters/s  {self.cpu_ms:6.1f} ms CPU/letter  "
            f"{self.per_core:6.1f} letters/CPU-s{ratio}"
        )

    def memory(self) -> str:
        growth = self.rss_peak - self.rss_warm
        return (
            f"{'':<22} peak RSS {self.rss_peak:6.0f} MB (after imports {self.rss_loaded:.0f} MB, "
            f"after warm-up {self.rss_warm:.0f} MB, +{growth:.0f} MB = "
            f"{growth / self.letters:.2f} MB/letter while measuring)"
        )


def run_child(way: str, count: int, rounds: int) -> Result:
    process = subprocess.run(
        [sys.executable, "-m", "bench.letters", "--child", way, "--letters", str(count),
         "--rounds", str(rounds)],
        cwd=ROOT, capture_output=True, text=True,
    )  # fmt: skip
    if process.returncode != 0:
        raise SystemExit(f"bench.letters: the {way} child failed:\n{process.stderr[-3000:]}")
    figures = json.loads(process.stdout.strip().splitlines()[-1])
    name = "one at a time" if way == "single" else f"batch of {count}"
    return Result(name=name, letters=count, **figures)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--letters", type=int, default=100, help="letters per round")
    parser.add_argument("--rounds", type=int, default=3, help="timed rounds (median printed)")
    parser.add_argument("--child", choices=("single", "batch"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.letters < 13:
        parser.error("--letters: at least 13, one per language")
    if args.child:
        print(json.dumps(child(args.child, args.letters, args.rounds)))
        return
    began = time.monotonic()
    print(
        f"Letters: {args.letters} per round in {len(LANGUAGES)} languages taking turns "
        f"({', '.join(LANGUAGES)}), each but German followed by its German part; "
        f"median of {args.rounds} rounds, each way in a fresh process"
    )
    single = run_child("single", args.letters, args.rounds)
    batch = run_child("batch", args.letters, args.rounds)
    print(f"  cold start: the first letter in a fresh process took {single.cold * 1000:.0f} ms")
    print("  " + single.line())
    print("  " + single.memory())
    print("  " + batch.line(single))
    print("  " + batch.memory())
    print(
        f"{'':<24} one PDF: {batch.pages} pages, {batch.bytes / 1024:.0f} KiB "
        f"({batch.bytes / batch.letters / 1024:.1f} KiB/letter; one at a time "
        f"{single.bytes / single.letters / 1024:.1f} KiB/letter)"
    )
    verdict = "met" if batch.per_core >= TARGET_PER_CORE else "NOT met"
    print(
        f"  target: at least {TARGET_PER_CORE:.0f} letters/s per core in a batch: {verdict} "
        f"({batch.per_core:.1f} letters per CPU-second)"
    )
    print(f"bench.letters: done in {time.monotonic() - began:.0f} s")


if __name__ == "__main__":
    main()
