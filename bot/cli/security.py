"""`lotse security …`: what an operator needs to judge a possible personal-data breach."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Callable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.audit import Actor, record
from bot.cli.common import run_in_session
from bot.config import Settings, load_settings
from bot.invitations import FindingKind, review
from bot.kernel.clock import utcnow
from bot.kernel.crypto import Vault


def cmd_security(args: argparse.Namespace, check_schema: Callable[[Settings], Any]) -> None:
    settings = load_settings()
    asyncio.run(check_schema(settings))
    vault = Vault(settings.secret_key)

    async def run(session: AsyncSession) -> list[str]:
        findings = await review(session, vault, detach=args.detach)
        detached = sum(1 for f in findings if f.outcome is FindingKind.DETACHED)
        await record(
            session, Actor.operator(), "security.connections", utcnow(),
            detail=f"{len(findings)} findings, {detached} numbers detached",
        )  # fmt: skip
        return [finding.line() for finding in findings]

    lines = run_in_session(settings, run)
    print("\n".join(lines) if lines else "no connection without proof that joined a number")


def register(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    check_schema: Callable[[Settings], Any],
) -> None:
    security = commands.add_parser("security", help="signs of guessed connect codes")
    actions = security.add_subparsers(dest="action", required=True)
    connections = actions.add_parser(
        "connections",
        help="connections made with a code typed in a chat that joined a phone number "
        "without proof, and invitations taken back by their owners",
    )
    connections.add_argument(
        "--detach", action="store_true",
        help="remove numbers joined without proof that have never written to Lotse",
    )  # fmt: skip
    security.set_defaults(func=lambda args: cmd_security(args, check_schema))
