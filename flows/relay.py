"""The relay: the person and an advice service's advisors write to each other here.

An advisor's message arrives as Lotse's own message `case-reply:<id>` (bot.cases'
`case-translate` job puts it into the inbox): it is shown — a canned reply in its
human-written version, else the advisor's German with the machine translation marked as
such, else the German with a note that no translation exists — and the conversation is
then in the relay (state: the case's id only). There the bot says nothing: every text
goes to the service. "menu" leaves (the router); a file is refused kindly; a case that
ended leaves the relay with a word saying so.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.conversation import Context, Input, Relay, Step
from bot.kernel.types import Keyword, Reply, Text, t, verbatim
from flows.common import go

NAME = "relay"
OPEN = "open"
HOME = "menu"
#: The payload of Lotse's own message that shows an advisor's message (bot.cases).
REPLY_PAYLOAD = "case-reply:"
#: The approved WhatsApp template a message from the service goes as outside the 24 hours.
TEMPLATE = "advisor-reply"
MENU = Keyword("keyword-menu")

HINT = t("To answer, just write here. Write “{menu}” to leave.", menu=MENU)
NO_TRANSLATION = t("There is no machine translation into your language yet: this is the original.")
#: TRANSLATORS: a file, photo or voice message written to the advice service.
NO_FILES = t("Files cannot be sent to the advice service yet; please write it as text.")
ENDED = t(
    "Your request to the advice service is no longer open, so your message was not passed on."
)
#: Asked to write to a service whose hand-off has ended meanwhile (a stale button).
CLOSED_NOW = t("This request to an advice service is no longer open.")
LEFT = t(
    "You have left the conversation with the advice service. Its answers will still reach you here."
)


def reply_of(payload: str | None) -> int | None:
    """The message a `case-reply:<id>` payload names; None for any other payload. It may
    be forged (a Telegram /start): the port shows only the person's own message."""
    if not payload or not payload.startswith(REPLY_PAYLOAD):
        return None
    number = payload.removeprefix(REPLY_PAYLOAD)
    return int(number) if number.isdigit() and len(number) <= 18 else None


def case_reply(given: Input) -> Step | None:
    message_id = reply_of(given.payload)
    return None if message_id is None else go(NAME, data={"message": message_id})


def written(ctx: Context, given: Input) -> Step | None:
    """What the person wrote in the relay goes to the service however long ago the
    last message was: advisors answer in hours or days, a relay never times out."""
    case_id = ctx.conversation.data.get("case")
    text = given.text
    if not isinstance(case_id, int) or given.choice is not None or not text or not text.strip():
        return None
    return go(NAME, data={"case": case_id, "text": text})


def file_refused(ctx: Context) -> Step:
    """A file, photo or voice message in the relay: not passed on, and said so."""
    return Step((Reply((NO_FILES,)),), NAME, OPEN, dict(ctx.conversation.data))


def left() -> Step:
    return go(HOME, Reply((LEFT,)))


class RelayFlow:
    name = NAME
    #: Whatever the person writes is for the service, even if it looks like a code.
    text_steps = (OPEN,)

    async def enter(self, ctx: Context, data: Mapping[str, Any]) -> Step:
        message_id = data.get("message")
        if isinstance(message_id, int):
            return await self._show(ctx, message_id)
        case_id = data.get("case")
        if not isinstance(case_id, int):
            return go(HOME)
        text = data.get("text")
        if isinstance(text, str):
            if not await ctx.port(Relay).wrote(case_id, text):
                return go(HOME, Reply((ENDED,)))
            # Nothing to say: the service answers, not the bot.
            return Step((), NAME, OPEN, {"case": case_id})
        # Chosen ("Write to them now", "My consents"): the answers come to this contact.
        if not await ctx.port(Relay).remember(case_id):
            return go(HOME, Reply((CLOSED_NOW,)))
        return Step((Reply((HINT,)),), NAME, OPEN, {"case": case_id})

    def prompt(self, ctx: Context, step: str, data: Mapping[str, Any]) -> Reply:
        return Reply((HINT,))

    async def handle(
        self, ctx: Context, step: str, data: Mapping[str, Any], given: Input
    ) -> Step | None:
        case_id = data.get("case")
        if not isinstance(case_id, int):
            return go(HOME)
        written = given.text and given.text.strip() and given.choice is None
        if written and not await ctx.port(Relay).wrote(case_id, given.text or ""):
            return go(HOME, Reply((ENDED,)))
        # Nothing to say: the service answers, not the bot.
        return Step((), NAME, OPEN, {"case": case_id})

    async def _show(self, ctx: Context, message_id: int) -> Step:
        shown = await ctx.port(Relay).message(message_id)
        if shown is None:
            return _unchanged(ctx)
        service = verbatim(shown.service_name)
        kind = str(shown.kind)
        texts: tuple[Text, ...]
        if kind == "closed":
            texts = (_closed(service),)
            return go(HOME, _marked(Reply(texts)))
        if kind == "joined":
            texts = (t("{service} has taken your request.", service=service), HINT)
        elif kind == "canned":
            texts = (_from(service), verbatim(shown.original or ""), HINT)
        elif shown.translation:
            texts = (
                _from(service),
                verbatim(shown.original or ""),
                t("Machine translation: {text}", text=verbatim(shown.translation)),
                HINT,
            )
        else:
            texts = (_from(service), verbatim(shown.original or ""), NO_TRANSLATION, HINT)
        reply = _marked(Reply(texts))
        if not shown.active:
            return go(HOME, reply)
        return Step((reply,), NAME, OPEN, {"case": shown.case_id})


def fixed(service_name: str) -> dict[str, Text]:
    """The relay's own words as each goes out (one message each), around what advisors
    write: for the SMS budget (bot/cli/sms_tour.py)."""
    service = verbatim(service_name)
    return {
        "an advisor joined": _joined(service),
        "the case was closed": _closed(service),
        "a file refused": NO_FILES,
        "a closed case's message not passed on": ENDED,
        "left the relay": LEFT,
        "no translation, and how to answer": _paragraphs(NO_TRANSLATION, HINT),
        "from whom": _from(service),
    }


def _paragraphs(*texts: Text) -> Text:
    """Paragraphs as one text, as the engine joins a reply's (for the SMS budget)."""
    params = {f"p{n}": text for n, text in enumerate(texts)}
    return Text("\n\n".join(f"{{p{n}}}" for n in range(len(texts))), params)


def _joined(service: Text) -> Text:
    return _paragraphs(t("{service} has taken your request.", service=service), HINT)


def _closed(service: Text) -> Text:
    return t("{service} has closed your request.", service=service)


def _from(service: Text) -> Text:
    return t("Message from {service}:", service=service)


def _marked(reply: Reply) -> Reply:
    """Lotse writes first: it may go as the approved template (WhatsApp) or, where this
    channel cannot deliver it, by the person's next one."""
    return Reply(reply.texts, reply.choices, important=True, template=TEMPLATE)


def _unchanged(ctx: Context) -> Step:
    """Nothing to show: the conversation stays where it was."""
    conversation = ctx.conversation
    if not conversation.flow or not conversation.step:
        return go(HOME if ctx.person.onboarded_at else "onboarding")
    return Step((), conversation.flow, conversation.step, dict(conversation.data))
