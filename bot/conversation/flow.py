"""What a conversation flow is, and the context the engine hands it.

A flow is a set of named steps. Given the conversation state and one input, it
returns the next state and its replies; it never talks to a provider and never
formats for a channel. Side effects on the person (language, consent, erasure)
go through the `Context`, inside the engine's one transaction. The `Context` holds
plain values and domain methods only: the transaction stays with the engine's
implementation (bot/conversation/context.py), which writes back what changed.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Protocol, TypeVar

from bot.config import Settings
from bot.consent import Decision
from bot.conversation.scope import Ports
from bot.i18n import Catalogs
from bot.kernel.postal import AddressChange, MaskedAddress
from bot.kernel.types import Channel, ConsentState, Reply, Text

T = TypeVar("T")


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


@dataclass(frozen=True, slots=True)
class PersonView:
    """What a flow may read and change on a person (through the `Context`'s methods).

    The engine compares it before and after a step and writes it back only if it changed.
    """

    language: str | None
    channel_ranking: tuple[str, ...]
    onboarded_at: datetime | None


@dataclass(frozen=True, slots=True)
class ConversationView:
    """Where the conversation stood before this step (flows return the next state)."""

    flow: str
    step: str
    #: The flow's own data (the engine's bookkeeping left out).
    data: Mapping[str, Any]


class Context(ABC):
    """The person, their channel, and the effects a flow may cause."""

    def __init__(
        self,
        *,
        person: PersonView,
        conversation: ConversationView,
        channel: Channel,
        opted_out_at: datetime | None,
        settings: Settings,
        operator: Operator,
        now: datetime,
        catalogs: Catalogs,
        language_hints: Sequence[str] = (),
    ) -> None:
        self.settings = settings
        self.operator = operator
        self.now = now
        self.language_hints = tuple(language_hints)
        self._catalogs = catalogs
        self._person = person
        self._conversation = conversation
        self._channel = channel
        self._opted_out_at = opted_out_at
        self._erased = False

    # -- reading ------------------------------------------------------------

    @property
    def person(self) -> PersonView:
        return self._person

    @property
    def conversation(self) -> ConversationView:
        return self._conversation

    @property
    def channel(self) -> Channel:
        return self._channel

    @property
    def lang(self) -> str:
        return self._person.language or self.settings.default_language

    @property
    def opted_out(self) -> bool:
        return self._opted_out_at is not None

    @property
    def erased(self) -> bool:
        return self._erased

    def every_language(self, text: Text) -> list[tuple[str, str]]:
        """(language, translation) of one text in every language, each translation once:
        for people whose language is not known yet."""
        seen: dict[str, str] = {}
        for lang, translator in self._catalogs.all().items():
            seen.setdefault(translator.text(text), lang)
        return [(lang, shown) for shown, lang in seen.items()]

    # -- the person ---------------------------------------------------------

    def set_language(self, lang: str) -> None:
        self._person = replace(self._person, language=lang)

    def rank_channels(self, channels: Iterable[Channel | str]) -> None:
        """The ways of contact in the order the person prefers them (consented ones only)."""
        ranking = tuple(Channel(c).value for c in channels)
        self._person = replace(self._person, channel_ranking=ranking)

    def mark_onboarded(self) -> None:
        self._person = replace(self._person, onboarded_at=self.now)

    # -- this channel -------------------------------------------------------

    def opt_out(self) -> None:
        """The person said STOP on this channel: withdraw consent, send nothing more."""
        self._opted_out_at = self.now
        self.record_consent(self.channel, ConsentState.WITHDRAWN)

    def opt_in(self) -> None:
        """The person said START on this channel after STOP."""
        self._opted_out_at = None
        self.record_consent(self.channel, ConsentState.GIVEN)

    # -- effects in the engine's transaction -----------------------------------

    @abstractmethod
    def record_consent(self, channel: Channel, state: ConsentState) -> Decision:
        """The person's own answer, given here in the chat, to contact by `channel`."""

    @abstractmethod
    def record_office_consent(
        self, channel: Channel, *, language: str, recorded_at: datetime, notice_version: str
    ) -> Decision:
        """Consent to contact by `channel` that an office recorded (with its own notice)."""

    @abstractmethod
    async def consent_history(self) -> list[Decision]:
        """Every consent decision of the person, oldest first."""

    @abstractmethod
    async def current_consents(self) -> dict[tuple[str, str | None], Decision]:
        """The newest decision per purpose and channel."""

    @abstractmethod
    async def given_channels(self) -> list[Channel]:
        """The channels the person agreed to be contacted by, now."""

    @abstractmethod
    async def forget_postal_address(self) -> None:
        """Delete the postal address kept for letters (it serves no other purpose)."""

    @abstractmethod
    async def letter_address(self) -> MaskedAddress | None:
        """The postal address kept for letters, masked; None when none is kept."""

    @abstractmethod
    async def correct_letter_address(self, change: AddressChange) -> MaskedAddress | None:
        """The person's own correction of their address for letters, the new address
        masked; None when none is kept, or when the new one is exactly another person's
        letter address (two people's letters cannot share one contact)."""

    @abstractmethod
    async def erase(self) -> None:
        """Erase the person; only the goodbye on this contact is still sent."""

    @abstractmethod
    def port(self, kind: type[T]) -> T:
        """A feature above the conversation package, bound to this step (see `StepScope`)."""


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

    @property
    def ports(self) -> Ports:
        """The features above this package the flows use (see bot/conversation/scope.py)."""
        ...

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
