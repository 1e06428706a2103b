"""Find advice, end to end on Telegram (buttons) and by SMS (numbers), in a
right-to-left and a Cyrillic language each, on the demo directory imported through its
import: the topics, the two questions, a bad postcode, three services best first with
how to reach them, and another topic."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.kernel import sms
from bot.kernel.types import Channel
from flows import advice_words as words
from flows.holders import SITUATION
from tests.adapters.test_flows_on_channels import (
    CASES,
    no_step_failed,
    on_sms,
    on_telegram,
    onboard,
)
from tests.support.advice import ASYLUM, LEGAL, MBE, NAMES, ONLINE, VIOLENCE, demo
from tests.support.clock import Clock

pytestmark = pytest.mark.filterwarnings(
    "ignore:.*retry_after.*:telegram.warnings.PTBDeprecationWarning"
)
TOPICS = [f"topic:{topic}" for topic in words.TOPICS]
#: For 27 and older, in the asylum procedure, in 12345: the three that speak the
#: person's language and advise on family reunification come first, by name; for
#: Persian the general online service is third (the others do not speak it).
EXPECTED = {
    "ar": [ASYLUM, VIOLENCE, MBE],
    "fa": [ASYLUM, VIOLENCE, ONLINE],
    "uk": [VIOLENCE, MBE, LEGAL],
    "ru": [VIOLENCE, MBE, LEGAL],
}


@pytest.mark.parametrize(("channel", "lang"), CASES, ids=[f"{c}-{lang}" for c, lang in CASES])
async def test_three_services_that_fit_and_how_to_reach_them(
    channel: Channel, lang: str, database_url: str, tmp_path: Path, clock: Clock
) -> None:
    harness = on_telegram if channel is Channel.TELEGRAM else on_sms
    by_sms = channel is Channel.SMS
    async with harness(database_url, tmp_path, clock, lang) as someone:
        await onboard(someone)
        await demo(someone.services.sessionmaker, clock())
        assert someone.offered[0] == "advice"
        first = await someone.choose("advice")
        someone.says(first, words.INTRO, words.TOPIC)
        assert someone.offered == (TOPICS if by_sms else [*TOPICS, "back"])
        label = words.SMS_TOPICS["family"] if by_sms else words.TOPICS["family"]
        assert someone.labels[6] == someone.text(label)
        age = await someone.choose("topic:family")
        someone.says(age, words.AGE)
        situation = await someone.choose("age:27+")
        someone.says(situation, SITUATION)
        assert someone.offered[-2 if not by_sms else -1] == "unsure"
        postcode = await someone.choose("situation:asylum")
        assert someone.offered[0] == "skip"
        assert someone.text(words.SKIP.label) in postcode.flat
        wrong = await someone.write("1234")
        someone.says(wrong, words.BAD_POSTCODE)
        found = await someone.write("12345")
        someone.says(found, words.FOUND, words.NEXT)
        names = [NAMES[slug] for slug in EXPECTED[lang]]
        where = [found.flat.index(name) for name in names]
        assert where == sorted(where), found.texts
        assert "+49 800 1234567" in found.flat and "Schutzgasse 2, 12345 Musterstadt" in found.flat
        someone.says(found, words.APPOINTMENT)  # the violence counselling's place
        # The MBE takes requests through Lotse: where it is shown, it can be asked.
        asks = [f"handoff:{MBE}:family"] if MBE in EXPECTED[lang] else []
        assert someone.offered == [*asks, "topics", "back"]
        if by_sms:
            # Each service a message of its own, within three segments.
            # A card begins with the service's name (isolated in right-to-left text).
            cards = [t for t in found.texts if any(n in t.split("\n")[0] for n in names)]
            assert len(cards) == 3 and all(sms.segments(text) <= 3 for text in cards)
            # So is what comes next, with "Ask … to contact me" among its choices.
            assert all(sms.segments(text) <= 3 for text in found.texts)
        again = await someone.choose("topics")
        someone.says(again, words.TOPIC)
        await no_step_failed(someone.services)
