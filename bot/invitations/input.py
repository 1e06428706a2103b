"""What an office sends to invite someone, checked once for the API and for CSV rows.

The request shapes are pydantic models: they validate the JSON body and, through
`bot.web.office.openapi`, are the OpenAPI document. `parse_request` turns a dict (the JSON
body, or a CSV row mapped to the same shape) into an `InvitationRequest` or a list
of field errors.

Times: `consent.recorded_at` must carry a time zone in JSON (a naive time is
refused with 422: Lotse cannot guess whose clock it was). CSV files cannot carry
zones, so a naive time in a CSV row is read as local time in `LOTSE_TIMEZONE`
(see `bot.invitations.bulk_csv`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
)

from bot.i18n import LANGUAGES
from bot.invitations.request import OFFICE_CHANNELS, InvitationRequest, Personal
from bot.kernel.phones import InvalidPhoneNumber, normalize
from bot.kernel.postal import FORBIDDEN_CHARACTERS, PostalAddress
from bot.kernel.types import Channel

#: One line of printable text (bot.kernel.postal.FORBIDDEN_CHARACTERS says why): also a
#: reference, where U+202E would make "ABC‮123" display as another reference.
_LINE = f"^[^{FORBIDDEN_CHARACTERS}]*$"
#: Consent given more than this far in the future is a wrong clock, not a consent.
CLOCK_SKEW = timedelta(minutes=5)
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)


_ONE_LINE = {"strip_whitespace": True, "min_length": 1, "pattern": _LINE}
Line40 = Annotated[str, StringConstraints(max_length=40, **_ONE_LINE)]
Line64 = Annotated[str, StringConstraints(max_length=64, **_ONE_LINE)]
Line100 = Annotated[str, StringConstraints(max_length=100, **_ONE_LINE)]
Line200 = Annotated[str, StringConstraints(max_length=200, **_ONE_LINE)]
Postcode = Annotated[str, StringConstraints(max_length=16, **_ONE_LINE)]
ChannelName = Annotated[str, Field(json_schema_extra={"enum": [c.value for c in OFFICE_CHANNELS]})]
Language = Annotated[str, Field(json_schema_extra={"enum": list(LANGUAGES)})]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class PostalAddressIn(_Strict):
    """A postal address as printed on the envelope (DIN 5008)."""

    name: Line200
    street: Line200
    postcode: Postcode
    city: Line100
    extra: Line200 | None = None


class ConsentIn(_Strict):
    """When, and to which version of the office's notice, the person agreed."""

    recorded_at: AwareDatetime = Field(
        description="with a time zone, e.g. 2026-11-23T09:00:00+01:00; naive times are refused"
    )
    notice_version: Line64

    @field_validator("recorded_at")
    @classmethod
    def _plausible(cls, value: datetime) -> datetime:
        try:
            utc = value.astimezone(UTC)
        except (OverflowError, ValueError):
            raise ValueError("is not a plausible time") from None
        if utc < EARLIEST:
            raise ValueError("is before the year 2000")
        return utc


EXAMPLE: dict[str, Any] = {
    "reference": "AZ-2026-0815",
    "language": "ar",
    "channels": ["sms", "letter"],
    "phone": "0151 23456789",
    "postal_address": {
        "name": "Amal Haddad",
        "street": "Hauptstraße 1",
        "postcode": "12345",
        "city": "Musterstadt",
    },
    "consent": {"recorded_at": "2026-11-20T10:00:00+01:00", "notice_version": "2026-01"},
}


class InvitationIn(_Strict):
    """An invitation request. Nothing else is accepted: unknown fields are refused."""

    model_config = ConfigDict(json_schema_extra={"examples": [EXAMPLE]})

    reference: Line100 = Field(description="the office's own case id")
    language: Language
    channels: list[ChannelName] = Field(
        min_length=1,
        max_length=len(OFFICE_CHANNELS),
        description="the channels the person agreed to, in their order of preference",
    )
    phone: Line40 | None = Field(None, description="any common format; stored as E.164")
    postal_address: PostalAddressIn | None = None
    given_name: Line100 | None = None
    family_name: Line100 | None = None
    consent: ConsentIn

    @field_validator("language")
    @classmethod
    def _known_language(cls, value: str) -> str:
        if value not in LANGUAGES:
            raise ValueError(f"unsupported language; Lotse speaks {', '.join(LANGUAGES)}")
        return value

    @field_validator("channels")
    @classmethod
    def _known_channels(cls, value: list[str]) -> list[str]:
        allowed = [c.value for c in OFFICE_CHANNELS]
        unknown = [c for c in value if c not in allowed]
        if unknown:
            raise ValueError(f"unknown channel {unknown[0]!r}; one of {', '.join(allowed)}")
        if len(set(value)) != len(value):
            raise ValueError("lists a channel twice")
        return value


@dataclass(frozen=True, slots=True)
class FieldError:
    """A problem with one field; `field` is dotted ("postal_address.city")."""

    field: str
    message: str


def parse_request(
    data: Mapping[str, Any], *, default_region: str, now: datetime
) -> InvitationRequest | list[FieldError]:
    """The validated request, or every problem found (never the rejected values)."""
    try:
        model = InvitationIn.model_validate(data)
    except ValidationError as error:
        return [_field_error(e) for e in error.errors(include_input=False, include_url=False)]
    errors: list[FieldError] = []
    if model.consent.recorded_at > now + CLOCK_SKEW:
        errors.append(FieldError("consent.recorded_at", "is in the future"))
    phone = None
    if model.phone is not None:
        try:
            phone = normalize(model.phone, default_region)
        except InvalidPhoneNumber as problem:
            errors.append(FieldError("phone", str(problem)))
    channels = tuple(Channel(c) for c in model.channels)
    errors.extend(_reachable(channels, has_phone=model.phone is not None,
                             has_address=model.postal_address is not None))  # fmt: skip
    if errors:
        return errors
    address = model.postal_address
    return InvitationRequest(
        reference=model.reference,
        language=model.language,
        channels=channels,
        personal=Personal(
            phone=phone,
            postal_address=None if address is None else PostalAddress(**address.model_dump()),
            given_name=model.given_name,
            family_name=model.family_name,
        ),
        consent_recorded_at=model.consent.recorded_at,
        notice_version=model.consent.notice_version,
    )


def _reachable(
    channels: Sequence[Channel], *, has_phone: bool, has_address: bool
) -> list[FieldError]:
    """Each channel needs what carries it; Telegram needs a phone or an address, because
    a bot cannot write first: its link travels by SMS or letter."""
    errors = []
    for channel in channels:
        if channel in (Channel.SMS, Channel.WHATSAPP) and not has_phone:
            errors.append(FieldError("channels", f"{channel.value} needs a phone number"))
        elif channel is Channel.LETTER and not has_address:
            errors.append(FieldError("channels", "letter needs a postal_address"))
        elif channel is Channel.TELEGRAM and not (has_phone or has_address):
            errors.append(
                FieldError(
                    "channels",
                    "telegram needs a phone number or a postal_address: a bot cannot "
                    "write first, its link goes by SMS or letter",
                )
            )
    return errors


_MESSAGES = {
    "extra_forbidden": "unknown field (only the documented fields are accepted)",
    "missing": "is required",
    "timezone_aware": "needs a time zone, e.g. 2026-11-23T09:00:00+01:00",
    "string_pattern_mismatch": (
        "must be one line without control or bidirectional formatting characters"
        " (U+200E, U+200F, U+061C, U+202A to U+202E, U+2066 to U+2069)"
    ),
}


def _field_error(error: Mapping[str, Any]) -> FieldError:
    field = ".".join(str(part) for part in error["loc"]) or "body"
    message = _MESSAGES.get(error["type"]) or str(error["msg"])
    return FieldError(field, message.removeprefix("Value error, "))
