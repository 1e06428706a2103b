"""What a conversation flow is, and the context the engine hands it.

A flow is a set of named steps. Given the conversation state and one input, it
returns the next state and its replies; it never talks to a provider and never
formats for a channel. Side effects on the person (language, consent, erasure)
go through the `Context`, inside the engine's one transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.consent import CONTACT, ConsentBook
from bot.db.models import Contact, Conversation, Person
from bot.i18n import Catalogs
from bot.kernel.crypto import Vault
from bot.kernel.types import Channel, ConsentMethod, ConsentState, Reply, Text


@dataclass(frozen=True, slots=True)
class Input:
    """One thing the person did: picked an offered choice, or wrote text."""

    text: str | None = None
    choice: str | None = None
    #: The conversation was (re)opened, e.g. a new web chat session or /start.
    start: bool = False
    payload: str | None = None
    #: Something Lotse cannot read (a photo, a voice message).
    unsupported: bool = False


@dataclass(frozen=True, slots=True)
class Step:
    """The result of a flow step: replies and the next state.

    `step=None` means "enter `flow` from its start": the engine then asks that
    flow for its first step, so flows can hand over without knowing each other.
    """

    replies: tuple[Reply, ...]
    flow: str
    step: str | None
    data: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Operator:
    """Who runs this Lotse, as the privacy notice names them."""

    name: str
    contact: str
    privacy_contact: str


class Context:
    """The person, their channel, and the effects a flow may cause."""

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
        consents: ConsentBook,
        catalogs: Catalogs,
        language_hints: Sequence[str] = (),
        erase: Callable[[], Any],
        vault: Vault | None = None,
        client: str | None = None,
    ) -> None:
        #: For flows that read encrypted fields (an invitation's contact details).
        self.vault = vault
        self.session = session
        self.person = person
        self.contact = contact
        #: The state before this step (read only: flows return the next state).
        self.conversation = conversation
        self.settings = settings
        self.operator = operator
        self.now = now
        self.consents = consents
        self._catalogs = catalogs
        self.language_hints = tuple(language_hints)
        self._erase = erase
        self.erased = False
        #: Web chat: the client's keyed address (limits on connect codes).
        self.client = client

    @property
    def channel(self) -> Channel:
        return Channel(self.contact.channel)

    @property
    def lang(self) -> str:
        return self.person.language or self.settings.default_language

    def in_every_language(self, text: Text, separator: str = " · ") -> str:
        """One text in all languages at once, for people whose language is not known yet."""
        seen: dict[str, None] = {}
        for translator in self._catalogs.all().values():
            seen.setdefault(translator.text(text), None)
        return separator.join(seen)

    @property
    def opted_out(self) -> bool:
        return self.contact.opted_out_at is not None

    def opt_out(self) -> None:
        """The person said STOP on this channel: withdraw consent, send nothing more."""
        self.contact.opted_out_at = self.now
        self._record_channel_consent(ConsentState.WITHDRAWN)

    def opt_in(self) -> None:
        """The person said START on this channel after STOP."""
        self.contact.opted_out_at = None
        self._record_channel_consent(ConsentState.GIVEN)

    def _record_channel_consent(self, state: ConsentState) -> None:
        self.consents.record(
            purpose=CONTACT,
            channel=self.channel,
            state=state,
            method=ConsentMethod.CHAT,
            language=self.lang,
            at=self.now,
        )

    def set_language(self, lang: str) -> None:
        self.person.language = lang

    async def erase(self) -> None:
        await self._erase()
        self.erased = True


class Flow(Protocol):
    name: str

    async def enter(self, ctx: Context, data: Mapping[str, Any]) -> Step:
        """Start the flow (show its first question)."""
        ...

    def prompt(self, ctx: Context, step: str, data: Mapping[str, Any]) -> Reply:
        """The question of `step` again, e.g. after input it did not understand."""
        ...

    async def handle(
        self, ctx: Context, step: str, data: Mapping[str, Any], given: Input
    ) -> Step | None:
        """React to input; None means "not understood" and the engine explains."""
        ...


class Router(Protocol):
    """The flows of this Lotse and the rules between them (provided by `flows`)."""

    def flow(self, name: str) -> Flow: ...

    def first_step(self, ctx: Context, given: Input) -> Step | None:
        """A new or re-opened conversation: where to begin, or None to go on as usual."""
        ...

    def intercept(self, ctx: Context, given: Input) -> Step | None:
        """Keywords that work everywhere (menu, language, help)."""
        ...

    def not_understood(
        self, ctx: Context, flow: str, step: str, data: Mapping[str, Any]
    ) -> Step: ...

    def timed_out(self, ctx: Context) -> Step: ...

    def failed(self, ctx: Context) -> Step:
        """After an unexpected error: apologise and go somewhere safe."""
        ...
