"""The matching order: eligibility (yes before maybe), then language (first before
second before none), then topic (named before general), then area (in the area, then
every area, then reachable from elsewhere); and who is left out, and which questions
are worth asking."""

from __future__ import annotations

from dataclasses import replace

from bot.advice import LIMIT, AgeGroup, Eligible, Place, Programme, Query, Topic, find, questions
from bot.advice.match import eligible
from bot.holders import Situation
from tests.advice.conftest import demo, service, topics

ASYLUM, PROTECTED, EU = Situation.ASYLUM, Situation.PROTECTED, Situation.EU
UNDER_18, YOUNG, ADULT = AgeGroup.UNDER_18, AgeGroup.YOUNG, AgeGroup.ADULT
MBE = service("mbe", programme=Programme.MBE, min_age=27, any_age=frozenset({ASYLUM}))
JMD = service("jmd", programme=Programme.JMD, min_age=12, max_age=26)


def _slugs(query: Query, *services: object) -> list[str]:
    return [m.service.slug for m in find(services, query).matches]  # type: ignore[arg-type]


def q(topic: str = "work", languages: tuple[str, ...] = ("de",), **more: object) -> Query:
    return Query(Topic(topic), languages, **more)  # type: ignore[arg-type]


# Eligibility -------------------------------------------------------------------------


def test_mbe_is_for_27_and_over_and_for_every_asylum_seeker_whatever_their_age() -> None:
    assert eligible(MBE, ADULT, None) is Eligible.YES
    assert eligible(MBE, YOUNG, None) is Eligible.MAYBE  # an asylum seeker may be 18-26
    assert eligible(MBE, YOUNG, PROTECTED) is Eligible.NO
    assert eligible(MBE, YOUNG, ASYLUM) is Eligible.YES
    assert eligible(MBE, UNDER_18, ASYLUM) is Eligible.YES
    assert eligible(MBE, UNDER_18, EU) is Eligible.NO
    assert eligible(MBE, None, ASYLUM) is Eligible.YES
    assert eligible(MBE, None, PROTECTED) is Eligible.MAYBE
    assert eligible(MBE, None, None) is Eligible.MAYBE


def test_jmd_is_for_12_to_26() -> None:
    assert eligible(JMD, UNDER_18, None) is Eligible.YES
    assert eligible(JMD, YOUNG, EU) is Eligible.YES
    assert eligible(JMD, ADULT, None) is Eligible.NO
    assert eligible(JMD, ADULT, ASYLUM) is Eligible.NO  # no any-age rule here
    assert eligible(JMD, None, None) is Eligible.MAYBE


def test_age_limits_that_cut_a_group_make_it_maybe() -> None:
    sixteen_to_thirty = service(min_age=16, max_age=30)
    assert eligible(sixteen_to_thirty, UNDER_18, None) is Eligible.MAYBE
    assert eligible(sixteen_to_thirty, YOUNG, None) is Eligible.YES
    assert eligible(sixteen_to_thirty, ADULT, None) is Eligible.MAYBE
    assert eligible(service(max_age=0), UNDER_18, None) is Eligible.NO
    assert eligible(service(min_age=10), UNDER_18, None) is Eligible.YES


def test_residence_situations() -> None:
    asylum_only = service(situations=frozenset({ASYLUM}))
    assert eligible(asylum_only, ADULT, ASYLUM) is Eligible.YES
    assert eligible(asylum_only, ADULT, None) is Eligible.MAYBE
    assert eligible(asylum_only, ADULT, EU) is Eligible.NO
    assert eligible(service(), None, EU) is Eligible.YES


def test_eligible_before_maybe_and_not_eligible_left_out() -> None:
    maybe = service("a-maybe", situations=frozenset({ASYLUM}))
    yes = service("z-yes")
    no = service("no", min_age=27)
    assert _slugs(q(age=YOUNG), maybe, yes, no) == ["z-yes", "a-maybe"]
    found = find([maybe, yes], q(age=YOUNG))
    assert [m.eligible for m in found.matches] == [Eligible.YES, Eligible.MAYBE]


def test_eligibility_goes_before_language() -> None:
    maybe_in_arabic = service("maybe", languages=frozenset({"ar"}), min_age=16, max_age=30)
    yes_in_german = service("yes")
    assert _slugs(q(languages=("ar",), age=UNDER_18), maybe_in_arabic, yes_in_german) == [
        "yes", "maybe",
    ]  # fmt: skip


# Language ----------------------------------------------------------------------------


def test_first_language_before_second_before_none() -> None:
    none = service("a-none", languages=frozenset({"de"}))
    second = service("b-second", languages=frozenset({"en"}))
    first = service("c-first", languages=frozenset({"fa", "en"}))
    found = find([none, second, first], q(languages=("fa", "en")))
    assert [m.service.slug for m in found.matches] == ["c-first", "b-second", "a-none"]
    assert [m.language for m in found.matches] == ["fa", "en", None]
    assert found.spoken


def test_kurmanji_and_sorani_are_different_languages() -> None:
    kurmanji = service("kurmanji", languages=frozenset({"ku"}))
    sorani = service("sorani", languages=frozenset({"ckb"}))
    assert _slugs(q(languages=("ckb",)), kurmanji, sorani) == ["sorani", "kurmanji"]
    assert find([kurmanji], q(languages=("ckb",))).matches[0].language is None


def test_spoken_is_false_when_no_fitting_service_speaks_a_language_of_the_person() -> None:
    found = find([service("a"), service("b", languages=frozenset({"ps"}), min_age=27)],
                 q(languages=("ps",), age=YOUNG))  # fmt: skip
    # The Pashto speaker is left out (too young): none left speaks it.
    assert [m.service.slug for m in found.matches] == ["a"] and not found.spoken
    assert not find([], q()).spoken


def test_language_goes_before_topic() -> None:
    on_topic = service("on-topic", topics=topics("work"), languages=frozenset({"de"}))
    general_in_arabic = service("general", languages=frozenset({"ar"}))
    assert _slugs(q(languages=("ar",)), on_topic, general_in_arabic) == ["general", "on-topic"]


# Topic -------------------------------------------------------------------------------


def test_on_topic_before_general_and_other_topics_left_out() -> None:
    general = service("a-general")
    on_topic = service("b-work", topics=topics("work", "housing"))
    elsewhere = service("c-health", topics=topics("health"))
    found = find([general, on_topic, elsewhere], q("work"))
    assert [m.service.slug for m in found.matches] == ["b-work", "a-general"]
    assert [m.on_topic for m in found.matches] == [True, False]


def test_topic_goes_before_area() -> None:
    general_here = service("here", areas=("12345",), phone="+49301234567")
    on_topic_elsewhere = service("elsewhere", topics=topics("work"), areas=("99999",),
                                 phone="+49301234568")  # fmt: skip
    assert _slugs(q(postcode="12345"), general_here, on_topic_elsewhere) == ["elsewhere", "here"]


# Area --------------------------------------------------------------------------------


def test_in_area_before_nationwide_before_remote_from_elsewhere() -> None:
    elsewhere = service("a-elsewhere", areas=("99*",), online="https://example.org/a")
    nationwide = service("b-nationwide", place=None, online="https://example.org/b")
    here = service("c-here", areas=("123*",))
    found = find([elsewhere, nationwide, here], q(postcode="12345"))
    assert [m.service.slug for m in found.matches] == ["c-here", "b-nationwide", "a-elsewhere"]
    assert [m.local for m in found.matches] == [True, True, False]


def test_in_person_only_outside_the_area_is_left_out() -> None:
    there_only = service("there", areas=("99999",))
    assert there_only.reach == (there_only.reach[0],) and not there_only.remote
    assert _slugs(q(postcode="12345"), there_only) == []
    # Without a postcode it is shown, and nothing is said about the area.
    found = find([there_only], q())
    assert [m.local for m in found.matches] == [None]


def test_postcode_areas_exact_and_by_prefix() -> None:
    exact = service("exact", areas=("12345",))
    prefix = service("prefix", areas=("12*",))
    assert _slugs(q(postcode="12345"), exact, prefix) == ["exact", "prefix"]
    assert _slugs(q(postcode="12999"), exact, prefix) == ["prefix"]
    assert _slugs(q(postcode="13000"), exact, prefix) == []


def test_without_a_postcode_the_name_decides_after_topic() -> None:
    b = service("b", name="Beta", areas=("99999",))
    a = service("a", name="Alpha")
    assert _slugs(q(), b, a) == ["a", "b"]


# The limit and the questions ---------------------------------------------------------


def test_at_most_three_best_first() -> None:
    many = [service(f"s{i}", name=f"S{i}", languages=frozenset({"ar" if i % 2 else "de"}))
            for i in range(8)]  # fmt: skip
    found = find(many, q(languages=("ar",)))
    assert LIMIT == 3 and len(found.matches) == 3
    assert [m.service.slug for m in found.matches] == ["s1", "s3", "s5"]
    assert len(find(many, q(), limit=5).matches) == 5


def test_questions_are_asked_only_when_a_service_on_the_topic_restricts() -> None:
    plain = service("plain", topics=topics("housing"))
    assert questions([plain, replace(MBE, topics=topics("work"))], Topic.HOUSING) == ()
    assert questions([plain, JMD], Topic.HOUSING) == ("age",)  # JMD is general
    by_situation = service("asylum", topics=topics("asylum"), situations=frozenset({ASYLUM}))
    assert questions([plain, by_situation], Topic.ASYLUM) == ("situation",)
    assert questions([plain, by_situation], Topic.HOUSING) == ()
    assert questions([MBE], Topic.WORK) == ("age", "situation")  # its any-age rule


# The demo, end to end ----------------------------------------------------------------


def test_the_demo_for_a_young_sorani_speaker_in_musterstadt() -> None:
    found = find(demo(), q("school", ("ckb",), age=UNDER_18, postcode="12345"))
    slugs = [m.service.slug for m in found.matches]
    # Eligible and speaking Sorani: only the online service (general, nationwide); then
    # the JMD (eligible, on topic, in the area) though it speaks Kurmanji, not Sorani.
    assert slugs[:2] == ["beispiel-onlineberatung", "beispiel-jmd-musterstadt"]
    assert found.matches[0].language == "ckb" and found.matches[1].language is None
    assert "beispiel-mbe-musterstadt" in slugs  # maybe: an asylum seeker at any age
    assert found.matches[2].eligible is Eligible.MAYBE and found.spoken


def test_the_demo_for_an_adult_pashto_speaker_outside_the_area() -> None:
    found = find(demo(), q("residence", ("ps",), age=ADULT, situation=PROTECTED,
                           postcode="80331"))  # fmt: skip
    assert not found.spoken
    # In-person-only services of Musterstadt are left out, and the asylum counselling
    # (asylum seekers only); those reachable remotely stay: on topic first, though from
    # elsewhere, then the general online service for every area.
    assert [m.service.slug for m in found.matches] == [
        "beispiel-mbe-musterstadt", "beispiel-rechtsberatung", "beispiel-onlineberatung",
    ]  # fmt: skip
    assert [m.local for m in found.matches] == [False, False, True]
    assert all(m.service.remote and m.language is None for m in found.matches)


def test_a_place_is_not_a_way_to_reach_it_from_elsewhere() -> None:
    place_and_phone = service("p", areas=("99999",), phone="+49301234567")
    assert place_and_phone.remote
    assert _slugs(q(postcode="12345"), place_and_phone) == ["p"]
    assert isinstance(place_and_phone.place, Place)
