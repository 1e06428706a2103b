"""Offline machine translation: argostranslate's model packages run on CTranslate2 and
SentencePiece in a worker process of their own (docs/translation.md). Callers use
TranslationService; `lotse mt` installs, lists and removes models.

The worker process imports only what it needs: the names below are loaded on first use,
so `python -m bot.translation.worker` does not pay for the settings and the client."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.translation.client import TranslationService
    from bot.translation.engine import available, check_model, engine_info
    from bot.translation.installed import (
        Installed,
        InstallError,
        InstallKind,
        InstallResult,
        disk_size,
        install,
        installed_models,
        mt_path,
        parse_pair,
        remove,
    )
    from bot.translation.package import PackageError, PackageInfo, read_package
    from bot.translation.routes import (
        NO_PUBLISHED_MODEL,
        PUBLISHED_WITH_ENGLISH,
        Coverage,
        Route,
        RouteKind,
        coverage,
        published,
    )
    from bot.translation.views import EngineInfo, ModelUsed, Outcome, Translation

_HOMES = {
    "TranslationService": "bot.translation.client",
    "available": "bot.translation.engine",
    "check_model": "bot.translation.engine",
    "engine_info": "bot.translation.engine",
    "Installed": "bot.translation.installed",
    "InstallError": "bot.translation.installed",
    "InstallKind": "bot.translation.installed",
    "InstallResult": "bot.translation.installed",
    "disk_size": "bot.translation.installed",
    "install": "bot.translation.installed",
    "installed_models": "bot.translation.installed",
    "mt_path": "bot.translation.installed",
    "parse_pair": "bot.translation.installed",
    "remove": "bot.translation.installed",
    "PackageError": "bot.translation.package",
    "PackageInfo": "bot.translation.package",
    "read_package": "bot.translation.package",
    "NO_PUBLISHED_MODEL": "bot.translation.routes",
    "PUBLISHED_WITH_ENGLISH": "bot.translation.routes",
    "Coverage": "bot.translation.routes",
    "Route": "bot.translation.routes",
    "RouteKind": "bot.translation.routes",
    "coverage": "bot.translation.routes",
    "published": "bot.translation.routes",
    "EngineInfo": "bot.translation.views",
    "ModelUsed": "bot.translation.views",
    "Outcome": "bot.translation.views",
    "Translation": "bot.translation.views",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'bot.translation' has no attribute {name!r}")
    return getattr(importlib.import_module(home), name)


__all__ = [
    "NO_PUBLISHED_MODEL",
    "PUBLISHED_WITH_ENGLISH",
    "Coverage",
    "EngineInfo",
    "InstallError",
    "InstallKind",
    "InstallResult",
    "Installed",
    "ModelUsed",
    "Outcome",
    "PackageError",
    "PackageInfo",
    "Route",
    "RouteKind",
    "Translation",
    "TranslationService",
    "available",
    "check_model",
    "coverage",
    "disk_size",
    "engine_info",
    "install",
    "installed_models",
    "mt_path",
    "parse_pair",
    "published",
    "read_package",
    "remove",
]
