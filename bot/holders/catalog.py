"""The catalog: the shipped holders merged with the operator's local bodies."""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from bot.config import ConfigError, Settings
from bot.holders import parse
from bot.holders.checks import DATA_DIR, Shipped, read_shipped
from bot.holders.local import (
    LOCAL_SLUGS,
    Local,
    body_office,
    body_supervisor,
    local_path,
    read_local,
)
from bot.holders.record import (
    Answer,
    Holder,
    HolderKind,
    Online,
    Quality,
    Rule,
    Situation,
    Supervisor,
)
from bot.kernel.postal import PostalAddress

#: Display order: the register every newcomer is in first, Lotse itself last.
ORDER = ("azr", "bamf", "auslaenderbehoerde", "meldebehoerde", "bundesagentur", "jobcenter",
         "sozialamt", "familienkasse", "krankenkasse", "lotse")  # fmt: skip


class CatalogError(ConfigError):
    """The catalog cannot be used; `problems` are one line each. A configuration error:
    `lotse serve` does not start with a broken operator file (bot.runtime)."""

    def __init__(self, problems: list[str] | tuple[str, ...]) -> None:
        super().__init__("; ".join(problems))
        self.problems = list(problems)


def _yes(answer: Answer) -> bool:
    return answer in (Answer.YES, Answer.UNSURE)


def _matches(rule: Rule, situation: Situation, benefits: Answer, job: Answer) -> bool:
    return (
        situation in rule.situations
        and (not rule.benefits or _yes(benefits))
        and (not rule.job or _yes(job))
    )


@dataclass(frozen=True, slots=True)
class Catalog:
    holders: tuple[Holder, ...]
    supervisors: Mapping[str, Supervisor]
    cockpit: Online

    def get(self, slug: str) -> Holder | None:
        return next((h for h in self.holders if h.slug == slug), None)

    def applying(self, situation: Situation, benefits: Answer, job: Answer) -> tuple[Holder, ...]:
        """The holders that hold, or may hold ("not sure"), data about such a person."""
        return tuple(
            holder
            for holder in self.holders
            if any(_matches(rule, situation, benefits, job) for rule in holder.applies)
        )

    def supervisor_of(self, holder: Holder) -> Supervisor | None:
        return self.supervisors.get(holder.supervisor) if holder.supervisor else None

    def as_json(self) -> list[dict[str, Any]]:
        return [parse.holder_json(h, self.supervisor_of(h)) for h in self.holders]


def _merge(holder: Holder, local: Local, verified: date) -> Holder:
    """A shipped holder with what the operator filled in: Lotse and the local bodies sit
    in the operator's Land; a local body may have an office on this installation."""
    if holder.kind is HolderKind.OPERATOR:
        return replace(
            holder, supervisor=f"land-{local.land}" if local.land else None,
            land=holder.land or local.land,
        )  # fmt: skip
    if holder.kind is not HolderKind.MUNICIPAL:
        return holder
    body = local.bodies.get(holder.slug)
    partial = local.partial.get(holder.slug, {})
    supervisor = body_supervisor(holder.slug, body, partial, local.land) or holder.supervisor
    land, office = holder.land or local.land, body_office(body, partial)
    if body is None:
        return replace(holder, supervisor=supervisor, land=land, office=office)
    address = PostalAddress(body.name, body.street, body.postcode, body.city)
    return replace(
        holder,
        name=body.name,
        address=address,
        email=body.email,
        phone=body.phone,
        hours=body.hours,
        supervisor=supervisor,
        land=land,
        office=office,
        quality=Quality.OPERATOR,
        verified_at=verified,
        sources=(*holder.sources, "local file (LOTSE_HOLDERS_FILE)"),
    )


@lru_cache(maxsize=2)
def _shipped(today: date) -> Shipped:
    """The shipped records are package data, the same while Lotse runs: read and
    validated once a day (their checks compare dates with today), not per local file."""
    return read_shipped(DATA_DIR, today)


def _problems(settings: Settings, today: date) -> tuple[Catalog | None, list[str], list[str]]:
    shipped = _shipped(today)
    path = local_path(settings)
    local, local_errors = read_local(path)
    errors = [*shipped.errors, *local_errors]
    if errors or shipped.cockpit is None:
        return None, errors, []
    verified = date.fromtimestamp(path.stat().st_mtime) if path.exists() else today
    by_slug = {h.slug: _merge(h, local, verified) for h in shipped.holders}
    holders = tuple(by_slug[s] for s in ORDER if s in by_slug) + tuple(
        h for s, h in sorted(by_slug.items()) if s not in ORDER
    )
    warnings: list[str] = []
    for holder in holders:
        if holder.quality is Quality.MISSING:
            warnings.append(
                f"{holder.slug}: not filled in; run `lotse holders local set {holder.slug} "
                "--name … --street … --postcode … --city …`"
            )
        if holder.supervisor is None and holder.kind is not HolderKind.INSURER:
            hint = (
                "set run-by (joint or municipal)"
                if holder.slug == "jobcenter"
                else "set the Land (`lotse holders local land XX`)"
            )
            warnings.append(f"{holder.slug}: no supervisor; {hint}")
    if local.land is None:
        warnings.append(f"{path}: no land set; municipal bodies have no supervisor")
    catalog = Catalog(holders, dict(shipped.supervisors), shipped.cockpit)
    return catalog, [], warnings


def load_catalog(settings: Settings, today: date | None = None) -> Catalog:
    """The merged catalog; CatalogError lists every problem when it cannot be used."""
    catalog, errors, _warnings = _problems(settings, today or datetime.now(UTC).date())
    if catalog is None:
        raise CatalogError(errors or ["the catalog could not be read"])
    return catalog


def check_catalog(settings: Settings) -> tuple[list[str], list[str]]:
    """(errors, warnings): errors make the catalog unusable, warnings name what to fill in."""
    _catalog, errors, warnings = _problems(settings, datetime.now(UTC).date())
    return errors, warnings


log = logging.getLogger(__name__)
# A process reads one local file (a second only in tools and tests, which read many):
# the least recently read beyond a few are dropped, so the cache never grows.
_cache: OrderedDict[Path, tuple[int | None, Catalog]] = OrderedDict()
_KEEP = 4
_lock = threading.Lock()


def _mtime(path: Path) -> int | None:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return None


def catalog(settings: Settings) -> Catalog:
    """The catalog, read once per version of the operator's local file.

    A version that does not validate (an edit half done, a typo) never replaces a good
    one: the catalog read before stays in use, and the problem is logged once per version
    of the file. Raises CatalogError only when no good version was read yet (at start)."""
    path = local_path(settings)
    stamp = _mtime(path)
    with _lock:
        cached = _cache.get(path)
        if cached is not None and cached[0] == stamp:
            _cache.move_to_end(path)
            return cached[1]
    try:
        loaded = load_catalog(settings)
    except CatalogError as error:
        if cached is None:
            raise
        log.error(
            "%s: %d problem(s), the catalog read before stays in use; run `lotse holders "
            "check`", path, len(error.problems),
        )  # fmt: skip
        loaded = cached[1]
    with _lock:
        _cache[path] = (stamp, loaded)
        _cache.move_to_end(path)
        while len(_cache) > _KEEP:
            _cache.popitem(last=False)
    return loaded


__all__ = ["LOCAL_SLUGS", "Catalog", "CatalogError", "catalog", "check_catalog", "load_catalog"]
