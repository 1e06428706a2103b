"""Invitations accepted per second through POST /api/v1/invitations/bulk.

A real `lotse serve` (SQLite, and PostgreSQL when configured) receives CSV files of
`--rows` rows each (SMS then letter, as offices send them); a row counts when the
report says `created`. The baseline, measured in the same run, is the same CSV read
and validated in this process without a database (bot.invitations.bulk_csv.read_rows +
parse_request): what the upload costs beyond the database work.

    .venv/bin/python -m bench.bulk_csv [--rows 5000] [--uploads 2]
        [--postgres postgresql+asyncpg://user:pass@127.0.0.1/postgres]

Without --postgres the PostgreSQL run uses LOTSE_TEST_POSTGRES_URL if set.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

from bench.chat_throughput import fresh_postgres, prepare_lotse
from bench.common import ROOT, free_port, server
from bot.invitations.bulk_csv import as_body, read_rows
from bot.invitations.input import parse_request

HEADER = (
    "reference;language;channels;phone;given_name;family_name;address_name;street;"
    "postcode;city;consent_recorded_at;notice_version"
)


def csv_file(upload: int, rows: int) -> bytes:
    lines = [HEADER]
    for n in range(rows):
        lines.append(
            f"AZ-{upload}-{n:06};ar;sms|letter;0151 {upload}{n:07};Amal;Haddad;Amal Haddad;"
            f"Hauptstraße {n % 200 + 1};12345;Musterstadt;20.11.2026 10:00;2026-01"
        )
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode()


def baseline(files: list[bytes]) -> tuple[int, float]:
    now = datetime.now(UTC)
    started = time.perf_counter()
    valid = 0
    for data in files:
        for _, record in read_rows(data, 1_000_000):
            parsed = parse_request(as_body(record), default_region="DE", now=now)
            valid += not isinstance(parsed, list)
    return valid, time.perf_counter() - started


def office_key(env: dict[str, str]) -> str:
    full = {**os.environ, "PYTHONPATH": str(ROOT), **env}

    def cli(*args: str) -> str:
        done = subprocess.run([sys.executable, "-m", "bot.cli", *args], env=full, check=True,
                              capture_output=True, cwd=ROOT, text=True)  # fmt: skip
        return done.stdout.strip()

    cli("office", "create", "--slug", "bench-office", "--name", "Bench Office")
    return cli("office", "key", "create", "--office", "bench-office")


def run_lotse(database_url: str, data_dir: Path, files: list[bytes]) -> tuple[int, float]:
    env = prepare_lotse(database_url, data_dir)
    key = office_key(env)
    port = free_port()
    env["LOTSE_PORT"] = str(port)
    env["LOTSE_BULK_MAX_BYTES"] = str(64 * 1024 * 1024)
    env["LOTSE_BULK_MAX_ROWS"] = str(1_000_000)
    created = 0
    with server(["-m", "bot.cli", "serve"], port, env):
        started = time.perf_counter()
        for data in files:
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}/api/v1/invitations/bulk",
                data=data,
                headers={"Authorization": f"Bearer {key}", "Content-Type": "text/csv"},
            )
            with urllib.request.urlopen(request, timeout=600) as response:
                created += json.loads(response.read())["created"]
        elapsed = time.perf_counter() - started
    return created, elapsed


def line(name: str, rows: int, seconds: float, base: float | None = None) -> str:
    rate = rows / seconds
    ratio = f"  {rate / base:6.1%} of baseline" if base else ""
    return f"{name:<40} {rows:7} rows in {seconds:6.2f} s  {rate:8.0f} rows/s{ratio}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--uploads", type=int, default=2)
    parser.add_argument("--postgres", default=os.environ.get("LOTSE_TEST_POSTGRES_URL", ""))
    args = parser.parse_args()
    files = [csv_file(n, args.rows) for n in range(args.uploads)]
    size = sum(len(f) for f in files) / 1e6
    print(f"{args.uploads} uploads of {args.rows} rows ({size:.1f} MB), {os.cpu_count()} cores")
    valid, seconds = baseline(files)
    base = valid / seconds
    print(line("baseline: read + validate, no database", valid, seconds))
    with tempfile.TemporaryDirectory() as tmp:
        created, seconds = run_lotse(f"sqlite+aiosqlite:///{tmp}/bench.sqlite3", Path(tmp), files)
        print(line("Lotse bulk upload, SQLite", created, seconds, base))
        if args.postgres:
            pg_dir = Path(tmp) / "pg"
            pg_dir.mkdir()
            created, seconds = run_lotse(fresh_postgres(args.postgres), pg_dir, files)
            print(line("Lotse bulk upload, PostgreSQL", created, seconds, base))
        else:
            print("PostgreSQL: skipped (pass --postgres or set LOTSE_TEST_POSTGRES_URL)")


if __name__ == "__main__":
    main()
