"""A running Lotse: the wired services, the job registry, logging, HTTP helpers."""

from bot.runtime.accepting import accept
from bot.runtime.http import BadJson, body_bytes, fail, form_body, json_body, parse_json
from bot.runtime.jobs import start_scheduler
from bot.runtime.logs import AccessLogger, hold_libraries, setup_logging
from bot.runtime.readiness import readiness_problem
from bot.runtime.services import NotConfigured, Services, build_services

__all__ = [
    "AccessLogger",
    "BadJson",
    "NotConfigured",
    "Services",
    "accept",
    "body_bytes",
    "build_services",
    "fail",
    "form_body",
    "hold_libraries",
    "json_body",
    "parse_json",
    "readiness_problem",
    "setup_logging",
    "start_scheduler",
]
