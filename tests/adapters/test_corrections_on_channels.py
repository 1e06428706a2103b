"""Correcting one's own data on the web chat and by SMS, from "My data": the address for
letters part by part, with masked receipts; the change is in the person's own access
log, with the channel it was made on; a name shaped like a connect code stays a name."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from aiohttp.test_utils import TestClient
from sqlalchemy import select

from bot.db.models import Contact
from bot.kernel.postal import PostalAddress
from bot.kernel.types import Channel
from bot.people import postal_address
from bot.runtime.services import Services
from tests.adapters.test_my_data_on_channels import (
    PHONE,
    flat,
    invited,
    no_full_contact,
    on_sms,
    on_web,
    texts,
)
from tests.support.clock import Clock


async def letter_address(services: Services) -> PostalAddress | None:
    async with services.sessionmaker() as session:
        person_id = await session.scalar(
            select(Contact.person_id).where(Contact.channel == Channel.LETTER.value)
        )
        assert person_id is not None
        return await postal_address(session, services.vault, person_id)


async def test_web_chat_corrects_the_street_and_sees_it_as_its_own_change(
    client: TestClient[Any, Any], services: Services, clock: Clock
) -> None:
    code = await invited(services, clock, (Channel.WEBCHAT, Channel.LETTER), "CO-1", accesses=1)
    person = await on_web(client, services, code)
    await person.choose("my_data")
    settings = texts(await person.choose("correct"))
    assert "Settings. What would you like to change?" in settings
    assert person.offered == ["language", "consent", "ranking", "address", "back"]
    parts = texts(await person.choose("address"))
    assert "Letters go to: Seestraße …, 10115 Berlin." in parts
    no_full_contact(parts)
    await person.choose("street")
    wrong = texts(await person.say("Ringstraße"))
    assert "Please add the house number" in wrong
    saved = texts(await person.say("Ringstraße 3a"))
    assert "Saved. Letters go to: Ringstraße …, 10115 Berlin." in saved
    address = await letter_address(services)
    assert address is not None and address.street == "Ringstraße 3a"
    assert address.name == "Olena Kovalenko"

    await person.choose("done")
    await person.choose("back")
    await person.choose("my_data")
    history = texts(await person.choose("history"))
    assert "you changed your data yourself, by the Lotse web chat. Data: postal address." in history
    assert "Bürgeramt Mitte (office staff) printed your letter." in history


async def test_sms_corrects_the_name_even_when_it_looks_like_a_code(
    database_url: str, tmp_path: Path, clock: Clock
) -> None:
    async with on_sms(database_url, tmp_path, clock) as person:
        services = person.services
        code = await invited(services, clock, (Channel.SMS, Channel.LETTER), "CO-2", accesses=0)
        await services.dispatcher.dispatch_once()
        await person.write(code)
        await person.choose("Yes, that is right")
        await person.choose("My data")
        await person.choose("Correct my data")
        await person.choose("Address for letters")
        await person.choose("Name")
        # Four and four letters of the code alphabet: a connect code's shape.
        saved = flat("\n".join(await person.write("ANNA BERG")))
        # By SMS the ellipsis is folded to GSM characters (bot.messaging.render).
        assert "Saved. Letters go to: Seestraße ..., 10115 Berlin." in saved
        assert "This code does not work" not in saved
        no_full_contact(saved, PHONE)
        address = await letter_address(services)
        assert address is not None and address.name == "ANNA BERG"
        await person.choose("Postcode and town")
        wrong = flat("\n".join(await person.write("Leipzig")))
        assert "five-digit postcode" in wrong
        await person.write("04109 Leipzig")
        address = await letter_address(services)
        assert address is not None and (address.postcode, address.city) == ("04109", "Leipzig")
        assert all(len(body) <= 3 * 153 for body in person.bodies)
