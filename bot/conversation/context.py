"""The engine's `Context`: one inbound step inside the engine's one transaction.

Flows are typed against `Context` and this module is the package's own (import-linter
keeps flows out), so what a flow holds offers no session: the session, the consent book
and the scope for ports sit in name-mangled attributes only this class uses.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from types import MappingProxyType
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from bot.audit import Category
from bot.config import Settings
from bot.consent import CONTACT, OFFICE_NOTICE_ID, ConsentBook, Decision
from bot.conversation.flow import Context, ConversationView, Operator, PersonView
from bot.conversation.scope import Ports, StepScope
from bot.db.models import Contact, Conversation, Person
from bot.i18n import Catalogs
from bot.kernel.crypto import Vault
from bot.kernel.postal import AddressChange, MaskedAddress
from bot.kernel.types import Channel, ConsentMethod, ConsentState
from bot.people import (
    ErasureReason,
    erase_person,
    forget_postal_address,
    keep_postal_address,
    postal_address,
)

T = TypeVar("T")


def person_view(person: Person) -> PersonView:
    return PersonView(person.language, tuple(person.channel_ranking), person.onboarded_at)


def conversation_view(conversation: Conversation) -> ConversationView:
    data = {k: v for k, v in conversation.data.items() if not k.startswith("_")}
    return ConversationView(conversation.flow, conversation.step, MappingProxyType(data))


class StepContext(Context):
    """Built from the step's (detached) rows; they stay unchanged, so the engine compares
    them with `person` and `opted_out_at` afterwards to know what to write back."""

    def __init__(
        self,
        *,
        session: AsyncSession,
        person: Person,
        contact: Contact,
        conversation: Conversation,
        settings: Settings,
        operator: Operator,
        now: datetime,
        catalogs: Catalogs,
        vault: Vault,
        ports: Ports,
        language_hints: Sequence[str] = (),
        client: str | None = None,
        address: str | None = None,
    ) -> None:
        channel = Channel(contact.channel)
        super().__init__(
            person=person_view(person),
            conversation=conversation_view(conversation),
            channel=channel,
            opted_out_at=contact.opted_out_at,
            settings=settings,
            operator=operator,
            now=now,
            catalogs=catalogs,
            language_hints=language_hints,
        )
        self.__session = session
        self.__book = ConsentBook(session, person.id)
        self.__person_id = person.id
        self.__contact_id = contact.id
        self.__ports = ports
        self.__vault = vault
        self.__changed: dict[Category, None] = {}
        self.__scope = StepScope(
            session=session,
            vault=vault,
            person_id=person.id,
            now=now,
            channel=channel,
            address_index=contact.address_index,
            address_enc=contact.address_enc,
            client=client,
            inbound_address=address,
        )

    @property
    def opted_out_at(self) -> datetime | None:
        """For the engine's write-back (flows ask `opted_out`)."""
        return self._opted_out_at

    @property
    def changed(self) -> tuple[Category, ...]:
        """What the person changed themselves in this step besides the `person` view
        (whose changes the engine sees by comparing): for the access log."""
        return tuple(self.__changed)

    def record_consent(self, channel: Channel, state: ConsentState) -> Decision:
        self.__changed[Category.CONSENT] = None
        record = self.__book.record(
            purpose=CONTACT,
            channel=channel,
            state=state,
            method=ConsentMethod.CHAT,
            language=self.lang,
            at=self.now,
        )
        return Decision.of(record)

    def record_office_consent(
        self, channel: Channel, *, language: str, recorded_at: datetime, notice_version: str
    ) -> Decision:
        record = self.__book.record(
            purpose=CONTACT,
            channel=channel,
            state=ConsentState.GIVEN,
            method=ConsentMethod.OFFICE,
            language=language,
            at=self.now,
            recorded_at=recorded_at,
            notice_id=OFFICE_NOTICE_ID,
            notice_version=notice_version,
        )
        return Decision.of(record)

    async def consent_history(self) -> list[Decision]:
        return [Decision.of(record) for record in await self.__book.history()]

    async def current_consents(self) -> dict[tuple[str, str | None], Decision]:
        return {key: Decision.of(record) for key, record in (await self.__book.current()).items()}

    async def given_channels(self) -> list[Channel]:
        return await self.__book.given_channels()

    async def forget_postal_address(self) -> None:
        self.__changed[Category.POSTAL_ADDRESS] = None
        await forget_postal_address(self.__session, self.__person_id)

    async def letter_address(self) -> MaskedAddress | None:
        address = await postal_address(self.__session, self.__vault, self.__person_id)
        return None if address is None else MaskedAddress.of(address)

    async def correct_letter_address(self, change: AddressChange) -> MaskedAddress | None:
        address = await postal_address(self.__session, self.__vault, self.__person_id)
        if address is None:
            return None
        new = change.applied_to(address)
        if not await keep_postal_address(
            self.__session, self.__vault, self.__person_id, new, self.now
        ):
            return None
        self.__changed[Category.POSTAL_ADDRESS] = None
        if change.name:
            self.__changed[Category.NAME] = None
        return MaskedAddress.of(new)

    async def erase(self) -> None:
        await erase_person(
            self.__session,
            self.__person_id,
            now=self.now,
            reason=ErasureReason.REQUEST,
            keep_contact_id=self.__contact_id,
        )
        self._erased = True

    def port(self, kind: type[T]) -> T:
        built = self.__ports[kind](self.__scope)
        if not isinstance(built, kind):
            raise TypeError(f"the port for {kind.__name__} built a {type(built).__name__}")
        return built
