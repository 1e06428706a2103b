"""Help: how to use Lotse, the words that always work, who runs it; then the menu."""

from __future__ import annotations

from bot.conversation import Input
from bot.kernel.types import Keyword
from flows.help import Help
from tests.support.steps import OPERATOR, Bench, msgids

FLOW = Help()


async def test_help_explains_and_hands_over_to_the_menu(bench: Bench) -> None:
    step = await bench.person().enter(FLOW)
    assert (step.flow, step.step) == ("menu", None)
    [reply] = step.replies
    assert msgids(reply) == [
        "Help: choose one of the buttons, or write the number of a choice.",
        "These words work at any time: “{menu}” for the main menu, “{language}” to change "
        "the language, “{help}” for this help.",
        "Lotse is run by {operator}. Contact: {contact}.",
    ]
    assert reply.texts[1].params == {
        "menu": Keyword("keyword-menu"),
        "language": Keyword("keyword-language"),
        "help": Keyword("keyword-help"),
    }
    assert reply.texts[2].params == {"operator": OPERATOR.name, "contact": OPERATOR.contact}
    assert reply.choices == ()


async def test_help_waits_for_nothing(bench: Bench) -> None:
    assert await bench.person().handle(FLOW, "show", Input(choice="menu")) is None
