""" "My data" for the flows: the `MyData` port, bound to the person of one step."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select

from bot.audit import AccessPage, UnknownCursor, access_history
from bot.config import Settings
from bot.conversation import MyData, StepScope
from bot.db.models import Contact, Municipality
from bot.i18n import Catalogs
from bot.kernel.types import Channel
from bot.mydata.export import Reveal, build_export
from bot.mydata.exports import Issued, issue
from bot.mydata.inventory import inventory
from bot.mydata.items import Inventory


class MyDataReader(MyData):
    """Reads only the step's own person: a flow cannot name anyone else."""

    __slots__ = ("__catalogs", "__scope", "__settings")

    def __init__(self, scope: StepScope, settings: Settings, catalogs: Catalogs) -> None:
        self.__scope = scope
        self.__settings = settings
        self.__catalogs = catalogs

    async def inventory(self) -> Inventory:
        scope = self.__scope
        return await inventory(scope.session, scope.person_id, self.__settings, scope.now)

    async def export(self) -> Issued:
        scope = self.__scope
        session, now = scope.session, scope.now
        contact_id = await session.scalar(
            select(Contact.id).where(
                Contact.channel == scope.channel.value,
                Contact.address_index == scope.address_index,
            )
        )
        operator = await session.scalar(select(Municipality.name).order_by(Municipality.id))
        # A number in full only to that number: the link goes to it by SMS or WhatsApp.
        to_phone = scope.channel in (Channel.SMS, Channel.WHATSAPP)
        document = await build_export(
            session, scope.person_id, settings=self.__settings, vault=scope.vault,
            catalogs=self.__catalogs, operator=operator or "", now=now,
            reveal=Reveal(phone_index=scope.address_index if to_phone else None),
        )  # fmt: skip
        assert contact_id is not None  # the step's own contact
        return await issue(
            session, scope.vault, person_id=scope.person_id, contact_id=contact_id,
            channel=scope.channel, lang=document["language"]["used"], document=document,
            settings=self.__settings, now=now,
        )  # fmt: skip

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
    catalogs = Catalogs(settings.locales_dir)  # the consent records' sentences
    return lambda scope: MyDataReader(scope, settings, catalogs)
