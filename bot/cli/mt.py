"""`lotse mt …`: the offline translation models (docs/translation.md). Nothing is ever
downloaded: the operator installs package files they obtained themselves."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from pathlib import Path
from typing import Any

from bot.cli.common import Stop
from bot.config import Settings, load_settings
from bot.translation import (
    Coverage,
    Installed,
    InstallError,
    Outcome,
    PackageError,
    Route,
    RouteKind,
    TranslationService,
    available,
    check_model,
    coverage,
    disk_size,
    engine_info,
    install,
    installed_models,
    mt_path,
    remove,
)

ROUTE_WORDS = {
    RouteKind.DIRECT: "direct",
    RouteKind.VIA_ENGLISH: "through English",
    RouteKind.NOT_INSTALLED: "not installed",
    RouteKind.NO_MODEL_EXISTS: "no model exists",
    RouteKind.SAME_LANGUAGE: "same language",
}
WHY = {
    Outcome.NOT_INSTALLED: "models for this pair exist but are not installed here "
    "(lotse mt list shows what is)",
    Outcome.NO_MODEL_EXISTS: "no published model covers this pair; Lotse shows the original",
    Outcome.ENGINE_MISSING: "the translation engine is not installed (deploy/setup.sh --extra mt)",
    Outcome.TIMEOUT: "no answer within the time limit (LOTSE_MT_TIMEOUT_SECONDS)",
    Outcome.FAILED: "the translation worker failed (its message is above)",
}


def _settings() -> Settings:
    return load_settings(require_secret=False)


def cmd_install(args: argparse.Namespace) -> None:
    settings = _settings()
    folder = mt_path(settings)
    engine = available()
    if not engine:
        print("note: the mt extra is not installed: files are checked as packages, not loaded")
    refused = 0
    for file in args.files:
        check = (lambda d: check_model(d, threads=settings.mt_threads)) if engine else None
        try:
            result = install(folder, Path(file), force=args.force, check=check)
        except (PackageError, InstallError) as error:
            print(f"refused {file}: {error}", file=sys.stderr)
            refused += 1
            continue
        info = result.model.info
        was = f" (was {result.previous})" if result.previous and result.kind != "unchanged" else ""
        print(f"{result.kind} {info.pair} {info.version}{was}: {file}")
    if refused:
        raise Stop(f"{refused} of {len(args.files)} file(s) refused; the others are installed")


def _route(found: Route) -> dict[str, Any]:
    return {"route": str(found.kind), "path": list(found.path)}


def _model(model: Installed) -> dict[str, Any]:
    info = model.info
    return {
        "pair": info.pair,
        "source": info.source,
        "target": info.target,
        "version": info.version,
        "argos_version": info.argos_version,
        "bytes": disk_size(model.path),
        "path": str(model.path),
    }


def _coverage(row: Coverage) -> dict[str, Any]:
    return {
        "language": row.language,
        "to_de": _route(row.to_german),
        "from_de": _route(row.from_german),
    }


def listing(settings: Settings) -> dict[str, Any]:
    folder = mt_path(settings)
    models = installed_models(folder)
    info = engine_info() if available() else None
    return {
        "dir": str(folder),
        "engine": {"name": info.name, "version": info.version} if info else None,
        "installed": [_model(model) for _, model in sorted(models.items())],
        "coverage": [_coverage(row) for row in coverage(set(models))],
    }


def _cell(found: Route) -> str:
    words = ROUTE_WORDS[found.kind]
    return f"{words} ({'→'.join(found.path)})" if found.kind is RouteKind.VIA_ENGLISH else words


def cmd_list(args: argparse.Namespace) -> None:
    settings = _settings()
    data = listing(settings)
    if args.json:
        json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
        print()
        return
    engine = data["engine"]
    print(f"models in {data['dir']}")
    if engine:
        print(f"engine: {engine['name']} {engine['version']}")
    else:
        print("engine: not installed (deploy/setup.sh --extra mt)")
    for model in data["installed"]:
        size = f"{model['bytes'] / 1_000_000:.1f} MB"
        print(
            f"  {model['pair']:8} {model['version']:8} {size:>10}  argos {model['argos_version']}"
        )
    if not data["installed"]:
        print("  (no model installed: lotse mt install FILE…)")
    print(f"\n{'lang':5}{'to German':30}from German")
    for row in coverage(set(installed_models(mt_path(settings)))):
        print(f"{row.language:5}{_cell(row.to_german):30}{_cell(row.from_german)}")


def cmd_remove(args: argparse.Namespace) -> None:
    try:
        gone = remove(mt_path(_settings()), args.pair)
    except InstallError as error:
        raise Stop(str(error)) from None
    print(f"removed {gone.info.pair} {gone.info.version}")


def cmd_translate(args: argparse.Namespace) -> None:
    text = sys.stdin.read() if args.text == "-" else args.text

    async def run() -> None:
        service = TranslationService(_settings())
        started = time.perf_counter()
        try:
            result = await service.translate(text, args.source, args.target)
        except ValueError as error:
            raise Stop(str(error)) from None
        finally:
            await service.close()
        if result.text is None:
            why = WHY[result.outcome]
            if result.outcome is Outcome.NOT_INSTALLED:
                why = _what_to_install(args.source, args.target)
            raise Stop(f"no translation: {result.outcome}: {why}")
        print(result.text)
        print(f"{result.provenance()} in {time.perf_counter() - started:.2f} s", file=sys.stderr)

    asyncio.run(run())


def _what_to_install(source: str, target: str) -> str:
    ways = [f"{source}-{target}"]
    if "en" not in (source, target):
        ways.append(f"{source}-en and en-{target}")
    return f"not installed here: install {' or '.join(ways)} (lotse mt install)"


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    mt = commands.add_parser("mt", help="offline translation models (docs/translation.md)")
    actions = mt.add_subparsers(dest="action", required=True)
    adding = actions.add_parser(
        "install", help="install .argosmodel files (each checked; the good ones installed)"
    )
    adding.add_argument("files", nargs="+", metavar="FILE")
    adding.add_argument(
        "--force", action="store_true", help="also an older version, or the same one again"
    )
    adding.set_defaults(func=cmd_install)
    listed = actions.add_parser(
        "list", help="installed models, and each language to and from German"
    )
    listed.add_argument("--json", action="store_true")
    listed.set_defaults(func=cmd_list)
    removing = actions.add_parser("remove", help="remove an installed model")
    removing.add_argument("pair", metavar="PAIR", help="e.g. fa-en")
    removing.set_defaults(func=cmd_remove)
    translating = actions.add_parser("translate", help="translate a text through the worker")
    translating.add_argument("--from", dest="source", required=True, metavar="LANG")
    translating.add_argument("--to", dest="target", required=True, metavar="LANG")
    translating.add_argument("text", metavar="TEXT", help="the text, or - to read it from stdin")
    translating.set_defaults(func=cmd_translate)
