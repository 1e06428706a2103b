"""Writing a step's outcome: its outbound rows, then the conversation, person and contact."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import insert, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.conversation.flow import Context, Step
from bot.conversation.tables import CONTACTS, CONVERSATIONS, MESSAGES, PERSONS
from bot.db.models import Contact, Conversation, Person
from bot.i18n import Catalogs
from bot.kernel.crypto import Vault
from bot.kernel.types import Channel, Direction, OutboxStatus, Reply
from bot.messaging import encode_body

#: Activity times are kept to this resolution; retention counts in days.
ACTIVITY_RESOLUTION = timedelta(minutes=10)


@dataclass(frozen=True, slots=True)
class PersonState:
    """What a flow may change on a person; compared to know whether to write it back."""

    language: str | None
    channel_ranking: tuple[str, ...]
    onboarded_at: datetime | None

    @classmethod
    def of(cls, person: Person) -> PersonState:
        return cls(person.language, tuple(person.channel_ranking), person.onboarded_at)


@dataclass(frozen=True, slots=True)
class ContactState:
    opted_out_at: datetime | None

    @classmethod
    def of(cls, contact: Contact) -> ContactState:
        return cls(contact.opted_out_at)


async def write_step(
    session: AsyncSession,
    ctx: Context,
    conversation: Conversation,
    step: Step,
    now: datetime,
    before: PersonState,
    before_contact: ContactState,
    *,
    catalogs: Catalogs,
    vault: Vault,
) -> None:
    """Queue the replies, then write back what changed (nothing more after an erasure)."""
    translator = catalogs[ctx.lang]
    rendered = [translator.reply(reply) for reply in step.replies]
    person_id = None if ctx.erased else ctx.person.id
    rows = [
        _outbound(vault, ctx.contact, person_id, reply, text.text, text.choices, text.lang, now)
        for reply, text in zip(step.replies, rendered, strict=True)
    ]
    if rows:
        await session.execute(insert(MESSAGES), rows)
    if ctx.erased:
        return
    last_choices = next((r.choices for r in reversed(rendered) if r.choices), None)
    labels: Mapping[str, str] = dict(last_choices or ())
    offered = [choice_id for choice_id, _ in last_choices or ()]
    if last_choices is None and (step.flow, step.step) == (
        conversation.flow,
        conversation.step,
    ):
        # Answered without asking again (e.g. STOP): the open question's choices stay valid.
        labels, offered = conversation.data.get("_labels", {}), list(conversation.offered)
    await session.execute(
        update(CONVERSATIONS)
        .where(CONVERSATIONS.c.person_id == conversation.person_id)
        .values(
            flow=step.flow,
            step=step.step or "",
            data={**step.data, "_labels": labels},
            offered=offered,
            updated_at=now,
        )
    )
    person = ctx.person
    changed = PersonState.of(person) != before
    if changed or now - person.last_active_at > ACTIVITY_RESOLUTION:
        await session.execute(
            update(PERSONS)
            .where(PERSONS.c.id == person.id)
            .values(
                language=person.language,
                channel_ranking=person.channel_ranking,
                onboarded_at=person.onboarded_at,
                last_active_at=now,
            )
        )
    await _write_contact(session, ctx.contact, now, before_contact)


async def _write_contact(
    session: AsyncSession, contact: Contact, now: datetime, before: ContactState
) -> None:
    values: dict[str, Any] = {}
    # WhatsApp's 24-hour window needs the exact time; elsewhere a coarse one will do.
    exact = contact.channel == Channel.WHATSAPP.value
    if (
        exact
        or contact.last_inbound_at is None
        or now - contact.last_inbound_at > ACTIVITY_RESOLUTION
    ):
        values["last_inbound_at"] = now
    if not contact.reachable:  # they wrote, so they can be reached again (unblocked)
        values["reachable"] = True
    if contact.opted_out_at != before.opted_out_at:
        values["opted_out_at"] = contact.opted_out_at
    if values:
        await session.execute(update(CONTACTS).where(CONTACTS.c.id == contact.id).values(**values))


def _outbound(
    vault: Vault,
    contact: Contact,
    person_id: int | None,
    reply: Reply,
    text: str,
    choices: Sequence[tuple[str, str]],
    lang: str,
    now: datetime,
) -> dict[str, Any]:
    return dict(
        person_id=person_id,
        contact_id=contact.id,
        direction=Direction.OUT.value,
        channel=contact.channel,
        status=OutboxStatus.QUEUED.value,
        body_enc=encode_body(
            vault,
            text,
            choices,
            opt_out_notice=reply.opt_out_notice,
            template=reply.template,
        ),
        lang=lang,
        important=reply.important,
        attempts=0,
        next_attempt_at=now,
        created_at=now,
    )
