"""Typed keys for what the aiohttp app carries."""

from __future__ import annotations

from aiohttp import web

from bot.runtime import Services

SERVICES = web.AppKey("services", Services)
