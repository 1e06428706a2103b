"""The shipped catalog: it loads, it follows its schema, and it says who applies."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from bot.config import Settings
from bot.holders import (
    Answer,
    Catalog,
    Citation,
    HolderKind,
    IdentityProof,
    Quality,
    RequestKind,
    Situation,
    catalog,
    check_catalog,
    load_catalog,
    write_local,
)
from bot.holders.checks import DATA_DIR, SCHEMA_FILE, SUPERVISOR_SLUGS
from bot.holders.local import local_path
from tests.support.json_schema import errors

SLUGS = ("azr", "bamf", "auslaenderbehoerde", "meldebehoerde", "bundesagentur", "jobcenter",
         "sozialamt", "familienkasse", "krankenkasse", "lotse")  # fmt: skip


def slugs(holders: tuple[object, ...]) -> set[str]:
    return {h.slug for h in holders}  # type: ignore[attr-defined]


def test_the_shipped_catalog_loads_with_every_holder_and_supervisor(
    plain_settings: Settings,
) -> None:
    loaded = load_catalog(plain_settings)
    assert tuple(h.slug for h in loaded.holders) == SLUGS
    assert set(loaded.supervisors) == set(SUPERVISOR_SLUGS)
    assert loaded.cockpit.web.startswith("https://")
    assert loaded.get("nope") is None
    errors_found, warnings = check_catalog(plain_settings)
    assert errors_found == []
    assert any("auslaenderbehoerde: not filled in" in w for w in warnings)


def test_the_azr_record(plain_settings: Settings) -> None:
    azr = load_catalog(plain_settings).get("azr")
    assert azr is not None
    assert azr.name == "Bundesverwaltungsamt"
    assert azr.controller is not None and "Bundesamt für Migration" in azr.controller
    assert Citation("AZRG", "§ 3") in azr.legal_basis
    assert azr.requests[RequestKind.ACCESS] == (
        Citation("DSGVO", "Art. 15"),
        Citation("AZRG", "§ 34"),
    )
    assert azr.requests[RequestKind.TRANSFER_BLOCK] == (Citation("AZRG", "§ 4 Abs. 1"),)
    assert Citation("DSGVO", "Art. 19") in azr.requests[RequestKind.CORRECTION]
    sections = [r.citation.section for r in azr.recipients]
    assert sections[:3] == ["§ 14", "§ 15", "§ 16"]
    assert {"§ 17a", "§ 18a", "§ 18g", "§ 19", "§ 20"} <= set(sections)
    assert azr.address is not None
    assert azr.address.lines() == ("Bundesverwaltungsamt", "Ausländerzentralregister", "50728 Köln")
    assert azr.quality is Quality.SOURCES_DIFFER
    assert any("Barbarastraße 1" in c and "Richard-Byrd-Straße 6" in c for c in azr.comments)
    assert azr.identity_proof is IdentityProof.CERTIFIED_SIGNATURE
    assert azr.form is not None and azr.form.fields_de[:3] == (
        "Familienname",
        "Vorname(n)",
        "Geburtsname",
    )
    assert azr.online is not None and "BundID" in azr.online.plain
    assert azr.supervisor == "bfdi"
    assert any("gesetze-im-internet.de/azrg" in s for s in azr.sources)


def test_every_data_file_and_the_json_output_follow_the_schema(plain_settings: Settings) -> None:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    for path in sorted((DATA_DIR / "holders").glob("*.json")):
        assert errors(schema, json.loads(path.read_text(encoding="utf-8"))) == [], path.name
    output = load_catalog(plain_settings).as_json()
    for record in output:
        assert errors(schema, record) == [], record["slug"]
    supervisors = {
        "$defs": schema["$defs"],
        "type": "array",
        "items": {"$ref": "#/$defs/supervisor"},
    }
    assert errors(supervisors, json.loads((DATA_DIR / "supervisors.json").read_text())) == []


def test_the_schema_refuses_what_it_should() -> None:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    record = json.loads((DATA_DIR / "holders" / "azr.json").read_text(encoding="utf-8"))
    record["requests"]["access"] = []
    record["address"]["postcode"] = "5072"
    record["plain-why"] = "  "
    del record["verified-at"]
    found = errors(schema, record)
    assert any("requests.access" in e for e in found)
    assert any(e.startswith("$.address") for e in found)  # the oneOf: null or an address
    assert any("plain-why" in e for e in found)
    assert any("verified-at is missing" in e for e in found)


@pytest.mark.parametrize(
    ("situation", "benefits", "job", "expected"),
    [
        (Situation.ASYLUM, Answer.NO, Answer.NO,
         {"azr", "bamf", "auslaenderbehoerde", "meldebehoerde", "krankenkasse", "lotse"}),
        (Situation.ASYLUM, Answer.YES, Answer.NO,
         {"azr", "bamf", "auslaenderbehoerde", "meldebehoerde", "krankenkasse", "lotse",
          "sozialamt", "bundesagentur", "familienkasse"}),
        (Situation.PROTECTED, Answer.UNSURE, Answer.NO,
         {"azr", "bamf", "auslaenderbehoerde", "meldebehoerde", "krankenkasse", "lotse",
          "jobcenter", "bundesagentur", "familienkasse"}),
        (Situation.RESIDENCE, Answer.NO, Answer.YES,
         {"azr", "auslaenderbehoerde", "meldebehoerde", "krankenkasse", "lotse", "bundesagentur"}),
        (Situation.EU, Answer.NO, Answer.NO, {"azr", "meldebehoerde", "krankenkasse", "lotse"}),
        (Situation.UKRAINE, Answer.YES, Answer.UNSURE,
         {"azr", "auslaenderbehoerde", "meldebehoerde", "krankenkasse", "lotse", "jobcenter",
          "bundesagentur", "familienkasse"}),
    ],
)  # fmt: skip
def test_applying(
    plain_settings: Settings,
    situation: Situation,
    benefits: Answer,
    job: Answer,
    expected: set[str],
) -> None:
    loaded = load_catalog(plain_settings)
    found = loaded.applying(situation, benefits, job)
    assert slugs(found) == expected
    assert [h.slug for h in found] == [s for s in SLUGS if s in expected]  # display order


def test_supervisors_resolve(plain_settings: Settings) -> None:
    path = local_path(plain_settings)
    write_local(path, {"land": "nw", "jobcenter": {"run-by": "joint"}})
    loaded = load_catalog(plain_settings)
    by = {h.slug: loaded.supervisor_of(h) for h in loaded.holders}
    assert by["azr"] is not None and by["azr"].slug == "bfdi"
    assert by["jobcenter"] is not None and by["jobcenter"].slug == "bfdi"
    assert by["meldebehoerde"] is not None and by["meldebehoerde"].slug == "land-nw"
    assert by["lotse"] is not None and by["lotse"].slug == "land-nw"
    assert by["krankenkasse"] is None  # depends on the person's own insurer
    write_local(path, {"jobcenter": {"run-by": "municipal"}})
    municipal = load_catalog(plain_settings).get("jobcenter")
    assert municipal is not None and municipal.supervisor == "land-nw"


def test_a_filled_local_body_replaces_the_placeholder(plain_settings: Settings) -> None:
    write_local(
        local_path(plain_settings),
        {
            "land": "by",
            "meldebehoerde": {
                "name": "Stadt Musterstadt, Bürgerbüro", "street": "Marktplatz 1",
                "postcode": "12345", "city": "Musterstadt", "hours": "Mo–Fr 8–12 Uhr",
                "email": "buergerbuero@musterstadt.example", "supervisor": "land-bw",
            },
        },
    )  # fmt: skip
    loaded = load_catalog(plain_settings)
    office = loaded.get("meldebehoerde")
    assert office is not None
    assert office.address is not None
    assert office.address.lines() == (
        "Stadt Musterstadt, Bürgerbüro",
        "Marktplatz 1",
        "12345 Musterstadt",
    )
    assert office.quality is Quality.OPERATOR
    assert office.hours == "Mo–Fr 8–12 Uhr"
    assert office.supervisor == "land-bw"  # the override beats the Land
    assert office.kind is HolderKind.MUNICIPAL
    still = loaded.get("auslaenderbehoerde")
    assert still is not None and still.quality is Quality.MISSING and still.address is None
    assert still.supervisor == "land-by"


def test_catalog_is_cached_until_the_local_file_changes(plain_settings: Settings) -> None:
    first = catalog(plain_settings)
    assert catalog(plain_settings) is first
    write_local(local_path(plain_settings), {"land": "he"})
    second = catalog(plain_settings)
    assert second is not first
    lotse = second.get("lotse")
    assert lotse is not None and lotse.supervisor == "land-he"
    assert catalog(plain_settings) is second


def test_verified_at_is_not_in_the_future(plain_settings: Settings) -> None:
    loaded: Catalog = load_catalog(plain_settings)
    assert all(h.verified_at <= date.today() for h in loaded.holders)


def test_the_schema_file_is_where_the_docs_say(tmp_path: Path) -> None:
    assert Path(__file__).resolve().parents[2] / "docs" / "holders.schema.json" == SCHEMA_FILE


def test_lands_and_office_links(plain_settings: Settings) -> None:
    """The federal records carry where they sit (the BVA in Köln answers for the AZR);
    the local bodies and Lotse take the operator's Land; an office link comes only from
    the operator's file, with or without an address."""
    path = local_path(plain_settings)
    before = load_catalog(plain_settings)
    lands = {h.slug: h.land for h in before.holders}
    assert (lands["azr"], lands["bamf"], lands["bundesagentur"]) == ("nw", "by", "by")
    assert lands["meldebehoerde"] is None and lands["lotse"] is None
    assert all(h.office is None for h in before.holders)
    write_local(path, {"land": "sn", "sozialamt": {"office": "sozialamt-mitte"}})
    write_local(path, {"auslaenderbehoerde": {
        "name": "Stadt Musterstadt, Ausländerbehörde", "street": "Markt 2",
        "postcode": "01067", "city": "Musterstadt", "office": "abh-mitte",
    }})  # fmt: skip
    loaded = load_catalog(plain_settings)
    by = {h.slug: h for h in loaded.holders}
    assert (by["auslaenderbehoerde"].office, by["auslaenderbehoerde"].land) == ("abh-mitte", "sn")
    assert (by["sozialamt"].office, by["sozialamt"].land) == ("sozialamt-mitte", "sn")
    assert by["sozialamt"].address is None  # the link needs no address
    assert by["lotse"].land == "sn" and by["azr"].land == "nw"  # a federal body keeps its own
    assert by["meldebehoerde"].office is None
    records = {r["slug"]: r for r in loaded.as_json()}
    assert records["auslaenderbehoerde"]["office"] == "abh-mitte"
    assert records["azr"]["land"] == "nw" and records["azr"]["office"] is None
    write_local(path, {}, {"sozialamt": ("office",)})
    assert load_catalog(plain_settings).get("sozialamt").office is None  # type: ignore[union-attr]
