"""Who holds my data, end to end on Telegram (buttons) and by SMS (numbers), in a
right-to-left and a Cyrillic language each: the questions, the list with the
Datenschutzcockpit, the AZR's details, Lotse itself, and a holder that does not exist."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from bot.db.models import Contact
from bot.holders import RequestKind
from bot.kernel.types import Channel, Text, t
from flows import holders_texts as words
from tests.adapters.test_flows_on_channels import (
    CASES,
    no_step_failed,
    on_sms,
    on_telegram,
    onboard,
)
from tests.support.clock import Clock

pytestmark = pytest.mark.filterwarnings(
    "ignore:.*retry_after.*:telegram.warnings.PTBDeprecationWarning"
)
AZR = Text("Central Register of Foreign Nationals (AZR)", {})


@pytest.mark.parametrize(("channel", "lang"), CASES, ids=[f"{c}-{lang}" for c, lang in CASES])
async def test_who_holds_my_data_and_how_to_ask_the_azr(
    channel: Channel, lang: str, database_url: str, tmp_path: Path, clock: Clock
) -> None:
    harness = on_telegram if channel is Channel.TELEGRAM else on_sms
    async with harness(database_url, tmp_path, clock, lang) as someone:
        await onboard(someone)
        await someone.choose("my_data")
        assert "holders" in someone.offered
        first = await someone.choose("holders")
        someone.says(first, t("What is your residence status?"))
        assert someone.offered[0] == "situation:asylum"
        await someone.choose("situation:protected")
        await someone.choose("no")  # no benefits: the job question follows
        listing = await someone.choose("yes")
        someone.says(listing, words.LIST_HEADER, words.UNSEEN, AZR)
        assert "https://datenschutzcockpit" in listing.flat
        holders = [c for c in someone.offered if c.startswith("holder:")]
        assert holders == [
            "holder:azr", "holder:bamf", "holder:auslaenderbehoerde", "holder:meldebehoerde",
            "holder:bundesagentur", "holder:krankenkasse", "holder:lotse",
        ]  # fmt: skip
        if channel is Channel.SMS:
            assert someone.labels[0] == "AZR" and "back" not in someone.offered
        details = await someone.choose("holder:azr")
        someone.says(details, AZR, words.FREE)
        assert "Bundesverwaltungsamt, Ausländerzentralregister, 50728 Köln" in details.flat
        assert "Die Bundesbeauftragte für den Datenschutz" in details.flat
        assert someone.offered == ["write", "list", "back"]
        again = await someone.write("Finanzamt")
        someone.says(again, words.NOT_FOUND)
        await someone.choose("holder:lotse")
        assert someone.offered == ["my_data", "list", "back"]
        mine = await someone.choose("my_data")
        someone.says(mine, t("This is what Lotse keeps about you, why, and until when:"))
        await no_step_failed(someone.services)


@pytest.mark.parametrize(("channel", "lang"), CASES, ids=[f"{c}-{lang}" for c, lang in CASES])
async def test_my_requests_listed_and_one_deleted(
    channel: Channel, lang: str, database_url: str, tmp_path: Path, clock: Clock
) -> None:
    store = pytest.importorskip("bot.rights.store", reason="requests are stored by bot.rights")
    harness = on_telegram if channel is Channel.TELEGRAM else on_sms
    async with harness(database_url, tmp_path, clock, lang) as someone:
        await onboard(someone)
        services = someone.services
        async with services.sessionmaker() as session, session.begin():
            contact = await session.scalar(select(Contact).where(Contact.channel == channel.value))
            assert contact is not None and contact.person_id is not None
            view = await store.start(
                session, services.vault, person_id=contact.person_id, contact_id=contact.id,
                channel=channel, holder="azr", kind=RequestKind.CORRECTION, lang=lang,
                keep_days=services.settings.request_days, now=services.clock(),
            )  # fmt: skip
        await someone.choose("my_data")
        await someone.choose("holders")
        await someone.choose("situation:eu")
        await someone.choose("no")
        await someone.choose("no")
        shown = await someone.choose("requests")
        someone.says(shown, t("Your requests to agencies:"), t("correction"), t("not finished"))
        assert someone.offered[0] == "request:1"
        await someone.choose("request:1")
        assert someone.offered == ["go-on", "delete", "requests"]
        await someone.choose("delete")
        done = await someone.choose("confirm")
        someone.says(done, t("Deleted. Everything you typed for it is gone."))
        someone.says(done, t("You have no requests to agencies."))
        async with services.sessionmaker() as session:
            left = await store.view(session, services.vault, person_id=contact.person_id,
                                    request_id=view.request_id)  # fmt: skip
        assert left is None
        await no_step_failed(services)
