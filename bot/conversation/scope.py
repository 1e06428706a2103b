"""One step's transaction and sender, for features above this package that flows use.

A feature that needs the database but lives above the conversation package (connecting an
invitation code: `bot.invitations` may import this package, not the other way round) is
offered to flows as a *port*: a class built from a `StepScope` by the engine when a flow
asks `Context.port(Kind)`. Which ports exist is wired in with the router (`Router.ports`),
so a flow never holds the scope, and so never the session.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.kernel.crypto import Vault
from bot.kernel.types import Channel


@dataclass(frozen=True, slots=True)
class StepScope:
    """What a port may use: the step's transaction, the person, and the contact they wrote
    from. Only the engine builds one, and only a port's constructor receives it."""

    session: AsyncSession
    vault: Vault
    person_id: int
    now: datetime
    channel: Channel
    #: The contact's keyed address: one chat, one number, one web session.
    address_index: str
    #: The contact's address, encrypted (None where Lotse never writes first).
    address_enc: str | None
    #: Web chat: the client's keyed address (through trusted proxies).
    client: str | None
    #: The address the step's message came from, in clear and in memory only (for the
    #: web chat, its session token): for work that answers later in the same chat.
    inbound_address: str | None = field(default=None, repr=False)

    def address(self) -> str | None:
        """The contact's address in clear (a phone number on SMS), decrypted only when asked."""
        return self.vault.decrypt(self.address_enc) if self.address_enc else None


#: The ports flows may ask for: each kind, and how to build it for one step.
Ports = Mapping[type[Any], Callable[[StepScope], object]]


class MyData:
    """The person's own data for "My data", read for the person of one step.

    Flows may import neither `bot.mydata` nor `bot.audit`, so the runtime wires the
    implementation in (bot/runtime/services.py) and the results are duck-typed here: a
    `bot.mydata.Inventory` and a `bot.audit.AccessPage`. A plain base, not an ABC:
    `ctx.port` is given the class itself."""

    async def inventory(self) -> Any:
        """Everything Lotse holds about the person, by category, contact details masked."""
        raise NotImplementedError

    async def history(self, before: int | None, limit: int) -> Any:
        """One page of who accessed the person's data, newest first; None for a cursor
        that is not this person's (a stale or made-up one)."""
        raise NotImplementedError

    async def export(self) -> Any:
        """The person's export (everything held, contact details masked as on the screen)
        for the chat of this step, as a `bot.mydata.Issued`: a new one, or the one this
        chat asked for moments ago (`fresh` false). Its `reference` goes on the reply that
        delivers it; on SMS and WhatsApp its `link` is the short link."""
        raise NotImplementedError


class Advice:
    """The advice directory (bot.advice) for "Find advice", read for one step. Flows may
    not import bot.advice (it reads the database), so the values are its words as strings
    (`Topic`, `AgeGroup`, `holders.Situation`, language codes) and the results are
    duck-typed `bot.advice` objects. Nothing the person answers is stored."""

    async def topics(self) -> Any:
        """The topics (`Topic` values) at least one service advises on, in the
        taxonomy's order; every topic when a general service exists."""
        raise NotImplementedError

    async def questions(self, topic: str) -> Any:
        """The eligibility questions worth asking for `topic`: a tuple of "age" and
        "situation" (`bot.advice.questions`)."""
        raise NotImplementedError

    async def languages(self) -> Any:
        """The language codes some service speaks, sorted (for the second-language
        question)."""
        raise NotImplementedError

    async def find(
        self,
        *,
        topic: str,
        languages: tuple[str, ...],
        age: str | None = None,
        situation: str | None = None,
        postcode: str | None = None,
    ) -> Any:
        """Up to three fitting services, best first, as a `bot.advice.Found` (`matches`,
        `spoken`). Unknown words (a stale state) count as not answered."""
        raise NotImplementedError


class Requests:
    """Requests to data holders (bot.rights), for the person of one step: a flow can
    neither name another person nor reach another person's request (a request id that
    is not theirs answers None / False, like one that never existed).

    Results are duck-typed as for `MyData`: a `bot.rights.RequestView` and a
    `bot.rights.IssuedLetter`."""

    async def start(self, holder: str, kind: str) -> Any:
        """Record the person's consent to the purpose "requests" (the current notice
        version) and open a drafted request to `holder` of `kind`: its RequestView, or
        None for a holder or kind that does not exist (or a kind that holder does not
        take). The identity parts of the person's newest other request are carried
        over, so nothing is typed twice."""
        raise NotImplementedError

    async def view(self, request_id: int) -> Any:
        """The request as the chat may show it (holder, kind, which parts are still
        missing; never the values), or None."""
        raise NotImplementedError

    async def set_part(self, request_id: int, part: str, text: str) -> Any:
        """Save one part (a bot.rights.Part value) from what the person typed: the
        updated RequestView, or the bot.rights.Problem (nothing saved), or None for a
        request that is not the person's."""
        raise NotImplementedError

    async def use_letter_address(self, request_id: int) -> Any:
        """Take street, postcode and town from the address Lotse keeps for letters:
        the updated RequestView, or None (no kept address, or not the person's)."""
        raise NotImplementedError

    async def letter(self, request_id: int, kind: str = "request") -> Any:
        """Make one of the request's letters available on this step's channel (a
        bot.rights.LetterKind value): the request letter (a complete request only), the
        reminder (once the request is overdue) or the complaint to the supervisory
        authority (once the reminder's deadline passed, or the answer fell short): a
        bot.rights.IssuedLetter, or None (not possible now, or not the person's)."""
        raise NotImplementedError

    async def sent(self, request_id: int, on: date, by: str, letter: str = "request") -> Any:
        """The person says a letter (bot.rights.LetterKind value) went on `on`, how (a
        bot.rights.SentBy value). The request letter starts the clock (receipt estimated
        for post, the deadline computed); a reminder starts its two weeks; a complaint
        leaves the request with the authority. The updated RequestView, a
        bot.rights.Problem (nothing changed: a date in the future or before the letter
        was made, a letter its status does not allow), or None."""
        raise NotImplementedError

    async def answered(
        self, request_id: int, on: date, outcome: str, recipients_named: bool | None = None
    ) -> Any:
        """An answer came on `on` (a bot.rights.Outcome value; for a correction, whether
        it named the recipients it told). Done as asked closes the request; otherwise it
        stays answered and a complaint may follow. RequestView, Problem or None."""
        raise NotImplementedError

    async def extended(self, request_id: int, notified_on: date, reasons: bool) -> Any:
        """The holder wrote on `notified_on` that it needs two more months: valid only
        within the first month and with reasons (else a Problem, nothing changed); the
        deadline moves to three months after receipt. RequestView, Problem or None."""
        raise NotImplementedError

    async def no_answer(self, request_id: int) -> Any:
        """The person says no answer came yet: past the deadline the request is overdue
        (the reminder letter is offered), past the reminder's the complaint is; before
        the deadline Lotse asks again when it passes. RequestView or None."""
        raise NotImplementedError

    async def close(self, request_id: int) -> Any:
        """The person is done with the request: closed, erased after
        LOTSE_REQUEST_CLOSED_DAYS; nothing more is asked. RequestView or None."""
        raise NotImplementedError

    async def send_to_office(self, request_id: int) -> Any:
        """Send a complete request to the staff page of the holder's office on this
        installation (bot.holders.Holder.office): it arrives today and the clock starts.
        RequestView, or None (no such office, incomplete, already sent, not theirs)."""
        raise NotImplementedError

    async def mine(self) -> Any:
        """The person's requests, newest first: a tuple of RequestView."""
        raise NotImplementedError

    async def delete(self, request_id: int) -> bool:
        """Erase the request and everything typed for it; False if not the person's."""
        raise NotImplementedError

    async def can_post(self, request_id: int) -> bool:
        """Whether the letter can be printed and posted to the person: the operator
        offers it (LOTSE_REQUEST_POST), the request is theirs and complete, and Lotse
        keeps an address for their letters."""
        return False

    async def post(self, request_id: int) -> Any:
        """Ask for the letter printed and posted: a bot.rights.PostedLetter (when asked,
        the masked address, when printed if it was), or None when not possible. Asking
        twice changes nothing."""
        return None


class Relay:
    """The relay to an advice service (bot.cases), for the person of one step: a flow
    can reach only the person's own cases and messages (any other id answers None /
    False, like one that never existed). Results are duck-typed `bot.cases.Relayed`."""

    async def message(self, message_id: int) -> Any:
        """An advisor's message or a notice to the person, as they are shown it (the
        canned reply's human version, or the German original with its translation), or
        None when it is not the person's."""
        raise NotImplementedError

    async def wrote(self, case_id: int, text: str) -> bool:
        """The person's text passed on to the service (stored; translated later); False
        when the case is not theirs or no longer active (withdrawn, expired, closed)."""
        raise NotImplementedError

    async def remember(self, case_id: int) -> bool:
        """The service's answers come to this step's contact (the hand-off calls it:
        a web chat cannot be written to first otherwise). False when not theirs."""
        raise NotImplementedError


class Cases:
    """Hand-offs to advice services (bot.cases) for the person of one step: the flow
    names a service and the fields the person chose; the values (but the description
    they typed) are read here, never taken from the conversation's state. Results are
    duck-typed `bot.cases` objects (`Offer`, `Handoff`)."""

    async def offer(self, service_slug: str, topic: str | None = None) -> Any:
        """What could be shared with the service: a `bot.cases.Offer` (its name, which
        fields have a value for this person and those values, how long a case is kept
        and when the consent would end), or None when it takes no hand-offs."""
        raise NotImplementedError

    async def hand_off(
        self,
        service_slug: str,
        fields: tuple[str, ...],
        *,
        topic: str | None = None,
        sealed_description: str | None = None,
        special_consent: bool = False,
    ) -> Any:
        """Hand off to the service sharing exactly `fields` (bot.cases.Field values),
        the description as `seal` returned it: the new case's id, or a
        `bot.cases.Refusal` (nothing stored)."""
        raise NotImplementedError

    def seal(self, text: str) -> str:
        """What the person typed, encrypted, for the conversation's state (which is not
        encrypted) while the questions run."""
        raise NotImplementedError

    def unseal(self, sealed: str | None) -> str | None:
        """The text `seal` encrypted; None for nothing or a token that does not open."""
        raise NotImplementedError

    async def mine(self) -> Any:
        """The person's hand-offs, newest first: a tuple of `bot.cases.Handoff`."""
        raise NotImplementedError

    async def withdraw(self, case_id: int) -> bool:
        """End the hand-off at once (access and content); False if not the person's
        active one."""
        raise NotImplementedError
