"""Records from their JSON shape (kebab-case, as datenanfragen.de's database) and back.

Parsing assumes the JSON Schema has passed (docs/holders.schema.json): shapes and enums
are the schema's job, the meaning (known supervisors, citations, dates) the checks'."""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.holders.record import (
    Citation,
    Element,
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

Json = dict[str, Any]


def citation(data: Json) -> Citation:
    return Citation(law=data["law"], section=data["section"])


def address(data: Json | None) -> PostalAddress | None:
    if data is None:
        return None
    return PostalAddress(
        name=data["name"],
        street=data["street"],
        postcode=data["postcode"],
        city=data["city"],
        extra=data.get("extra"),
    )


def online(data: Json | None) -> Online | None:
    return None if data is None else Online(plain=data["plain"], web=data["web"])


def supervisor(data: Json) -> Supervisor:
    return Supervisor(
        slug=data["slug"],
        name=data["name"],
        address=address(data["address"]),
        email=data["email"],
        web=data["web"],
        sources=tuple(data["sources"]),
        verified_at=date.fromisoformat(data["verified-at"]),
        quality=Quality(data["quality"]),
    )


def holder(data: Json) -> Holder:
    form = data["form"]
    return Holder(
        slug=data["slug"],
        kind=HolderKind(data["kind"]),
        categories=tuple(data["categories"]),
        name=data["name"],
        controller=data["controller"],
        plain_name=data["plain-name"],
        plain_what=data["plain-what"],
        plain_why=data["plain-why"],
        holds=tuple(
            Held(item["plain"], citation(item["citation"]) if item.get("citation") else None)
            for item in data["holds"]
        ),
        legal_basis=tuple(citation(item) for item in data["legal-basis"]),
        social_basis=tuple(citation(item) for item in data["social-basis"]),
        recipients=tuple(
            Recipient(citation(item["citation"]), item["who-de"], item["plain"])
            for item in data["recipients"]
        ),
        requests={
            RequestKind(kind): tuple(citation(item) for item in items)
            for kind, items in data["requests"].items()
        },
        address=address(data["address"]),
        email=data["email"],
        phone=data["phone"],
        fax=data["fax"],
        web=data["web"],
        hours=data["hours"],
        request_language=data["request-language"],
        form=None
        if form is None
        else OfficialForm(form["name-de"], form["web"], tuple(form["fields-de"])),
        needs_id_document=data["needs-id-document"],
        identity_proof=IdentityProof(data["identity-proof"]),
        online=online(data["online"]),
        suggested_transport_medium=Transport(data["suggested-transport-medium"]),
        supervisor=data["supervisor"],
        applies=tuple(
            Rule(
                frozenset(Situation(s) for s in rule["situations"]),
                benefits=rule.get("benefits", False),
                job=rule.get("job", False),
            )
            for rule in data["applies"]
        ),
        sources=tuple(data["sources"]),
        verified_at=date.fromisoformat(data["verified-at"]),
        quality=Quality(data["quality"]),
        comments=tuple(data["comments"]),
        required_elements=tuple(
            Element(item["type"], item["desc"], item.get("optional", False))
            for item in data["required-elements"]
        ),
        land=data.get("land"),
    )


def citation_json(value: Citation) -> Json:
    return {"law": value.law, "section": value.section}


def address_json(value: PostalAddress | None) -> Json | None:
    if value is None:
        return None
    return {
        "name": value.name,
        "extra": value.extra,
        "street": value.street,
        "postcode": value.postcode,
        "city": value.city,
    }


def supervisor_json(value: Supervisor) -> Json:
    return {
        "slug": value.slug,
        "name": value.name,
        "address": address_json(value.address),
        "email": value.email,
        "web": value.web,
        "sources": list(value.sources),
        "verified-at": value.verified_at.isoformat(),
        "quality": value.quality.value,
    }


def _situations(rule: Rule) -> list[str]:
    return [s.value for s in Situation if s in rule.situations]


def holder_json(value: Holder, authority: Supervisor | None) -> Json:
    """The datenanfragen-shaped record, with the supervisor resolved."""
    form = value.form
    return {
        "slug": value.slug,
        "relevant-countries": ["de"],
        "categories": list(value.categories),
        "kind": value.kind.value,
        "name": value.name,
        "controller": value.controller,
        "plain-name": value.plain_name,
        "plain-what": value.plain_what,
        "plain-why": value.plain_why,
        "holds": [
            {"plain": h.plain, "citation": citation_json(h.citation) if h.citation else None}
            for h in value.holds
        ],
        "legal-basis": [citation_json(c) for c in value.legal_basis],
        "social-basis": [citation_json(c) for c in value.social_basis],
        "recipients": [
            {"citation": citation_json(r.citation), "who-de": r.who_de, "plain": r.plain}
            for r in value.recipients
        ],
        "requests": {
            kind.value: [citation_json(c) for c in value.requests[kind]]
            for kind in RequestKind
            if kind in value.requests
        },
        "address": address_json(value.address),
        "phone": value.phone,
        "fax": value.fax,
        "email": value.email,
        "web": value.web,
        "hours": value.hours,
        "request-language": value.request_language,
        "required-elements": [
            {"type": e.type, "desc": e.desc, "optional": e.optional}
            for e in value.required_elements
        ],
        "form": None
        if form is None
        else {"name-de": form.name_de, "web": form.web, "fields-de": list(form.fields_de)},
        "needs-id-document": value.needs_id_document,
        "identity-proof": value.identity_proof.value,
        "online": None
        if value.online is None
        else {"plain": value.online.plain, "web": value.online.web},
        "suggested-transport-medium": value.suggested_transport_medium.value,
        "supervisor": value.supervisor,
        "supervisory-authority": None if authority is None else supervisor_json(authority),
        "land": value.land,
        "office": value.office,
        "applies": [
            {"situations": _situations(r), "benefits": r.benefits, "job": r.job}
            for r in value.applies
        ],
        "sources": list(value.sources),
        "verified-at": value.verified_at.isoformat(),
        "quality": value.quality.value,
        "comments": list(value.comments),
    }
