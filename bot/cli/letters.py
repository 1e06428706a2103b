"""`lotse letters …`: postal letters handed to print."""

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
from bot.i18n import Catalogs
from bot.invitations import (
    MAX_BATCH_LETTERS,
    Batch,
    NothingToPrint,
    UnknownBatch,
    export_pending,
    reprint,
    write_batch,
)
from bot.kernel.clock import utcnow
from bot.kernel.crypto import Vault
from bot.offices import OfficeError, office_by_slug


@dataclass(frozen=True, slots=True)
class _Context:
    settings: Settings
    sessionmaker: async_sessionmaker[AsyncSession]
    vault: Vault
    catalogs: Catalogs


async def _export(
    settings: Settings, office_slug: str | None, batch_id: str | None
) -> Batch | None:
    engine = make_engine(settings.database_url)
    try:
        sessionmaker = make_sessionmaker(engine)
        office_id = None
        if office_slug is not None:
            async with sessionmaker() as session:
                office_id = (await office_by_slug(session, office_slug)).id
        context = _Context(
            settings, sessionmaker, Vault(settings.secret_key), Catalogs(settings.locales_dir)
        )
        if batch_id is not None:
            return await reprint(context, batch_id, office_id=office_id, now=utcnow())
        return await export_pending(context, office_id=office_id, now=utcnow())
    finally:
        await engine.dispose()


def cmd_letters(args: argparse.Namespace, check_schema: Callable[[Settings], Any]) -> None:
    settings = load_settings()
    asyncio.run(check_schema(settings))
    out: Path = args.out
    # Letters are marked handed to print before their files are written: make sure
    # the folder takes files first.
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise Stop(f"--out: cannot create {out} ({error.strerror})") from None
    if not os.access(out, os.W_OK | os.X_OK):
        raise Stop(f"--out: cannot write to {out}")
    try:
        batch = asyncio.run(_export(settings, args.office, args.batch))
    except (OfficeError, UnknownBatch, NothingToPrint) as error:
        raise Stop(str(error)) from None
    if batch is None:
        print("no letters to print")
        return
    try:
        write_batch(batch, out)
    except OSError as error:
        # The letters are already marked handed to print: say how to get the files.
        raise Stop(
            f"--out: writing {out / batch.batch_id} failed ({error.strerror or error}); "
            f"the letters are marked printed in {batch.batch_id}: write them again with "
            f"`lotse letters export --batch {batch.batch_id} --out DIR`"
        ) from None
    print(f"{out / batch.batch_id}: {len(batch.letters)} letters, {batch.pages} pages")
    if batch.unavailable:
        listed = ", ".join(batch.unavailable)
        print(
            f"{len(batch.unavailable)} letters of the batch cannot be rendered again "
            f"(invitation closed, address erased): {listed}"
        )
    if args.batch is None and len(batch.letters) >= MAX_BATCH_LETTERS:
        print(f"a batch holds at most {MAX_BATCH_LETTERS} letters; run again for the rest")


def register(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    check_schema: Callable[[Settings], Any],
) -> None:
    letters = commands.add_parser("letters", help="postal letters: print batches")
    actions = letters.add_subparsers(dest="action", required=True)
    export = actions.add_parser(
        "export",
        help="write pending letters as PDFs, one merged print PDF and a manifest; "
        "marks them handed to print",
    )
    export.add_argument("--out", type=Path, required=True, help="folder for the batch folder")
    export.add_argument("--office", help="only this office's letters (its slug)")
    export.add_argument(
        "--batch",
        help="write an earlier batch again by its id (e.g. batch-20261123-101500-ab12), "
        "as far as its letters are still open; changes no status",
    )
    letters.set_defaults(func=lambda args: cmd_letters(args, check_schema))
