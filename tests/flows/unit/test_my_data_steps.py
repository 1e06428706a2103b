"""My data, step by step: the overview, the access history and its pages, SMS short."""

from __future__ import annotations

from datetime import timedelta

from bot.audit import Actor, Category, Concerned, record
from bot.conversation import Input
from bot.kernel.types import Channel, Reply
from flows.my_data import MyDataFlow
from tests.support.steps import Bench, StepPerson, msgids

FLOW = MyDataFlow()
HELD = "{item} Why: {why}. Kept until {date} at the latest."
LINE = "{when}: {who} ({role}) {action}. Data: {data}."


def choice_ids(reply: Reply) -> list[str]:
    return [c.id for c in reply.choices]


async def accessed(bench: Bench, someone: StepPerson, times: int) -> None:
    """The operator looked at the person's data `times` times, a minute apart."""
    person_id = await someone.person_id()
    assert person_id is not None
    async with bench.sessionmaker() as session, session.begin():
        for n in range(times):
            await record(session, Actor.operator(), "invitation.read",
                         bench.clock() - timedelta(minutes=times - n),
                         concerns=[Concerned(person_id=person_id)],
                         categories=[Category.INVITATION])  # fmt: skip


async def test_the_overview_says_why_and_until_when_for_each_item(bench: Bench) -> None:
    step = await bench.person().enter(FLOW)
    assert (step.flow, step.step) == ("my_data", "overview")
    [reply] = step.replies
    header, *items = reply.texts
    assert header.msgid == "This is what Lotse keeps about you, why, and until when:"
    assert items and all(item.msgid == HELD for item in items)
    language = items[0]
    assert language.params["item"].msgid == "Your language: {language}."
    assert language.params["why"].msgid == "needed to write to you"
    until = (bench.clock() + timedelta(days=bench.settings.retention_days)).date()
    assert language.params["date"] == until
    assert choice_ids(reply) == [
        "history",
        "holders",
        "correct",
        "export",
        "move",
        "back",
    ]


async def test_no_accesses_yet_says_so_and_since_when_the_list_is_complete(bench: Bench) -> None:
    someone = bench.person()
    await someone.enter(FLOW)
    step = await someone.handle(FLOW, "overview", Input(choice="history"))
    assert step is not None and step.step == "history"
    [reply] = step.replies
    assert msgids(reply) == [
        "No one has looked at your data yet.",
        "The list is complete since {date}.",
    ]
    assert choice_ids(reply) == ["back"]


async def test_the_history_pages_on_newest_first(bench: Bench) -> None:
    someone = bench.person()
    await someone.enter(FLOW)
    await accessed(bench, someone, 12)
    first = await someone.handle(FLOW, "overview", Input(choice="history"))
    assert first is not None
    [reply] = first.replies
    lines = [text for text in reply.texts if text.msgid == LINE]
    assert len(lines) == 10 and choice_ids(reply) == ["more", "back"]
    whens = [line.params["when"] for line in lines]
    assert whens == sorted(whens, reverse=True)
    assert {line.params["who"] for line in lines} == {"Lotse"}
    assert lines[0].params["action"].msgid == "looked at your invitation"
    rest = await someone.handle(FLOW, "history", Input(choice="more"), first.data)
    assert rest is not None
    [reply] = rest.replies
    older = [text.params["when"] for text in reply.texts if text.msgid == LINE]
    assert len(older) == 2 and max(older) < min(whens)
    assert choice_ids(reply) == ["back"] and rest.data == {"before": None}


async def test_a_cursor_of_another_person_starts_from_the_top(bench: Bench) -> None:
    mine, other = bench.person("unit-mine"), bench.person("unit-other")
    await mine.enter(FLOW)
    await other.enter(FLOW)
    await accessed(bench, mine, 2)
    await accessed(bench, other, 12)
    others = await other.handle(FLOW, "overview", Input(choice="history"))
    assert others is not None and others.data["before"] is not None
    step = await mine.handle(FLOW, "history", Input(choice="more"), others.data)
    assert step is not None
    [reply] = step.replies
    assert [t.msgid for t in reply.texts].count(LINE) == 2  # their own two, not the other's


async def test_by_sms_each_item_alone_and_the_last_three_accesses(bench: Bench) -> None:
    someone = bench.person("unit-sms", channel=Channel.SMS)
    step = await someone.enter(FLOW)
    *items, last = step.replies
    assert all(len(reply.texts) == 1 and not reply.choices for reply in items)
    assert msgids(last) == ["My data"] and choice_ids(last) == [
        "history",
        "holders",
        "correct",
        "export",
        "move",
        "back",
    ]
    await accessed(bench, someone, 5)
    step = await someone.handle(FLOW, "overview", Input(choice="history"))
    assert step is not None
    *lines, since = step.replies
    assert [msgids(line) for line in lines] == [[LINE]] * 3
    assert msgids(since) == [
        "The list is complete since {date}.",
        "Every entry is in the export of your data.",
    ]
    assert choice_ids(since) == ["export", "back"]  # no paging by SMS: the export has all
    exported = await someone.handle(FLOW, "history", Input(choice="export"))
    assert exported is not None and (exported.flow, exported.step) == ("my_data_export", None)


async def test_who_holds_my_data_starts_its_own_flow(bench: Bench) -> None:
    someone = bench.person()
    await someone.enter(FLOW)
    step = await someone.handle(FLOW, "overview", Input(choice="holders"))
    assert step is not None and (step.flow, step.step) == ("holders", None)


async def test_back_goes_to_the_main_menu(bench: Bench) -> None:
    someone = bench.person()
    await someone.enter(FLOW)
    step = await someone.handle(FLOW, "overview", Input(choice="back"))
    assert step is not None and (step.flow, step.step) == ("menu", None)
