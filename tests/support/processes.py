"""`lotse serve` as a real child process that a test may kill, and the database it needs.

A test prepares a database with `prepare_database` (`lotse db upgrade`, then
`lotse municipality set`, as an operator does), then starts servers through a
`Processes` (the fixture `processes` in tests/resilience/conftest.py), which kills
whatever is still running when the test ends and shows each server's log tail
when the test failed:

    env = lotse_env(database_url, tmp_path) | twilio_env(fake.url, rate=40)
    await prepare_database(env, tmp_path)
    server = await processes.serve(env).start()      # waits for /healthz
    killed_at = server.kill9()                        # no cleanup at all
    await processes.serve(env).start()                # same database, same port

Each server writes stdout and stderr to its own log file in the test's directory.
The child never sees this process's LOTSE_ settings (tests/support/cli.py `cli_env`),
and on Linux it dies with the test process, however that ends.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import os
import signal
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import IO

import aiohttp

from tests.fakes.twilio import ACCOUNT_SID, AUTH_TOKEN
from tests.support.cli import cli_env, free_port

SECRET = "resilience-secret-" + "r" * 40
#: Lotse's own number: where people text, and the sender of every SMS.
SMS_FROM = "+4915000000000"
START_WITHIN = 60.0  # seconds a server gets to answer /healthz
STOP_GRACE = 20.0  # seconds a server gets to stop after SIGTERM
TAIL_LINES = 40
PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def lotse_env(
    database_url: str, data_dir: Path, *, port: int | None = None, log_level: str = "INFO"
) -> dict[str, str]:
    """The settings of a Lotse on `database_url`, listening on 127.0.0.1:`port` (a free
    one if not given), whose public URL (what Twilio signs) is that address."""
    port = port or free_port()
    return {
        "LOTSE_DATABASE_URL": database_url,
        "LOTSE_DATA_DIR": str(data_dir),
        "LOTSE_SECRET_KEY": SECRET,
        "LOTSE_HOST": "127.0.0.1",
        "LOTSE_PORT": str(port),
        "LOTSE_PUBLIC_URL": f"http://127.0.0.1:{port}",
        "LOTSE_LOG_LEVEL": log_level,
    }


def twilio_env(api_url: str, *, rate: float) -> dict[str, str]:
    """SMS through the (fake) Twilio REST API at `api_url`, paced at `rate` messages/s."""
    return {
        "LOTSE_TWILIO_ACCOUNT_SID": ACCOUNT_SID,
        "LOTSE_TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "LOTSE_TWILIO_FROM": SMS_FROM,
        "LOTSE_TWILIO_API_URL": api_url,
        "LOTSE_TWILIO_RATE_PER_SECOND": str(rate),
        "LOTSE_CONTACT_CHANNELS": "webchat,sms",
    }


async def prepare_database(env: Mapping[str, str], workdir: Path) -> None:
    """The schema (`lotse db upgrade`) and a municipality (`lotse municipality set`), so
    that `lotse serve` starts. Both commands run in one child process, through the
    `lotse` command's own entry point: an interpreter start is seconds on a busy machine."""
    commands = [
        ["db", "upgrade"],
        ["municipality", "set", "--slug", "test", "--name", "Teststadt",
         "--contact", "Rathaus, Zimmer 1", "--privacy-contact", "datenschutz@example.org"],
    ]  # fmt: skip
    script = f"from bot.cli.main import main\nfor argv in {commands!r}:\n    main(argv)\n"
    result = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-c", script],
        cwd=workdir,
        env=cli_env(dict(env)),
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    if result.returncode != 0:
        raise AssertionError(
            f"`lotse db upgrade` / `lotse municipality set` failed ({result.returncode}):\n"
            f"{result.stdout}{result.stderr}"
        )


def _die_with_parent() -> None:
    """In the child, before exec: be killed when the test process dies, even by
    SIGKILL, so that no server outlives an interrupted run (Linux only)."""
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


class LotseServer:
    """One `python -m bot.cli serve` child, its output in `log`."""

    def __init__(self, env: Mapping[str, str], *, workdir: Path, log: Path) -> None:
        self.env = dict(env)
        self.workdir = workdir
        self.log = log
        self.port = int(self.env["LOTSE_PORT"])
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int:
        assert self.process is not None, "the server was not started"
        return self.process.pid

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    async def start(self, *, within: float = START_WITHIN) -> LotseServer:
        """Start the process and wait until /healthz answers 200."""
        self.launch()
        await self.wait_healthy(within=within)
        return self

    def launch(self) -> None:
        """Start the process (without waiting for it to serve)."""
        assert self.process is None, "a LotseServer starts once; make another"
        output: IO[bytes]
        with self.log.open("ab") as output:
            # The working directory holds no .env: only `env` configures the server.
            self.process = subprocess.Popen(
                [sys.executable, "-m", "bot.cli", "serve"],
                cwd=self.workdir,
                env=cli_env(self.env),
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=_die_with_parent if sys.platform == "linux" else None,
            )

    async def wait_healthy(self, *, within: float = START_WITHIN) -> None:
        deadline = time.monotonic() + within
        timeout = aiohttp.ClientTimeout(total=2)
        async with aiohttp.ClientSession(timeout=timeout) as http:
            while time.monotonic() < deadline:
                self.check_alive()
                try:
                    async with http.get(f"{self.url}/healthz") as response:
                        if response.status == 200:
                            return
                except (aiohttp.ClientError, TimeoutError):
                    pass
                await asyncio.sleep(0.1)
        raise AssertionError(
            f"`lotse serve` did not answer /healthz in {within:.0f} s{self._tail()}"
        )

    async def get(self, path: str) -> int:
        """The HTTP status of GET `path` (0 if the server did not answer)."""
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5)) as http:
            try:
                async with http.get(f"{self.url}{path}") as response:
                    await response.read()
                    return response.status
            except (aiohttp.ClientError, TimeoutError):
                return 0

    def check_alive(self) -> None:
        """AssertionError, with the log's tail, if the process has exited."""
        if self.process is not None and self.process.poll() is not None:
            raise AssertionError(
                f"`lotse serve` exited with {self.process.returncode}{self._tail()}"
            )

    def kill9(self) -> float:
        """SIGKILL: no handler, no cleanup. Returns the `time.monotonic()` instant just
        before the signal (what happened before it, the process could have seen)."""
        assert self.process is not None and self.alive, "the server is not running"
        instant = time.monotonic()
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        return instant

    async def terminate(self, *, within: float = STOP_GRACE) -> int:
        """SIGTERM, as systemd stops the service, and wait for the exit (killed and
        AssertionError if it takes longer than `within`). Returns the exit status."""
        assert self.process is not None, "the server was not started"
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        if not await self._exited(within):
            self.close()
            raise AssertionError(f"`lotse serve` did not stop in {within:.0f} s{self._tail()}")
        return int(self.process.returncode)

    async def _exited(self, within: float) -> bool:
        assert self.process is not None
        deadline = time.monotonic() + within
        while self.process.poll() is None:
            if time.monotonic() > deadline:
                return False
            await asyncio.sleep(0.05)  # the test's loop (fakes included) keeps running
        return True

    def close(self) -> None:
        """Kill the process if it still runs (cleanup; never raises)."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=10)

    def tail(self, lines: int = TAIL_LINES) -> str:
        try:
            text = self.log.read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def _tail(self) -> str:
        return f"; the last lines of {self.log}:\n{self.tail()}"


class Processes:
    """The servers one test started: all killed when it ends."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.servers: list[LotseServer] = []

    def serve(self, env: Mapping[str, str]) -> LotseServer:
        """A server on `env` (not started yet: `await ….start()`)."""
        log = self.workdir / f"lotse-serve-{len(self.servers) + 1}.log"
        server = LotseServer(env, workdir=self.workdir, log=log)
        self.servers.append(server)
        return server

    def close(self) -> None:
        for server in self.servers:
            server.close()

    def report(self) -> str:
        """Each server's pid, exit status and log tail (for a failed test)."""
        parts = []
        for server in self.servers:
            state = "never started"
            if server.process is not None:
                code = server.process.poll()
                state = f"pid {server.process.pid}, " + (
                    "running" if code is None else f"exited {code}"
                )
            parts.append(f"--- {server.log} ({state}) ---\n{server.tail()}")
        return "\n".join(parts)
