"""A data holder as Lotse describes it: who it is, what it holds and why, who receives
data from it by law, how a person asks it, and who supervises it.

The shape follows the open database of datenanfragen.de (`slug`, `categories`, `name`,
`address`, `email`, `web`, `request-language`, `needs-id-document`,
`suggested-transport-medium`, `sources`, `comments`, `quality`) and adds what public
bodies need: the legal basis of what they hold, who receives data by law, the social-law
basis, the official form where one must be used, the identity proof, the supervisory
authority, which situations make a holder relevant, and `verified-at`.

Texts a person reads ("plain") are English catalog ids, translated like every message;
German texts ("-de") go into letters as written.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from bot.kernel.postal import PostalAddress


class Situation(StrEnum):
    """The person's residence situation, the first question of "Who holds my data"."""

    ASYLUM = "asylum"  # asylum procedure running (Aufenthaltsgestattung)
    PROTECTED = "protected"  # protection granted (refugee, subsidiary, ban on deportation)
    RESIDENCE = "residence"  # another residence title (work, study, family)
    EU = "eu"  # EU citizen (freedom of movement)
    UKRAINE = "ukraine"  # temporary protection from Ukraine (§ 24 AufenthG)


class Answer(StrEnum):
    YES = "yes"
    NO = "no"
    UNSURE = "unsure"


class RequestKind(StrEnum):
    ACCESS = "access"  # Art. 15 GDPR (AZR: § 34 AZRG)
    CORRECTION = "correction"  # Art. 16 with the Art. 19 request
    ERASURE = "erasure"  # Art. 17
    RESTRICTION = "restriction"  # Art. 18
    TRANSFER_BLOCK = "transfer-block"  # AZR only: § 4 (1) AZRG


class HolderKind(StrEnum):
    FEDERAL = "federal"  # a federal body (BAMF, BVA, BA)
    MUNICIPAL = "municipal"  # a body of the municipality or district (filled in locally)
    INSURER = "insurer"  # a statutory health insurer (the person's own)
    OPERATOR = "operator"  # Lotse itself


class Transport(StrEnum):
    LETTER = "letter"
    EMAIL = "email"
    FAX = "fax"
    WEBFORM = "webform"
    IN_PERSON = "in-person"


class IdentityProof(StrEnum):
    """What a holder needs to be sure the request is the person's own."""

    #: A signature certified by an authority or notary, or an appointment in person (AZR).
    CERTIFIED_SIGNATURE = "certified-signature"
    #: A signed letter; the holder may ask for a copy of an identity document.
    SIGNATURE = "signature"
    #: The holder compares the request with its own file (file number, customer number).
    FILE_REFERENCE = "file-reference"


class Quality(StrEnum):
    VERIFIED = "verified"  # checked against the holder's own publication
    SOURCES_DIFFER = "sources-differ"  # published details disagree: see comments
    OPERATOR = "operator"  # filled in by this installation's operator
    MISSING = "missing"  # a local body the operator has not filled in yet
    #: Taken from the law and the holder's publications as known when written, not yet
    #: confirmed against the holder's current publication: check before relying on it.
    UNCHECKED = "unchecked"


@dataclass(frozen=True, slots=True)
class Citation:
    """A legal provision, written as German letters cite it: "§ 34 AZRG", "Art. 15 DSGVO"."""

    law: str  # "AZRG", "DSGVO", "SGB X", "BMG", "AufenthG", "AsylG", "BDSG"
    section: str  # "§ 34", "§ 4 Abs. 1", "Art. 15", "§§ 67 ff."

    def __str__(self) -> str:
        return f"{self.section} {self.law}"


@dataclass(frozen=True, slots=True)
class Recipient:
    """Who may receive data from the holder by law."""

    citation: Citation
    who_de: str  # "alle öffentlichen Stellen (Grunddaten)"
    plain: str  # catalog id: "every public body (basic details only)"


@dataclass(frozen=True, slots=True)
class Held:
    """One thing the holder typically holds."""

    plain: str  # catalog id
    citation: Citation | None = None


@dataclass(frozen=True, slots=True)
class OfficialForm:
    """The holder's own form: a request in another language needs a German translation
    unless it follows this form's fields (BVA for the AZR)."""

    name_de: str
    web: str
    #: The form's fields in its order, German: the letter asks them in this order.
    fields_de: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Online:
    """An online route, where there is one (AZR: the federal portal with BundID and eID)."""

    plain: str  # catalog id: "online with BundID and the eID of your card"
    web: str


@dataclass(frozen=True, slots=True)
class Rule:
    """When a holder applies: the person's situation is one of `situations`, and for each
    question set here the answer is yes or "not sure" (then the holder *may* hold data)."""

    situations: frozenset[Situation]
    benefits: bool = False
    job: bool = False


@dataclass(frozen=True, slots=True)
class Supervisor:
    """A data protection supervisory authority (Art. 77 GDPR complaints go here)."""

    slug: str  # "bfdi", "land-nw", …
    name: str  # German
    address: PostalAddress | None
    email: str | None
    web: str
    sources: tuple[str, ...]
    verified_at: date
    quality: Quality


@dataclass(frozen=True, slots=True)
class Element:
    """What a request must carry (datenanfragen's `required-elements`), German."""

    type: str  # "name", "birthdate", "address", "input"
    desc: str  # "Geburtsort"
    optional: bool = False


@dataclass(frozen=True, slots=True)
class Holder:
    slug: str
    kind: HolderKind
    categories: tuple[str, ...]  # datenanfragen-style: "public-body", "register", …
    #: The German name, as on an envelope: "Bundesverwaltungsamt".
    name: str
    #: Who is responsible (controller), where another body answers (AZR: BAMF; BVA answers).
    controller: str | None
    plain_name: str  # catalog id: "Central Register of Foreign Nationals (AZR)"
    plain_what: str  # catalog id: what it is, in one or two plain sentences
    plain_why: str  # catalog id: why it holds data about the person
    holds: tuple[Held, ...]
    legal_basis: tuple[Citation, ...]
    #: For holders of social data (Jobcenter, BA, social welfare, Familienkasse, insurer).
    social_basis: tuple[Citation, ...]
    recipients: tuple[Recipient, ...]
    #: The requests it takes, each with the provisions a letter cites.
    requests: dict[RequestKind, tuple[Citation, ...]]
    #: Where the letter goes; None where only the person knows (their health insurer)
    #: or the operator has not filled in a local body yet.
    address: PostalAddress | None
    email: str | None
    phone: str | None
    fax: str | None
    web: str | None
    hours: str | None
    request_language: str  # "de"
    form: OfficialForm | None
    needs_id_document: bool
    identity_proof: IdentityProof
    online: Online | None
    suggested_transport_medium: Transport
    supervisor: str | None  # a Supervisor slug
    applies: tuple[Rule, ...]
    sources: tuple[str, ...]
    verified_at: date
    quality: Quality
    comments: tuple[str, ...]
    #: What a request must carry, in the order a letter gives it.
    required_elements: tuple[Element, ...] = ()
    #: The Land where it sits ("nw"): its public holidays move a deadline
    #: (bot.rights.deadlines); None where it is not known (only nationwide holidays).
    land: str | None = None
    #: The slug of an office on this installation whose staff receive requests to this
    #: holder on their staff page (the operator's local file); None: only by letter.
    office: str | None = None
