"""Requests in "My data": each one in the inventory (held on consent until it is
erased), and in the export which parts are held but never their values."""

from __future__ import annotations

import io
import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

from pypdf import PdfReader

from bot import holders
from bot.config import load_settings
from bot.i18n import LANGUAGES, REQUEST_KIND_NAMES, Catalogs, access_sentence, step_cost
from bot.kernel.types import Channel
from bot.mydata import Basis, CategoryId, RequestKind, export_pdf, inventory
from bot.rights import RequestView
from bot.runtime.services import Services
from flows.my_data import held, holder_request
from tests.mydata.test_export import exported
from tests.mydata.test_inventory import connected_by_sms
from tests.rights.support import IDENTITY, step, typed
from tests.support.clock import Clock
from tests.support.json_schema import errors

SCHEMA = json.loads(
    (Path(__file__).resolve().parents[2] / "docs" / "my-data-export.schema.json").read_text()
)


async def test_each_request_is_listed_with_its_end_and_never_its_values(
    services: Services, clock: Clock
) -> None:
    person, _ = await connected_by_sms(services, clock)
    view = await step(services, clock, person, Channel.SMS,
                      lambda port: port.start("azr", "correction"))  # fmt: skip
    assert isinstance(view, RequestView)
    await typed(services, clock, person, view.request_id, IDENTITY)
    await typed(services, clock, person, view.request_id, {"wrong": "Name: Hadad"})

    async with services.sessionmaker() as session:
        held = await inventory(session, person, services.settings, clock())
    [item] = [r for r in held.requests if r.kind is RequestKind.HOLDER_REQUEST]
    assert CategoryId.REQUESTS in held.categories()
    assert item.held.basis is Basis.CONSENT and item.held.record_id is not None
    assert item.held.until == (clock() + timedelta(days=services.settings.request_days)).date()
    assert item.holder_name == "Central Register of Foreign Nationals (AZR)"
    assert item.request_kind == "correction"
    line = services.catalogs["de"].text(holder_request(item))
    assert "Ausländerzentralregister" in line or "AZR" in line
    assert "Berichtigung Ihrer Daten" in line

    document = await exported(services, person, clock)
    assert errors(SCHEMA, document) == []
    [request] = document["requests"]
    assert request["holder"] == "azr" and request["kind"] == "correction"
    assert request["parts_held"] == [*IDENTITY, "wrong"]
    assert request["parts_missing"] == ["right"]
    assert request["letter_link_until"] is None
    flat = json.dumps(document, ensure_ascii=False)
    for value in ("Haddad", "Aleppo", "03.04.1991", "1991-04-03", "syrisch", "Hadad"):
        assert value not in flat, value
    # The person's own actions on the request, as the access log words them.
    actions = {entry["action"] for entry in document["access_log"]["entries"]}
    assert {"rights.start", "rights.change"} <= actions
    for entry in document["access_log"]["entries"]:
        text = services.catalogs["de"].text(access_sentence(
            at=clock(), role=entry["role"], organisation=entry["organisation"],
            action=entry["action"], categories=entry["categories"], via=entry["via"],
        ))  # fmt: skip
        if entry["action"] == "rights.change":
            assert "Sie haben eine Anfrage an eine Behörde geändert" in text

    pdf = export_pdf(document, services.catalogs["de"])
    text = "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Anfragen an Behörden" in text and "Bundesverwaltungsamt" in text.replace("\n", " ")


def test_by_sms_each_request_line_fits_the_budget() -> None:
    """By SMS "My data" sends each item, and each access-log line, as a message of its
    own: a request's line, with the longest holder name and kind, and the person's own
    actions on requests fit three segments in every language."""
    settings = load_settings(_env_file=None, secret_key="x" * 40)
    catalogs = Catalogs(settings.locales_dir)
    names = [holder.plain_name for holder in holders.catalog(settings).holders]
    until, at = date(2027, 5, 30), datetime(2026, 11, 30, 10, 0, tzinfo=UTC)
    every = ["name", "identity", "postal-address", "request"]
    over = []
    for lang in LANGUAGES:
        say = catalogs[lang].text
        lines = [
            say(held(holder_request(SimpleNamespace(holder_name=name, request_kind=kind)),
                     "consent", until))
            for name in names for kind in REQUEST_KIND_NAMES
        ] + [
            say(access_sentence(at=at, role="person", organisation=None, action=action,
                                categories=every, via="sms", day_only=True))
            for action in ("rights.start", "rights.change", "rights.letter",
                           "rights.download", "rights.delete")
        ]  # fmt: skip
        over += [(lang, line) for line in lines if step_cost(lang, "my_data", line).segments > 3]
    assert over == []


async def test_a_broken_edit_of_the_operators_holder_file_keeps_the_names_read_before(
    services: Services, clock: Clock
) -> None:
    person, _ = await connected_by_sms(services, clock)
    await step(services, clock, person, Channel.SMS, lambda port: port.start("azr", "access"))
    (services.settings.data_dir / "holders.toml").write_text("[jobcenter]\nnonsense = 1\n")

    async with services.sessionmaker() as session:
        held = await inventory(session, person, services.settings, clock())
    [item] = [r for r in held.requests if r.kind is RequestKind.HOLDER_REQUEST]
    # The catalog read before the broken edit stays in use (bot.holders.catalog).
    assert item.holder_name == "Central Register of Foreign Nationals (AZR)"
    document = await exported(services, person, clock)
    assert document["requests"][0]["holder_name"] == "Bundesverwaltungsamt"
