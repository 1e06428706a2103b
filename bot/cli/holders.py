"""`lotse holders …`: the data-holder catalog, and the operator's local bodies."""

from __future__ import annotations

import argparse
import json
import sys

from bot.cli.common import Stop
from bot.config import load_settings
from bot.holders import (
    LOCAL_SLUGS,
    CatalogError,
    LocalError,
    check_catalog,
    load_catalog,
    local_path,
    write_local,
)


def cmd_list(args: argparse.Namespace) -> None:
    settings = load_settings(require_secret=False)
    try:
        catalog = load_catalog(settings)
    except CatalogError as error:
        raise Stop(
            f"the catalog has {len(error.problems)} problem(s); run `lotse holders check`"
        ) from None
    if args.json:
        json.dump(catalog.as_json(), sys.stdout, ensure_ascii=False, indent=2)
        print()
        return
    for holder in catalog.holders:
        where = ", ".join(holder.address.lines()[1:]) if holder.address else "(no address)"
        supervisor = holder.supervisor or "-"
        print(f"{holder.slug:20} {holder.name} | {where} | {holder.quality} | {supervisor}")


def cmd_check(args: argparse.Namespace) -> None:
    settings = load_settings(require_secret=False)
    errors, warnings = check_catalog(settings)
    for line in errors:
        print(f"error: {line}")
    for line in warnings:
        print(f"warning: {line}")
    if errors:
        raise Stop(f"{len(errors)} error(s) in the data-holder catalog")
    print(f"ok: {len(warnings)} warning(s); local file {local_path(settings)}")


def _write(update: dict[str, object], drop: dict[str, tuple[str, ...]] | None = None) -> None:
    settings = load_settings(require_secret=False)
    path = local_path(settings)
    try:
        write_local(path, update, drop)
    except LocalError as error:
        raise Stop("; ".join(error.problems)) from None
    print(f"written: {path}")


def cmd_set(args: argparse.Namespace) -> None:
    fields = {
        "name": args.name,
        "street": args.street,
        "postcode": args.postcode,
        "city": args.city,
        "email": args.email,
        "phone": args.phone,
        "hours": args.hours,
        "supervisor": args.supervisor,
        "run-by": args.run_by,
        "office": args.office,
    }
    if args.office and args.no_office:
        raise Stop("--office and --no-office: choose one")
    given = {k: v for k, v in fields.items() if v is not None}
    if not given and not args.no_office:
        raise Stop("nothing to set: give an address (--name --street --postcode --city) or more")
    _write({args.slug: given}, {args.slug: ("office",)} if args.no_office else None)


def cmd_land(args: argparse.Namespace) -> None:
    _write({"land": args.land.lower()})


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    holders = commands.add_parser("holders", help="the data-holder catalog (docs/holders.md)")
    actions = holders.add_subparsers(dest="action", required=True)
    listing = actions.add_parser("list", help="print the merged catalog")
    listing.add_argument("--json", action="store_true", help="the records as JSON")
    listing.set_defaults(func=cmd_list)
    actions.add_parser(
        "check", help="validate the catalog and the local file; non-zero exit on errors"
    ).set_defaults(func=cmd_check)
    local = actions.add_parser(
        "local", help="this installation's local bodies (LOTSE_HOLDERS_FILE)"
    ).add_subparsers(dest="sub", required=True)
    body = local.add_parser("set", help="fill in a local body")
    body.add_argument("slug", choices=LOCAL_SLUGS)
    # An address needs all four (the file's check says which is missing).
    for flag in ("--name", "--street", "--postcode", "--city"):
        body.add_argument(flag)
    for flag in ("--email", "--phone", "--hours", "--supervisor"):
        body.add_argument(flag)
    body.add_argument("--run-by", choices=["joint", "municipal"], help="jobcenter only")
    body.add_argument(
        "--office", metavar="OFFICE",
        help="an office on this installation (`lotse office list`) whose staff receive "
        "requests to this body through Lotse",
    )  # fmt: skip
    body.add_argument("--no-office", action="store_true", help="remove the office link")
    body.set_defaults(func=cmd_set)
    land = local.add_parser("land", help="the Land (supervisor of municipal bodies)")
    land.add_argument("land", metavar="XX", help="bw by be bb hb hh he mv ni nw rp sl sn st sh th")
    land.set_defaults(func=cmd_land)
