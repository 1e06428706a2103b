"""The translation service as its callers see it, in their process:
`await service.translate(text, source, target)` always returns a Translation.

The worker process (bot.translation.worker) is started at the first request that needs
it, not before. Each request has a time limit (LOTSE_MT_TIMEOUT_SECONDS), a needed start
and model load included: past it, or when the worker dies, the worker is killed (the
next request starts a new one) and the caller gets `timeout` or `failed` with the
original text. Where no model is installed, or the engine is missing, the answer comes
without starting anything. Texts are never logged.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import logging
import os
import sys
import time
from asyncio.subprocess import Process
from pathlib import Path
from typing import Any

import bot
from bot.config import Settings
from bot.translation.engine import available
from bot.translation.installed import installed_models, mt_path
from bot.translation.routes import Pair, Route, RouteKind, language, route
from bot.translation.views import EngineInfo, ModelUsed, Outcome, Translation

log = logging.getLogger("lotse.translation")
#: Longest answer line read from the worker (texts are at most a few KB).
LINE_LIMIT = 4 * 1024 * 1024
#: Where `bot` is imported from: the worker imports the same code.
CODE_ROOT = str(Path(bot.__file__).resolve().parent.parent)
_NO_ROUTE = {
    RouteKind.NOT_INSTALLED: Outcome.NOT_INSTALLED,
    RouteKind.NO_MODEL_EXISTS: Outcome.NO_MODEL_EXISTS,
}


class WorkerGone(Exception):
    pass


def _running(process: Process) -> bool:
    """The worker is alive: asyncio learns of an exit only a moment later, so a worker
    killed just now is recognised by its process state (Linux: Z, or gone)."""
    if process.returncode is not None:
        return False
    try:
        state = Path(f"/proc/{process.pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    except (OSError, IndexError):
        return True  # no /proc here: asyncio's return code is all there is
    return state not in ("Z", "X")


class TranslationService:
    def __init__(self, settings: Settings, *, python: str = sys.executable) -> None:
        self.mt_dir = mt_path(settings)
        self.timeout = settings.mt_timeout_seconds
        self._command = [
            python, "-m", "bot.translation.worker", "--mt-dir", str(self.mt_dir),
            "--threads", str(settings.mt_threads), "--cache", str(settings.mt_cache_entries),
        ]  # fmt: skip
        self._engine = available()
        self._process: Process | None = None
        self._lock = asyncio.Lock()
        self._ids = itertools.count(1)
        self._installed: tuple[int, frozenset[Pair]] | None = None

    @property
    def pid(self) -> int | None:
        """The running worker's process id (None: none running)."""
        return self._process.pid if self._process and self._process.returncode is None else None

    def route(self, source: str, target: str) -> Route:
        return route(language(source), language(target), self._pairs())

    def _pairs(self) -> frozenset[Pair]:
        """The installed pairs, read again when mt/ changed (an install swaps a link)."""
        try:
            stamp = self.mt_dir.stat().st_mtime_ns
        except FileNotFoundError:
            return frozenset()
        if self._installed is None or self._installed[0] != stamp:
            self._installed = (stamp, frozenset(installed_models(self.mt_dir)))
        return self._installed[1]

    async def translate(
        self, text: str, source: str, target: str, *, limit: float | None = None
    ) -> Translation:
        """`text` from `source` into `target` (Lotse's language codes; another code is a
        ValueError). `limit` (seconds) overrides the setting for this request."""
        found = self.route(source, target)
        if found.kind is RouteKind.SAME_LANGUAGE:
            return Translation(Outcome.SAME_LANGUAGE, text, source, target, text=text)
        if found.kind in _NO_ROUTE:
            return Translation(_NO_ROUTE[found.kind], text, source, target)
        if not self._engine:
            return Translation(Outcome.ENGINE_MISSING, text, source, target)
        request = {"op": "translate", "text": text, "models": [list(h) for h in found.hops]}
        reply = await self._ask(request, limit)
        if isinstance(reply, Outcome):
            return Translation(reply, text, source, target, path=found.path)
        try:
            models = tuple(ModelUsed(*map(str, model)) for model in reply["models"])
            engine = EngineInfo(*map(str, reply["engine"]))
            translated, cached = str(reply["text"]), bool(reply["cached"])
        except (KeyError, TypeError, ValueError):
            log.error("translation: the worker's answer is malformed")
            return Translation(Outcome.FAILED, text, source, target, path=found.path)
        return Translation(
            Outcome.TRANSLATED, text, source, target, text=translated,
            path=found.path, models=models, engine=engine, cached=cached,
        )  # fmt: skip

    async def echo(self, text: str, *, limit: float | None = None) -> str | None:
        """The text sent to the worker and back, untranslated: a round trip's own cost
        (bench/mt.py's baseline). None on timeout or failure."""
        if not self._engine:
            return None
        reply = await self._ask({"op": "echo", "text": text}, limit)
        return None if isinstance(reply, Outcome) else str(reply["text"])

    async def _ask(self, request: dict[str, Any], limit: float | None) -> dict[str, Any] | Outcome:
        limit = self.timeout if limit is None else limit
        deadline = time.monotonic() + limit
        try:
            if self._lock.locked():
                await asyncio.wait_for(self._lock.acquire(), limit)
            else:
                await self._lock.acquire()
        except TimeoutError:
            log.warning("translation: no answer within %.1f s (waiting for the worker)", limit)
            return Outcome.TIMEOUT  # the worker is busy with others: not its fault
        try:
            reply = await self._exchange_within(request, deadline, limit)
        finally:
            self._lock.release()
        if isinstance(reply, dict) and "error" in reply:
            log.error("translation: worker answered %s (%s)", reply["error"], reply.get("detail"))
            return Outcome.FAILED
        return reply

    async def _exchange_within(
        self, request: dict[str, Any], deadline: float, limit: float
    ) -> dict[str, Any] | Outcome:
        """One exchange under the lock; a worker that overruns or dies is killed."""
        left = deadline - time.monotonic()
        if left <= 0:
            return Outcome.TIMEOUT
        try:
            return await asyncio.wait_for(self._exchange({"id": next(self._ids), **request}), left)
        except TimeoutError:
            log.warning("translation: no answer within %.1f s; restarting the worker", limit)
            await self._kill()
            return Outcome.TIMEOUT
        except WorkerGone as gone:
            log.error("translation: the worker failed (%s); restarting it", gone)
            await self._kill()
            return Outcome.FAILED

    async def _exchange(self, request: dict[str, Any]) -> dict[str, Any]:
        process = await self._started()
        if not await self._send(process, request):
            # It had died before this request (killed while idle): one new worker.
            await self._kill()
            process = await self._started()
            if not await self._send(process, request):
                raise WorkerGone("it takes no input")
        assert process.stdout is not None
        try:
            while True:  # an answer to an abandoned request may come first: skip it
                line = await process.stdout.readline()
                if not line:  # it died on this request: not tried again
                    raise WorkerGone(f"exit code {await process.wait()}")
                reply = json.loads(line)
                if isinstance(reply, dict) and reply.get("id") == request["id"]:
                    return reply
        except (ConnectionError, ValueError) as error:  # JSONDecodeError is a ValueError
            raise WorkerGone(type(error).__name__) from None

    async def _send(self, process: Process, request: dict[str, Any]) -> bool:
        assert process.stdin is not None
        try:
            process.stdin.write(json.dumps(request, ensure_ascii=False).encode() + b"\n")
            await process.stdin.drain()
        except ConnectionError:
            return False
        return True

    async def _started(self) -> Process:
        if self._process is not None and _running(self._process):
            return self._process
        await self._kill()  # one that died while idle: reaped, then replaced
        path = os.pathsep.join(filter(None, (CODE_ROOT, os.environ.get("PYTHONPATH"))))
        self._process = await asyncio.create_subprocess_exec(
            *self._command,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            limit=LINE_LIMIT,
            env={**os.environ, "PYTHONPATH": path},
        )
        log.info("translation: worker started (pid %d)", self._process.pid)
        return self._process

    async def _kill(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            process.kill()
        await process.wait()

    async def close(self) -> None:
        """Stop the worker: closing its input ends it; a stuck one is killed."""
        async with self._lock:
            process, self._process = self._process, None
            if process is None or process.returncode is not None:
                return
            if process.stdin is not None:
                process.stdin.close()
            try:
                await asyncio.wait_for(process.wait(), 5)
            except TimeoutError:
                self._process = process
                await self._kill()
