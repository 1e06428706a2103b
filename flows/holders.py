"""Who holds my data: the agencies that probably hold data about the person, why, what
Lotse cannot see, and how to ask each of them (GDPR Art. 15; for the AZR § 34 AZRG).

At most three questions, each with choices: the residence situation, whether the person
receives benefits, whether they have a job or look for one with the employment agency.
A question whose answer cannot change the list is skipped (`catalog.applying` is asked
with each answer). "Not sure" lists the holders that depend on it as "may hold".

The answers live only in the conversation's state while the questions run. Once the
list is shown they are dropped: the state then keeps only the slugs of the holders
listed (which the person sees anyway), to show the list again. Nothing is stored
elsewhere; a request started from here carries only the holder's slug.

"My requests" (list and delete) lives in flows/holders_requests.py.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

# The function, not its module (`from bot.holders import catalog` names both).
from bot import holders as registry
from bot.conversation import Context, Input, Step
from bot.holders import Answer, Holder, HolderKind, Situation
from bot.i18n import fold
from bot.kernel.types import Channel, Choice, Reply, Text, t
from flows import holders_requests as requests
from flows import holders_texts as words
from flows.common import NO, YES, go
from flows.my_data import BACK

NAME = "holders"
INTRO = t(
    "Which agencies hold data about you? Up to three questions tell which ones apply to "
    "you. Your answers are not stored."
)
SITUATION = t("What is your residence status?")
BENEFITS = t(
    "Do you receive money from an agency: the Jobcenter, the social welfare office, "
    "benefits for asylum seekers, or child benefit?"
)
JOB = t(
    "Do you have a job, or are you looking for one with the employment agency (Agentur für Arbeit)?"
)
SITUATIONS: dict[Situation, Text] = {
    Situation.ASYLUM: t("Asylum procedure (Aufenthaltsgestattung)"),
    Situation.PROTECTED: t("Protection granted"),
    Situation.RESIDENCE: t("Other residence permit"),
    Situation.EU: t("EU citizen"),
    Situation.UKRAINE: t("Temporary protection (Ukraine)"),
}
# TRANSLATORS: an answer to a yes/no question.
UNSURE = Choice("unsure", t("Not sure"))
ANSWERS = {YES.id: Answer.YES, NO.id: Answer.NO, UNSURE.id: Answer.UNSURE}
SITUATION_CHOICE = "situation:"


def situation_choices() -> tuple[Choice, ...]:
    return tuple(Choice(SITUATION_CHOICE + s.value, label) for s, label in SITUATIONS.items())


def _slugs(found: Sequence[Holder]) -> list[str]:
    return [holder.slug for holder in found]


def matters(ctx: Context, situation: Situation, question: str, other: Sequence[Answer]) -> bool:
    """Whether the answer to `question` ("benefits" or "job") can change what is shown:
    the holders listed, or which of them only "may" hold data, for any of the `other`
    question's answers."""
    for answer in other:
        if question == "benefits":
            shown = [result(ctx, situation, given, answer) for given in Answer]
        else:
            shown = [result(ctx, situation, answer, given) for given in Answer]
        if any(outcome != shown[0] for outcome in shown[1:]):
            return True
    return False


def result(ctx: Context, situation: Situation, benefits: Answer, job: Answer) -> dict[str, Any]:
    """The list's state: the slugs of the holders that apply, and of those that only may
    (listed because of a "not sure"). The answers themselves are not kept."""
    applying = registry.catalog(ctx.settings).applying
    found = _slugs(applying(situation, benefits, job))
    sure = set(_slugs(applying(situation, _certain(benefits), _certain(job))))
    return {"holders": found, "may": [slug for slug in found if slug not in sure]}


def _certain(answer: Answer) -> Answer:
    return Answer.NO if answer is Answer.UNSURE else answer


class HoldersFlow:
    name = NAME

    async def enter(self, ctx: Context, data: Mapping[str, Any]) -> Step:
        # Handed over with a holder (from a request): its details; with "requests": those.
        if data.get("show") == "requests":
            return await requests.show(ctx, dict(data))
        if isinstance(data.get("holder"), str):
            found = registry.catalog(ctx.settings).get(data["holder"])
            if found is not None:
                return self.details(ctx, found, _listed(data))
        intro = Reply((INTRO,)) if ctx.channel is Channel.SMS else None
        question = self.prompt(ctx, "situation", {})
        if intro is None:
            question = Reply((INTRO, *question.texts), question.choices)
        return Step((*([intro] if intro else []), question), NAME, "situation", {})

    def prompt(self, ctx: Context, step: str, data: Mapping[str, Any]) -> Reply:
        # By SMS without "Back" (the menu keyword works everywhere): the questions with
        # their choices then fit three segments in every language.
        back = () if ctx.channel is Channel.SMS else (BACK,)
        answers = (YES, NO, UNSURE, *back)
        if step == "situation":
            return Reply((SITUATION,), (*situation_choices(), *back))
        if step == "benefits":
            return Reply((BENEFITS,), answers)
        if step == "job":
            return Reply((JOB,), answers)
        if step in requests.STEPS:
            return requests.prompt(ctx, step, data)
        if step == "details":
            return Reply((words.NEXT,), self._detail_choices(ctx, data.get("holder")))
        return Reply((words.CHOOSE,), self._list_choices(ctx, data))

    async def handle(
        self, ctx: Context, step: str, data: Mapping[str, Any], given: Input
    ) -> Step | None:
        if given.choice == BACK.id:
            return go("menu")
        if step in requests.STEPS:
            if given.choice == words.TO_LIST.id and data.get("holders"):
                return self.listing(ctx, data)
            return await requests.handle(ctx, step, dict(data), given)
        if step == "situation":
            return self._situation(ctx, given)
        if step in ("benefits", "job"):
            return self._answered(ctx, step, data, given)
        if given.choice == words.REQUESTS.id:
            return await requests.show(ctx, _listed(data))
        if step == "details":
            # A holder named from here (typed, or a button of the list) is shown too.
            return self._from_details(ctx, data, given) or self._picked(ctx, data, given)
        if step == "list":
            return self._picked(ctx, data, given)
        return None

    # -- the questions -------------------------------------------------------------

    def _situation(self, ctx: Context, given: Input) -> Step | None:
        choice = given.choice or ""
        value = choice.removeprefix(SITUATION_CHOICE)
        if not choice.startswith(SITUATION_CHOICE) or value not in set(Situation):
            return None
        situation = Situation(value)
        if matters(ctx, situation, "benefits", tuple(Answer)):
            return self._ask(ctx, "benefits", {"situation": situation.value})
        return self._next_after_benefits(ctx, situation, Answer.NO)

    def _answered(
        self, ctx: Context, step: str, data: Mapping[str, Any], given: Input
    ) -> Step | None:
        answer = ANSWERS.get(given.choice or "")
        value = data.get("situation")
        if answer is None or value not in set(Situation):
            return None
        situation = Situation(value)
        if step == "benefits":
            return self._next_after_benefits(ctx, situation, answer)
        benefits = Answer(data.get("benefits", Answer.NO.value))
        return self.listing(ctx, result(ctx, situation, benefits, answer))

    def _next_after_benefits(self, ctx: Context, situation: Situation, benefits: Answer) -> Step:
        if matters(ctx, situation, "job", (benefits,)):
            state = {"situation": situation.value, "benefits": benefits.value}
            return self._ask(ctx, "job", state)
        return self.listing(ctx, result(ctx, situation, benefits, Answer.NO))

    def _ask(self, ctx: Context, step: str, state: dict[str, Any]) -> Step:
        return Step((self.prompt(ctx, step, state),), NAME, step, state)

    # -- the list ------------------------------------------------------------------

    def _holders(self, ctx: Context, data: Mapping[str, Any]) -> list[Holder]:
        found = registry.catalog(ctx.settings)
        listed = [found.get(slug) for slug in data.get("holders", ())]
        return [holder for holder in listed if holder is not None]

    def _list_choices(self, ctx: Context, data: Mapping[str, Any]) -> tuple[Choice, ...]:
        sms = ctx.channel is Channel.SMS
        holders = tuple(words.holder_choice(h, sms) for h in self._holders(ctx, data))
        # By SMS without "Back": nine agencies fit three segments only so (in Arabic
        # script every numbered line carries two direction marks); the menu keyword works.
        return (*holders, words.REQUESTS) if sms else (*holders, words.REQUESTS, BACK)

    def listing(self, ctx: Context, state: Mapping[str, Any], *before: Text) -> Step:
        """The holders that apply, what Lotse cannot see, the Datenschutzcockpit."""
        holders = self._holders(ctx, state)
        may = set(state.get("may", ()))
        sms = ctx.channel is Channel.SMS
        cockpit = words.cockpit_line(registry.catalog(ctx.settings).cockpit, sms)
        choices = self._list_choices(ctx, state)
        if sms:
            replies = [Reply((*before, words.CHOOSE, words.LIST_HEADER))]
            for n, holder in enumerate(holders, 1):
                replies += words.holder_sms(holder, holder.slug in may, n)
            # The choices alone: the header said what the numbers are for.
            replies += [Reply((words.UNSEEN,)), Reply((cockpit,)), Reply((), choices)]
        else:
            lines = [words.holder_line(h, h.slug in may) for h in holders]
            texts = (*before, words.LIST_HEADER, *lines, words.UNSEEN, cockpit, words.CHOOSE)
            replies = [Reply(texts, choices)]
        return Step(tuple(replies), NAME, "list", _listed(state))

    def _not_found(self, ctx: Context, data: Mapping[str, Any]) -> Step:
        shown = _listed(data)
        texts = (
            (words.NOT_FOUND,) if ctx.channel is Channel.SMS else (words.NOT_FOUND, words.CHOOSE)
        )
        again = Reply(texts, self._list_choices(ctx, shown))
        return Step((again,), NAME, "list", shown)

    def _picked(self, ctx: Context, data: Mapping[str, Any], given: Input) -> Step | None:
        slug = _typed_slug(given)
        if slug is None:
            return None
        found = registry.catalog(ctx.settings).get(slug)
        if found is None:
            return self._not_found(ctx, data)
        return self.details(ctx, found, _listed(data))

    # -- one holder ----------------------------------------------------------------

    def _detail_choices(self, ctx: Context, slug: Any) -> tuple[Choice, ...]:
        found = registry.catalog(ctx.settings).get(slug) if isinstance(slug, str) else None
        if found is not None and found.kind is HolderKind.OPERATOR:
            return (words.MY_DATA, words.TO_LIST, BACK)
        return (words.WRITE, words.TO_LIST, BACK)

    def details(self, ctx: Context, holder: Holder, state: Mapping[str, Any]) -> Step:
        sms = ctx.channel is Channel.SMS
        supervisor = registry.catalog(ctx.settings).supervisor_of(holder)
        choices = self._detail_choices(ctx, holder.slug)
        replies = words.details(holder, supervisor, sms, choices)
        return Step(tuple(replies), NAME, "details", {**state, "holder": holder.slug})

    def _from_details(self, ctx: Context, data: Mapping[str, Any], given: Input) -> Step | None:
        slug = data.get("holder")
        if given.choice == words.TO_LIST.id:
            return self.listing(ctx, data)
        if given.choice == words.MY_DATA.id:
            return go("my_data")
        if given.choice == words.WRITE.id and isinstance(slug, str):
            found = registry.catalog(ctx.settings).get(slug)
            if found is None:
                return self._not_found(ctx, data)
            if found.kind is HolderKind.OPERATOR:
                return go("my_data")
            return go("rights_request", data={"holder": found.slug})
        return None


def _listed(data: Mapping[str, Any]) -> dict[str, Any]:
    """What the state keeps across the list's steps: the listed slugs, nothing else."""
    return {key: list(data[key]) for key in ("holders", "may") if isinstance(data.get(key), list)}


def _typed_slug(given: Input) -> str | None:
    """The holder a choice names ("holder:azr"), or one typed by slug or short name."""
    if given.choice is not None:
        if not given.choice.startswith(words.HOLDER_CHOICE):
            return None
        return given.choice.removeprefix(words.HOLDER_CHOICE)
    if not given.text:
        return None
    typed = fold(given.text)
    for slug, short in words.SHORT.items():
        if typed in (slug, fold(short)):
            return slug
    return typed
