"""A service as JSON: the directory file's own object (docs/advice-services.md), so
what `lotse services list --json` prints can be imported again.

`encode` writes every field (lists sorted, hours in the file's syntax); `decode` reads
what `encode` wrote, or a record the import has validated (bot.advice.parse): it
trusts its input and checks nothing beyond the types it converts."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from bot.advice.hours import format_hours, parse_hours
from bot.advice.record import Place, Service
from bot.advice.taxonomy import Programme, Topic
from bot.holders import Situation

#: Every key of a record, in the order Lotse writes them.
FIELDS = (
    "slug", "name", "programme", "provider", "topics", "languages", "min_age", "max_age",
    "situations", "any_age", "street", "postcode", "city", "hours", "appointment", "phone",
    "phone_hours", "email", "online", "lotse", "areas", "reply_hours", "gender_choice",
    "source", "verified_at",
)  # fmt: skip
#: The keys whose value is a list (in a CSV cell: items separated by "|").
LISTS = frozenset({"topics", "languages", "situations", "any_age", "areas"})
#: The keys whose value is true or false.
FLAGS = frozenset({"appointment", "lotse", "gender_choice"})
#: The keys whose value is a whole number.
NUMBERS = frozenset({"min_age", "max_age", "reply_hours"})
#: The keys every record must have.
REQUIRED = ("slug", "name", "programme", "provider", "languages", "source", "verified_at")


def encode(service: Service) -> dict[str, Any]:
    place = service.place
    return {
        "slug": service.slug,
        "name": service.name,
        "programme": service.programme.value,
        "provider": service.provider,
        "topics": sorted(t.value for t in service.topics),
        "languages": sorted(service.languages),
        "min_age": service.min_age,
        "max_age": service.max_age,
        "situations": sorted(s.value for s in service.situations),
        "any_age": sorted(s.value for s in service.any_age),
        "street": place.street if place else None,
        "postcode": place.postcode if place else None,
        "city": place.city if place else None,
        "hours": format_hours(place.hours) if place and place.hours else None,
        "appointment": place.appointment if place else False,
        "phone": service.phone,
        "phone_hours": format_hours(service.phone_hours) if service.phone_hours else None,
        "email": service.email,
        "online": service.online,
        "lotse": service.lotse,
        "areas": list(service.areas),
        "reply_hours": service.reply_hours,
        "gender_choice": service.gender_choice,
        "source": service.source,
        "verified_at": service.verified_at.isoformat(),
    }


def decode(data: dict[str, Any]) -> Service:
    place = None
    if data.get("street"):
        place = Place(
            street=data["street"],
            postcode=data["postcode"],
            city=data["city"],
            hours=parse_hours(data.get("hours") or ""),
            appointment=bool(data.get("appointment")),
        )
    return Service(
        slug=data["slug"],
        name=data["name"],
        programme=Programme(data["programme"]),
        provider=data["provider"],
        topics=frozenset(Topic(t) for t in data.get("topics") or ()),
        languages=frozenset(data["languages"]),
        verified_at=date.fromisoformat(data["verified_at"]),
        source=data["source"],
        min_age=data.get("min_age"),
        max_age=data.get("max_age"),
        situations=frozenset(Situation(s) for s in data.get("situations") or ()),
        any_age=frozenset(Situation(s) for s in data.get("any_age") or ()),
        place=place,
        phone=data.get("phone") or None,
        phone_hours=parse_hours(data.get("phone_hours") or ""),
        email=data.get("email") or None,
        online=data.get("online") or None,
        lotse=bool(data.get("lotse")),
        areas=tuple(data.get("areas") or ()),
        reply_hours=data.get("reply_hours"),
        gender_choice=bool(data.get("gender_choice")),
    )


def dumps(service: Service) -> str:
    """The stored text: compact, keys in a fixed order, so equal services store equal text."""
    return json.dumps(encode(service), ensure_ascii=False, separators=(",", ":"))


def loads(text: str) -> Service:
    return decode(json.loads(text))
