"""The `lotse` command: demo, serve, db, municipality, i18n."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import sys
from collections.abc import Sequence

from aiohttp import web
from sqlalchemy import select

from adapters import build_adapters, webhook_routes
from bot.cli import advisors as cli_advisors
from bot.cli import holders as cli_holders
from bot.cli import letters as cli_letters
from bot.cli import mt as cli_mt
from bot.cli import office as cli_office
from bot.cli import requests as cli_requests
from bot.cli import security as cli_security
from bot.cli import services as cli_services
from bot.cli import transfer as cli_transfer
from bot.cli.common import Stop
from bot.config import ConfigError, Settings, load_settings
from bot.db import migrate
from bot.db.models import Municipality
from bot.db.session import make_engine, make_sessionmaker
from bot.kernel.files import private_data_dir, private_umask
from bot.kernel.types import Channel
from bot.messaging import running
from bot.runtime import (
    AccessLogger,
    NotConfigured,
    Services,
    build_services,
    setup_logging,
    start_scheduler,
)
from bot.web.app import make_app, stop_dispatcher
from flows import build_router

log = logging.getLogger("lotse")

DEMO_MUNICIPALITY = {
    "slug": "musterstadt",
    "name": "Stadt Musterstadt, Integrationsbüro",
    "contact": "integration@musterstadt.example, 0123 456789",
    "privacy_contact": "datenschutz@musterstadt.example",
}


async def build(settings: Settings) -> Services:
    return await build_services(
        settings, router_factory=build_router, adapters=build_adapters(settings)
    )


def app_for(services: Services) -> web.Application:
    background = []
    if Channel.TELEGRAM in services.adapters and services.settings.telegram_mode == "polling":
        from adapters.telegram import poll

        background.append(lambda: poll(services))
    return make_app(services, extra_routes=webhook_routes(services), background=background)


async def _check_schema(settings: Settings) -> None:
    if settings.is_sqlite and not settings.data_dir.exists():
        raise Stop(f"LOTSE_DATA_DIR: {settings.data_dir} does not exist; run `lotse db upgrade`")
    if settings.is_sqlite:
        private_data_dir(settings.data_dir)  # an older Lotse made it readable for all
    engine = make_engine(settings.database_url)
    try:
        problem = await migrate.schema_problem(engine)
    except Exception as error:
        reason = str(getattr(error, "orig", None) or error).splitlines()[0]
        raise Stop(f"cannot reach the database ({type(error).__name__}: {reason})") from None
    finally:
        await engine.dispose()
    if problem:
        raise Stop(problem)


async def set_municipality(
    settings: Settings, values: dict[str, str], *, only_if_missing: bool
) -> None:
    """Save the municipality that runs Lotse (slug, name, contact, privacy_contact).

    With `only_if_missing`, an existing one is kept as it is (the demo, the tests);
    otherwise its fields are overwritten with `values` (`lotse municipality set`).
    """
    engine = make_engine(settings.database_url)
    try:
        async with make_sessionmaker(engine)() as session, session.begin():
            existing = await session.scalar(select(Municipality).order_by(Municipality.id))
            if existing is None:
                session.add(Municipality(**values))
            elif not only_if_missing:
                for key, value in values.items():
                    setattr(existing, key, value)
    finally:
        await engine.dispose()


async def _serve(settings: Settings, *, banner: Sequence[str] = ()) -> None:
    try:
        services = await build(settings)
    except NotConfigured as error:
        raise Stop(str(error)) from None
    runner = web.AppRunner(app_for(services), access_log_class=AccessLogger)
    await runner.setup()
    site = web.TCPSite(runner, settings.host, settings.port)
    try:
        await site.start()
    except OSError as error:
        await runner.cleanup()
        await services.close()
        raise Stop(
            f"LOTSE_PORT: cannot listen on {settings.host}:{settings.port} ({error.strerror})"
        ) from None
    scheduler = start_scheduler(services)
    for line in banner:
        print(line, flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        await scheduler.stop()
        await runner.cleanup()
        await services.close()


def cmd_serve(args: argparse.Namespace) -> None:
    settings = load_settings()
    setup_logging(settings.log_level)
    asyncio.run(_check_schema(settings))
    url = settings.public_url
    asyncio.run(_serve(settings, banner=[f"Lotse is running on {url} (web chat: {url}/chat)"]))


async def _dispatch_only(settings: Settings) -> None:
    try:
        services = await build(settings)
    except NotConfigured as error:
        raise Stop(str(error)) from None
    try:
        async with running(services.adapters.values()):
            task = asyncio.create_task(services.dispatcher.run())
            stop = asyncio.Event()
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(sig, stop.set)
            print("Lotse outbox dispatcher is running", flush=True)
            try:
                await stop.wait()
            finally:
                await stop_dispatcher(services.dispatcher, task)
    finally:
        await services.close()


def cmd_dispatch(args: argparse.Namespace) -> None:
    settings = load_settings()
    setup_logging(settings.log_level)
    asyncio.run(_check_schema(settings))
    asyncio.run(_dispatch_only(settings))


def cmd_demo(args: argparse.Namespace) -> None:
    settings = load_settings(create_secret=True)
    setup_logging(settings.log_level)
    private_data_dir(settings.data_dir)
    migrate.upgrade(settings.database_url, secret_key=settings.secret_key)
    asyncio.run(set_municipality(settings, DEMO_MUNICIPALITY, only_if_missing=True))
    cli_services.seed_demo_services(settings)
    url = f"http://{settings.host}:{settings.port}"
    banner = [
        "Lotse demo is running (stop with Ctrl+C).",
        f"  Web chat:            {url}/chat",
        f"  Web chat in Arabic:  {url}/chat?lang=ar",
        f"  Health:              {url}/healthz  {url}/readyz",
        f"  Data (SQLite):       {settings.data_dir.resolve()}",
    ]
    asyncio.run(_serve(settings, banner=banner))


def cmd_db(args: argparse.Namespace) -> None:
    settings = _db_settings()
    if args.action == "upgrade":
        private_data_dir(settings.data_dir)
        migrate.upgrade(settings.database_url, secret_key=_secret_if_any())
        print(f"database schema is at {migrate.head_revision()}")
        return
    engine = make_engine(settings.database_url)

    async def current() -> str | None:
        try:
            return await migrate.current_revision(engine)
        finally:
            await engine.dispose()

    print(asyncio.run(current()) or "no schema")


def _secret_if_any() -> str | None:
    """The secret key if one is set (or kept in the data dir): some migrations encrypt."""
    try:
        return load_settings().secret_key
    except ConfigError:
        return None


def _db_settings() -> Settings:
    # Migrations and catalogs do not need the secret key.
    return load_settings(require_secret=False)


def cmd_municipality(args: argparse.Namespace) -> None:
    settings = _db_settings()
    asyncio.run(_check_schema(settings))
    values = {
        "slug": args.slug,
        "name": args.name,
        "contact": args.contact,
        "privacy_contact": args.privacy_contact,
    }
    asyncio.run(set_municipality(settings, values, only_if_missing=False))
    print(f"municipality {args.slug!r} saved")


def cmd_i18n(args: argparse.Namespace) -> None:
    settings = _db_settings()
    if args.action == "review":
        _i18n_review(settings, args)
        return
    if args.langs:
        raise Stop(f"i18n {args.action}: takes no languages (only `i18n review` does)")
    if args.action == "sms-cost":
        from bot.cli.sms_tour import step_costs
        from bot.i18n import format_report

        print(format_report(step_costs(), over=args.over), end="")
        return
    from bot.config import REPO_ROOT
    from bot.i18n import SOURCE_PACKAGES, check_all

    # Both domains (messages, staff); the templates against the code in a source checkout.
    with_source = all((REPO_ROOT / package).is_dir() for package in SOURCE_PACKAGES)
    problems = check_all(REPO_ROOT, settings.locales_dir, with_source=with_source)
    for problem in problems:
        print(problem)
    if problems:
        raise SystemExit(1)
    print("all catalogs complete")


def _i18n_review(settings: Settings, args: argparse.Namespace) -> None:
    from bot.i18n import format_review, mark_reviewed, review_languages, review_list

    try:
        langs = review_languages(args.langs)
        if args.mark:
            for lang in langs:
                print(f"{lang}: {REVIEWED_FIELD} {mark_reviewed(settings.locales_dir, lang)}")
            return
    except ValueError as error:
        raise Stop(str(error)) from None
    print(format_review([review_list(settings.locales_dir, lang) for lang in langs]), end="")


REVIEWED_FIELD = "X-Lotse-Reviewed:"


def cmd_telegram(args: argparse.Namespace) -> None:
    settings = load_settings()
    if not settings.telegram_token:
        raise Stop("LOTSE_TELEGRAM_TOKEN: not set")
    from adapters.telegram import set_webhook

    url = asyncio.run(set_webhook(settings))
    print(f"Telegram will deliver updates to {url}")


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="lotse", description=__doc__)
    commands = root.add_subparsers(dest="command", required=True)
    commands.add_parser(
        "demo", help="run with SQLite in ./lotse-data and a demo municipality"
    ).set_defaults(func=cmd_demo)
    commands.add_parser("serve", help="run the server from configuration").set_defaults(
        func=cmd_serve
    )
    commands.add_parser(
        "dispatch", help="run only the outbox dispatcher (more senders beside `serve`)"
    ).set_defaults(func=cmd_dispatch)
    db = commands.add_parser("db", help="database schema")
    db.add_argument("action", choices=["upgrade", "current"])
    db.set_defaults(func=cmd_db)
    municipality = commands.add_parser("municipality", help="who runs this Lotse")
    municipality.add_argument("action", choices=["set"])
    for flag in ("--slug", "--name", "--contact", "--privacy-contact"):
        municipality.add_argument(flag, required=True)
    municipality.set_defaults(func=cmd_municipality)
    i18n = commands.add_parser("i18n", help="translation catalogs")
    i18n.add_argument("action", choices=["check", "sms-cost", "review"])
    i18n.add_argument(
        "langs", nargs="*", metavar="LANG", help="review: these languages (default: all)"
    )
    i18n.add_argument(
        "--mark",
        action="store_true",
        help="review: record that the committed catalogs of LANG have been reviewed",
    )
    i18n.add_argument(
        "--over",
        type=int,
        default=3,
        help="sms-cost: mark SMS steps costing more segments than this (the budget, 3)",
    )
    i18n.set_defaults(func=cmd_i18n)
    telegram = commands.add_parser("telegram", help="the Telegram bot")
    telegram.add_argument("action", choices=["set-webhook"])
    telegram.set_defaults(func=cmd_telegram)
    cli_office.register(commands, _check_schema)
    cli_advisors.register(commands, _check_schema)
    cli_letters.register(commands, _check_schema)
    cli_security.register(commands, _check_schema)
    cli_transfer.register(commands)
    cli_holders.register(commands)
    cli_mt.register(commands)
    cli_requests.register(commands, _check_schema)
    cli_services.register(commands, _check_schema)
    return root


def main(argv: Sequence[str] | None = None) -> None:
    private_umask()  # the database, exports and letters: for Lotse's account only
    args = parser().parse_args(argv)
    try:
        args.func(args)
    except (ConfigError, Stop) as error:
        print(f"lotse: {error}", file=sys.stderr)
        raise SystemExit(2) from None
    except KeyboardInterrupt:
        with contextlib.suppress(Exception):
            print("stopped", file=sys.stderr)
