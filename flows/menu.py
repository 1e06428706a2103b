"""The main menu. A feature adds its entry here when it exists, and only then."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from bot.conversation import Context, Input, Step
from bot.kernel.types import Choice, Reply, Text, t
from flows.common import go

NAME = "menu"


@dataclass(frozen=True, slots=True)
class Entry:
    flow: str
    label: Text
    shown: Callable[[Context], bool] = lambda ctx: True


ENTRIES: tuple[Entry, ...] = (
    Entry("advice", t("Find advice")),
    Entry("settings", t("Settings: language, contact, consent")),
    Entry("my_consents", t("My consents")),
    Entry("my_data", t("My data")),
    Entry("delete", t("Delete my data")),
    Entry("help", t("Help")),
)


class Menu:
    name = NAME

    def __init__(self, entries: tuple[Entry, ...] = ENTRIES) -> None:
        self._entries = entries

    async def enter(self, ctx: Context, data: Mapping[str, Any]) -> Step:
        return Step((self.prompt(ctx, "choose", data),), NAME, "choose", {})

    def prompt(self, ctx: Context, step: str, data: Mapping[str, Any]) -> Reply:
        return Reply(
            (t("Main menu. What would you like to do?"),),
            tuple(Choice(e.flow, e.label) for e in self._entries if e.shown(ctx)),
        )

    async def handle(
        self, ctx: Context, step: str, data: Mapping[str, Any], given: Input
    ) -> Step | None:
        for entry in self._entries:
            if given.choice == entry.flow and entry.shown(ctx):
                return go(entry.flow)
        return None
