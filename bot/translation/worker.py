"""The translation worker: a process of its own, so models and their runtime stay out of
`lotse serve`'s memory. `python -m bot.translation.worker --mt-dir DIR` reads one JSON
request per line on stdin and answers one JSON line on stdout, in order:

    {"id": 1, "op": "translate", "text": "…", "models": [["fa", "en"], ["en", "de"]]}
    → {"id": 1, "text": "…", "models": [["fa", "en", "1.9"], …],
       "engine": ["ctranslate2/sentencepiece", "4.8.5/0.2.3"], "cached": false}
    {"id": 2, "op": "echo", "text": "…"}   → {"id": 2, "text": "…"}   (a round trip only)
    anything else                          → {"id": …, "error": "bad-request"}
    a model that does not load or run      → {"id": …, "error": "failed"}

Each model is loaded once (again when a newer version is installed). Recent
translations are kept in an LRU cache in this process's memory only, never on disk;
nothing here logs a text.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from collections import OrderedDict
from pathlib import Path
from typing import IO, Any

from bot.translation.engine import LoadedModel, engine_info
from bot.translation.package import read_installed

Hop = tuple[str, str]


class Worker:
    def __init__(self, mt_dir: Path, *, threads: int, cache_entries: int) -> None:
        self.mt_dir = mt_dir
        self.threads = threads
        self.cache_entries = cache_entries
        self.models: dict[Hop, LoadedModel] = {}
        self.cache: OrderedDict[tuple[str, tuple[tuple[str, str, str], ...]], str] = OrderedDict()
        self.engine = engine_info()

    def model(self, hop: Hop) -> LoadedModel:
        """The pair's model as installed now, loaded once per installed version."""
        directory = (self.mt_dir / f"{hop[0]}-{hop[1]}").resolve()
        loaded = self.models.get(hop)
        if loaded is None or loaded.info.version != read_installed(directory).version:
            self.models.pop(hop, None)  # free the old version before loading the new
            loaded = self.models[hop] = LoadedModel(directory, threads=self.threads)
        return loaded

    def translate(self, text: str, hops: list[Hop]) -> dict[str, Any]:
        models = [self.model(hop) for hop in hops]
        used = tuple((m.info.source, m.info.target, m.info.version) for m in models)
        key = (text, used)
        cached = key in self.cache
        if cached:
            self.cache.move_to_end(key)
            result = self.cache[key]
        else:
            result = text
            for model in models:
                result = model.translate(result)
            self._remember(key, result)
        return {
            "text": result,
            "models": [list(model) for model in used],
            "engine": [self.engine.name, self.engine.version],
            "cached": cached,
        }

    def _remember(self, key: tuple[str, tuple[tuple[str, str, str], ...]], value: str) -> None:
        if self.cache_entries <= 0:
            return
        self.cache[key] = value
        while len(self.cache) > self.cache_entries:
            self.cache.popitem(last=False)

    def answer(self, line: str) -> dict[str, Any]:
        try:
            request = json.loads(line)
        except json.JSONDecodeError:
            return {"id": None, "error": "bad-request", "detail": "not JSON"}
        if not isinstance(request, dict):
            return {"id": None, "error": "bad-request", "detail": "not a JSON object"}
        ident = request.get("id")
        text, op = request.get("text"), request.get("op")
        if not isinstance(text, str):
            return {"id": ident, "error": "bad-request", "detail": "text is not a string"}
        if op == "echo":
            return {"id": ident, "text": text}
        hops = _hops(request.get("models"))
        if op != "translate" or hops is None:
            return {"id": ident, "error": "bad-request", "detail": "unknown op or models"}
        try:
            return {"id": ident, **self.translate(text, hops)}
        except Exception as error:  # a broken model: say so, keep serving the others
            print(f"translation worker: {type(error).__name__} on {hops}", file=sys.stderr)
            return {"id": ident, "error": "failed", "detail": type(error).__name__}


def _hops(value: object) -> list[Hop] | None:
    if not isinstance(value, list) or not value:
        return None
    hops = []
    for hop in value:
        if not (isinstance(hop, list) and len(hop) == 2 and all(isinstance(c, str) for c in hop)):
            return None
        if not all(code.isalpha() and code.islower() and len(code) <= 3 for code in hop):
            return None
        hops.append((hop[0], hop[1]))
    return hops


def serve(worker: Worker, requests: IO[str], answers: IO[str]) -> None:
    for line in requests:
        if not line.strip():
            continue
        answers.write(json.dumps(worker.answer(line), ensure_ascii=False) + "\n")
        answers.flush()


def _protocol_stream() -> IO[str]:
    """stdout for the answers only: whatever a library prints goes to stderr instead."""
    protocol = os.fdopen(os.dup(sys.stdout.fileno()), "w", encoding="utf-8")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    return protocol


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bot.translation.worker")
    parser.add_argument("--mt-dir", type=Path, required=True)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--cache", type=int, default=1000, help="cached translations")
    args = parser.parse_args(argv)
    answers = _protocol_stream()
    worker = Worker(args.mt_dir, threads=args.threads, cache_entries=args.cache)
    stdin = open(sys.stdin.fileno(), encoding="utf-8", errors="replace", closefd=False)  # noqa: SIM115
    with contextlib.suppress(KeyboardInterrupt, BrokenPipeError):
        serve(worker, stdin, answers)


if __name__ == "__main__":
    main()
