"""How the flows fit together: where conversations begin, and the words that always work."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from bot.flow import Context, Flow, Input, Step
from bot.i18n import Catalogs, fold
from bot.types import Keyword, Reply, t
from flows.common import go

MENU = Keyword("keyword-menu")
LANGUAGE = Keyword("keyword-language")
HELP = Keyword("keyword-help")


class FlowRouter:
    def __init__(self, flows: Iterable[Flow], catalogs: Catalogs) -> None:
        self._flows = {flow.name: flow for flow in flows}
        self._keywords = {
            keyword.name: catalogs.keyword_set(keyword) for keyword in (MENU, LANGUAGE, HELP)
        }

    def flow(self, name: str) -> Flow:
        return self._flows[name]

    def _home(self, ctx: Context) -> str:
        return "menu" if ctx.person.onboarded_at else "onboarding"

    def first_step(self, ctx: Context, given: Input) -> Step | None:
        if ctx.person.onboarded_at is None:
            return go("onboarding")
        if given.start:
            return go("menu", Reply((t("Welcome back!"),)))
        return None

    def _keyword(self, given: Input) -> str | None:
        if given.choice is not None or not given.text:
            return None
        folded = fold(given.text)
        return next((name for name, words in self._keywords.items() if folded in words), None)

    def intercept(self, ctx: Context, given: Input) -> Step | None:
        keyword = self._keyword(given)
        if keyword == MENU.name:
            return go(self._home(ctx))
        if keyword == HELP.name:
            return go("help")
        if keyword == LANGUAGE.name:
            settings = self.flow("settings")
            prompt = settings.prompt(ctx, "language", {})
            return Step((prompt,), "settings", "language", {})
        return None

    def not_understood(self, ctx: Context, flow: str, step: str, data: Mapping[str, Any]) -> Step:
        apology = Reply(
            (
                t("Sorry, I did not understand that."),
                t(
                    "Please choose one of the options below. You can also write {menu} for "
                    "the main menu or {help} for help.",
                    menu=MENU,
                    help=HELP,
                ),
            )
        )
        return Step((apology, self.flow(flow).prompt(ctx, step, data)), flow, step, data)

    def timed_out(self, ctx: Context) -> Step:
        notice = t("We have not heard from you for a while, so we are starting over.")
        return go(self._home(ctx), Reply((notice,)))

    def failed(self, ctx: Context) -> Step:
        return go(
            self._home(ctx),
            Reply((t("Sorry, something went wrong on our side. Let us start again."),)),
        )
