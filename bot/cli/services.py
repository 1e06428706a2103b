"""`lotse services …`: the advice directory (docs/advice-services.md)."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.advice import (
    MAX_BYTES,
    Imported,
    ParseError,
    Service,
    Stored,
    encode,
    import_file,
    imports,
    recheck_before,
    remove_service,
    seed_demo,
    stored,
)
from bot.cli.common import Stop, run_in_session
from bot.config import Settings, load_settings
from bot.kernel.clock import utcnow


def seed_demo_services(settings: Settings) -> None:
    """`lotse demo`: the fictional services, into a directory never filled."""
    now = utcnow()
    run_in_session(settings, lambda s: seed_demo(s, now=now, today=settings.local_date(now)))


def _settings(check_schema: Callable[[Settings], Any]) -> Settings:
    # The directory holds nothing secret: no key needed to manage it.
    settings = load_settings(require_secret=False)
    asyncio.run(check_schema(settings))
    return settings


class _DryRun(Exception):
    """Rolls the checking import back, carrying what it would have done."""

    def __init__(self, imported: Imported) -> None:
        self.imported = imported


def cmd_import(args: argparse.Namespace, check_schema: Callable[[Settings], Any]) -> None:
    path: Path = args.file
    try:
        if path.stat().st_size > MAX_BYTES:
            raise Stop(f"{path}: larger than {MAX_BYTES // 2**20} MB; nothing imported")
        data = path.read_bytes()
    except OSError as error:
        raise Stop(f"{path}: cannot read it ({error.strerror})") from None
    settings = _settings(check_schema)
    now = utcnow()

    async def work(session: AsyncSession) -> Imported:
        imported = await import_file(session, data, name=path.name, replace=args.replace,
                                     now=now, today=settings.local_date(now))  # fmt: skip
        if args.check:
            raise _DryRun(imported)
        return imported

    try:
        imported = run_in_session(settings, work)
    except ParseError as error:
        for problem in error.problems:
            print(f"error: {problem}")
        raise Stop(f"{len(error.problems)} problem(s) in {path.name}; nothing imported") from None
    except _DryRun as dry:
        c = dry.imported.counts
        print(f"ok: {path.name} is valid; importing it would add {c.added}, update "
              f"{c.updated}, leave {c.unchanged} unchanged and remove {c.removed}")  # fmt: skip
        return
    c = imported.counts
    print(f"imported {path.name}: {c.added} added, {c.updated} updated, {c.unchanged} "
          f"unchanged, {c.removed} removed (import {imported.id})")  # fmt: skip
    _warn_stale(settings, now)


def _warn_stale(settings: Settings, now: datetime) -> None:
    before = recheck_before(settings.local_date(now))
    old = [s.service.slug for s in run_in_session(settings, stored)
           if s.service.verified_at < before]  # fmt: skip
    if old:
        print(f"warning: {len(old)} service(s) verified before {before}, check them again: "
              + ", ".join(old))  # fmt: skip


def _row(one: Stored, before: date) -> str:
    s: Service = one.service
    ages = f"{s.min_age or 0}-{s.max_age}" if s.max_age else (f"{s.min_age}+" if s.min_age else "")
    cells = (
        s.slug, s.name, s.programme.value + (f" {ages}" if ages else ""),
        ",".join(sorted(t.value for t in s.topics)) or "(all topics)",
        ",".join(sorted(s.languages)), ",".join(r.value for r in s.reach),
        ",".join(s.areas) or "(all areas)",
        s.verified_at.isoformat() + (" RE-CHECK" if s.verified_at < before else ""),
    )  # fmt: skip
    return " | ".join(cells)


def cmd_list(args: argparse.Namespace, check_schema: Callable[[Settings], Any]) -> None:
    settings = _settings(check_schema)

    async def read(session: AsyncSession) -> tuple[tuple[Stored, ...], Any]:
        return await stored(session), await imports(session, limit=1)

    services, last = run_in_session(settings, read)
    if args.json:
        # The import format: what is printed here can be imported again.
        body = {"services": [encode(one.service) for one in services]}
        json.dump(body, sys.stdout, ensure_ascii=False, indent=2)
        print()
        return
    before = recheck_before(settings.local_date(utcnow()))
    print("slug | name | programme | topics | languages | reach | areas | verified_at")
    for one in services:
        print(_row(one, before))
    stale = sum(one.service.verified_at < before for one in services)
    print(f"{len(services)} service(s)" + (f", {stale} to check again (RE-CHECK: verified "
                                           f"before {before})" if stale else ""))  # fmt: skip
    if last:
        change = last[0]
        what = f"{change.action} {change.file_name}"
        print(f"last change: {what} at {change.imported_at:%Y-%m-%d %H:%M} UTC")


def cmd_remove(args: argparse.Namespace, check_schema: Callable[[Settings], Any]) -> None:
    settings = _settings(check_schema)
    now = utcnow()
    if not run_in_session(settings, lambda s: remove_service(s, args.slug, now=now)):
        raise Stop(f"no service {args.slug!r} (see `lotse services list`)")
    print(f"removed {args.slug}")


def register(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    check_schema: Callable[[Settings], Any],
) -> None:
    services = commands.add_parser(
        "services", help="the advice directory (docs/advice-services.md)"
    )
    actions = services.add_subparsers(dest="action", required=True)
    load = actions.add_parser("import", help="load services from a CSV or JSON file")
    load.add_argument("file", type=Path, metavar="FILE")
    load.add_argument(
        "--replace", action="store_true", help="remove the services the file does not list"
    )
    load.add_argument(
        "--check", action="store_true", help="only check the file and say what it would change"
    )
    load.set_defaults(func=lambda a: cmd_import(a, check_schema))
    listing = actions.add_parser("list", help="print the directory")
    listing.add_argument(
        "--json", action="store_true", help="the services in the import format (JSON)"
    )
    listing.set_defaults(func=lambda a: cmd_list(a, check_schema))
    remove = actions.add_parser("remove", help="remove one service")
    remove.add_argument("slug", metavar="SLUG")
    remove.set_defaults(func=lambda a: cmd_remove(a, check_schema))
