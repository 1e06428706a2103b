"""Every route of the app, classified: does it show or change someone else's personal
data? Each route that does writes exactly one access log entry per person (or, before
they connected, invitation) concerned, whoever calls it; the others write none.

The walk covers the whole app as `lotse serve` builds it with every channel configured
(webhooks included), every method (HEAD too: it runs the GET handler). A route that is
not in ROUTES fails `test_every_route_is_classified`; a route in ROUTES that the
scenario below does not call fails the scenario; a personal-data route that writes no
entry for someone concerned, or two, fails it too.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import re
import zipfile
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from enum import Enum
from typing import Any

import pytest
from aiohttp import FormData, web
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import func, select
from twilio.request_validator import RequestValidator  # type: ignore[import-untyped]

from adapters import webhook_routes
from adapters.telegram import SECRET_HEADER
from adapters.twilio import INBOUND_PATH, SIGNATURE_HEADER, STATUS_PATH
from adapters.webchat import WebChatAdapter
from bot.audit import Actor
from bot.db.models import AccessEntry, Contact, Invitation, Office, RightsRequest
from bot.invitations.codes import code_of
from bot.kernel.types import Channel
from bot.messaging import reader_for
from bot.mydata import Issued, build_export, issue
from bot.offices.registry import create_key
from bot.rights import IssuedLetter, RequestView
from bot.runtime.services import Services
from bot.staff import StaffRole, create_advisor
from bot.web.app import make_app
from tests.rights.support import IDENTITY, step, typed
from tests.support.advice_inbox import walk_the_inbox
from tests.support.cases import import_services
from tests.support.connect import person_on
from tests.support.factories import connect_with_code
from tests.support.office_page import (
    BAD_ROW,
    EMAIL,
    GOOD_ROW,
    PASSWORD,
    as_csv,
    invite,
    seed_office,
)
from tests.support.office_requests import link_office, sent_to_office
from tests.support.telegram import WEBHOOK_SECRET, payload

Client = TestClient[Any, Any]
Route = tuple[str, str]  # (method, path as the router has it)
#: Who a response concerns: the public ids of the invitations it shows or wrote.
Whose = Callable[[Any], Awaitable[list[str]]]


class Kind(Enum):
    #: No personal data at all (health, documents, forms, counts).
    NONE = "none"
    #: The person's own data, by the person or their channel's provider: not an access
    #: by someone else, so no entry (the person sees their own data as it is).
    OWN = "own"
    #: Someone else's personal data (an office by API key or by staff login): one entry
    #: per person or invitation concerned.
    OTHERS = "others"


#: Every route; a HEAD route is classified as the GET route it answers for.
ROUTES: dict[Route, Kind] = {
    ("GET", "/healthz"): Kind.NONE,
    ("GET", "/readyz"): Kind.NONE,
    ("GET", "/static"): Kind.NONE,
    ("GET", "/chat"): Kind.NONE,
    ("GET", "/chat/ui.json"): Kind.NONE,
    ("GET", "/privacy"): Kind.NONE,  # the privacy notice, public
    ("GET", "/accessibility"): Kind.NONE,  # the accessibility statement, public
    ("GET", "/chat/api/openapi.json"): Kind.NONE,
    ("POST", "/chat/api/sessions"): Kind.OWN,
    ("POST", "/chat/api/sessions/{session}/messages"): Kind.OWN,
    ("GET", "/chat/api/sessions/{session}/messages"): Kind.OWN,
    ("GET", "/chat/api/sessions/{session}/consents"): Kind.OWN,
    # The export of the person's data: each download is the person's own action, logged
    # for them (role "person"), never an access by someone else.
    ("GET", "/chat/api/sessions/{session}/exports/{export}/{name}"): Kind.OWN,
    ("GET", "/d/{token}"): Kind.OWN,  # the page a short link opens: no entry
    ("GET", "/d/{token}/{name}"): Kind.OWN,
    ("GET", "/chat/api/sessions/{session}/letters/{request_id}/{name}"): Kind.OWN,
    ("GET", "/r/{token}"): Kind.OWN,  # the page a letter's short link opens: no entry
    ("GET", "/r/{token}/{name}"): Kind.OWN,
    ("POST", INBOUND_PATH): Kind.OWN,  # a person's SMS or WhatsApp message
    ("POST", STATUS_PATH): Kind.OWN,  # the provider's receipt for a person's message
    ("POST", "/webhooks/telegram"): Kind.OWN,  # a person's Telegram update
    ("GET", "/api/v1/openapi.json"): Kind.NONE,
    ("POST", "/api/v1/invitations"): Kind.OTHERS,
    ("GET", "/api/v1/invitations"): Kind.OTHERS,
    ("GET", "/api/v1/invitations/{id}"): Kind.OTHERS,
    ("POST", "/api/v1/invitations/bulk"): Kind.OTHERS,
    ("GET", "/office/login"): Kind.NONE,
    ("POST", "/office/login"): Kind.NONE,  # the staff member's own login
    ("POST", "/office/logout"): Kind.NONE,
    ("POST", "/office/language"): Kind.NONE,  # the staff member's own page language
    ("GET", "/office"): Kind.OTHERS,
    ("GET", "/office/invitations/{public_id}"): Kind.OTHERS,
    ("GET", "/office/upload"): Kind.NONE,  # the form
    ("POST", "/office/upload"): Kind.OTHERS,
    ("GET", "/office/letters"): Kind.NONE,  # counts and batch ids
    ("POST", "/office/letters/download"): Kind.OTHERS,
    ("POST", "/office/letters/reprint"): Kind.OTHERS,
    # Requests people sent to the office through Lotse: each look and each change is an
    # access to the person's data (one entry per person listed or concerned).
    ("GET", "/office/requests"): Kind.OTHERS,
    ("GET", "/office/requests/{request_id}"): Kind.OTHERS,
    ("POST", "/office/requests/{request_id}/extension"): Kind.OTHERS,
    ("POST", "/office/requests/{request_id}/answer"): Kind.OTHERS,
    ("POST", "/office/requests/{request_id}/letter"): Kind.OTHERS,
    # The service admins' overview: aggregates with counts under 5 hidden, no person.
    ("GET", "/advice/overview"): Kind.NONE,
    # The advisor inbox: each look and each action, one entry per person whose case it is.
    ("GET", "/advice/inbox"): Kind.OTHERS,
    ("GET", "/advice/cases/{id}"): Kind.OTHERS,
    ("POST", "/advice/cases/{id}/note"): Kind.OTHERS,
    ("POST", "/advice/cases/{id}/assign"): Kind.OTHERS,
    ("POST", "/advice/cases/{id}/status"): Kind.OTHERS,
    ("POST", "/advice/cases/{id}/reply"): Kind.OTHERS,
}

TWILIO_TOKEN = "t" * 32
CSRF_FIELD = re.compile(r'name="csrf" value="([^"]+)"')
SHOWN_ID = re.compile(r'href="/office/invitations/(inv_[^"]+)"')


def routes_of(app: web.Application) -> set[Route]:
    return {(route.method, resource.canonical) for resource in app.router.resources()
            for route in resource}  # fmt: skip


def kind_of(route: Route) -> Kind | None:
    method, path = route
    return ROUTES.get(("GET", path) if method == "HEAD" else route)


def full_app(services: Services) -> web.Application:
    """The app as `lotse serve` builds it, with the webhooks of every channel."""
    every_channel = dataclasses.replace(services, adapters=dict.fromkeys(Channel, WebChatAdapter()))
    return make_app(services, dispatch=False, extra_routes=webhook_routes(every_channel))


@pytest.fixture
def configured(services: Services) -> Services:
    services.settings = services.settings.model_copy(update={
        "twilio_account_sid": "AC" + "0" * 32, "twilio_auth_token": TWILIO_TOKEN,
        "telegram_webhook_secret": WEBHOOK_SECRET,
    })  # fmt: skip
    return services


def test_every_route_is_classified(configured: Services) -> None:
    walked = routes_of(full_app(configured))
    assert {route for route in walked if kind_of(route) is None} == set()
    assert set(ROUTES) - walked == set()  # nothing classified that no longer exists
    heads = {path for method, path in walked if method == "HEAD"}
    assert heads == {path for method, path in walked if method == "GET"}


# ---------------------------------------------------------------- the scenario


class Walk:
    """The app on a test server, which route each request hit, and the entries it wrote."""

    def __init__(self, services: Services, client: Client, hits: list[Route]) -> None:
        self.services, self.client, self.hits = services, client, hits

    async def _last(self) -> int:
        async with self.services.sessionmaker() as session:
            return int(await session.scalar(select(func.max(AccessEntry.id))) or 0)

    async def call(self, method: str, path: str, **kwargs: Any) -> tuple[Any, list[AccessEntry]]:
        """The response, read, and the entries the request wrote."""
        before, hit = await self._last(), len(self.hits)
        response = await self.client.request(method, path, allow_redirects=False, **kwargs)
        await response.read()
        assert response.status < 400, (method, path, response.status, await response.text())
        assert len(self.hits) == hit + 1, (method, path)  # one request, one route
        async with self.services.sessionmaker() as session:
            written = await session.scalars(
                select(AccessEntry).where(AccessEntry.id > before).order_by(AccessEntry.id)
            )
            return response, list(written)

    async def none(self, method: str, path: str, **kwargs: Any) -> Any:
        response, written = await self.call(method, path, **kwargs)
        assert written == [], (method, path, [(e.action, e.invitation_id) for e in written])
        return response

    async def by_themselves(self, method: str, path: str, person_id: int, action: str) -> None:
        """The request writes one entry: the person's own `action`, about themselves."""
        _, written = await self.call(method, path)
        assert [(e.person_id, e.role, e.actor, e.action) for e in written] == [
            (person_id, "person", "self", action)
        ], (method, path)

    async def each(
        self, method: str, path: str, actor: Actor, concerned: Whose, **kwargs: Any
    ) -> Any:
        """The request writes one entry, by `actor`, for each invitation (and its person)
        `concerned(response)` names by public id, and nothing else."""
        response, written = await self.call(method, path, **kwargs)
        public_ids = await concerned(response)
        assert public_ids, (method, path)  # the check means something
        async with self.services.sessionmaker() as session:
            rows = (
                await session.execute(
                    select(Invitation.person_id, Invitation.id)
                    .where(Invitation.public_id.in_(public_ids))
                )
            ).all()  # fmt: skip
        assert len(rows) == len(set(public_ids))
        expected = Counter((person_id, invitation_id) for person_id, invitation_id in rows)
        assert Counter((e.person_id, e.invitation_id) for e in written) == expected, (method, path)
        assert {(e.role, e.actor, e.office_id) for e in written} == {
            (actor.role.value, actor.ident, actor.office_id)
        }
        return response

    async def about(
        self, method: str, path: str, actor: Actor, people: set[int], **kwargs: Any
    ) -> None:
        """The request writes one entry, by `actor`, for each of `people` (no invitation:
        a request a person sent through Lotse), and nothing else."""
        _, written = await self.call(method, path, **kwargs)
        assert Counter(e.person_id for e in written) == Counter(people), (method, path)
        assert {(e.role, e.actor, e.office_id) for e in written} == {
            (actor.role.value, actor.ident, actor.office_id)
        }


def fixed(*public_ids: str) -> Whose:
    async def concerned(_: Any) -> list[str]:
        return list(public_ids)

    return concerned


async def listed(response: Any) -> list[str]:
    return [i["id"] for i in (await response.json())["invitations"]]


async def shown(response: Any) -> list[str]:
    return SHOWN_ID.findall(await response.text())


async def in_manifest(response: Any) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(await response.read())) as files:
        [name] = [n for n in files.namelist() if n.endswith("/manifest.csv")]
        rows = list(csv.reader(io.StringIO(files.read(name).decode("utf-8-sig")), delimiter=";"))
    return [row[0] for row in rows[1:]]


@pytest.fixture
async def walk(configured: Services) -> AsyncIterator[Walk]:
    hits: list[Route] = []

    @web.middleware
    async def note(request: web.Request, handler: Any) -> web.StreamResponse:
        route = request.match_info.route
        if route.resource is not None:
            hits.append((route.method, route.resource.canonical))
        response: web.StreamResponse = await handler(request)
        return response

    app = full_app(configured)
    app.middlewares.append(note)
    async with TestClient(TestServer(app, host="127.0.0.1")) as client:
        yield Walk(configured, client, hits)


async def test_each_route_writes_one_entry_per_person_concerned(walk: Walk) -> None:
    services = walk.services
    office_id, user_id = await seed_office(services)
    async with services.sessionmaker() as session, session.begin():
        office = await session.get(Office, office_id)
        assert office is not None
        key = await create_key(session, office)
    api = Actor.api_key(office_id, key.prefix)
    staff = Actor.staff(office_id, user_id)
    bearer = {"Authorization": f"Bearer {key.key}"}
    first = await invite(services, office_id, "AZ-1")
    connected = await invite(services, office_id, "AZ-2")
    await connect(services, connected)

    # Nothing personal: health, documents, the chat page, the login form.
    for path in ("/healthz", "/readyz", "/static/chat.css", "/chat", "/chat/ui.json",
                 "/chat/api/openapi.json", "/api/v1/openapi.json", "/office/login",
                 "/privacy", "/accessibility"):  # fmt: skip
        await walk.none("GET", path)
        await walk.none("HEAD", path)

    # The office API, by key.
    created = await walk.each("POST", "/api/v1/invitations", api, _created, headers=bearer,
                              json=api_body("AZ-3"))  # fmt: skip
    new = (await created.json())["id"]
    # The same request again: the invitation is read again, one more entry.
    await walk.each("POST", "/api/v1/invitations", api, fixed(new), headers=bearer,
                    json=api_body("AZ-3"))  # fmt: skip
    for method in ("GET", "HEAD"):
        await walk.each(method, f"/api/v1/invitations/{connected}", api, fixed(connected),
                        headers=bearer)  # fmt: skip
    page = await walk.each("GET", "/api/v1/invitations", api, listed, headers=bearer)
    assert set(await listed(page)) == {first, connected, new}
    await walk.each("HEAD", "/api/v1/invitations", api, fixed(first, connected, new),
                    headers=bearer)  # fmt: skip
    await walk.each("POST", "/api/v1/invitations/bulk", api, _bulk_ids,
                    headers={**bearer, "Content-Type": "text/csv"},
                    data=as_csv(GOOD_ROW, BAD_ROW))  # fmt: skip

    # The staff page, logged in.
    csrf = await log_in(walk)
    everyone = [first, connected, new, await id_of(services, "CSV-1")]
    await walk.each("GET", "/office", staff, shown)
    await walk.each("HEAD", "/office", staff, fixed(*everyone))
    for method in ("GET", "HEAD"):
        await walk.each(method, f"/office/invitations/{connected}", staff, fixed(connected))
        await walk.none(method, "/office/upload")
        await walk.none(method, "/office/letters")
    upload = FormData()
    upload.add_field("csrf", csrf)
    upload.add_field("file", as_csv(GOOD_ROW, BAD_ROW), filename="a.csv", content_type="text/csv")
    await walk.each("POST", "/office/upload", staff, fixed(everyone[-1]), data=upload)
    batch = await walk.each("POST", "/office/letters/download", staff, in_manifest,
                            data={"csrf": csrf})  # fmt: skip
    batch_id = (await in_manifest_name(batch)).split("/")[0]
    await walk.each("POST", "/office/letters/reprint", staff, in_manifest,
                    data={"csrf": csrf, "batch": batch_id})  # fmt: skip
    await office_requests(walk, staff, csrf)
    await walk.none("POST", "/office/language", data={"csrf": csrf, "lang": "en"})
    await walk.none("POST", "/office/logout", data={"csrf": csrf})
    await service_admin_routes(walk)
    # The advisor inbox, by an advisor of the case's service.
    await walk_the_inbox(walk)

    # The person's own data, by the person: no entry.
    await own_routes(walk)

    called = {(method, path) for method, path in walk.hits}
    assert called == routes_of_app(walk), routes_of_app(walk) - called


# ---------------------------------------------------------------- the scenario's parts


def routes_of_app(walk: Walk) -> set[Route]:
    return routes_of(walk.client.server.app)  # type: ignore[arg-type]


def api_body(reference: str) -> dict[str, Any]:
    return {
        "reference": reference, "language": "ar", "channels": ["letter"],
        "postal_address": {"name": "Amal Haddad", "street": "Hauptstraße 1",
                           "postcode": "12345", "city": "Musterstadt"},
        "consent": {"recorded_at": "2026-11-20T10:00:00+01:00", "notice_version": "2026-01"},
    }  # fmt: skip


async def office_requests(walk: Walk, staff: Actor, csrf: str) -> None:
    """Two people's requests sent to the office: the list names both, one request's page,
    its extension, its answer and its letter each the person it is about."""
    services = walk.services
    link_office(services)
    requests = {
        await sent_to_office(services, services.clock, staff.office_id or 0, address=phone):
        phone for phone in ("+4915187650001", "+4915187650002")
    }  # fmt: skip
    people = {}
    async with services.sessionmaker() as session:
        for request_id in requests:
            row = await session.get(RightsRequest, request_id)
            assert row is not None
            people[request_id] = row.person_id
    mine, other = list(requests)
    for method in ("GET", "HEAD"):
        await walk.about(method, "/office/requests", staff, set(people.values()))
        await walk.about(method, f"/office/requests/{mine}", staff, {people[mine]})
    today = services.clock().date().isoformat()
    forms = {
        "extension": {"csrf": csrf, "on": today, "reasons": "Die Akte liegt im Archiv."},
        "answer": {"csrf": csrf, "on": today, "outcome": "done", "note": ""},
        "letter": {"csrf": csrf},
    }
    for action, form in forms.items():
        request_id = other if action == "answer" else mine
        path = f"/office/requests/{request_id}/{action}"
        await walk.about("POST", path, staff, {people[request_id]}, data=form)


async def _created(response: Any) -> list[str]:
    return [(await response.json())["id"]]


async def _bulk_ids(response: Any) -> list[str]:
    return [r["id"] for r in (await response.json())["results"] if r["id"]]


async def in_manifest_name(response: Any) -> str:
    with zipfile.ZipFile(io.BytesIO(await response.read())) as files:
        return next(n for n in files.namelist() if n.endswith("/manifest.csv"))


async def id_of(services: Services, reference: str) -> str:
    async with services.sessionmaker() as session:
        found = await session.scalar(
            select(Invitation.public_id).where(Invitation.reference == reference)
        )
    assert found is not None
    return found


async def connect(services: Services, public_id: str) -> None:
    """The invitation's person connected: entries about it name them from now on."""
    person_id, _ = await person_on(services, Channel.WEBCHAT, "a-session-token")
    async with services.sessionmaker() as session, session.begin():
        invitation = await session.scalar(
            select(Invitation).where(Invitation.public_id == public_id)
        )
        assert invitation is not None
        code = code_of(services.vault, invitation)
        await connect_with_code(session, services.vault, code, person_id, services.clock())


async def log_in(walk: Walk) -> str:
    """Log in as a browser does; the session's CSRF token."""
    form = await walk.none("GET", "/office/login")
    token = CSRF_FIELD.findall(await form.text())[0]
    await walk.none("POST", "/office/login", data={"email": EMAIL, "password": PASSWORD,
                                                    "csrf": token})  # fmt: skip
    page = await walk.none("GET", "/office/upload")
    csrf: str = CSRF_FIELD.findall(await page.text())[0]
    return csrf


async def service_admin_routes(walk: Walk) -> None:
    """A service admin logs in and reads the overview: aggregates, no entry."""
    async with walk.services.sessionmaker() as session, session.begin():
        await import_services(session, walk.services.clock())
        await create_advisor(session, "leitung@svc-a.example", PASSWORD,
                             role=StaffRole.SERVICE_ADMIN, services=["svc-a"],
                             languages=["de"])  # fmt: skip
    form = await walk.none("GET", "/office/login")
    token = CSRF_FIELD.findall(await form.text())[0]
    login = {"email": "leitung@svc-a.example", "password": PASSWORD, "csrf": token}
    await walk.none("POST", "/office/login", data=login)
    for method in ("GET", "HEAD"):
        await walk.none(method, "/advice/overview")
    page = await walk.client.get("/advice/overview")
    csrf = CSRF_FIELD.findall(await page.text())[0]
    await walk.none("POST", "/office/logout", data={"csrf": csrf})


async def own_routes(walk: Walk) -> None:
    opened = await walk.none("POST", "/chat/api/sessions", json={"language": "de"})
    session = (await opened.json())["session"]
    base = f"/chat/api/sessions/{session}"
    await walk.none("POST", f"{base}/messages", json={"text": "Hallo"})
    for method in ("GET", "HEAD"):
        await walk.none(method, f"{base}/messages")
        await walk.none(method, f"{base}/consents")
    settings = walk.services.settings
    for path, form in ((INBOUND_PATH, {"From": "+4915112345679", "Body": "Hallo",
                                       "MessageSid": "SM" + "a" * 32}),
                       (STATUS_PATH, {"MessageSid": "SM" + "b" * 32,
                                      "MessageStatus": "delivered"})):  # fmt: skip
        signature = RequestValidator(TWILIO_TOKEN).compute_signature(
            settings.public_url + path, form
        )
        await walk.none("POST", path, data=form, headers={SIGNATURE_HEADER: signature})
    await own_exports(walk, session)
    await own_letters(walk, session)
    await walk.none("POST", "/webhooks/telegram", json=payload("private_text"),
                    headers={SECRET_HEADER: WEBHOOK_SECRET})  # fmt: skip


async def letter(services: Services, person_id: int, channel: Channel) -> IssuedLetter:
    """The person asked for a request letter on `channel` (as the flow's port does)."""
    clock = services.clock
    view = await step(services, clock, person_id, channel, lambda p: p.start("azr", "access"))
    assert isinstance(view, RequestView)
    await typed(services, clock, person_id, view.request_id, IDENTITY, channel)
    issued = await step(services, clock, person_id, channel,
                        lambda p: p.letter(view.request_id))  # fmt: skip
    assert isinstance(issued, IssuedLetter)
    return issued


async def own_letters(walk: Walk, session: str) -> None:
    services = walk.services
    reader = await reader_for(services.sessionmaker, services.vault, Channel.WEBCHAT, session)
    assert reader is not None and reader.person_id is not None
    issued = await letter(services, reader.person_id, Channel.WEBCHAT)
    for method in ("GET", "HEAD"):
        path = f"/chat/api/sessions/{session}/letters/{issued.request_id}/letter.pdf"
        await walk.by_themselves(method, path, reader.person_id, "rights.download")
    texter, _ = await person_on(services, Channel.SMS, "+4915112345671")
    link = (await letter(services, texter, Channel.SMS)).link
    assert link is not None
    path = link.removeprefix(services.settings.public_url)
    for method in ("GET", "HEAD"):
        await walk.none(method, path)
        await walk.by_themselves(method, f"{path}/letter.pdf", texter, "rights.download")


async def exported(services: Services, person_id: int, channel: Channel) -> Issued:
    """The person asked for their export on `channel` (as the flow's port does)."""
    async with services.sessionmaker() as session, session.begin():
        contact_id = await session.scalar(
            select(Contact.id).where(Contact.person_id == person_id, Contact.channel == channel)
        )
        assert contact_id is not None
        document = await build_export(
            session, person_id, settings=services.settings, vault=services.vault,
            catalogs=services.catalogs, operator="Stadt", now=services.clock(),
        )  # fmt: skip
        return await issue(
            session, services.vault, person_id=person_id, contact_id=contact_id,
            channel=channel, lang="de", document=document, settings=services.settings,
            now=services.clock(),
        )  # fmt: skip


async def own_exports(walk: Walk, session: str) -> None:
    services = walk.services
    reader = await reader_for(services.sessionmaker, services.vault, Channel.WEBCHAT, session)
    assert reader is not None and reader.person_id is not None
    issued = await exported(services, reader.person_id, Channel.WEBCHAT)
    for method in ("GET", "HEAD"):
        path = f"/chat/api/sessions/{session}/exports/{issued.export_id}/lotse-my-data.json"
        await walk.by_themselves(method, path, reader.person_id, "mydata.download")
    texter, _ = await person_on(services, Channel.SMS, "+4915112345670")
    link = (await exported(services, texter, Channel.SMS)).link
    assert link is not None
    path = link.removeprefix(services.settings.public_url)
    for method in ("GET", "HEAD"):
        await walk.none(method, path)
        await walk.by_themselves(method, f"{path}/lotse-my-data.json", texter, "mydata.download")
