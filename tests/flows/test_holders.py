"""Who holds my data through the web chat API: the questions, the list in the person's
language, a holder's details, and that the answers are not kept once the list is shown."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from bot.db.models import Conversation
from tests.support.flows import onboarded


async def state(services: Any) -> tuple[str, str, dict[str, Any]]:
    async with services.sessionmaker() as session:
        row = await session.scalar(select(Conversation))
        assert row is not None
        # The engine's own bookkeeping (the labels of the choices offered) left out.
        own = {key: value for key, value in row.data.items() if not key.startswith("_")}
        return row.flow, row.step, own


async def test_the_holders_that_apply_and_how_to_ask_one_in_arabic(client, services) -> None:
    person = await onboarded(client, services, lang="ar")
    await person.choose("my_data")
    assert "holders" in person.offered
    [question] = await person.choose("holders")
    assert question["lang"] == "ar" and "ما وضع إقامتك؟" in question["text"]
    labels = {c["id"]: c["label"] for c in question["choices"]}
    assert labels["situation:asylum"] == "طلب لجوء قيد الدراسة (Aufenthaltsgestattung)"
    await person.choose("situation:asylum")
    assert person.offered == ["yes", "no", "unsure", "back"]
    # While the questions run, the answers are in the conversation's state, and only there.
    assert (await state(services))[2] == {"situation": "asylum"}
    await person.choose("no")
    [listing] = await person.choose("yes")  # a job: the employment agency is listed
    assert listing["text"].startswith("هذه الجهات لديها على الأرجح بيانات عنك:")
    assert "لا يستطيع Lotse أن يرى ما حفظته هذه الجهات" in listing["text"]
    assert "https://datenschutzcockpit" in listing["text"]
    assert person.offered == [
        "holder:azr", "holder:bamf", "holder:auslaenderbehoerde", "holder:meldebehoerde",
        "holder:bundesagentur", "holder:krankenkasse", "holder:lotse", "requests", "back",
    ]  # fmt: skip
    flow, step, data = await state(services)
    assert (flow, step) == ("holders", "list")
    assert "situation" not in data and "benefits" not in data and "job" not in data
    [details] = await person.choose("holder:azr")
    text = details["text"]
    assert "Bundesverwaltungsamt, Ausländerzentralregister, 50728 Köln" in text
    assert "إثبات الهوية: يجب تصديق توقيعك" in text
    assert "Antrag auf Auskunft aus dem Ausländerzentralregister" in text
    assert "Die Bundesbeauftragte für den Datenschutz und die Informationsfreiheit" in text
    assert "السؤال مجاني. ويجب أن يجيبوا خلال شهر واحد." in text
    assert person.offered == ["write", "list", "back"]
    await person.choose("list")
    assert person.offered[-2:] == ["requests", "back"]
    await person.choose("back")
    assert "my_data" in person.offered  # the main menu


async def test_a_holder_typed_that_does_not_exist_shows_the_list_again(client, services) -> None:
    person = await onboarded(client, services)
    await person.choose("my_data")
    await person.choose("holders")
    await person.choose("situation:eu")
    await person.choose("no")
    await person.choose("no")
    offered = person.offered
    [again] = await person.say("Finanzamt")
    assert again["text"].startswith("That agency was not found.")
    assert person.offered == offered
    [details] = await person.say("AZR")
    assert details["text"].startswith("Central Register of Foreign Nationals (AZR)")


async def test_write_a_request_hands_the_agency_to_the_request_wizard(client, services) -> None:
    pytest.importorskip("flows.rights_request", reason="the request wizard is its own flow")
    person = await onboarded(client, services)
    await person.choose("my_data")
    await person.choose("holders")
    await person.choose("situation:eu")
    await person.choose("no")
    await person.choose("no")
    await person.choose("holder:azr")
    await person.choose("write")
    flow, _step, data = await state(services)
    assert flow == "rights_request" and "situation" not in data
    assert person.offered and "write" not in person.offered  # the wizard asks now
