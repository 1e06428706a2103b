"""`lotse office …`: registration offices, their API keys and staff logins."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys
from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.audit import Actor, record
from bot.cli.common import Stop, run_in_session
from bot.config import Settings, load_settings
from bot.db.models import Office, OfficeApiKey
from bot.kernel.clock import utcnow
from bot.kernel.crypto import Vault
from bot.offices import create_key, create_office, office_by_slug, revoke_key
from bot.staff import create_user, unlock_login


def cmd_office(args: argparse.Namespace, check_schema: Callable[[Settings], Any]) -> None:
    settings = load_settings(require_secret=False)
    asyncio.run(check_schema(settings))
    # "key create", "user create" …: the second word, where there is one.
    action = getattr(args, "sub", None) or args.action

    if args.action == "create":

        async def create(session: AsyncSession) -> str:
            office = await create_office(
                session,
                slug=args.slug,
                name=args.name,
                street=args.street,
                postcode=args.postcode,
                city=args.city,
                contact=args.contact,
            )
            return office.slug

        print(f"office {run_in_session(settings, create)!r} created")
    elif args.action == "list":

        async def listing(session: AsyncSession) -> list[str]:
            offices = await session.scalars(select(Office).order_by(Office.slug))
            keys = await session.execute(
                select(OfficeApiKey.office_id, OfficeApiKey.prefix).where(
                    OfficeApiKey.revoked_at.is_(None)
                )
            )
            by_office: dict[int, list[str]] = {}
            for office_id, prefix in keys:
                by_office.setdefault(office_id, []).append(prefix)
            return [
                f"{o.slug}\t{o.name}\tkeys: {', '.join(sorted(by_office.get(o.id, []))) or '-'}"
                for o in offices
            ]

        print("\n".join(run_in_session(settings, listing)) or "no offices")
    elif args.action == "key" and action == "create":

        async def new_key(session: AsyncSession) -> str:
            office = await office_by_slug(session, args.office)
            key = await create_key(session, office)
            await record(session, Actor.operator(), "api-key-created", utcnow(),
                         detail=f"office {office.slug}: {key.prefix}")  # fmt: skip
            return key.key

        key = run_in_session(settings, new_key)
        print("The key is shown once; keep it in the office's secret store.", file=sys.stderr)
        print(key)
    elif args.action == "key" and action == "revoke":
        prefix = args.key.removeprefix("lotse_").split("_", 1)[0]

        async def revoke(session: AsyncSession) -> None:
            await revoke_key(session, prefix, utcnow())
            await record(session, Actor.operator(), "api-key-revoked", utcnow(), detail=prefix)

        run_in_session(settings, revoke)
        print(f"key {prefix} revoked")
    elif args.action == "user" and action == "create":
        password = _password(args.password_stdin)

        async def new_user(session: AsyncSession) -> str:
            office = await office_by_slug(session, args.office)
            user = await create_user(session, office, args.email, password)
            return user.email

        print(f"login {run_in_session(settings, new_user)} created for office {args.office!r}")
    elif args.action == "user" and action == "unlock":
        vault = Vault(load_settings().secret_key)  # failures are counted under keyed hashes
        email = args.email.strip().lower()

        async def unlock(session: AsyncSession) -> int:
            forgotten = await unlock_login(session, vault, email)
            await record(session, Actor.operator(), "staff-login-unlocked", utcnow(),
                         detail=f"{forgotten} failures forgotten")  # fmt: skip
            return forgotten

        print(f"{run_in_session(settings, unlock)} failed logins of {email} forgotten")


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Password (at least 12 characters): ")
    if getpass.getpass("Again: ") != first:
        raise Stop("the two passwords differ")
    return first


def register(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    check_schema: Callable[[Settings], Any],
) -> None:
    office = commands.add_parser("office", help="registration offices, API keys, staff logins")
    actions = office.add_subparsers(dest="action", required=True)
    create = actions.add_parser("create", help="a new office")
    create.add_argument("--slug", required=True)
    create.add_argument("--name", required=True)
    for flag in ("--street", "--postcode", "--city", "--contact"):
        create.add_argument(flag, default="")
    actions.add_parser("list", help="offices and their active keys")
    key = actions.add_parser("key", help="API keys").add_subparsers(dest="sub", required=True)
    key_create = key.add_parser("create", help="print a new key (once)")
    key_create.add_argument("--office", required=True)
    key_revoke = key.add_parser("revoke", help="revoke a key")
    key_revoke.add_argument("--key", required=True, help="the key or its prefix")
    user = actions.add_parser("user", help="staff logins").add_subparsers(dest="sub", required=True)
    user_create = user.add_parser("create", help="a staff login for the office web page")
    user_create.add_argument("--office", required=True)
    user_create.add_argument("--email", required=True)
    user_create.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    user_unlock = user.add_parser(
        "unlock", help="forget a login's failed attempts (lets it in from anywhere again)"
    )
    user_unlock.add_argument("--email", required=True)
    office.set_defaults(func=lambda args: cmd_office(args, check_schema))
