"""Delete my data: asked first, then everything personal goes; only the goodbye is sent."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.conversation import Context, Input
from bot.db.models import ConsentRecord, Message, Person
from bot.kernel.types import Channel, ConsentState
from flows.delete import Delete
from tests.support.steps import Bench, StepPerson, choice_ids, msgids

FLOW = Delete()


async def consenting(ctx: Context) -> None:
    ctx.record_consent(Channel.WEBCHAT, ConsentState.GIVEN)
    ctx.mark_onboarded()


async def someone_with_data(bench: Bench) -> StepPerson:
    someone = bench.person()
    await someone.step(consenting)
    return someone


async def test_it_asks_before_deleting(bench: Bench) -> None:
    step = await bench.person().enter(FLOW)
    assert (step.flow, step.step) == ("delete", "confirm")
    assert choice_ids(step.replies[0]) == ["confirm", "keep"]


async def test_keeping_deletes_nothing(bench: Bench) -> None:
    someone = await someone_with_data(bench)
    step = await someone.handle(FLOW, "confirm", Input(choice="keep"))
    assert step is not None and (step.flow, step.step) == ("menu", None)
    assert msgids(*step.replies) == ["Nothing was deleted."]
    assert await someone.person_id() is not None
    assert len(await someone.decisions()) == 1


async def test_confirming_erases_the_person_and_says_goodbye(bench: Bench) -> None:
    someone = await someone_with_data(bench)
    person_id = await someone.person_id()
    step = await someone.handle(FLOW, "confirm", Input(choice="confirm"))
    assert step is not None and (step.flow, step.step, step.data) == ("", "", {})
    [goodbye] = step.replies
    assert goodbye.important
    assert msgids(goodbye)[0].startswith("All your data has been deleted.")
    assert await someone.person_id() is None  # the contact only carries the goodbye
    async with bench.sessionmaker() as session:
        assert await session.get(Person, person_id) is None
        assert await session.scalar(select(func.count()).select_from(ConsentRecord)) == 0
        [queued] = list(await session.scalars(select(Message)))
    assert (queued.direction, queued.person_id) == ("out", None)


async def test_anything_else_is_not_understood_and_keeps_everything(bench: Bench) -> None:
    someone = await someone_with_data(bench)
    assert await someone.handle(FLOW, "confirm", Input(text="yes")) is None
    assert await someone.person_id() is not None
