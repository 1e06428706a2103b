"""A request letter from "Who holds my data", end to end by SMS and WhatsApp through the
fake Twilio: the letter comes as a short link whose page serves the PDF; the questions
go one by one, each SMS within three segments; what was typed is in the letter only."""

from __future__ import annotations

import re

import aiohttp
import pytest

from tests.support.rights_channels import (
    FUTURE,
    TYPED,
    Texting,
    in_letter,
    nothing_typed_in,
    onboard,
    pdf_text,
    stored,
)
from tests.support.twilio import (
    Lotse,
    twilio_fake,  # noqa: F401  (the fixture `fake`)
    twilio_lotse,  # noqa: F401  (the fixture `lotse`)
)

#: The way to the AZR's request kinds from the main menu; by SMS the names are short.
LABELS = ("My data", "Who holds my data", "Protection granted", "Not sure", "Not sure")
AZR = {False: "AZR", True: "Central Register of Foreign Nationals (AZR)"}
ACCESS = {False: "What they hold", True: "See what they hold about me"}


@pytest.mark.parametrize("whatsapp", [False, True], ids=["sms", "whatsapp"])
async def test_by_sms_and_whatsapp_a_short_link_to_the_pdf(lotse: Lotse, whatsapp: bool) -> None:
    person = Texting(lotse, "+4915112340007", whatsapp)
    await onboard(person)
    for label in (*LABELS, AZR[whatsapp], "Write a request", ACCESS[whatsapp]):
        await person.pick(label)
    await person.pick("I agree")
    shown: list[str] = []
    for part, text in TYPED:
        if part == "birth-date":
            before = await stored(lotse.services)
            wrong = await person.say("01.01.2999")
            assert FUTURE in " ".join(wrong) and await stored(lotse.services) == before
        shown += await person.say(text)
    nothing_typed_in(" ".join(shown))
    joined = " ".join(" ".join(body.split()) for body in shown)
    link = re.search(r"Your letter: (\S+) The link works until", joined)
    assert link is not None, joined
    assert "They must answer within one month." in joined
    assert all(len(body) <= 3 * 153 for body in shown) or whatsapp
    async with aiohttp.ClientSession() as web:
        page = await web.get(link[1])
        html = await page.text()
        assert page.status == 200
        pdf_path = re.search(r'href="(/r/[^"]+\.pdf)"', html)
        assert pdf_path is not None, html
        response = await web.get(lotse.url + pdf_path[1])
        assert response.status == 200
        in_letter(pdf_text(await response.read()))
