"""`lotse requests …`: request letters the operator prints and posts (LOTSE_REQUEST_POST)."""

from __future__ import annotations

import argparse
import asyncio
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.cli.common import Stop
from bot.config import Settings, load_settings
from bot.db.session import make_engine, make_sessionmaker
from bot.holders import CatalogError
from bot.i18n import Catalogs
from bot.kernel.clock import utcnow
from bot.kernel.crypto import Vault
from bot.rights import MAX_RUN_LETTERS, PrintRun, UnknownPrintRun, print_waiting, reprint, write_run


@dataclass(frozen=True, slots=True)
class _Context:
    settings: Settings
    sessionmaker: async_sessionmaker[AsyncSession]
    vault: Vault
    catalogs: Catalogs


async def _print(settings: Settings, batch_id: str | None, duplex: bool) -> PrintRun | None:
    engine = make_engine(settings.database_url)
    try:
        context = _Context(settings, make_sessionmaker(engine), Vault(settings.secret_key),
                           Catalogs(settings.locales_dir))  # fmt: skip
        if batch_id is not None:
            return await reprint(context, batch_id, now=utcnow(), duplex=duplex)
        return await print_waiting(context, now=utcnow(), duplex=duplex)
    finally:
        await engine.dispose()


def cmd_print(args: argparse.Namespace, check_schema: Callable[[Settings], Any]) -> None:
    """Counts only: what the operator's terminal shows never names anyone."""
    settings = load_settings()
    asyncio.run(check_schema(settings))
    if not settings.request_post and args.reprint is None:
        raise Stop("posting request letters is off (LOTSE_REQUEST_POST)")
    out: Path = args.out
    # The letters are marked printed before the file is written: make sure it can be.
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise Stop(f"--out: cannot create {out} ({error.strerror})") from None
    if not os.access(out, os.W_OK | os.X_OK):
        raise Stop(f"--out: cannot write to {out}")
    try:
        run = asyncio.run(_print(settings, args.reprint, args.duplex))
    except (UnknownPrintRun, CatalogError) as error:
        raise Stop(str(error).splitlines()[0]) from None
    if run is None:
        print("no request letters to print")
        return
    try:
        path = write_run(run, out)
    except OSError as error:
        raise Stop(
            f"--out: writing failed ({error.strerror or error}); the letters are marked "
            f"printed in {run.batch_id}: write them again with "
            f"`lotse requests print --reprint {run.batch_id} --out DIR`"
        ) from None
    print(f"{path}: {run.letters} letters, {run.pages} pages")
    if run.left_out:
        print(f"{run.left_out} letters left out (changed, deleted or no kept address)")
    if args.reprint is None and run.letters >= MAX_RUN_LETTERS:
        print(f"a run holds at most {MAX_RUN_LETTERS} letters; run again for the rest")


def register(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    check_schema: Callable[[Settings], Any],
) -> None:
    requests = commands.add_parser("requests", help="request letters to agencies: posting")
    actions = requests.add_subparsers(dest="action", required=True)
    printing = actions.add_parser(
        "print",
        help="write every request letter asked for by post and not yet printed as ONE PDF "
        "(a cover page to each person, then their letter); marks them printed",
    )
    printing.add_argument("--out", type=Path, default=Path("."), help="folder for the PDF")
    printing.add_argument(
        "--reprint", metavar="BATCH", help="write an earlier run again by its batch id"
    )
    printing.add_argument(
        "--duplex", action="store_true", help="for printing on both sides of the sheet"
    )
    printing.set_defaults(func=lambda args: cmd_print(args, check_schema))
