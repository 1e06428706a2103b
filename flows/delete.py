"""Delete my data: confirm, erase everything personal, say goodbye."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.conversation import Context, Input, Step
from bot.kernel.types import Channel, Choice, Reply, t
from flows.common import go

NAME = "delete"
CONFIRM = Choice("confirm", t("Yes, delete everything"))
KEEP = Choice("keep", t("No, keep my data"))


class Delete:
    name = NAME

    async def enter(self, ctx: Context, data: Mapping[str, Any]) -> Step:
        return Step((self.prompt(ctx, "confirm", data),), NAME, "confirm", {})

    def prompt(self, ctx: Context, step: str, data: Mapping[str, Any]) -> Reply:
        if ctx.channel is Channel.SMS:
            # TRANSLATORS: by SMS, kept short (SMS cost per segment).
            question = t(
                "Do you really want to delete all your data and our conversation? "
                "You cannot undo this."
            )
            return Reply((question,), (CONFIRM, KEEP))
        return Reply(
            (
                t(
                    "Do you really want to delete all your data? This deletes your settings, your "
                    "answers and our conversation. You cannot undo this."
                ),
            ),
            (CONFIRM, KEEP),
        )

    async def handle(
        self, ctx: Context, step: str, data: Mapping[str, Any], given: Input
    ) -> Step | None:
        if given.choice == KEEP.id:
            return go("menu", Reply((t("Nothing was deleted."),)))
        if given.choice != CONFIRM.id:
            return None
        await ctx.erase()
        goodbye = Reply(
            (
                t(
                    "All your data has been deleted. Thank you for using Lotse. You are welcome "
                    "back at any time."
                ),
            ),
            important=True,
        )
        return Step((goodbye,), "", "", {})
