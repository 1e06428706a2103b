"""The SMS tour (bot/cli/sms_tour.py) through "Find advice", on the demo directory: the
intro and the topics, both questions, a bad postcode, three services (Pashto: asked for
a second language first); then a topic no
demo service advises on in some languages (French, Pashto, Somali, Tigrinya: they are
asked for a second language), "not sure" and no postcode. What the demo cannot reach in
every language (the second-language question, no service at all, an empty directory)
is listed by `listed`."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from adapters.twilio import TwilioSmsAdapter
from bot.conversation import Operator
from bot.kernel.types import Channel, OutboundMessage, RenderedChoice
from bot.messaging import rendered_text
from bot.runtime import Services
from flows import advice_words as words
from flows.advice import AdviceFlow


async def advice(person: Any) -> None:
    """From the main menu back to the main menu; `person` is the tour's `_Person`."""
    choose, say = person.choose, person.say
    await choose("advice: intro, topics", "advice")
    await choose("advice: age question", "topic:family")
    await choose("advice: situation question", "age:27+")
    await choose("advice: postcode question", "situation:asylum")
    await say("advice: a bad postcode", "1234")
    await say("advice: three services, or a second language asked", "12345")
    await _second_language(person)
    if any(choice.startswith("handoff:") for choice in person.offered):
        await _handoff(person)
        await choose("advice: intro, topics", "advice")
    else:
        await choose("advice: the topics again", "topics")
    await choose("advice: age question", "topic:money")
    await choose("advice: situation question", "unsure")
    await choose("advice: postcode question", "unsure")
    await choose("advice: services, or a second language asked", "skip")
    await _second_language(person)
    await choose("advice: back to the main menu", "back")


async def _handoff(person: Any) -> None:
    """A service that takes requests through Lotse was shown: ask it to contact the
    person, sharing their language and a description; then withdraw in "My consents".
    Ends in the main menu."""
    choose, say = person.choose, person.say
    await choose("hand-off: what may be shared", "handoff:")
    await choose("hand-off: nothing chosen yet", "send")
    await choose("hand-off: a field ticked", "field:language")
    await choose("hand-off: the description asked", "field:description")
    await say("hand-off: special categories asked", "Meine Aufenthaltserlaubnis läuft ab")
    await choose("hand-off: description ticked", "agree")
    await choose("hand-off: the summary", "send")
    await choose("hand-off: sent", "send")
    await choose("hand-off: back to the main menu", "back")
    await choose("hand-off: my consents", "my_consents")
    await choose("hand-off: withdraw?", "withdraw:")
    await choose("hand-off: withdrawn", "yes")


async def _second_language(person: Any) -> None:
    """No service speaks the person's language (Pashto always): the first one offered."""
    if person.offered and person.offered[0].startswith("lang:"):
        await person.choose("advice: services in the second language", "lang:")


def listed(
    services: Services, sms: TwilioSmsAdapter, lang: str, operator: Operator
) -> Iterator[tuple[str, str]]:
    """The steps the demo reaches only in some languages, or not at all: where, and the
    text as it goes out by SMS."""
    translator = services.catalogs[lang]
    flow = AdviceFlow()
    view = _SmsView(lang, operator)
    # Every language Lotse speaks and a few more: the longest list a directory may have.
    others = ["ar", "ckb", "de", "en", "fa", "fr", "ku", "ru", "so", "ti", "tr", "uk"]
    state = {"topic": "work", "languages": [code for code in others if code != lang]}
    asked = flow.ask_language(view, state, state["languages"])  # type: ignore[arg-type]
    nothing = flow.done(view, *flow.with_help(view, words.NOTHING))  # type: ignore[arg-type]
    empty = flow.with_help(view, words.EMPTY)  # type: ignore[arg-type]
    replies = {
        "advice: none speaks the language, the question": asked.replies[0],
        "advice: the languages, 0 for none": asked.replies[1],
        "advice: no service fits": nothing.replies[0],
        "advice: who can help instead": nothing.replies[1],
        "advice: no service fits, what next": nothing.replies[2],
        "advice: an empty directory": empty[0],
    }
    for where, reply in replies.items():
        rendered = translator.reply(reply)
        choices = tuple(RenderedChoice(*choice) for choice in rendered.choices)
        message = OutboundMessage(0, Channel.SMS, "", rendered.text, choices, lang)
        yield where, rendered_text(message, sms.capabilities, services.catalogs)


class _SmsView:
    """What the flow's replies read of their Context: the channel, the language, and
    who runs this Lotse."""

    channel = Channel.SMS

    def __init__(self, lang: str, operator: Operator) -> None:
        self.lang, self.operator = lang, operator
