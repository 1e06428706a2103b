"""Helpers for benchmarks: start servers in their own process, time requests."""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def server(
    args: list[str], port: int, env: dict[str, str] | None = None, health: str = "/healthz"
) -> Iterator[subprocess.Popen[bytes]]:
    full_env = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    process = subprocess.Popen(
        [sys.executable, *args],
        env=full_env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        wait_until_up(process, port, health)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def wait_until_up(process: subprocess.Popen[bytes], port: int, path: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            stderr = process.stderr.read().decode() if process.stderr else ""
            raise SystemExit(f"server exited: {stderr[-2000:]}")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=1)
            return
        except OSError as error:
            if getattr(error, "code", None):  # an HTTP error answer: it is up
                return
            time.sleep(0.1)
    raise SystemExit("server did not start in 60 s")


@dataclass(frozen=True)
class Figures:
    name: str
    requests: int
    errors: int
    seconds: float
    latencies: list[float]

    @property
    def rate(self) -> float:
        return self.requests / self.seconds

    def pct(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000

    def line(self, baseline: Figures | None = None) -> str:
        ratio = f"  {self.rate / baseline.rate:6.1%} of baseline" if baseline else ""
        return (
            f"{self.name:<34} {self.rate:8.0f} req/s  p50 {self.pct(0.5):6.1f} ms  "
            f"p99 {self.pct(0.99):6.1f} ms  errors {self.errors}{ratio}"
        )


def mean(values: list[float]) -> float:
    return statistics.fmean(values) if values else 0.0
