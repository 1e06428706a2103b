"""Consent records: append-only, per purpose and channel, shaped after ISO/IEC TS 27560."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import ConsentRecord
from bot.i18n import PURPOSE_NAMES, STATE_NAMES, Translator, channel_name, listed
from bot.kernel.types import Channel, ConsentMethod, ConsentState, Keyword, Reply, Text, t, tn

SCHEMA_VERSION = "ISO/IEC TS 27560:2023 (Lotse profile 1)"
#: The privacy notice the onboarding shows. Bump the version whenever its text changes.
NOTICE_ID = "lotse-privacy-notice"
NOTICE_VERSION = "2026-12-02"
#: The notice a registration office showed; its version comes with each invitation.
OFFICE_NOTICE_ID = "office-notice"


@dataclass(frozen=True, slots=True)
class Purpose:
    id: str
    name: Text
    #: Personal data categories processed for this purpose (DPV terms).
    data_categories: tuple[str, ...]


CONTACT = Purpose(
    id="contact",
    name=PURPOSE_NAMES["contact"],
    data_categories=("dpv-pd:Language", "dpv-pd:Contact", "dpv-pd:CommunicationsMetadata"),
)
#: A letter to a data holder (bot.rights): asked only when the person wants one written.
#: DPV-PD terms (w3id.org/dpv/pd): it has no "postal address"; PhysicalAddress is its
#: term for one (street, postcode, town).
REQUESTS = Purpose(
    id="requests",
    name=PURPOSE_NAMES["requests"],
    data_categories=(
        "dpv-pd:Name", "dpv-pd:BirthDate", "dpv-pd:BirthPlace", "dpv-pd:Nationality",
        "dpv-pd:PhysicalAddress",
    ),
)  # fmt: skip
#: A hand-off to an advice service (bot.cases): one record per hand-off; the recipient,
#: the fields shared and the expiry (ISO/IEC TS 27560) live on the case.
HANDOFF = Purpose(
    id="handoff",
    name=PURPOSE_NAMES["handoff"],
    data_categories=(
        "dpv-pd:Name", "dpv-pd:Language", "dpv-pd:Contact", "dpv-pd:CommunicationsMetadata",
        "dpv-pd:Communication",
    ),
)  # fmt: skip
#: The notice shown before a hand-off (what goes, to whom, for how long).
HANDOFF_NOTICE_ID = "lotse-handoff"
PURPOSES = {CONTACT.id: CONTACT, REQUESTS.id: REQUESTS, HANDOFF.id: HANDOFF}


@dataclass(frozen=True, slots=True)
class Decision:
    """One consent record as a conversation sees it: a plain copy, so nothing outside
    this book can change a record (the book is append-only)."""

    record_id: str
    purpose: str
    channel: str | None
    state: str
    method: str
    notice_id: str
    notice_version: str
    notice_language: str
    recorded_at: datetime
    created_at: datetime

    @classmethod
    def of(cls, record: ConsentRecord) -> Decision:
        return cls(
            record_id=record.record_id,
            purpose=record.purpose,
            channel=record.channel,
            state=record.state,
            method=record.method,
            notice_id=record.notice_id,
            notice_version=record.notice_version,
            notice_language=record.notice_language,
            recorded_at=record.recorded_at,
            created_at=record.created_at,
        )


class ConsentBook:
    """A person's consent history; the current state is the newest record per key."""

    def __init__(self, session: AsyncSession, person_id: int) -> None:
        self._session = session
        self._person_id = person_id

    async def history(self) -> list[ConsentRecord]:
        rows = await self._session.scalars(
            select(ConsentRecord)
            .where(ConsentRecord.person_id == self._person_id)
            .order_by(ConsentRecord.id)
        )
        return list(rows)

    async def current(self) -> dict[tuple[str, str | None], ConsentRecord]:
        latest: dict[tuple[str, str | None], ConsentRecord] = {}
        for record in await self.history():
            latest[(record.purpose, record.channel)] = record
        return latest

    async def given_channels(self, purpose: Purpose = CONTACT) -> list[Channel]:
        current = await self.current()
        return [
            Channel(channel)
            for (pid, channel), record in current.items()
            if pid == purpose.id and channel and record.state == ConsentState.GIVEN
        ]

    def record(
        self,
        *,
        purpose: Purpose,
        channel: Channel | None,
        state: ConsentState,
        method: ConsentMethod,
        language: str,
        at: datetime,
        recorded_at: datetime | None = None,
        notice_version: str = NOTICE_VERSION,
        notice_id: str = NOTICE_ID,
    ) -> ConsentRecord:
        record = ConsentRecord(
            record_id=str(uuid.uuid4()),
            person_id=self._person_id,
            purpose=purpose.id,
            channel=channel.value if channel else None,
            notice_id=notice_id,
            notice_version=notice_version,
            notice_language=language,
            method=method.value,
            state=state.value,
            recorded_at=recorded_at or at,
            created_at=at,
        )
        self._session.add(record)
        return record


def decision_text(record: ConsentRecord | Decision, current: Channel | None = None) -> Text:
    """One line of a receipt or of "my consents", for a person reading on `current`."""
    purpose = PURPOSES[record.purpose]
    if record.channel is None and purpose is not CONTACT:
        # TRANSLATORS: one consent that is not about a channel, e.g. "letters to agencies
        # about your data: yes (since …)".
        return t(
            "{purpose}: {state} (since {date}; privacy information from {version})",
            purpose=purpose.name,
            state=STATE_NAMES[ConsentState(record.state)],
            date=record.recorded_at.date(),
            version=record.notice_version,
        )
    channel = (
        channel_name(Channel(record.channel), current) if record.channel else t("all channels")
    )
    # TRANSLATORS: {version} is the date of the privacy information the person was shown.
    return t(
        "Contact by {channel} for {purpose}: {state} (since {date}; privacy information from "
        "{version})",
        purpose=purpose.name,
        channel=channel,
        state=STATE_NAMES[ConsentState(record.state)],
        date=record.recorded_at.date(),
        version=record.notice_version,
    )


def decisions_in_short(
    records: Sequence[ConsentRecord | Decision], current: Channel | None
) -> Text:
    """ "SMS (like this message): yes, WhatsApp: no", one line for an SMS."""
    return listed(
        [
            t(
                "{channel}: {state}",
                channel=channel_name(Channel(r.channel), current)
                if r.channel
                else t("all channels")
                if r.purpose == CONTACT.id
                else PURPOSES[r.purpose].name,
                state=STATE_NAMES[ConsentState(r.state)],
            )
            for r in records
        ]
    )


def receipt(changed: Sequence[ConsentRecord | Decision], current: Channel | None = None) -> Reply:
    """The message a person gets whenever their consent changes. By SMS it is one short
    line per receipt (date, each channel yes or no): three segments at most."""
    if current is Channel.SMS:
        # TRANSLATORS: a consent receipt by SMS, kept short (SMS cost per segment).
        # {decisions} is a list like "WhatsApp: yes, Telegram: no". "Settings" is
        # the main menu's settings button; quote it as the language quotes.
        short = t(
            "Receipt of {date}: {decisions}. You can change this at any time: write “{menu}”, "
            "then choose “Settings”.",
            date=max(record.recorded_at for record in changed).date(),
            decisions=decisions_in_short(changed, current),
            menu=Keyword("keyword-menu"),
        )
        return Reply(texts=(short,), important=True)
    lines = [
        tn(
            "Confirmation: we have saved {n} answer.",
            "Confirmation: we have saved {n} answers.",
            len(changed),
        ),
        *(decision_text(record, current) for record in changed),
        t(
            "You can change this at any time: write “{menu}” and choose “Settings”. "
            "Saying no later is as easy as saying yes.",
            menu=Keyword("keyword-menu"),
        ),
    ]
    return Reply(texts=tuple(lines), important=True)


#: How a person changes or withdraws a consent, in their language in the export.
WITHDRAWAL = t(
    "To change or withdraw a consent, write “{menu}” to Lotse and choose “Settings”. "
    "You can do this at any time.",
    menu=Keyword("keyword-menu"),
)


def export(
    records: Iterable[ConsentRecord],
    *,
    subject: str,
    controller: str,
    retention_days: int,
    translator: Translator,
) -> dict[str, Any]:
    """The person's consent records as JSON, after ISO/IEC TS 27560's fields. Keys and
    codes stay the same in every language; the sentences (`retention`,
    `withdrawal_method`, each record's `summary`) are in the translator's language."""
    retention = tn(
        "If you do not write to us for {n} day, we delete everything.",
        "If you do not write to us for {n} days, we delete everything.",
        retention_days,
    )
    return {
        "schema_version": SCHEMA_VERSION,
        "language": translator.lang,
        "data_subject": subject,
        "controller": {"name": controller, "jurisdiction": "DE"},
        "storage_location": "DE",
        "retention_period": f"P{retention_days}D",
        "retention": translator.text(retention),
        "withdrawal_method": translator.text(WITHDRAWAL),
        "records": [
            {
                "record_id": r.record_id,
                "purpose": r.purpose,
                "personal_data_categories": list(PURPOSES[r.purpose].data_categories),
                "channel": r.channel,
                "notice": {
                    "id": r.notice_id,
                    "version": r.notice_version,
                    "language": r.notice_language,
                },
                "method": r.method,
                "state": r.state,
                "timestamp": r.recorded_at.isoformat(),
                "stored_at": r.created_at.isoformat(),
                "summary": translator.text(decision_text(r)),
            }
            for r in records
        ],
    }
