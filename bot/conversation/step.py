"""Running a flow step: the flow's context and input, hand-overs, the apology after an error."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.conversation.context import StepContext
from bot.conversation.flow import Context, Input, Operator, Router, Step
from bot.conversation.scope import Ports
from bot.db.models import Contact, Conversation, Person
from bot.i18n import Catalogs, fold
from bot.kernel.crypto import Vault
from bot.kernel.types import InboundMessage

#: A guard against flows handing over to each other in a circle.
MAX_HANDOVERS = 8


def read_input(message: InboundMessage, conversation: Conversation) -> Input:
    """Typed text that names an offered choice (by number or label) becomes that choice."""
    choice = message.choice
    if choice is None and message.text and conversation.offered:
        choice = _match_choice(message.text, conversation)
    return Input(
        text=message.text,
        choice=choice,
        start=message.start,
        payload=message.payload,
        unsupported=message.unsupported,
    )


def _match_choice(text: str, conversation: Conversation) -> str | None:
    folded = fold(text)
    offered = conversation.offered
    if folded.isdigit() and 1 <= int(folded) <= len(offered):
        return offered[int(folded) - 1]
    labels: Mapping[str, str] = conversation.data.get("_labels", {})
    for choice_id in offered:
        if fold(labels.get(choice_id, "")) == folded and folded:
            return choice_id
    return None


class StepRunner:
    """Asks the flows for the next step; writes nothing itself (see bot.conversation.state)."""

    def __init__(
        self,
        *,
        router: Router,
        catalogs: Catalogs,
        settings: Settings,
        vault: Vault,
        operator: Operator,
        ports: Ports | None = None,
    ) -> None:
        self._router = router
        # The router's ports, and those the runtime wires from features above (MyData).
        self._ports: Ports = {**router.ports, **(ports or {})}
        self._catalogs = catalogs
        self._settings = settings
        self._vault = vault
        self._operator = operator

    def context(
        self,
        session: AsyncSession,
        person: Person,
        contact: Contact,
        conversation: Conversation,
        message: InboundMessage,
        now: datetime,
    ) -> StepContext:
        return StepContext(
            session=session,
            person=person,
            contact=contact,
            conversation=conversation,
            settings=self._settings,
            operator=self._operator,
            now=now,
            catalogs=self._catalogs,
            vault=self._vault,
            ports=self._ports,
            language_hints=message.language_hints,
            client=message.client,
            address=message.address,
        )

    async def step(
        self, ctx: Context, conversation: Conversation, given: Input, now: datetime
    ) -> Step:
        router = self._router
        if given.start or not conversation.flow:
            first = router.first_step(ctx, given)
            if first is not None:
                return await self._resolve(ctx, first)
        intercepted = router.intercept(ctx, given)
        if intercepted is not None:
            return await self._resolve(ctx, intercepted)
        timeout = timedelta(minutes=self._settings.conversation_timeout_minutes)
        if now - conversation.updated_at > timeout:
            return await self._resolve(ctx, router.timed_out(ctx))
        data = {k: v for k, v in conversation.data.items() if not k.startswith("_")}
        if given.choice is not None and given.choice not in conversation.offered:
            given = Input(text=given.text, start=given.start, payload=given.payload)
        flow = router.flow(conversation.flow)
        step = await flow.handle(ctx, conversation.step, data, given)
        if step is None:
            step = router.not_understood(ctx, conversation.flow, conversation.step, data)
        return await self._resolve(ctx, step)

    async def apology(self, ctx: Context) -> Step:
        """After a flow raised: apologise and go somewhere safe."""
        return await self._resolve(ctx, self._router.failed(ctx))

    async def _resolve(self, ctx: Context, step: Step) -> Step:
        """Follow hand-overs (`step=None`) until a flow is waiting for input."""
        replies = list(step.replies)
        for _ in range(MAX_HANDOVERS):
            if step.step is not None or ctx.erased:
                return Step(tuple(replies), step.flow, step.step, step.data)
            step = await self._router.flow(step.flow).enter(ctx, step.data)
            replies.extend(step.replies)
        raise RuntimeError(f"flows handed over more than {MAX_HANDOVERS} times")
