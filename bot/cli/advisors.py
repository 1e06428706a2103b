"""`lotse advisor …`: advisors and service admins of advice services. Nothing here shows
a case: the operator's command line sees no case content (bot.cases.access)."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Callable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.audit import Actor, record
from bot.cases.levels import Level, LevelError, describe_hours, get_level, set_level
from bot.cli.common import Stop, run_in_session
from bot.cli.office import _password
from bot.config import Settings, load_settings
from bot.kernel.clock import utcnow
from bot.staff import (
    StaffRole,
    advisor_by_email,
    advisors,
    create_advisor,
    disable,
    parse_languages,
    set_services,
)


def cmd_advisor(args: argparse.Namespace, check_schema: Callable[[Settings], Any]) -> None:
    settings = load_settings(require_secret=False)
    asyncio.run(check_schema(settings))
    if args.action == "create":
        languages = run_in_session(settings, _languages(args.languages))
        password = _password(args.password_stdin)

        async def create(session: AsyncSession) -> str:
            user = await create_advisor(
                session, args.email, password, role=StaffRole(args.role),
                services=args.service, languages=languages,
            )  # fmt: skip
            await record(session, Actor.operator(), "staff-login-created", utcnow(),
                         detail=f"{args.role}: {', '.join(args.service)}"[:200])  # fmt: skip
            return user.email

        email = run_in_session(settings, create)
        print(f"{args.role} {email} created for {', '.join(args.service)}")
    elif args.action == "list":

        async def listing(session: AsyncSession) -> list[str]:
            return [
                "\t".join((a.email, a.role, ",".join(a.services) or "-",
                           ",".join(a.languages) or "-", *(("disabled",) if a.disabled else ())))
                for a in await advisors(session)
            ]  # fmt: skip

        print("\n".join(run_in_session(settings, listing)) or "no advisors")
    elif args.action == "services":

        async def change(session: AsyncSession) -> tuple[str, ...]:
            user = await advisor_by_email(session, args.email)
            now = await set_services(session, user, add=args.add or (), remove=args.remove or ())
            await record(session, Actor.operator(), "staff-services-changed", utcnow(),
                         detail=f"user:{user.id}: {', '.join(now) or '-'}"[:200])  # fmt: skip
            return now

        print(f"{args.email.strip().lower()}: {', '.join(run_in_session(settings, change)) or '-'}")
    elif args.action == "disable":

        async def off(session: AsyncSession) -> None:
            user = await advisor_by_email(session, args.email)
            await disable(session, user, utcnow())
            await record(session, Actor.operator(), "staff-login-disabled", utcnow(),
                         detail=f"user:{user.id}")  # fmt: skip

        run_in_session(settings, off)
        print(f"{args.email.strip().lower()} disabled")
    elif args.action == "service-level":
        _service_level(settings, args)


def _service_level(settings: Settings, args: argparse.Namespace) -> None:
    if not args.show and (args.first is None or args.next is None):
        raise Stop("give --first and --next (business minutes), or --show")

    async def work(session: AsyncSession) -> Level | None:
        if args.show:
            return await get_level(session, args.slug)
        level = await set_level(
            session, args.slug, first=args.first, next_=args.next, hours=args.hours,
            land=args.land, timezone=args.timezone,
            digest_to=[a for a in (args.digest_to or "").split(",") if a.strip()],
        )  # fmt: skip
        await record(session, Actor.operator(), "service-level-set", utcnow(),
                     detail=f"{args.slug}: {args.first}/{args.next}"[:200])  # fmt: skip
        return level

    try:
        level = run_in_session(settings, work)
    except LevelError as error:
        raise Stop(str(error)) from None
    if level is None:
        print(f"{args.slug}: no service level set (no due times)")
        return
    print("\n".join((
        f"service\t{level.slug}",
        f"first response\t{level.first_response_minutes} business minutes",
        f"next response\t{level.next_response_minutes} business minutes",
        f"hours\t{describe_hours(level.hours)}",
        f"holidays\t{level.land or 'all of Germany'}",
        f"time zone\t{level.timezone}",
        f"digest to\t{', '.join(level.digest_to) or '-'}",
    )))  # fmt: skip


def _languages(text: str) -> Callable[[AsyncSession], Any]:
    async def parse(_: AsyncSession) -> tuple[str, ...]:
        return parse_languages(text)  # refused the way every rule of the command is

    return parse


def register(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    check_schema: Callable[[Settings], Any],
) -> None:
    advisor = commands.add_parser("advisor", help="advisors and service admins (advice inbox)")
    actions = advisor.add_subparsers(dest="action", required=True)
    create = actions.add_parser("create", help="a login for an advice service's inbox")
    create.add_argument("--email", required=True)
    create.add_argument("--role", choices=[StaffRole.ADVISOR, StaffRole.SERVICE_ADMIN],
                        default=StaffRole.ADVISOR)  # fmt: skip
    create.add_argument("--service", action="append", required=True,
                        help="a service's slug (repeat for several)")  # fmt: skip
    create.add_argument("--languages", default="de", help="languages read, e.g. de,en,ar")
    create.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    actions.add_parser("list", help="advisors, their services and languages (no cases)")
    services = actions.add_parser("services", help="add or remove an advisor's services")
    services.add_argument("--email", required=True)
    services.add_argument("--add", action="append", metavar="SLUG")
    services.add_argument("--remove", action="append", metavar="SLUG")
    off = actions.add_parser("disable", help="the login stops working at once")
    off.add_argument("--email", required=True)
    level = actions.add_parser(
        "service-level", help="a service's response targets, hours and digest addresses"
    )
    level.add_argument("slug", metavar="SLUG")
    level.add_argument("--show", action="store_true", help="print the service's level")
    level.add_argument("--first", type=int, help="first response, in business minutes")
    level.add_argument("--next", type=int, help="next response, in business minutes")
    level.add_argument(
        "--hours", help='e.g. "Mo-Do 09:00-16:00,Fr 09:00-12:00" (default Mo-Fr 9-16)'
    )
    level.add_argument("--land", help="the Land whose public holidays close it, e.g. NW")
    level.add_argument("--timezone", default="Europe/Berlin")
    level.add_argument("--digest-to", help="addresses for the service's digest, comma-separated")
    advisor.set_defaults(func=lambda args: cmd_advisor(args, check_schema))
