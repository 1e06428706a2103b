"""The lease sweep: settling rows whose sender died (or stalled) while they were `sending`.

A claim gives a row a lease (`next_attempt_at`); each mark renews it
(bot.messaging.marks). When it runs out while the row is still `sending`:

- No call under way (`part_started` is null): the row was claimed but its send never
  began, or it waited for its next part's turn. It is queued again at once, as if
  never claimed (the attempt its claim counted is undone), and resumes at
  `parts_done`. Any channel: nothing of it can be at the provider unrecorded.
- Part N started: that part's provider call was under way, so whether it arrived is
  unknown. It is never sent again (at most once per part), and the row keeps why
  (`error`, `uncertain_part`). The parts after it are queued at once, so the rest
  of the message still goes out; with none left the row is `sent` if another of
  its parts is known sent, otherwise `failed`. After the rest, the person gets a
  short note in their language saying that part may not have arrived, with its
  text repeated, so the gap is never silent; no note is written about a note.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import cast

from sqlalchemy import Table, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.models import Message
from bot.i18n import Catalogs
from bot.kernel.crypto import Vault
from bot.kernel.types import (
    Channel,
    Direction,
    OutboundMessage,
    OutboxStatus,
    RenderedChoice,
    Text,
    t,
)
from bot.messaging.body import decode_body
from bot.messaging.channel import ChannelAdapter
from bot.messaging.queue import Outgoing, enqueue
from bot.messaging.render import render

log = logging.getLogger(__name__)

MESSAGES = cast(Table, Message.__table__)

#: A single-part message whose only provider call was interrupted.
INTERRUPTED = "interrupted mid-send: delivery unknown, not sent again to avoid a duplicate"
NEVER_STARTED = "lease expired before the send started: queued again"


def note_header(part: int, total: int) -> Text:
    """The note's first line, for part `part` (from 0) of `total`."""
    if total == 1:
        # TRANSLATORS: Sent after a technical fault interrupted a message; the
        # message's text follows below this sentence.
        return t(
            "A technical fault interrupted one of our earlier messages: it may not "
            "have arrived. Here it is again, just in case:"
        )
    # TRANSLATORS: Sent after a technical fault interrupted one part of a message
    # that went out as several SMS (or chat messages); that part's text follows.
    return t(
        "A technical fault interrupted one of our earlier messages: part {part} of "
        "{total} may not have arrived. Here it is again, just in case:",
        part=part + 1,
        total=total,
    )


def interrupted(part: int, total: int) -> str:
    """The reason kept with a row whose part `part` (from 0) became uncertain."""
    if total == 1:
        return INTERRUPTED
    return f"part {part + 1} of {total} interrupted mid-send: delivery unknown, not sent again"


class LeaseSweep:
    """Settles expired `sending` rows (see above); run by every dispatcher now and then."""

    def __init__(
        self,
        *,
        sessionmaker: async_sessionmaker[AsyncSession],
        adapters: Mapping[Channel, ChannelAdapter],
        vault: Vault,
        catalogs: Catalogs,
        postgres: bool,
        clock: Callable[[], datetime],
    ) -> None:
        self._sessionmaker = sessionmaker
        self._adapters = adapters
        self._vault = vault
        self._catalogs = catalogs
        self._postgres = postgres
        self._clock = clock

    async def __call__(self) -> int:
        """Settle what expired; how many rows."""
        now = self._clock()
        expired = (
            MESSAGES.c.direction == Direction.OUT.value,
            MESSAGES.c.status == OutboxStatus.SENDING.value,
            MESSAGES.c.next_attempt_at < now,
        )
        async with self._sessionmaker() as session, session.begin():
            requeued = await session.execute(
                update(MESSAGES)
                .where(*expired, MESSAGES.c.part_started.is_(None))
                .values(
                    status=OutboxStatus.QUEUED.value,
                    attempts=MESSAGES.c.attempts - 1,
                    next_attempt_at=now,
                    error=NEVER_STARTED,
                )
            )
            # Only channels this process can render: the note repeats the part's text.
            started = select(Message).where(
                *expired,
                MESSAGES.c.part_started.is_not(None),
                MESSAGES.c.channel.in_([c.value for c in self._adapters]),
            )
            if self._postgres:  # two sweeping processes never settle (and note) one row twice
                started = started.with_for_update(skip_locked=True)
            rows = list(await session.scalars(started.order_by(Message.id)))
            for message in rows:
                await self._uncertain(session, message, now)
        never_started = int(getattr(requeued, "rowcount", 0) or 0)
        if never_started:
            log.warning("queued %d claimed rows again whose send never started", never_started)
        if rows:
            log.warning("settled %d rows interrupted mid-send", len(rows))
        return never_started + len(rows)

    async def _uncertain(self, session: AsyncSession, message: Message, now: datetime) -> None:
        """Part `part_started` of the row may or may not have arrived: never again."""
        part = message.part_started
        assert part is not None
        total = max(message.parts_total or 1, part + 1)
        # Parts before this one are done; those known sent exclude one already uncertain.
        known_sent = part - (message.uncertain_part is not None) > 0
        values: dict[str, object] = {
            "uncertain_part": part if message.uncertain_part is None else message.uncertain_part,
            "parts_done": part + 1,
            "part_started": None,
            "error": interrupted(part, total),
        }
        if part + 1 < total:
            values.update(status=OutboxStatus.QUEUED.value, next_attempt_at=now)
        elif known_sent:
            values.update(status=OutboxStatus.SENT.value, next_attempt_at=None, sent_at=now)
        else:
            values.update(status=OutboxStatus.FAILED.value, next_attempt_at=None)
        await session.execute(
            update(MESSAGES)
            .where(MESSAGES.c.id == message.id, MESSAGES.c.part_started == part)
            .values(values)
        )
        await self._note(session, message, part, total, now)

    async def _note(
        self, session: AsyncSession, message: Message, part: int, total: int, now: datetime
    ) -> None:
        """Queue the note after the rest of the message (a later row of the same contact)."""
        if message.body_enc is None:
            return  # purged: nothing left to repeat
        body = decode_body(self._vault, message.body_enc)
        if body.get("note_of") is not None:
            return  # a note about a note could go on for ever
        channel = Channel(message.channel)
        rendered = render(  # as the sender rendered it (bot.messaging.claim)
            OutboundMessage(
                id=message.id,
                channel=channel,
                address="",
                text=body["text"],
                choices=tuple(RenderedChoice(c[0], c[1]) for c in body.get("choices", [])),
                lang=message.lang or "",
            ),
            self._adapters[channel].capabilities,
            self._catalogs,
        )
        # The text as it went out, choices written in when the channel has no buttons.
        repeated = rendered[part].text if part < len(rendered) else ""
        lang = message.lang if message.lang and message.lang in self._catalogs.all() else "en"
        header = self._catalogs[lang].text(note_header(part, total))
        note = Outgoing(
            person_id=message.person_id,
            contact_id=message.contact_id,
            channel=message.channel,
            lang=message.lang,
            text=f"{header}\n\n{repeated}".strip(),
            # A note about the opt-out confirmation may reach the opted-out person too.
            opt_out_notice=bool(body.get("opt_out_notice")),
            note_of=message.id,
        )
        await enqueue(session, self._vault, note, now)
