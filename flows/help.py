"""Help: how to use Lotse, the words that always work, and who to ask."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.conversation import Context, Input, Step
from bot.kernel.types import Channel, Keyword, Reply, t
from flows.common import go

NAME = "help"


class Help:
    name = NAME

    async def enter(self, ctx: Context, data: Mapping[str, Any]) -> Step:
        return go("menu", self.prompt(ctx, "show", data))

    def prompt(self, ctx: Context, step: str, data: Mapping[str, Any]) -> Reply:
        if ctx.channel is Channel.SMS:
            # TRANSLATORS: help by SMS, kept short (SMS cost per segment); quote the
            # keywords as the language quotes.
            short = t(
                "Help: reply with the number of a choice. Write “{menu}” for the main menu, "
                "“{language}” to change the language. Lotse is run by {operator}: {contact}.",
                menu=Keyword("keyword-menu"),
                language=Keyword("keyword-language"),
                operator=ctx.operator.name,
                contact=ctx.operator.contact,
            )
            return Reply((short,))
        return Reply(
            (
                t("Help: choose one of the buttons, or write the number of a choice."),
                t(
                    "These words work at any time: “{menu}” for the main menu, “{language}” to "
                    "change the language, “{help}” for this help.",
                    menu=Keyword("keyword-menu"),
                    language=Keyword("keyword-language"),
                    help=Keyword("keyword-help"),
                ),
                t(
                    "Lotse is run by {operator}. Contact: {contact}.",
                    operator=ctx.operator.name,
                    contact=ctx.operator.contact,
                ),
            )
        )

    async def handle(
        self, ctx: Context, step: str, data: Mapping[str, Any], given: Input
    ) -> Step | None:
        return None
