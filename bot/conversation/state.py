"""Writing a step's outcome: its outbound rows, then the conversation, person and contact."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.audit import Actor, Category, Concerned, record
from bot.conversation.context import StepContext, person_view
from bot.conversation.flow import Step
from bot.conversation.tables import CONTACTS, CONVERSATIONS, PERSONS
from bot.db.models import Contact, Conversation, Person
from bot.i18n import Catalogs
from bot.kernel.crypto import Vault
from bot.kernel.types import Channel
from bot.messaging import Outgoing, enqueue_many

#: Activity times are kept to this resolution; retention counts in days.
ACTIVITY_RESOLUTION = timedelta(minutes=10)


async def write_step(
    session: AsyncSession,
    ctx: StepContext,
    sender: tuple[Person, Contact, Conversation],
    step: Step,
    now: datetime,
    *,
    catalogs: Catalogs,
    vault: Vault,
    by_person: bool = True,
) -> None:
    """Queue the replies, then write back what changed (nothing more after an erasure).
    `by_person` False: Lotse continued the conversation itself (`InboundMessage.internal`),
    so the contact's activity stays as it was.

    `sender` are the rows the step began with: flows change only the context's views,
    so comparing the two tells what to write, with plain UPDATEs (no ORM flush).
    """
    person, contact, conversation = sender
    translator = catalogs[ctx.lang]
    rendered = [translator.reply(reply) for reply in step.replies]
    person_id = None if ctx.erased else person.id
    replies = [
        Outgoing(
            person_id,
            contact.id,
            contact.channel,
            text.lang,
            text.text,
            text.choices,
            opt_out_notice=reply.opt_out_notice,
            template=reply.template,
            important=reply.important,
            line_langs=text.line_langs,
            attachment=reply.attachment,
        )
        for reply, text in zip(step.replies, rendered, strict=True)
    ]
    await enqueue_many(session, vault, replies, now)
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
    await _record_own_changes(session, ctx, person, contact.channel, now)
    view = ctx.person
    if view != person_view(person) or now - person.last_active_at > ACTIVITY_RESOLUTION:
        await session.execute(
            update(PERSONS)
            .where(PERSONS.c.id == person.id)
            .values(
                language=view.language,
                channel_ranking=list(view.channel_ranking),
                onboarded_at=view.onboarded_at,
                last_active_at=now,
            )
        )
    await _write_contact(session, contact, now, ctx.opted_out_at, by_person=by_person)


#: The access log's action for a change the person made to their own data.
OWN_CHANGE = "person.change"


async def _record_own_changes(
    session: AsyncSession, ctx: StepContext, person: Person, channel: str, now: datetime
) -> None:
    """The person corrected their data (language, order of channels, consent, address):
    one access-log entry as their own action, so "Who looked at my data" shows it beside
    the offices' accesses. Not while they are still being asked for the first time."""
    if person.onboarded_at is None:
        return
    view, before = ctx.person, person_view(person)
    changed = dict.fromkeys(ctx.changed)
    if view.language != before.language:
        changed[Category.LANGUAGE] = None
    if view.channel_ranking != before.channel_ranking:
        changed[Category.CONTACT] = None
    if changed:
        await record(
            session, Actor.person(), OWN_CHANGE, now,
            concerns=[Concerned(person_id=person.id)], categories=list(changed), detail=channel,
        )  # fmt: skip


async def _write_contact(
    session: AsyncSession,
    contact: Contact,
    now: datetime,
    opted_out_at: datetime | None,
    *,
    by_person: bool,
) -> None:
    values: dict[str, Any] = {}
    # WhatsApp's 24-hour window needs the exact time; elsewhere a coarse one will do.
    exact = contact.channel == Channel.WHATSAPP.value
    if by_person and (
        exact
        or contact.last_inbound_at is None
        or now - contact.last_inbound_at > ACTIVITY_RESOLUTION
    ):
        values["last_inbound_at"] = now
    if by_person and not contact.reachable:  # they wrote: reachable again (unblocked)
        values["reachable"] = True
    if opted_out_at != contact.opted_out_at:
        values["opted_out_at"] = opted_out_at
    if values:
        await session.execute(update(CONTACTS).where(CONTACTS.c.id == contact.id).values(**values))
