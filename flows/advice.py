"""Find advice: the free advice services that fit the person, in their language.

The person picks a topic (only those some service advises on), answers at most the two
questions that can change the result for it (age group, residence situation; "not
sure" leaves a service that depends on it in, marked), and gives their postcode if
they like. Then up to three services, best first, each with how to reach it.

When no fitting service advises in the person's language, they are told so and asked
for another language they read; with none, the services are shown anyway, each saying
in which languages it advises.

The directory is reached only through the `Advice` port. The answers live only in the
conversation's state while the questions run; once the services are shown the state
is empty again. Nothing of them is stored elsewhere.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from typing import Any

from bot.conversation import Advice, Context, Input, Step
from bot.holders import Situation
from bot.kernel.types import LANGUAGE_CHOICE, Channel, Choice, Reply, Text, t
from flows import advice_words as words
from flows.advice_card import Card, native
from flows.common import go
from flows.handoff import NAME as HANDOFF
from flows.handoff import ask_choice, read_ask
from flows.handoff_words import ASK
from flows.holders import SITUATION, SITUATION_CHOICE, UNSURE, situation_choices
from flows.my_data import BACK

NAME = "advice"
#: The questions, in the order they are asked (`Advice.questions` names them).
QUESTIONS = ("age", "situation")


def read_postcode(text: str | None) -> str | None:
    """Five digits as typed (Arabic-Indic and Persian digits too, spaces ignored), or
    None when it is no German postcode."""
    if not text:
        return None
    typed = "".join(text.split())
    if not typed or not all(c.isdigit() for c in typed):
        return None
    digits = "".join(str(unicodedata.digit(c)) for c in typed)
    return digits if len(digits) == 5 and not digits.startswith("00") else None


class AdviceFlow:
    name = NAME
    #: The postcode is written: five digits are not a connect code.
    text_steps = frozenset({"postcode"})

    async def enter(self, ctx: Context, data: Mapping[str, Any]) -> Step:
        topics = [str(topic) for topic in await ctx.port(Advice).topics()]
        topics = [topic for topic in topics if topic in words.TOPICS]
        if not topics:
            return go("menu", *self.with_help(ctx, words.EMPTY))
        state = {"topics": topics}
        question = self.prompt(ctx, "topic", state)
        if ctx.channel is Channel.SMS:
            replies: tuple[Reply, ...] = (Reply((words.INTRO,)), question)
        else:
            replies = (Reply((words.INTRO, *question.texts), question.choices),)
        return Step(replies, NAME, "topic", state)

    def _back(self, ctx: Context) -> tuple[Choice, ...]:
        # By SMS without "Back": the numbered questions then fit three segments in every
        # language (the menu keyword works everywhere).
        return () if ctx.channel is Channel.SMS else (BACK,)

    def prompt(self, ctx: Context, step: str, data: Mapping[str, Any]) -> Reply:
        back = self._back(ctx)
        if step == "topic":
            named = words.SMS_TOPICS if ctx.channel is Channel.SMS else words.TOPICS
            topics = [topic for topic in data.get("topics", ()) if topic in named]
            labels = tuple(Choice(words.TOPIC_CHOICE + topic, named[topic]) for topic in topics)
            return Reply((words.TOPIC,), (*labels, *back))
        if step == "age":
            ages = tuple(Choice(words.AGE_CHOICE + age, label) for age, label in words.AGES.items())
            return Reply((words.AGE,), (*ages, UNSURE, *back))
        if step == "situation":
            return Reply((SITUATION,), (*_situations(ctx), UNSURE, *back))
        if step == "postcode":
            skip = words.SKIP.label
            return Reply((t(words.POSTCODE.msgid, skip=skip),), (words.SKIP, *back))
        if step == "second":
            codes = [code for code in data.get("languages", ()) if isinstance(code, str)]
            choices = tuple(Choice(LANGUAGE_CHOICE + code, native(code)) for code in codes)
            if ctx.channel is Channel.SMS:
                # Only the languages are numbered (as in the language menu, which fits
                # three segments); "none of these" is 0, written above them.
                none = Card(ctx.lang, sms=True).numbered(0, words.NONE.label)
                return Reply((none,), choices)
            return Reply((words.SECOND,), (*choices, words.NONE, *back))
        return Reply((words.NEXT,), (words.ANOTHER, BACK))

    async def handle(
        self, ctx: Context, step: str, data: Mapping[str, Any], given: Input
    ) -> Step | None:
        if given.choice == BACK.id:
            return go("menu")
        if step == "topic":
            return await self._topic(ctx, data, given)
        if step in QUESTIONS:
            return await self._answered(ctx, step, data, given)
        if step == "postcode":
            return await self._postcode(ctx, data, given)
        if step == "second":
            return await self._second(ctx, data, given)
        if given.choice == words.ANOTHER.id:
            return await self.enter(ctx, {})
        asked = read_ask(given.choice) if step == "results" else None
        if asked is not None:
            return go(HANDOFF, data={"service": asked[0], "topic": asked[1]})
        return None

    # -- the questions -----------------------------------------------------------------

    async def _topic(self, ctx: Context, data: Mapping[str, Any], given: Input) -> Step | None:
        choice = given.choice or ""
        topic = choice.removeprefix(words.TOPIC_CHOICE)
        if not choice.startswith(words.TOPIC_CHOICE) or topic not in data.get("topics", ()):
            return None
        asked = set(await ctx.port(Advice).questions(topic))
        state = {"topic": topic, "ask": [q for q in QUESTIONS if q in asked]}
        return await self._next(ctx, state)

    async def _answered(
        self, ctx: Context, step: str, data: Mapping[str, Any], given: Input
    ) -> Step | None:
        choice = given.choice or ""
        if choice == UNSURE.id:
            answer = None
        elif step == "age" and choice.removeprefix(words.AGE_CHOICE) in words.AGES:
            answer = choice.removeprefix(words.AGE_CHOICE)
        elif step == "situation" and choice.removeprefix(SITUATION_CHOICE) in set(Situation):
            answer = choice.removeprefix(SITUATION_CHOICE)
        else:
            return None
        state = {**_answers(data), "ask": [q for q in data.get("ask", ()) if q != step]}
        if answer is not None:
            state[step] = answer
        return await self._next(ctx, state)

    async def _next(self, ctx: Context, state: dict[str, Any]) -> Step:
        """The next question still to ask, else the postcode."""
        ask = state.get("ask", [])
        step = ask[0] if ask else "postcode"
        return Step((self.prompt(ctx, step, state),), NAME, step, state)

    async def _postcode(self, ctx: Context, data: Mapping[str, Any], given: Input) -> Step | None:
        if given.choice == words.SKIP.id:
            return await self._results(ctx, _answers(data))
        if given.choice is not None or not given.text:
            return None
        postcode = read_postcode(given.text)
        if postcode is None:
            again = self.prompt(ctx, "postcode", data)
            return Step((Reply((words.BAD_POSTCODE,)), again), NAME, "postcode", dict(data))
        return await self._results(ctx, {**_answers(data), "postcode": postcode})

    async def _second(self, ctx: Context, data: Mapping[str, Any], given: Input) -> Step | None:
        choice = given.choice or ""
        code = choice.removeprefix(LANGUAGE_CHOICE)
        if choice == words.NONE.id or (given.choice is None and (given.text or "").strip() == "0"):
            return await self._results(ctx, _answers(data), (ctx.lang,), asked=True)
        if not choice.startswith(LANGUAGE_CHOICE) or code not in data.get("languages", ()):
            return None
        return await self._results(ctx, _answers(data), (ctx.lang, code), asked=True)

    # -- the services ------------------------------------------------------------------

    async def _results(
        self,
        ctx: Context,
        answers: Mapping[str, Any],
        languages: tuple[str, ...] | None = None,
        *,
        asked: bool = False,
    ) -> Step:
        port = ctx.port(Advice)
        found = await port.find(
            topic=answers["topic"],
            languages=languages or (ctx.lang,),
            age=answers.get("age"),
            situation=answers.get("situation"),
            postcode=answers.get("postcode"),
        )
        card = Card(ctx.lang, ctx.channel is Channel.SMS)
        if not found.matches:
            return self.done(ctx, *self.with_help(ctx, words.NOTHING))
        if not found.spoken and not asked:
            others = [str(code) for code in await port.languages() if code != ctx.lang]
            if others:
                return self.ask_language(ctx, answers, others)
        header = words.FOUND if found.spoken else words.FOUND_OTHER
        cards = [card.short(m) if card.sms else card.full(m) for m in found.matches]
        # A service that takes requests through Lotse can be asked to contact the person
        # (flows/handoff.py); the slug and topic travel in the choice, not the state.
        asks = tuple(
            Choice(ask_choice(m.service.slug, answers["topic"]),
                   t(ASK.msgid, service=card.data(m.service.name)))
            for m in found.matches
            if "lotse" in m.service.reach
        )  # fmt: skip
        return self.done(ctx, Reply((header,)), *(Reply((shown,)) for shown in cards), asks=asks)

    def ask_language(self, ctx: Context, answers: Mapping[str, Any], others: list[str]) -> Step:
        """No fitting service speaks the person's language: say so, and ask which of
        `others` they read."""
        card = Card(ctx.lang, ctx.channel is Channel.SMS)
        state = {**answers, "languages": others}
        told = t(words.NOT_SPOKEN.msgid, language=card.language(ctx.lang))
        question = self.prompt(ctx, "second", state)
        if ctx.channel is Channel.SMS:
            replies: tuple[Reply, ...] = (Reply((told, words.SECOND)), question)
        else:
            replies = (Reply((told, *question.texts), question.choices),)
        return Step(replies, NAME, "second", state)

    def done(self, ctx: Context, *replies: Reply, asks: tuple[Choice, ...] = ()) -> Step:
        """The services (or that there are none), then what next: the answers are dropped."""
        after = self.prompt(ctx, "results", {})
        return Step((*replies, Reply(after.texts, (*asks, *after.choices))), NAME, "results", {})

    def with_help(self, ctx: Context, said: Text) -> tuple[Reply, ...]:
        """`said`, and who can help instead (the operator); by SMS as two messages, the
        operator's name and contact being as long as they are."""
        card = Card(ctx.lang, ctx.channel is Channel.SMS)
        operator = ctx.operator
        helper = t(words.ASK_OPERATOR.msgid, operator=card.data(operator.name),
                   contact=card.data(operator.contact))  # fmt: skip
        if card.sms:
            return (Reply((said,)), Reply((helper,)))
        return (Reply((said, helper)),)


def _situations(ctx: Context) -> tuple[Choice, ...]:
    """The residence situations of "Who holds my data"; by SMS the asylum procedure
    without the paper's German name, so that "not sure" fits too."""
    choices = situation_choices()
    if ctx.channel is not Channel.SMS:
        return choices
    asylum = SITUATION_CHOICE + Situation.ASYLUM.value
    return tuple(Choice(c.id, words.SMS_ASYLUM) if c.id == asylum else c for c in choices)


def _answers(data: Mapping[str, Any]) -> dict[str, Any]:
    """The answers given so far (and the questions left), nothing else of the state."""
    return {
        key: data[key] for key in ("topic", "ask", "age", "situation", "postcode") if key in data
    }
