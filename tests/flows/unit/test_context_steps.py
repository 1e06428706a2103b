"""The Context a flow gets: plain views, changes through methods, no session to reach."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from bot.conversation import Context, ConversationView, PersonView
from bot.db.models import Base
from bot.kernel.types import Channel
from flows.onboarding import Onboarding
from tests.support.steps import Bench


async def test_a_flow_reaches_no_session_and_no_row(bench: Bench) -> None:
    seen: list[object] = []

    async def look(ctx: Context) -> None:
        seen.extend(getattr(ctx, name) for name in dir(ctx) if not name.startswith("_"))

    await bench.person().step(look)
    assert seen and not any(isinstance(value, AsyncSession | Base) for value in seen)


async def test_changes_are_written_back_after_the_step(bench: Bench) -> None:
    async def change(ctx: Context) -> None:
        assert ctx.person == PersonView(None, (), None)
        ctx.set_language("tr")
        ctx.rank_channels([Channel.SMS, "webchat"])
        ctx.mark_onboarded()
        assert ctx.lang == "tr" and ctx.person.channel_ranking == ("sms", "webchat")

    someone = bench.person()
    await someone.step(change)
    assert await someone.view() == PersonView("tr", ("sms", "webchat"), bench.clock())


async def test_the_conversation_is_seen_as_it_was_without_the_engines_notes(
    bench: Bench,
) -> None:
    someone = bench.person()
    await someone.enter(Onboarding())  # the engine also keeps the offered labels

    async def conversation(ctx: Context) -> ConversationView:
        return ctx.conversation

    seen = await someone.read(conversation)
    assert (seen.flow, seen.step, dict(seen.data)) == ("onboarding", "welcome", {})


async def test_unknown_channels_and_ports_are_refused(bench: Bench) -> None:
    async def rank(ctx: Context) -> None:
        ctx.rank_channels(["pigeon"])

    async def port(ctx: Context) -> None:
        ctx.port(Bench)

    someone = bench.person()
    with pytest.raises(ValueError, match="pigeon"):
        await someone.step(rank)
    with pytest.raises(KeyError):
        await someone.step(port)
