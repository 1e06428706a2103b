"""The main menu: its entries, and handing over to the chosen flow."""

from __future__ import annotations

from bot.conversation import Context, Input
from bot.kernel.types import t
from flows.menu import ENTRIES, Entry, Menu
from tests.support.steps import Bench, choice_ids, msgids

FLOW = Menu()


async def onboarded(ctx: Context) -> None:
    ctx.mark_onboarded()


async def test_the_menu_offers_every_entry(bench: Bench) -> None:
    step = await bench.person().enter(FLOW)
    assert (step.flow, step.step, step.data) == ("menu", "choose", {})
    [menu] = step.replies
    assert msgids(menu) == ["Main menu. What would you like to do?"]
    assert choice_ids(menu) == ["advice", "settings", "my_consents", "my_data", "delete", "help"]


async def test_a_choice_hands_over_to_its_flow(bench: Bench) -> None:
    someone = bench.person()
    for entry in ("advice", "settings", "my_consents", "my_data", "delete", "help"):
        step = await someone.handle(FLOW, "choose", Input(choice=entry))
        assert step is not None and (step.flow, step.step, step.replies) == (entry, None, ())


async def test_text_and_unknown_choices_are_not_understood(bench: Bench) -> None:
    someone = bench.person()
    assert await someone.handle(FLOW, "choose", Input(text="settings")) is None
    assert await someone.handle(FLOW, "choose", Input(choice="onboarding")) is None


async def test_an_entry_shown_to_some_is_taken_from_them_only(bench: Bench) -> None:
    later = Entry(
        "my_consents", t("My consents"), shown=lambda ctx: ctx.person.onboarded_at is not None
    )
    menu = Menu((ENTRIES[0], later))
    someone = bench.person()
    assert choice_ids((await someone.enter(menu)).replies[0]) == ["advice"]
    assert await someone.handle(menu, "choose", Input(choice="my_consents")) is None
    await someone.step(onboarded)
    assert choice_ids((await someone.enter(menu)).replies[0]) == ["advice", "my_consents"]
    taken = await someone.handle(menu, "choose", Input(choice="my_consents"))
    assert taken is not None and taken.flow == "my_consents"
