"""The hand-off by SMS (numbers), in Russian (Cyrillic: 67 characters a segment), on the
demo directory: ask the migration advice service found in "Find advice" to contact the
person, a refused "Send" with nothing chosen, the language and a description with the
explicit consent to special categories, the summary in three messages, sent; then
withdrawn in "My consents". Every message within three segments."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from bot.db.models import Case
from bot.kernel import sms
from flows import handoff_words as words
from tests.adapters.test_flows_on_channels import no_step_failed, on_sms, onboard
from tests.support.advice import MBE, demo
from tests.support.clock import Clock


async def test_a_hand_off_by_sms_within_three_segments(
    database_url: str, tmp_path: Path, clock: Clock
) -> None:
    async with on_sms(database_url, tmp_path, clock, "ru") as someone:
        await onboard(someone)
        await demo(someone.services.sessionmaker, clock())
        texts: list[str] = []
        for choice in ("advice", "topic:family", "age:27+", "situation:asylum"):
            texts += (await someone.choose(choice)).texts
        texts += (await someone.write("12345")).texts
        assert f"handoff:{MBE}:family" in someone.offered
        asked = await someone.choose(f"handoff:{MBE}:family")
        someone.says(asked, words.SMS_CHOOSE)
        assert someone.offered == [
            "field:language", "field:channel", "field:topic", "field:description",
            "send", "cancel",
        ]  # fmt: skip
        refused = await someone.choose("send")
        someone.says(refused, words.NOTHING)
        texts += asked.texts + refused.texts
        texts += (await someone.choose("field:language")).texts
        texts += (await someone.choose("field:description")).texts
        special = await someone.write("Мой вид на жительство скоро закончится")
        someone.says(special, words.SMS_SPECIAL)
        texts += special.texts + (await someone.choose("agree")).texts
        summary = await someone.choose("send")
        assert len(summary.texts) == 3 and someone.offered == ["send", "cancel"]
        sent = await someone.choose("send")
        assert someone.offered == ["relay", "back"]
        texts += summary.texts + sent.texts
        async with someone.services.sessionmaker() as session:
            case = await session.scalar(select(Case))
            assert case is not None
        assert case.fields == ["language", "description"] and case.channel == "sms"
        texts += (await someone.choose("back")).texts
        listing = await someone.choose("my_consents")
        assert someone.offered == [f"write:{case.id}", f"withdraw:{case.id}", "back"]
        texts += listing.texts + (await someone.choose(f"withdraw:{case.id}")).texts
        texts += (await someone.choose("yes")).texts
        async with someone.services.sessionmaker() as session:
            withdrawn = await session.get(Case, case.id)
            assert withdrawn is not None and withdrawn.withdrawn_at is not None
        over = [(sms.segments(text), text) for text in texts if sms.segments(text) > 3]
        assert over == []
        await no_step_failed(someone.services)
