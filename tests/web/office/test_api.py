"""The office API on the real app: authentication, idempotency, validation of every
field, isolation between offices, reading and listing, the CSV upload's HTTP edge.
Every response is checked against the served OpenAPI document."""

from __future__ import annotations

import asyncio
import copy
import json
import time
from typing import Any

import jsonschema_rs
import pytest
from aiohttp.test_utils import TestClient
from sqlalchemy import select

from bot.db.models import AccessEntry, Invitation, Letter, OfficeApiKey
from bot.i18n.catalogs import LANGUAGES
from bot.invitations.request import personal_of
from bot.offices.registry import revoke_key
from bot.runtime.services import Services
from tests.support.clock import Clock
from tests.support.offices import Caller, body, make_office

Client = TestClient[Any, Any]


@pytest.fixture
async def offices(services: Services) -> tuple[Caller, Caller]:
    return await make_office(services, "amt-nord"), await make_office(services, "amt-sued")


class Document:
    """The served OpenAPI document, to check answers against."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document

    def check(self, schema: str, data: Any) -> None:
        root = {**copy.deepcopy(self.document), "$ref": f"#/components/schemas/{schema}"}
        jsonschema_rs.Draft202012Validator(root).validate(data)


@pytest.fixture
async def doc(client: Client) -> Document:
    response = await client.get("/api/v1/openapi.json")
    assert response.status == 200
    return Document(await response.json())


async def post(client: Client, caller: Caller, data: Any, doc: Document) -> tuple[int, Any]:
    response = await client.post("/api/v1/invitations", json=data, headers=caller.headers)
    answer = await response.json()
    doc.check("Invitation" if response.status in (200, 201) else "Error", answer)
    return response.status, answer


# ---------------------------------------------------------------- the document


async def test_openapi_document_is_3_1_with_every_operation(doc: Document) -> None:
    document = doc.document
    assert document["openapi"] == "3.1.0"
    assert document["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    operations = {(p, m) for p, item in document["paths"].items() for m in item}
    assert operations == {
        ("/api/v1/invitations", "post"),
        ("/api/v1/invitations", "get"),
        ("/api/v1/invitations/{id}", "get"),
        ("/api/v1/invitations/bulk", "post"),
    }
    schema = document["components"]["schemas"]["InvitationIn"]
    assert schema["additionalProperties"] is False
    assert set(schema["required"]) == {"reference", "language", "channels", "consent"}
    assert "$defs" not in json.dumps(document)  # every reference points into components


# ---------------------------------------------------------------- authentication


@pytest.mark.parametrize(
    "header",
    [None, "", "Bearer", "Basic dXNlcjpwYXNz", "Bearer lotse_00000000_" + "x" * 43, "Bearer x"],
)
async def test_without_a_valid_key_401_with_a_challenge(
    client: Client, offices: tuple[Caller, Caller], header: str | None, doc: Document
) -> None:
    headers = {} if header is None else {"Authorization": header}
    for method, path in (
        ("POST", "/api/v1/invitations"),
        ("GET", "/api/v1/invitations"),
        ("GET", "/api/v1/invitations/inv_x"),
        ("POST", "/api/v1/invitations/bulk"),
    ):
        response = await client.request(method, path, headers=headers, json=body())
        assert response.status == 401, (method, path)
        assert response.headers["WWW-Authenticate"].startswith('Bearer realm="lotse"')
        doc.check("Error", await response.json())


async def test_a_revoked_key_is_refused_and_a_used_one_is_touched(
    client: Client, services: Services, offices: tuple[Caller, Caller], clock: Clock
) -> None:
    north, _ = offices
    assert (await client.get("/api/v1/invitations", headers=north.headers)).status == 200
    async with services.sessionmaker() as session, session.begin():
        key = await session.scalar(select(OfficeApiKey).where(OfficeApiKey.prefix == north.prefix))
        assert key is not None and key.last_used_at == clock.now
        await revoke_key(session, north.prefix, clock.now)
    response = await client.get("/api/v1/invitations", headers=north.headers)
    assert response.status == 401
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]


# ---------------------------------------------------------------- creating


async def test_create_answers_201_with_id_status_code_and_expiry(
    client: Client, services: Services, offices: tuple[Caller, Caller], doc: Document
) -> None:
    status, answer = await post(client, offices[0], body(), doc)
    assert status == 201
    assert answer["id"].startswith("inv_") and answer["reference"] == "AZ-2026-0001"
    assert answer["status"] == "created" and len(answer["code"]) == 9
    assert answer["expires_at"].startswith("2026-12-23")
    async with services.sessionmaker() as session:
        letters = (await session.scalars(select(Letter))).all()
        invitation = await session.scalar(select(Invitation))
    assert len(letters) == 1
    assert invitation is not None
    personal = personal_of(services.vault, invitation)
    # Only what was sent is stored: no name given, none kept.
    assert personal is not None and personal.given_name is None and personal.phone is None
    listed = await client.get("/api/v1/invitations", headers=offices[0].headers)
    assert listed.headers["Cache-Control"] == "no-store"  # codes: never in a cache


async def test_the_same_request_again_is_200_and_the_same_invitation(
    client: Client, offices: tuple[Caller, Caller], doc: Document
) -> None:
    first_status, first = await post(client, offices[0], body(), doc)
    again_status, again = await post(client, offices[0], body(), doc)
    assert (first_status, again_status) == (201, 200)
    assert again["id"] == first["id"] and again["code"] == first["code"]


async def test_a_phone_in_another_format_is_the_same_request(
    client: Client, offices: tuple[Caller, Caller], doc: Document
) -> None:
    data = body(channels=["sms", "letter"], phone="0151 2345 6789")
    status, first = await post(client, offices[0], data, doc)
    assert status == 201
    status, again = await post(client, offices[0], {**data, "phone": "+49 151 23456789"}, doc)
    assert status == 200 and again["id"] == first["id"]


async def test_the_same_reference_with_other_data_is_409(
    client: Client, offices: tuple[Caller, Caller], doc: Document
) -> None:
    _, first = await post(client, offices[0], body(), doc)
    status, answer = await post(client, offices[0], body(language="fa"), doc)
    assert status == 409
    assert answer["error"] == "reference_conflict" and answer["id"] == first["id"]


_ADDRESS = body()["postal_address"]
_CONSENT = body()["consent"]
INVALID: list[tuple[dict[str, Any], str]] = [
    ({"reference": None}, "reference"),
    ({"reference": ""}, "reference"),
    ({"reference": "x" * 101}, "reference"),
    ({"reference": "AZ\n1"}, "reference"),
    ({"reference": "AZ-\u202e5180-6202"}, "reference"),  # shows as "AZ-2026-0815"
    ({"reference": "AZ-\u2067X\u2069"}, "reference"),
    ({"reference": "AZ-\u200f1"}, "reference"),
    ({"reference": "AZ-\x851"}, "reference"),
    ({"postal_address": {**_ADDRESS, "name": "Amal\u202eHaddad"}}, "postal_address.name"),
    ({"reference": 17}, "reference"),
    ({"language": None}, "language"),
    ({"language": "xx"}, "language"),
    ({"language": "AR"}, "language"),
    ({"channels": None}, "channels"),
    ({"channels": []}, "channels"),
    ({"channels": ["webchat"]}, "channels"),
    ({"channels": "letter"}, "channels"),
    ({"channels": ["letter", "letter"]}, "channels"),
    ({"channels": ["sms"]}, "channels"),
    ({"channels": ["whatsapp"]}, "channels"),
    ({"channels": ["telegram"], "postal_address": None}, "channels"),
    ({"channels": ["sms"], "postal_address": None}, "channels"),
    ({"channels": ["letter", "sms"], "phone": "12"}, "phone"),
    ({"channels": ["sms"], "phone": "not a number"}, "phone"),
    ({"channels": ["sms"], "phone": "+49 151 2345 6789 1234 5678"}, "phone"),
    ({"postal_address": None}, "channels"),
    ({"postal_address": {**_ADDRESS, "city": ""}}, "postal_address.city"),
    (
        {"postal_address": {k: v for k, v in _ADDRESS.items() if k != "street"}},
        "postal_address.street",
    ),
    ({"postal_address": {**_ADDRESS, "postcode": "1" * 17}}, "postal_address.postcode"),
    ({"postal_address": {**_ADDRESS, "country": "DE"}}, "postal_address.country"),
    ({"postal_address": {**_ADDRESS, "extra": "x" * 201}}, "postal_address.extra"),
    ({"postal_address": "Hauptstraße 1"}, "postal_address"),
    ({"given_name": "x" * 101}, "given_name"),
    ({"given_name": ""}, "given_name"),
    ({"family_name": ["Haddad"]}, "family_name"),
    ({"consent": None}, "consent"),
    ({"consent": {**_CONSENT, "recorded_at": "2026-11-20T10:00:00"}}, "consent.recorded_at"),
    ({"consent": {**_CONSENT, "recorded_at": "yesterday"}}, "consent.recorded_at"),
    ({"consent": {**_CONSENT, "recorded_at": "2027-01-01T00:00:00Z"}}, "consent.recorded_at"),
    ({"consent": {**_CONSENT, "recorded_at": "1999-12-31T00:00:00Z"}}, "consent.recorded_at"),
    ({"consent": {"recorded_at": _CONSENT["recorded_at"]}}, "consent.notice_version"),
    ({"consent": {**_CONSENT, "notice_version": "v" * 65}}, "consent.notice_version"),
    ({"consent": {**_CONSENT, "by": "clerk"}}, "consent.by"),
    ({"date_of_birth": "1990-01-01"}, "date_of_birth"),
    ({"nationality": "SY"}, "nationality"),
]


@pytest.mark.parametrize(("changes", "field"), INVALID)
async def test_every_field_is_validated_with_422_naming_it(
    client: Client,
    services: Services,
    offices: tuple[Caller, Caller],
    doc: Document,
    changes: dict[str, Any],
    field: str,
) -> None:
    data = body(**{k: v for k, v in changes.items() if v is not None})
    for name in (k for k, v in changes.items() if v is None):
        data.pop(name, None)
    status, answer = await post(client, offices[0], data, doc)
    assert status == 422, answer
    assert answer["error"] == "invalid"
    assert field in [f["field"] for f in answer["fields"]], answer
    for value in ("not a number", "12", "Haddad"):
        assert value not in json.dumps(answer)  # rejected values are not echoed
    async with services.sessionmaker() as session:
        assert await session.scalar(select(Invitation)) is None


async def test_an_unsupported_language_lists_the_supported_ones(
    client: Client, offices: tuple[Caller, Caller], doc: Document
) -> None:
    status, answer = await post(client, offices[0], body(language="pt"), doc)
    assert status == 422
    assert answer["supported"] == list(LANGUAGES)
    assert "de, en, ar" in answer["fields"][0]["message"]


@pytest.mark.parametrize(
    ("raw", "content_type", "status"),
    [
        (b"{not json", "application/json", 400),
        (b"[1, 2]", "application/json", 400),
        (b"", "application/json", 400),
        (b"\xff\xfe{}", "application/json", 400),
        (b"[" * 50_000 + b"]" * 10, "application/json", 400),
        (json.dumps(body()).encode(), "text/plain", 415),
        (json.dumps(body()).encode(), "application/x-www-form-urlencoded", 415),
        (b'{"reference": "' + b"x" * 70_000 + b'"}', "application/json", 413),
    ],
)
async def test_bad_bodies_are_4xx_in_the_error_shape(
    client: Client,
    offices: tuple[Caller, Caller],
    doc: Document,
    raw: bytes,
    content_type: str,
    status: int,
) -> None:
    headers = {**offices[0].headers, "Content-Type": content_type}
    response = await client.post("/api/v1/invitations", data=raw, headers=headers)
    assert response.status == status
    doc.check("Error", await response.json())


# ---------------------------------------------------------------- reading, isolation


async def test_read_one_with_its_events_and_only_in_its_own_office(
    client: Client, offices: tuple[Caller, Caller], doc: Document
) -> None:
    north, south = offices
    _, created = await post(client, north, body(), doc)
    response = await client.get(f"/api/v1/invitations/{created['id']}", headers=north.headers)
    assert response.status == 200
    answer = await response.json()
    doc.check("InvitationWithEvents", answer)
    assert [e["status"] for e in answer["events"]] == ["created", "queued"]
    assert answer["events"][1]["detail"] == "by letter"
    for path in (f"/api/v1/invitations/{created['id']}", "/api/v1/invitations/inv_nothing"):
        response = await client.get(path, headers=south.headers)
        assert response.status == 404
        doc.check("Error", await response.json())


async def test_offices_have_their_own_references_and_lists(
    client: Client, offices: tuple[Caller, Caller], doc: Document
) -> None:
    north, south = offices
    status_n, in_north = await post(client, north, body(), doc)
    status_s, in_south = await post(client, south, body(language="fa"), doc)
    assert (status_n, status_s) == (201, 201) and in_north["id"] != in_south["id"]
    response = await client.get("/api/v1/invitations", headers=south.headers)
    page = await response.json()
    assert [i["id"] for i in page["invitations"]] == [in_south["id"]]
    assert page["counts"]["created"] == 1


async def test_list_pages_with_a_cursor_and_filters_by_status(
    client: Client, offices: tuple[Caller, Caller], doc: Document
) -> None:
    north = offices[0]
    ids = []
    for n in range(5):
        _, answer = await post(client, north, body(reference=f"AZ-{n}"), doc)
        ids.append(answer["id"])
    _, failed = await post(client, north, body(reference="AZ-sms", channels=["sms"],
                                                phone="+4915123456789"), doc)  # fmt: skip
    assert failed["status"] == "failed"  # no SMS provider in the tests
    seen: list[str] = []
    after: str | None = None
    while True:
        params = {"status": "created", "limit": "2", **({"after": after} if after else {})}
        response = await client.get("/api/v1/invitations", params=params, headers=north.headers)
        assert response.status == 200
        page = await response.json()
        doc.check("InvitationPage", page)
        seen.extend(i["id"] for i in page["invitations"])
        after = page["next"]
        if after is None:
            break
    assert seen == ids[::-1]
    assert page["counts"] == {"created": 5, "sent": 0, "delivered": 0, "connected": 0,
                              "expired": 0, "failed": 1}  # fmt: skip


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"status": "lost"}, 422),
        ({"status": ""}, 422),
        ({"after": ""}, 400),
        ({"limit": "0"}, 422),
        ({"limit": "201"}, 422),
        ({"limit": "ten"}, 422),
        ({"limit": "9" * 5000}, 422),
        ({"after": "inv_unknown"}, 400),
        ({"after": "x\x00y"}, 400),
    ],
)
async def test_bad_list_parameters(
    client: Client,
    offices: tuple[Caller, Caller],
    doc: Document,
    params: dict[str, str],
    status: int,
) -> None:
    response = await client.get("/api/v1/invitations", params=params, headers=offices[0].headers)
    assert response.status == status
    doc.check("Error", await response.json())


async def test_another_offices_cursor_is_refused(
    client: Client, offices: tuple[Caller, Caller], doc: Document
) -> None:
    north, south = offices
    _, created = await post(client, north, body(), doc)
    params = {"after": created["id"]}
    response = await client.get("/api/v1/invitations", params=params, headers=south.headers)
    assert response.status == 400


async def access_log(services: Services) -> list[AccessEntry]:
    async with services.sessionmaker() as session:
        return list(await session.scalars(select(AccessEntry).order_by(AccessEntry.id)))


async def test_every_access_is_logged_for_each_invitation_without_personal_data(
    client: Client, services: Services, offices: tuple[Caller, Caller], doc: Document
) -> None:
    north, south = offices
    _, created = await post(client, north, body(), doc)
    await post(client, north, body(), doc)
    sms = body(reference="AZ-2", channels=["sms", "letter"], phone="+4915123456789",
               given_name="Amal")  # fmt: skip
    _, second = await post(client, north, sms, doc)
    await client.get(f"/api/v1/invitations/{created['id']}", headers=north.headers)
    await client.get("/api/v1/invitations", headers=north.headers)
    await client.get("/api/v1/invitations", headers=south.headers)  # none: no entry
    await client.get(f"/api/v1/invitations/{created['id']}", headers=south.headers)  # 404
    async with services.sessionmaker() as session:
        ids = dict((await session.execute(select(Invitation.public_id, Invitation.id))).all())
    first, other = ids[created["id"]], ids[second["id"]]
    letter = ["invitation", "language", "consent", "postal-address"]
    assert [(e.action, e.invitation_id, e.categories) for e in await access_log(services)] == [
        ("invitation.create", first, letter),
        ("invitation.repeat", first, letter),
        ("invitation.create", other, [*letter[:3], "phone", "postal-address", "name"]),
        ("invitation.read", first, ["invitation", "code", "language"]),
        # One entry per invitation listed, newest first.
        ("invitation.list", other, ["invitation", "code", "language"]),
        ("invitation.list", first, ["invitation", "code", "language"]),
    ]
    log = await access_log(services)
    assert {(e.role, e.actor, e.office_id, e.person_id) for e in log} == {
        ("office-api", f"key:{north.prefix}", north.office_id, None)
    }
    assert "Haddad" not in repr([(e.detail, e.action) for e in log])


# ---------------------------------------------------------------- the CSV upload's edge

CSV = (
    "reference;language;channels;address_name;street;postcode;city;"
    "consent_recorded_at;notice_version\n"
    "AZ-1;ar;letter;Amal Haddad;Hauptstraße 1;12345;Musterstadt;2026-11-20 10:00;2026-01\n"
    "AZ-2;xx;letter;Amal Haddad;Hauptstraße 1;12345;Musterstadt;2026-11-20 10:00;2026-01\n"
)


async def test_bulk_upload_reports_each_row(
    client: Client, services: Services, offices: tuple[Caller, Caller], doc: Document
) -> None:
    north = offices[0]
    headers = {**north.headers, "Content-Type": "text/csv; charset=utf-8"}
    response = await client.post("/api/v1/invitations/bulk", data=CSV.encode(), headers=headers)
    assert response.status == 200
    report = await response.json()
    doc.check("BulkReport", report)
    assert (report["rows"], report["created"], report["errors"]) == (2, 1, 1)
    assert report["results"][1] | {"message": ""} == {
        "row": 3, "reference": "AZ-2", "outcome": "error", "field": "language",
        "message": "", "id": None,
    }  # fmt: skip
    async with services.sessionmaker() as session:
        invitation_id = await session.scalar(select(Invitation.id))
    # One entry for the invitation written; none for the row in error.
    log = await access_log(services)
    assert [(e.role, e.actor, e.action, e.invitation_id) for e in log] == [
        ("office-api", f"key:{north.prefix}", "bulk.upload", invitation_id)
    ]
    assert log[0].detail == "rows=2 created=1 existing=0 errors=1"


@pytest.mark.parametrize(
    "header", [";".join(["reference"] * 100_000), ";".join(f"c{i}" for i in range(100_000))]
)
async def test_a_huge_header_is_refused_at_once_while_the_server_answers(
    client: Client, services: Services, offices: tuple[Caller, Caller], header: str
) -> None:
    """Found by an outside review: a quadratic check of a 40,000-column header held the
    event loop for 11.8 s (a 100,000-column one: over a minute)."""
    headers = {**offices[0].headers, "Content-Type": "text/csv"}
    data = (header + "\nAZ-1\n").encode()
    assert len(data) < services.settings.bulk_max_bytes
    waits: list[float] = []
    stop = asyncio.Event()

    async def poll_health() -> None:
        while not stop.is_set():
            started = time.monotonic()
            assert (await client.get("/healthz")).status == 200
            waits.append(time.monotonic() - started)
            await asyncio.sleep(0.01)

    poller = asyncio.create_task(poll_health())
    started = time.monotonic()
    response = await client.post("/api/v1/invitations/bulk", data=data, headers=headers)
    took = time.monotonic() - started
    stop.set()
    await poller
    answer = await response.json()
    assert (response.status, answer["error"]) == (422, "too_many_columns")
    assert "100000 cells" in answer["detail"] and len(answer["detail"]) < 500
    # Generous bounds for a shared CI machine; the quadratic check took over a minute.
    assert took < 5, took
    assert waits and max(waits) < 2, max(waits)


async def test_bulk_upload_limits_and_content_type(
    client: Client, services: Services, offices: tuple[Caller, Caller], doc: Document
) -> None:
    services.settings = services.settings.model_copy(
        update={"bulk_max_bytes": 4096, "bulk_max_rows": 1}
    )
    headers = {**offices[0].headers, "Content-Type": "text/csv"}
    url = "/api/v1/invitations/bulk"
    big = CSV.encode() + b"\n" * 5000
    for data, status, code in (
        (big, 413, "too_large"),
        (CSV.encode(), 422, "too_many_rows"),
        ("reference;language\nä".encode("latin-1"), 422, "not_utf8"),
    ):
        response = await client.post(url, data=data, headers=headers)
        answer = await response.json()
        doc.check("Error", answer)
        assert (response.status, answer["error"]) == (status, code)

    async def chunks() -> Any:
        for _ in range(10):
            yield b"x" * 1000

    response = await client.post(url, data=chunks(), headers=headers)  # no Content-Length
    assert response.status == 413
    json_headers = {**offices[0].headers, "Content-Type": "application/json"}
    response = await client.post(url, data=CSV.encode(), headers=json_headers)
    assert response.status == 415
