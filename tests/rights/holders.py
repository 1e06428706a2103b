"""Realistic holder and supervisor records for the request letter's tests: the AZR
(the Bundesverwaltungsamt answers for the BAMF, with its form), a Jobcenter, and a
health insurer whose address only the person knows."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from bot.holders import (
    Citation,
    Held,
    Holder,
    HolderKind,
    IdentityProof,
    OfficialForm,
    Online,
    Quality,
    Recipient,
    RequestKind,
    Rule,
    Situation,
    Supervisor,
    Transport,
)
from bot.kernel.postal import PostalAddress
from bot.rights import Details, Identity, LetterRequest

DSGVO = "DSGVO"
VERIFIED = date(2026, 11, 2)

BFDI = Supervisor(
    slug="bfdi",
    name="Die Bundesbeauftragte für den Datenschutz und die Informationsfreiheit",
    address=PostalAddress(name="BfDI", street="Graurheindorfer Straße 153", postcode="53117",
                          city="Bonn"),
    email="poststelle@bfdi.bund.de", web="https://www.bfdi.bund.de",
    sources=("https://www.bfdi.bund.de",), verified_at=VERIFIED, quality=Quality.VERIFIED,
)  # fmt: skip

LAND_NW = Supervisor(
    slug="land-nw", name="Landesbeauftragte für Datenschutz und Informationsfreiheit NRW",
    address=None, email=None, web="https://www.ldi.nrw.de", sources=(),
    verified_at=VERIFIED, quality=Quality.VERIFIED,
)  # fmt: skip

AZR_FORM = OfficialForm(
    name_de="Antrag auf Auskunft nach § 34 AZRG",
    web="https://www.bva.bund.de/azr-auskunft",
    fields_de=(
        "Familienname", "Geburtsname", "Vorname(n)", "Geburtsdatum", "Geburtsort",
        "Staatsangehörigkeit(en)", "Anschrift (Straße, Hausnummer, Postleitzahl, Wohnort)",
        "AZR-Nummer (falls bekannt)",
    ),
)  # fmt: skip

AZR = Holder(
    slug="azr", kind=HolderKind.FEDERAL, categories=("public-body", "register"),
    name="Bundesverwaltungsamt", controller="Bundesamt für Migration und Flüchtlinge",
    plain_name="Central Register of Foreign Nationals (AZR)",
    plain_what="A federal register of foreign nationals living in Germany.",
    plain_why="Every foreign national who stays in Germany for more than three months is "
    "registered there.",
    holds=(Held("Your name, date of birth and nationality", Citation("AZRG", "§ 3")),),
    legal_basis=(Citation("AZRG", "§ 3"),), social_basis=(),
    recipients=(Recipient(Citation("AZRG", "§ 14"), "alle öffentlichen Stellen (Grunddaten)",
                          "every public body (basic details only)"),),
    requests={
        RequestKind.ACCESS: (Citation(DSGVO, "Art. 15"), Citation("AZRG", "§ 34")),
        RequestKind.CORRECTION: (Citation(DSGVO, "Art. 16"),),
        RequestKind.RESTRICTION: (Citation(DSGVO, "Art. 18"),),
        RequestKind.TRANSFER_BLOCK: (Citation("AZRG", "§ 4 Abs. 1"),),
    },
    address=PostalAddress(name="Bundesverwaltungsamt", extra="Ausländerzentralregister",
                          street="", postcode="50728", city="Köln"),
    email=None, phone=None, fax=None, web="https://www.bva.bund.de", hours=None,
    request_language="de", form=AZR_FORM, needs_id_document=False,
    identity_proof=IdentityProof.CERTIFIED_SIGNATURE,
    online=Online("online with BundID and the eID function of your card",
                  "https://www.bva.bund.de/azr-online"),
    suggested_transport_medium=Transport.LETTER, supervisor="bfdi",
    applies=(Rule(frozenset(Situation)),), sources=("https://www.bva.bund.de",),
    verified_at=VERIFIED, quality=Quality.VERIFIED, comments=(),
)  # fmt: skip

JOBCENTER = replace(
    AZR, slug="jobcenter", kind=HolderKind.MUNICIPAL, categories=("public-body",),
    name="Jobcenter Köln", controller=None, plain_name="Jobcenter",
    requests={
        RequestKind.ACCESS: (Citation(DSGVO, "Art. 15"), Citation("SGB X", "§ 83")),
        RequestKind.CORRECTION: (Citation(DSGVO, "Art. 16"), Citation("SGB X", "§ 84")),
        RequestKind.ERASURE: (Citation(DSGVO, "Art. 17"), Citation("SGB X", "§ 84")),
        RequestKind.RESTRICTION: (Citation(DSGVO, "Art. 18"), Citation("SGB X", "§ 84")),
    },
    address=PostalAddress(name="Jobcenter Köln", street="Luxemburger Straße 121",
                          postcode="50939", city="Köln"),
    form=None, identity_proof=IdentityProof.FILE_REFERENCE, online=None,
    social_basis=(Citation("SGB X", "§§ 67 ff."),), supervisor="bfdi",
)  # fmt: skip

KRANKENKASSE = replace(
    AZR, slug="krankenkasse", kind=HolderKind.INSURER, categories=("public-body", "insurer"),
    name="Ihre Krankenkasse", controller=None, plain_name="Health insurance",
    requests={
        RequestKind.ACCESS: (Citation(DSGVO, "Art. 15"), Citation("SGB X", "§ 83")),
        RequestKind.CORRECTION: (Citation(DSGVO, "Art. 16"), Citation("SGB X", "§ 84")),
    },
    address=None, form=None, identity_proof=IdentityProof.SIGNATURE, needs_id_document=True,
    online=None, supervisor=None,
)  # fmt: skip

NO_DETAILS = Details()
IDENTITY = Identity(
    family_name="Haddad", given_names="Amal", birth_date=date(1990, 3, 14),
    birth_place="Aleppo", nationality="syrisch", street="Venloer Straße 12",
    postcode="50672", city="Köln",
)  # fmt: skip


def letter_request(
    holder: Holder = AZR,
    kind: RequestKind = RequestKind.ACCESS,
    *,
    lang: str = "de",
    details: Details = NO_DETAILS,
    supervisor: Supervisor | None = BFDI,
    identity: Identity = IDENTITY,
) -> LetterRequest:
    return LetterRequest(
        holder=holder, supervisor=supervisor, kind=kind, identity=identity, details=details,
        lang=lang, dated=date(2026, 11, 30), reference="LR-7K2Q",
    )  # fmt: skip
