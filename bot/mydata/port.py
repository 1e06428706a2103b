""" "My data" for the flows: the `MyData` port, bound to the person of one step."""

from __future__ import annotations

from collections.abc import Callable

from bot.audit import AccessPage, UnknownCursor, access_history
from bot.config import Settings
from bot.conversation import MyData, StepScope
from bot.mydata.inventory import inventory
from bot.mydata.items import Inventory


class MyDataReader(MyData):
    """Reads only the step's own person: a flow cannot name anyone else."""

    __slots__ = ("__scope", "__settings")

    def __init__(self, scope: StepScope, settings: Settings) -> None:
        self.__scope = scope
        self.__settings = settings

    async def inventory(self) -> Inventory:
        scope = self.__scope
        return await inventory(scope.session, scope.person_id, self.__settings, scope.now)

    async def history(self, before: int | None, limit: int) -> AccessPage | None:
        scope = self.__scope
        try:
            return await access_history(
                scope.session, scope.person_id, before_id=before, limit=limit
            )
        except UnknownCursor:
            return None


def my_data_port(settings: Settings) -> Callable[[StepScope], MyData]:
    """The factory the runtime lists among the engine's ports under `MyData`."""
    return lambda scope: MyDataReader(scope, settings)
