"""Export my data on every channel, and who can open it (as a matrix per way in):

- web chat: links under the message that work only in the session that asked;
- SMS: a short link with a capability token, for a short time;
- Telegram: after asking, the PDF and the JSON sent as documents.

A wrong, expired, erased or someone else's link gets the same 404 page."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp.test_utils import TestClient
from pypdf import PdfReader
from sqlalchemy import func, select

from bot.db.models import AccessEntry, MyDataExport
from bot.kernel.types import Channel
from bot.runtime.services import Services
from flows.my_data_export import DELIVERED, WHAT
from tests.adapters.test_my_data_on_channels import PHONE, invited, on_sms, on_web, texts
from tests.support.clock import Clock
from tests.support.factories import ChatPerson
from tests.support.invitations import ADDRESS
from tests.support.telegram import (
    Harness,
    TelegramPerson,
    buttons,
    telegram_fake,  # noqa: F401  (the fixture `fake`)
    telegram_harness,  # noqa: F401  (the fixture `tg`)
)

PDF, JSON = "lotse-my-data.pdf", "lotse-my-data.json"


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages)


async def logged(services: Services, action: str) -> list[str | None]:
    async with services.sessionmaker() as session:
        rows = await session.scalars(
            select(AccessEntry.detail)
            .where(AccessEntry.action == action, AccessEntry.role == "person")
            .order_by(AccessEntry.id)
        )
        return list(rows)


async def exports(services: Services) -> int:
    async with services.sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(MyDataExport)) or 0)


# -- web chat ---------------------------------------------------------------------


async def export_on_web(person: ChatPerson) -> dict[str, Any]:
    await person.choose("my_data")
    [question] = await person.choose("export")
    assert "a PDF to read and a JSON file" in question["text"]
    assert person.offered == ["yes", "back"]
    replies = await person.choose("yes")
    [message] = [m for m in replies if m.get("documents")]
    assert "The links below work only in this chat" not in message["text"]
    assert "Open it with the links below." in message["text"]
    return message


async def get(client: TestClient[Any, Any], href: str) -> tuple[int, bytes, str]:
    # The chat page keeps the conversation's language in a cookie its links carry.
    response = await client.get(href, headers={"Cookie": "lotse-lang=en"})
    return response.status, await response.read(), response.headers.get("Content-Type", "")


async def test_web_chat_export_opens_only_in_its_own_session(
    client: TestClient[Any, Any], services: Services, clock: Clock
) -> None:
    code = await invited(services, clock, (Channel.WEBCHAT, Channel.LETTER), "EX-1")
    owner = await on_web(client, services, code)
    message = await export_on_web(owner)
    pdf, data = message["documents"]
    assert (pdf["name"], data["name"]) == (PDF, JSON)
    assert pdf["href"].startswith(f"/chat/api/sessions/{owner.session}/exports/")

    status, body, kind = await get(client, data["href"])
    assert (status, kind.split(";")[0]) == (200, "application/json")
    document = json.loads(body)
    assert document["format"] == "lotse.my-data-export/1"
    # A code typed in a web chat must not be enough to learn where someone lives.
    assert document["postal_address"]["street"] == "Seestraße"
    assert ADDRESS.street not in body.decode() and ADDRESS.name not in body.decode()
    status, body, kind = await get(client, pdf["href"])
    assert (status, kind) == (200, "application/pdf") and body.startswith(b"%PDF")
    assert "Seestraße" in pdf_text(body) and ADDRESS.street not in pdf_text(body)
    assert await logged(services, "mydata.export") == ["webchat"]
    assert await logged(services, "mydata.download") == ["webchat", "webchat"]
    # The person's own actions, in their access log as they are said to them.
    await owner.choose("my_data")
    history = texts(await owner.choose("history"))
    # (the two downloads in the same second are one processing: one line)
    assert "You received the export of your data. Data:" in history
    assert "You made an export of your data. Data:" in history
    await owner.choose("back")

    code = await invited(
        services, clock, (Channel.WEBCHAT, Channel.LETTER), "EX-2", "+4917011122233", 1
    )
    other = await on_web(client, services, code)
    path = pdf["href"].removeprefix(f"/chat/api/sessions/{owner.session}")
    export_id = path.split("/")[2]
    matrix = {
        "someone else's session": f"/chat/api/sessions/{other.session}{path}",
        "no session": f"/chat/api/sessions/{'x' * 43}{path}",
        "wrong export": pdf["href"].replace(f"/exports/{export_id}/", "/exports/999/"),
        "wrong file": pdf["href"].replace(PDF, "passwd"),
    }
    answers = {name: await get(client, href) for name, href in matrix.items()}
    newcomer = ChatPerson(client, services)
    await newcomer.open(language="en")
    answers["a new session"] = await get(client, f"/chat/api/sessions/{newcomer.session}{path}")
    clock.advance(hours=services.settings.mydata_export_hours, seconds=1)
    answers["expired"] = await get(client, pdf["href"])
    gone = {name: (status, body) for name, (status, body, _) in answers.items()}
    assert {status for status, _ in gone.values()} == {404}, gone
    assert len({body for _, body in gone.values()}) == 1  # one page for every case
    assert b"This link does not work" in next(iter(gone.values()))[1]
    assert ADDRESS.street.encode() not in b"".join(body for _, body in gone.values())
    assert await logged(services, "mydata.download") == ["webchat", "webchat"]


async def test_web_chat_export_is_gone_after_erasure(
    client: TestClient[Any, Any], services: Services, clock: Clock
) -> None:
    code = await invited(services, clock, (Channel.WEBCHAT, Channel.LETTER), "EX-3")
    owner = await on_web(client, services, code)
    pdf, _ = (await export_on_web(owner))["documents"]
    await owner.choose("delete")
    await owner.choose("confirm")

    status, body, _ = await get(client, pdf["href"])

    assert status == 404 and b"This link does not work" in body
    assert await exports(services) == 0


async def test_a_double_click_on_the_web_chat_makes_one_export(
    client: TestClient[Any, Any], services: Services, clock: Clock
) -> None:
    code = await invited(services, clock, (Channel.WEBCHAT, Channel.LETTER), "EX-4")
    owner = await on_web(client, services, code)
    await owner.choose("my_data")
    await owner.choose("export")
    # Both presses are accepted before either is processed (the choice is still offered).
    first = await owner.client.post(
        f"/chat/api/sessions/{owner.session}/messages", json={"choice": "yes", "id": "a1"}
    )
    second = await owner.client.post(
        f"/chat/api/sessions/{owner.session}/messages", json={"choice": "yes", "id": "a2"}
    )
    assert (first.status, second.status) == (202, 202)
    await services.inbox.process_pending()
    replies = await owner.replies()

    assert await exports(services) == 1
    assert await logged(services, "mydata.export") == ["webchat"]
    hrefs = {d["href"] for m in replies for d in m.get("documents", [])}
    assert len(hrefs) == 2  # one PDF and one JSON link, not two of each


# -- SMS --------------------------------------------------------------------------


async def test_sms_export_is_a_short_link_for_a_short_time(
    database_url: str, tmp_path: Path, clock: Clock
) -> None:
    async with on_sms(database_url, tmp_path, clock) as person:
        services = person.services
        code = await invited(services, clock, (Channel.SMS,), "EX-5")
        await services.dispatcher.dispatch_once()
        await person.write(code)
        await person.choose("Yes, that is right")
        await person.choose("My data")
        [question] = await person.choose("Export my data")
        assert "It works for 60 minutes. Send it?" in question
        [answer, *_] = await person.choose("Yes")
        link = next(word for word in answer.split() if word.startswith(person.url + "/d/"))
        token = link.rsplit("/", 1)[1]
        assert len(answer) <= 3 * 153

        async with aiohttp.ClientSession() as http:

            async def fetch(url: str) -> tuple[int, bytes]:
                async with http.get(url) as response:
                    return response.status, await response.read()

            status, page = await fetch(link)
            assert status == 200 and f'href="/d/{token}/{PDF}"'.encode() in page
            status, pdf = await fetch(f"{link}/{PDF}")
            assert status == 200 and PHONE in pdf_text(pdf)
            status, data = await fetch(f"{link}/{JSON}")
            assert json.loads(data)["channels"]["contacts"][0]["address"] == PHONE
            assert await logged(services, "mydata.download") == ["sms", "sms"]

            async with services.sessionmaker() as session:
                export_id = await session.scalar(select(MyDataExport.id))
            matrix = {
                "wrong token": f"{person.url}/d/{'A' * 22}",
                "wrong token's file": f"{person.url}/d/{'A' * 22}/{PDF}",
                "not a token": f"{person.url}/d/short",
                "wrong file": f"{link}/secret.txt",
                # The export of an SMS link, asked for through a web chat session.
                "web chat route": f"{person.url}/chat/api/sessions/{'x' * 43}"
                f"/exports/{export_id}/{PDF}",
            }
            answers = {name: await fetch(url) for name, url in matrix.items()}
            clock.advance(minutes=services.settings.mydata_link_minutes, seconds=1)
            answers["expired"] = await fetch(link)
            answers["expired file"] = await fetch(f"{link}/{PDF}")
            clock.advance(minutes=-services.settings.mydata_link_minutes - 1)
            assert (await fetch(link))[0] == 200  # back within its time: still the owner's
            await person.write("menu")
            await person.choose("Delete my data")
            await person.choose("Yes, delete everything")
            answers["after erasure"] = await fetch(link)
        assert {status for status, _ in answers.values()} == {404}, answers
        assert len({body for _, body in answers.values()}) == 1
        assert await logged(services, "mydata.download") == ["sms", "sms"]


# -- Telegram ---------------------------------------------------------------------


async def test_telegram_sends_the_pdf_and_the_json_after_asking(tg: Harness) -> None:
    person = TelegramPerson(tg, 6234567890, "ar")
    await person.write("/start")
    for choice in ("continue", "continue", "yes", "yes", "rank:telegram"):
        await person.send(person.callback(choice))
    await person.send(person.callback("my_data"))
    [question] = await person.send(person.callback("export"))
    ar = tg.services.catalogs["ar"]
    assert buttons(question) == ["yes", "back"]
    assert question["text"].startswith(ar.text(WHAT))
    assert tg.fake.calls_to("sendMediaGroup") == []

    await person.send(person.callback("yes"))

    # One call: the two files with the message as the caption of the first.
    [album] = [call.params for call in tg.fake.calls_to("sendMediaGroup")]
    assert album["chat_id"] == 6234567890
    assert album["media"][0]["caption"] == ar.text(DELIVERED)
    files = {f["filename"]: f["data"] for f in album["files"]}
    assert set(files) == {PDF, JSON}
    assert files[PDF].startswith(b"%PDF")
    document = json.loads(files[JSON])
    assert document["language"]["used"] == "ar"
    assert document["channels"]["contacts"][0]["address_kind"] == "telegram-chat"
    assert await logged(tg.services, "mydata.download") == ["telegram"]
