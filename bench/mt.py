"""Offline translation through Lotse's client and worker: the latency of a 40-word
message with a loaded model (p50/p99), the first call's cost (process start, imports,
model load), the worker's memory, and a same-run baseline: the same round trip through
the same pipes with an "echo" request that translates nothing.

    .venv/bin/python -m bench.mt [--runs 200] [--threads 2] [--model FILE --from fa]

Without --model it builds the tests' tiny package (tests/support/mt_model.py: one layer,
16 dimensions, random weights): its figures are the plumbing's cost, not a real model's.
With --model (a real .argosmodel) they are what that model costs on this machine; the
40-word message is then in the package's source language (de, en, fa or ar here).
Translation and echo requests alternate, so machine noise falls on both. The worker's
cache is switched off, except for the one line that measures a cached answer.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from bot.config import Settings, load_settings
from bot.translation import TranslationService, install, mt_path, read_package

#: A 40-word message, as a person or an advisor might write it.
MESSAGES = {
    "en": "Hello, I received a letter from the immigration office last week and I do not "
    "understand what they want. Can you help me read it? I have an appointment on Monday "
    "and I need to know which papers to bring.",
    "de": "Hallo, ich habe letzte Woche einen Brief von der Ausländerbehörde bekommen und "
    "verstehe nicht, was sie wollen. Können Sie mir helfen, ihn zu lesen? Ich habe am "
    "Montag früh einen Termin und muss wissen, welche Unterlagen ich mitbringen soll, danke.",
    "fa": "سلام، من هفته‌ی گذشته یک نامه از اداره اتباع خارجی دریافت کردم و نمی‌فهمم چه "
    "می‌خواهند. می‌توانید به من کمک کنید آن را بخوانم؟ من دوشنبه صبح یک قرار ملاقات دارم "
    "و باید بدانم چه مدارکی را بیاورم. خیلی ممنونم.",
    "ar": "مرحبا، تلقيت الأسبوع الماضي رسالة من دائرة الأجانب ولا أفهم ماذا يريدون. هل "
    "يمكنك مساعدتي في قراءتها؟ لدي موعد صباح يوم الاثنين وأحتاج أن أعرف ما هي الوثائق التي "
    "يجب أن أحضرها معي إلى الموعد، من فضلك ساعدني وشكرا لك كثيرا.",
}


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def rss_kb(pid: int) -> tuple[int, int]:
    """(VmRSS, VmHWM) of a process, in kB."""
    fields = dict(
        line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines()
    )
    return int(fields["VmRSS"].split()[0]), int(fields["VmHWM"].split()[0])


async def measure(settings: Settings, source: str, target: str, runs: int) -> None:
    text = MESSAGES[source]
    print(f"message: {len(text.split())} words, {len(text)} characters ({source}→{target})")
    fresh = TranslationService(settings)
    started = time.perf_counter()
    await fresh.echo("start")
    start_only = time.perf_counter() - started
    assert fresh.pid is not None
    empty = rss_kb(fresh.pid)
    await fresh.close()

    service = TranslationService(settings)
    started = time.perf_counter()
    first = await service.translate(text, source, target)
    first_call = time.perf_counter() - started
    assert first.translated, first.outcome
    print(f"provenance: {first.provenance()}")
    translate, echo = [], []
    for _ in range(runs):
        started = time.perf_counter()
        result = await service.translate(text, source, target)
        translate.append(time.perf_counter() - started)
        assert result.translated and not result.cached
        started = time.perf_counter()
        assert await service.echo(text) == text
        echo.append(time.perf_counter() - started)
    assert service.pid is not None
    loaded = rss_kb(service.pid)
    await service.close()

    cached = TranslationService(settings.model_copy(update={"mt_cache_entries": 10}))
    await cached.translate(text, source, target)
    hits = []
    for _ in range(max(runs // 4, 10)):
        started = time.perf_counter()
        assert (await cached.translate(text, source, target)).cached
        hits.append(time.perf_counter() - started)
    await cached.close()

    def ms(values: list[float], share: float) -> str:
        return f"{percentile(values, share) * 1000:8.2f} ms"

    print(f"first call (worker start, imports, model load, translation): {first_call:.2f} s")
    print(f"  of which worker start and imports alone (an echo):           {start_only:.2f} s")
    print(f"{'':28}{'p50':>11}{'p99':>11}   ({runs} each, alternating)")
    print(f"{'translate (loaded model)':28}{ms(translate, 0.5)}{ms(translate, 0.99)}")
    print(f"{'baseline: echo round trip':28}{ms(echo, 0.5)}{ms(echo, 0.99)}")
    print(f"{'cached answer':28}{ms(hits, 0.5)}{ms(hits, 0.99)}")
    ratio = statistics.median(translate) / statistics.median(echo)
    share = statistics.median(echo) / statistics.median(translate)
    print(f"translate / echo at p50: {ratio:.1f}×; the round trip is {share:.1%} of a translation")
    before, after, peak = empty[0] / 1024, loaded[0] / 1024, loaded[1] / 1024
    print(f"worker memory: {before:.0f} MB resident before any model, {after:.0f} MB with the")
    print(f"  model loaded (peak {peak:.0f} MB)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--threads", type=int, default=2, help="LOTSE_MT_THREADS")
    parser.add_argument("--model", type=Path, help="a real .argosmodel to measure")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder)
        settings = load_settings(
            data_dir=data, require_secret=False, _env_file=None, mt_cache_entries=0,
            mt_threads=args.threads, mt_timeout_seconds=120,
        )  # fmt: skip
        if args.model is None:
            from tests.support.mt_model import build_package

            model = build_package(data / "tiny.argosmodel", "fa", "en")
            print("model: the tests' tiny package (1 layer, 16 dimensions): plumbing only")
        else:
            model = args.model
        info = read_package(model).info
        if info.source not in MESSAGES:
            raise SystemExit(f"no 40-word message in {info.source} (have {', '.join(MESSAGES)})")
        install(mt_path(settings), model)
        asyncio.run(measure(settings, info.source, info.target, args.runs))


if __name__ == "__main__":
    main()
