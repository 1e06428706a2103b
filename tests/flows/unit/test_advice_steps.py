"""Find advice, step by step against the real directory (the demo services imported
through the directory's import): the questions that matter, "not sure", the postcode,
three services in order, a language no service speaks, no service at all, and the
answers gone once the services are shown."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest

from bot.advice import AgeGroup, Programme, Topic
from bot.conversation import Context, Input, Step
from bot.holders import Situation
from bot.kernel.types import Channel, Reply, Text
from flows import advice_words as words
from flows.advice import AdviceFlow, read_postcode
from flows.menu import ENTRIES, Menu
from tests.support.advice import ASYLUM, JMD, MBE, NAMES, ONLINE, VIOLENCE, demo, directory, service
from tests.support.steps import Bench, StepPerson, choice_ids, msgids

FLOW = AdviceFlow()


async def speaking(bench: Bench, lang: str, channel: Channel = Channel.WEBCHAT) -> StepPerson:
    """Someone whose language is `lang`."""
    someone = bench.person(f"unit-{lang}-{channel}", channel=channel, hints=(lang,))

    async def choose_language(ctx: Context) -> None:
        ctx.set_language(lang)

    await someone.step(choose_language)
    return someone


async def walk(someone: StepPerson, *given: str) -> Step:
    """Enter the flow and answer in turn: a choice id, or "=text" for typed text."""
    step = await someone.enter(FLOW)
    for answer in given:
        assert step.step is not None
        typed = Input(text=answer[1:]) if answer.startswith("=") else Input(choice=answer)
        picked = await someone.handle(FLOW, step.step, typed, step.data)
        assert picked is not None, answer
        step = picked
    return step


def shown(bench: Bench, lang: str, *replies: Reply) -> list[str]:
    return [bench.catalogs[lang].reply(reply).text for reply in replies]


def names(bench: Bench, step: Step) -> list[str]:
    """The services shown, by their names (the first line of each card)."""
    cards = step.replies[1:-1]
    return [text.split("\n")[0].strip("\u2066\u2069") for text in shown(bench, "en", *cards)]


def slugs_of(listed: Sequence[str]) -> list[str]:
    by_name = {name: slug for slug, name in NAMES.items()}
    return [by_name[name] for name in listed]


async def test_the_menu_offers_find_advice(bench: Bench) -> None:
    assert ENTRIES[0].flow == "advice"
    someone = bench.person()
    [menu] = (await someone.enter(Menu())).replies
    assert choice_ids(menu)[0] == "advice" and msgids(menu)[0].startswith("Main menu")
    picked = await someone.handle(Menu(), "choose", Input(choice="advice"))
    assert picked is not None and (picked.flow, picked.step) == ("advice", None)


async def test_a_topic_asks_only_the_questions_that_matter(bench: Bench) -> None:
    await demo(bench.sessionmaker, bench.clock())
    someone = await speaking(bench, "en")
    first = await someone.enter(FLOW)
    [question] = first.replies
    assert msgids(question) == [words.INTRO.msgid, words.TOPIC.msgid]
    assert "Your answers are not stored." in words.INTRO.msgid
    # A general service advises on everything: every topic, in the taxonomy's order.
    assert choice_ids(question) == [f"topic:{t.value}" for t in Topic] + ["back"]
    # Violence: no service on it has age limits, one takes only some situations.
    situation = await someone.handle(FLOW, "topic", Input(choice="topic:violence"), first.data)
    assert situation is not None and situation.step == "situation"
    assert choice_ids(situation.replies[0])[-2:] == ["unsure", "back"]
    # Work: the youth service and the one for adults; and residence situations.
    age = await walk(someone, "topic:work")
    assert age.step == "age" and age.data == {"topic": "work", "ask": ["age", "situation"]}
    assert choice_ids(age.replies[0]) == [
        "age:under-18", "age:18-26", "age:27+", "unsure", "back",
    ]  # fmt: skip


async def test_three_services_best_first_and_nothing_kept(bench: Bench) -> None:
    await demo(bench.sessionmaker, bench.clock())
    someone = await speaking(bench, "en")
    postcode = await walk(someone, "topic:family", "age:27+", "situation:asylum")
    assert postcode.step == "postcode"
    # While the questions run, the answers are in the state, and only there.
    assert postcode.data == {"topic": "family", "ask": [], "age": "27+", "situation": "asylum"}
    assert choice_ids(postcode.replies[0]) == ["skip", "back"]
    done = await someone.handle(FLOW, "postcode", Input(text="12345"), postcode.data)
    assert done is not None and (done.step, done.data) == ("results", {})
    header, *cards, after = done.replies
    assert msgids(header) == [words.FOUND.msgid]
    # Four are eligible, speak English, name the topic and serve 12345: by name, the
    # legal advice is fourth; the online service (not on the topic itself) after it.
    assert slugs_of(names(bench, done)) == [ASYLUM, VIOLENCE, MBE]
    # The MBE takes requests through Lotse: the person can ask it to contact them.
    assert msgids(after) == [words.NEXT.msgid]
    assert choice_ids(after) == [f"handoff:{MBE}:family", "topics", "back"]
    mbe = shown(bench, "en", cards[2])[0]
    assert mbe.split("\n") == [
        NAMES[MBE],
        "Migration counselling for adults (MBE)",
        "Run by Beispiel-Wohlfahrtsverband Musterstadt e. V. (fiktiv)",
        "Languages: English, German, Arabic, Turkish, Ukrainian, Russian",
        "Address: Musterstraße 1, 12345 Musterstadt",
        "Opening hours:",
        "Mon–Thu 09:00–12:00",
        "Tue 14:00–17:00",
        "Phone: +49 30 1234567",
        "Phone hours: Mon–Fri 09:00–12:00",
        "E-mail: mbe@example.org",
        "They promise a first answer within 3 days.",
        "Checked on November 16, 2026.",
    ]
    violence = shown(bench, "en", cards[1])[0]
    assert "By appointment" in violence and "Phone hours: Mon–Sun 00:00–24:00" in violence
    assert "You can ask for a woman or a man as your counsellor." in violence
    again = await someone.handle(FLOW, "results", Input(choice="topics"), {})
    assert again is not None and again.step == "topic"


async def test_not_sure_keeps_services_that_may_fit_and_says_so(bench: Bench) -> None:
    await demo(bench.sessionmaker, bench.clock())
    someone = await speaking(bench, "ar")
    step = await walk(someone, "topic:work", "unsure", "unsure", "skip")
    assert step.step == "results" and step.data == {}
    # Certainly eligible first (the online service, for everyone), then the two that
    # depend on the age, by name.
    assert slugs_of(names(bench, step)) == [ONLINE, JMD, MBE]
    cards = shown(bench, "ar", *step.replies[1:-1])
    maybe = bench.catalogs["ar"].text(words.MAYBE)
    assert maybe not in cards[0] and maybe in cards[1] and maybe in cards[2]


async def test_a_bad_postcode_is_answered_and_asked_again(bench: Bench) -> None:
    await demo(bench.sessionmaker, bench.clock())
    someone = await speaking(bench, "ar")
    postcode = await walk(someone, "topic:asylum", "situation:asylum")
    assert postcode.step == "postcode"  # the asylum topic has no age limit
    again = await someone.handle(FLOW, "postcode", Input(text="1234"), postcode.data)
    assert again is not None and (again.step, again.data) == ("postcode", postcode.data)
    assert [msgids(r)[0] for r in again.replies] == [words.BAD_POSTCODE.msgid, words.POSTCODE.msgid]
    # Typed in Arabic-Indic digits, with a space.
    done = await someone.handle(FLOW, "postcode", Input(text="١٢٣ ٤٥"), postcode.data)
    assert done is not None and done.step == "results" and done.data == {}


def test_postcodes_as_typed() -> None:
    assert read_postcode("12345") == "12345"
    assert read_postcode(" 12 345 ") == "12345"
    assert read_postcode("۱۲۳۴۵") == "12345"  # Persian digits
    for wrong in ("1234", "123456", "00123", "12a45", "", None, "PLZ 12345"):
        assert read_postcode(wrong) is None, wrong


async def test_pashto_spoken_by_none_asks_for_a_second_language(bench: Bench) -> None:
    await demo(bench.sessionmaker, bench.clock())
    someone = await speaking(bench, "ps")
    second = await walk(someone, "topic:work", "age:18-26", "unsure", "=12345")
    assert second.step == "second"
    [asked] = second.replies
    told, question = asked.texts
    assert told.msgid == words.NOT_SPOKEN.msgid and question.msgid == words.SECOND.msgid
    assert "(پښتو)" in bench.catalogs["ps"].text(told)
    offered = choice_ids(asked)
    assert "lang:ps" not in offered and offered[-2:] == ["none", "back"]
    assert offered[:-2] == [f"lang:{c}" for c in ("ar", "ckb", "de", "en", "fa", "fr", "ku",
                                                  "ru", "so", "ti", "tr", "uk")]  # fmt: skip
    farsi = await someone.handle(FLOW, "second", Input(choice="lang:fa"), second.data)
    assert farsi is not None and (farsi.step, farsi.data) == ("results", {})
    assert msgids(farsi.replies[0]) == [words.FOUND.msgid]
    first = shown(bench, "ps", farsi.replies[1])[0]
    assert first.startswith("\u2066" + NAMES[JMD] + "\u2069")  # for 18 to 26, in Persian
    none = await someone.handle(FLOW, "second", Input(choice="none"), second.data)
    assert none is not None and msgids(none.replies[0]) == [words.FOUND_OTHER.msgid]


async def test_by_sms_the_second_language_is_numbered_and_0_is_none(bench: Bench) -> None:
    await demo(bench.sessionmaker, bench.clock())
    someone = await speaking(bench, "ps", Channel.SMS)
    second = await walk(someone, "topic:work", "age:18-26", "unsure", "skip")
    told, listed = second.replies
    assert msgids(told) == [words.NOT_SPOKEN.msgid, words.SECOND.msgid] and not told.choices
    assert "none" not in choice_ids(listed) and "back" not in choice_ids(listed)
    assert shown(bench, "ps", listed)[0] == "\u20670. هیڅ یو\u2069"
    none = await someone.handle(FLOW, "second", Input(text="0"), second.data)
    assert none is not None and none.step == "results"
    assert msgids(none.replies[0]) == [words.FOUND_OTHER.msgid]


async def test_no_fitting_service_says_so_and_offers_another_topic(bench: Bench) -> None:
    only_asylum = service("nur-asyl", topics=frozenset({Topic.WORK}),
                          situations=frozenset({Situation.ASYLUM}))  # fmt: skip
    await directory(bench.sessionmaker, bench.clock(), [only_asylum])
    someone = await speaking(bench, "en")
    step = await walk(someone, "topic:work")
    assert step.step == "situation"  # no age limit: only the situation matters
    done = await walk(someone, "topic:work", "situation:eu", "skip")
    assert (done.step, done.data) == ("results", {})
    [nothing, after] = done.replies
    assert msgids(nothing) == [words.NOTHING.msgid, words.ASK_OPERATOR.msgid]
    by_sms = await walk(
        await speaking(bench, "ps", Channel.SMS), "topic:work", "situation:eu", "skip"
    )
    assert [msgids(r) for r in by_sms.replies] == [
        [words.NOTHING.msgid], [words.ASK_OPERATOR.msgid], [words.NEXT.msgid],
    ]  # fmt: skip
    assert "Stadt Musterstadt" in shown(bench, "en", nothing)[0]
    assert choice_ids(after) == ["topics", "back"]


async def test_an_empty_directory_says_so_and_goes_back_to_the_menu(bench: Bench) -> None:
    step = await (await speaking(bench, "en")).enter(FLOW)
    assert step.flow == "menu" and step.step is None
    assert msgids(*step.replies)[0] == words.EMPTY.msgid


@pytest.mark.parametrize(
    ("table", "values"),
    [
        (words.TOPICS, Topic),
        (words.SMS_TOPICS, Topic),
        (words.AGES, AgeGroup),
        (words.PROGRAMMES, Programme),
    ],
)
def test_every_word_of_the_directory_has_its_label(table: dict[str, Text], values: Any) -> None:
    assert set(table) == {value.value for value in values}
