"""What a request letter says: each piece in binding German, written here (the same
whatever the catalogs say), beside its English catalog id for the working translation.

Only provisions the holder record lists for the kind of request are cited, with two
GDPR provisions every GDPR request rests on (Art. 12 Abs. 3: the one-month deadline;
Art. 19: passing a correction, erasure or restriction on to the recipients), which are
cited only where the holder lists a DSGVO article for the request.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from bot.holders import Citation, Holder, IdentityProof, RequestKind
from bot.kernel.types import Text, t
from bot.rights.identity import Details, Identity


@dataclass(frozen=True, slots=True)
class Say:
    """A paragraph; `cite` follows it in brackets in every language."""

    de: str
    en: Text
    cite: str = ""


@dataclass(frozen=True, slots=True)
class Head:
    de: str
    en: Text


@dataclass(frozen=True, slots=True)
class Items:
    items: tuple[Say, ...]


@dataclass(frozen=True, slots=True)
class Words:
    """The person's own words: never translated, never changed."""

    text: str


@dataclass(frozen=True, slots=True)
class Row:
    de: str
    #: The label in the translation; None keeps the German label (a form's own field).
    en: Text | None
    value: str


@dataclass(frozen=True, slots=True)
class Rows:
    rows: tuple[Row, ...]


@dataclass(frozen=True, slots=True)
class Box:
    """An empty framed box the person fills in by hand (the follow-up letters)."""

    de: str
    en: Text


Piece = Say | Head | Items | Words | Rows | Box

SALUTATION = Say("Sehr geehrte Damen und Herren,", t("Dear Sir or Madam,"))
OWN_WORDS_DE = "(Angaben der antragstellenden Person in eigenen Worten)"
# TRANSLATORS: Request letter: the caption above what the person wrote themselves.
OWN_WORDS = t("(the applicant's own words, as written)")
FOREIGN_WORDS = Say(
    "Die Angaben in eigenen Worten sind in der Sprache der antragstellenden Person "
    "wiedergegeben; eine Übersetzung wird auf Wunsch nachgereicht.",
    t("My own words are given in my language; a translation will be sent on request."),
)
REGARDS = ("Mit freundlichen Grüßen", t("Yours faithfully"))
CERTIFICATION = (
    "Raum für die amtliche Beglaubigung der Unterschrift",
    # TRANSLATORS: Request letter: the caption of an empty box an official stamps.
    t("Space for the official certification of the signature"),
)
FILE_NUMBER = (
    "Aktenzeichen, Kunden- oder Versichertennummer (falls bekannt)",
    t("File, customer or insurance number (if known)"),
)

SUBJECTS_DE = {
    RequestKind.ACCESS: "Antrag auf Auskunft nach {}",
    RequestKind.CORRECTION: "Antrag auf Berichtigung nach {}",
    RequestKind.ERASURE: "Antrag auf Löschung nach {}",
    RequestKind.RESTRICTION: "Antrag auf Einschränkung der Verarbeitung nach {}",
    RequestKind.TRANSFER_BLOCK: "Antrag auf Speicherung einer Übermittlungssperre nach {}",
}


def cited(citations: Sequence[Citation]) -> str:
    """ "Art. 15 DSGVO und § 34 AZRG"."""
    texts = [str(c) for c in citations]
    return texts[0] if len(texts) == 1 else ", ".join(texts[:-1]) + " und " + texts[-1]


def citations_of(holder: Holder, kind: RequestKind) -> tuple[Citation, ...]:
    citations = holder.requests.get(kind, ())
    if not citations:
        raise ValueError(f"{holder.slug} takes no {kind} request")
    return citations


def gdpr(holder: Holder, kind: RequestKind) -> bool:
    return any(c.law == "DSGVO" for c in citations_of(holder, kind))


def subject(holder: Holder, kind: RequestKind, cites: str) -> tuple[str, Text]:
    de = SUBJECTS_DE[kind].format(cites)
    match kind:
        case RequestKind.ACCESS:
            # TRANSLATORS: Request letter subject; {citations}: German legal provisions.
            return de, t("Request for access under {citations}", citations=cites)
        case RequestKind.CORRECTION:
            return de, t("Request for correction under {citations}", citations=cites)
        case RequestKind.ERASURE:
            return de, t("Request for erasure under {citations}", citations=cites)
        case RequestKind.RESTRICTION:
            return de, t("Request to restrict processing under {citations}", citations=cites)
        case RequestKind.TRANSFER_BLOCK:
            return de, t("Request to store a transfer block under {citations}", citations=cites)


def body(holder: Holder, kind: RequestKind, details: Details, cites: str) -> list[Piece]:
    """The request itself, after the salutation and before the person's details."""
    match kind:
        case RequestKind.ACCESS:
            return _access(holder, cites)
        case RequestKind.CORRECTION:
            return [
                Say(f"ich beantrage nach {cites} die Berichtigung unrichtiger Daten, die Sie "
                    "über mich gespeichert haben.",
                    t("Under {citations} I request the correction of wrong data you hold "
                      "about me.", citations=cites)),
                Head("Was unrichtig gespeichert ist", t("What is stored wrongly")),
                Words(details.wrong),
                Head("Was richtig ist", t("What is correct")),
                Words(details.right),
                _recipients(holder, kind,
                            "Bitte teilen Sie die Berichtigung allen Empfängern mit, denen "
                            "Sie die unrichtigen Daten offengelegt haben, und nennen Sie mir "
                            "diese Empfänger.",
                            t("Please pass the correction on to every recipient you disclosed "
                              "the wrong data to, and tell me who they are.")),
                Say("Bitte bestätigen Sie mir die Berichtigung schriftlich.",
                    t("Please confirm the correction to me in writing.")),
            ]  # fmt: skip
        case RequestKind.ERASURE:
            return [
                Say(f"ich beantrage nach {cites} die Löschung der Daten, die Sie über mich "
                    "gespeichert haben.",
                    t("Under {citations} I request the erasure of the data you hold about "
                      "me.", citations=cites)),
                Head("Meine Gründe", t("My reasons")),
                Words(details.reasons),
                Say("Soweit Sie Daten aufgrund einer gesetzlichen Pflicht aufbewahren müssen, "
                    "bitte ich um Mitteilung, welche Daten das sind und auf welcher "
                    "Rechtsgrundlage, und um Einschränkung ihrer Verarbeitung bis zum Ende "
                    "dieser Pflicht.",
                    t("If the law obliges you to keep some data, please tell me which data "
                      "and on which legal basis, and restrict their processing until that "
                      "obligation ends.")),
                _recipients(holder, kind,
                            "Bitte teilen Sie die Löschung allen Empfängern mit, denen Sie "
                            "die Daten offengelegt haben, und nennen Sie mir diese Empfänger.",
                            t("Please pass the erasure on to every recipient you disclosed "
                              "the data to, and tell me who they are.")),
            ]  # fmt: skip
        case RequestKind.RESTRICTION:
            return [
                Say(f"ich beantrage nach {cites}, die Verarbeitung der Daten, die Sie über "
                    "mich gespeichert haben, einzuschränken.",
                    t("Under {citations} I request that you restrict the processing of the "
                      "data you hold about me.", citations=cites)),
                Head("Meine Gründe", t("My reasons")),
                Words(details.reasons),
                Say("Bitte unterrichten Sie mich, bevor die Einschränkung aufgehoben wird.",
                    t("Please tell me before the restriction is lifted.")),
                _recipients(holder, kind,
                            "Bitte teilen Sie die Einschränkung allen Empfängern mit, denen "
                            "Sie die Daten offengelegt haben, und nennen Sie mir diese "
                            "Empfänger.",
                            t("Please pass the restriction on to every recipient you "
                              "disclosed the data to, and tell me who they are.")),
            ]  # fmt: skip
        case RequestKind.TRANSFER_BLOCK:
            return _transfer_block(holder, details, cites)


def _recipients(holder: Holder, kind: RequestKind, de: str, en: Text) -> Say:
    return Say(de, en, "Art. 19 DSGVO" if gdpr(holder, kind) else "")


def _access(holder: Holder, cites: str) -> list[Piece]:
    register = holder.slug == "azr"
    art15 = any(c.law == "DSGVO" and c.section == "Art. 15" for c in citations_of(holder,
                RequestKind.ACCESS))  # fmt: skip
    pieces: list[Piece] = [
        Say(f"ich beantrage nach {cites} Auskunft über die personenbezogenen Daten, die Sie "
            "über mich verarbeiten.",
            t("Under {citations} I request access to the personal data you process about "
              "me.", citations=cites)),
    ]  # fmt: skip
    if holder.controller:
        pieces.append(
            Say(f"Verantwortliche Stelle für diese Daten: {holder.controller}. Ich richte "
                "den Antrag an Sie, weil Sie solche Anträge für diese Stelle bearbeiten.",
                t("The body responsible for these data: {controller}. I am sending this "
                  "request to you because you handle such requests for that body.",
                  controller=holder.controller))
        )  # fmt: skip
    pieces.append(
        Say("Bitte bestätigen Sie mir, ob Sie Daten über mich verarbeiten. Wenn ja, bitte ich"
            + (" nach Art. 15 Abs. 1 und 3 DSGVO" if art15 else "") + " um:",
            t("Please confirm whether you process data about me. If you do, I ask for:"))
    )  # fmt: skip
    pieces.append(Items((
        Say("eine Kopie aller Daten, die Sie über mich gespeichert haben;",
            t("a copy of all data you hold about me;")),
        Say("die Zwecke, zu denen diese Daten verarbeitet werden;",
            t("the purposes for which these data are processed;")),
        Say("die Empfänger, denen Daten über mich übermittelt wurden oder werden, insbesondere "
            "alle Stellen, an die das Register Daten übermittelt hat, jeweils mit Datum und "
            "Zweck der Übermittlung;",
            t("the recipients who received or will receive data about me, in particular "
              "every body the register passed data to, each with the date and purpose of "
              "the transfer;"))
        if register else
        Say("die Empfänger oder Kategorien von Empfängern, denen die Daten offengelegt "
            "worden sind oder noch offengelegt werden;",
            t("the recipients, or kinds of recipients, to whom the data have been or will "
              "be disclosed;")),
        Say("die geplante Dauer der Speicherung oder, falls das nicht möglich ist, die "
            "Kriterien für ihre Festlegung;",
            t("how long the data will be stored or, if that is not possible, how that is "
              "decided;")),
        Say("die Herkunft der Daten, insbesondere welche Stellen sie an das Register "
            "übermittelt haben.",
            t("where the data came from, in particular which bodies passed them to the "
              "register."))
        if register else
        Say("die Herkunft der Daten, soweit sie nicht bei mir selbst erhoben wurden.",
            t("where the data came from, if they were not collected from me.")),
    )))  # fmt: skip
    pieces.append(Say("Die Auskunft ist für mich unentgeltlich.",
                      t("The information is free of charge for me.")))  # fmt: skip
    return pieces


def _transfer_block(holder: Holder, details: Details, cites: str) -> list[Piece]:
    pieces: list[Piece] = [
        Say(f"ich beantrage nach {cites}, im Ausländerzentralregister eine "
            "Übermittlungssperre zu meinen Daten zu speichern.",
            t("Under {citations} I request that a transfer block be stored for my data in "
              "the Central Register of Foreign Nationals.", citations=cites)),
    ]  # fmt: skip
    if holder.controller:
        pieces.append(
            Say(f"Der Antrag richtet sich an die Registerbehörde ({holder.controller}); ich "
                "reiche ihn bei Ihnen ein, weil Sie das Register in deren Auftrag führen.",
                t("The request is for the register authority ({controller}); I am sending "
                  "it to you because you run the register on its behalf.",
                  controller=holder.controller))
        )  # fmt: skip
    pieces += [
        Say("Die Übermittlung meiner Daten an nichtöffentliche Stellen sowie an ausländische "
            "öffentliche Stellen oder über- und zwischenstaatliche Stellen kann meine "
            "schutzwürdigen Interessen oder die einer anderen Person beeinträchtigen.",
            t("Passing my data on to private bodies, or to public bodies abroad or "
              "international bodies, could harm my legitimate interests or those of "
              "another person.")),
        Head("Glaubhaftmachung", t("My reasons (to show that this is credible)")),
        Words(details.reasons),
        Say("Bitte bestätigen Sie mir schriftlich, dass die Übermittlungssperre gespeichert "
            "wurde, oder teilen Sie mir mit, welche weiteren Nachweise Sie benötigen.",
            t("Please confirm to me in writing that the transfer block has been stored, or "
              "tell me which further proof you need.")),
    ]  # fmt: skip
    return pieces


def identity_rows(holder: Holder, identity: Identity) -> tuple[Row, ...]:
    """The person's details: in the order of the holder's form where it has one (a field
    Lotse does not know stays a blank line to fill in by hand)."""
    values = _values(identity)
    if holder.form is not None:
        return tuple(_form_row(field, values) for field in holder.form.fields_de)
    rows = tuple(Row(label, en, values[key]) for key, (label, en) in _LABELS.items())
    if holder.identity_proof is IdentityProof.FILE_REFERENCE:
        rows += (Row(FILE_NUMBER[0], FILE_NUMBER[1], ""),)
    return rows


_LABELS: dict[str, tuple[str, Text]] = {
    "family": ("Familienname", t("Family name")),
    "given": ("Vorname(n)", t("Given name(s)")),
    "born": ("Geburtsdatum", t("Date of birth")),
    "place": ("Geburtsort", t("Place of birth")),
    "nation": ("Staatsangehörigkeit", t("Nationality")),
    "address": ("Anschrift", t("Address")),
}


def _values(identity: Identity) -> dict[str, str]:
    born = identity.birth_date
    return {
        "family": identity.family_name, "given": identity.given_names,
        "born": born.strftime("%d.%m.%Y") if born else "", "place": identity.birth_place,
        "nation": identity.nationality,
        "address": f"{identity.street}, {identity.postcode} {identity.city}".strip(" ,"),
        "street": identity.street, "town": f"{identity.postcode} {identity.city}".strip(),
    }  # fmt: skip


#: A form's field by the words in its German name, the most specific first.
_FIELD_WORDS = (
    ("geburtsname", None), ("geburtsdatum", "born"), ("geburtsort", "place"),
    ("staatsangehörigkeit", "nation"), ("vorname", "given"), ("familienname", "family"),
    ("anschrift", "address"), ("straße", "street"), ("strasse", "street"),
    ("postleitzahl", "town"), ("wohnort", "town"), ("name", "family"),
)  # fmt: skip


def _form_row(field: str, values: dict[str, str]) -> Row:
    key = next((key for word, key in _FIELD_WORDS if word in field.lower()), None)
    label = _LABELS.get(key or "")
    return Row(field, label[1] if label else None, values[key] if key else "")


def proof(holder: Holder) -> list[Say]:
    """How the holder can be sure the request is the person's own."""
    more = Say("Sollten Sie zur Feststellung meiner Identität weitere Angaben benötigen, "
               "teilen Sie mir das bitte mit.",
               t("If you need more to confirm my identity, please tell me."))  # fmt: skip
    match holder.identity_proof:
        case IdentityProof.CERTIFIED_SIGNATURE:
            return [Say("Zum Nachweis meiner Identität: Meine Unterschrift ist amtlich "
                        "beglaubigt (siehe unten). Fehlt die Beglaubigung, bitte ich um einen "
                        "Termin, um meine Identität bei Ihnen persönlich nachzuweisen.",
                        t("To prove my identity: my signature is officially certified (see "
                          "below). If the certification is missing, please give me an "
                          "appointment to prove my identity to you in person."))]  # fmt: skip
        case IdentityProof.SIGNATURE:
            signed = Say("Ich habe diesen Antrag eigenhändig unterschrieben.",
                         t("I have signed this request myself."))  # fmt: skip
            if holder.needs_id_document:
                return [signed, Say("Eine Kopie meines Ausweisdokuments liegt bei.",
                                    t("A copy of my identity document is enclosed."))]  # fmt: skip
            return [signed, more]
        case IdentityProof.FILE_REFERENCE:
            return [Say("Damit Sie meine Akte finden, habe ich oben mein Aktenzeichen oder "
                        "meine Kunden- oder Versichertennummer eingetragen, soweit ich sie "
                        "kenne.",
                        t("To help you find my file, I have written my file, customer or "
                          "insurance number above, where I know it.")), more]  # fmt: skip


def deadline(holder: Holder, kind: RequestKind) -> list[Say]:
    if not gdpr(holder, kind):
        return []  # the transfer block (§ 4 AZRG) sets no deadline
    return [
        Say(
            "Bitte beantworten Sie meinen Antrag innerhalb eines Monats.",
            t("Please answer my request within one month."),
            "Art. 12 Abs. 3 DSGVO",
        )
    ]


def reference(ref: str) -> Say:
    return Say(
        f"Bitte geben Sie bei Ihrer Antwort mein Zeichen {ref} an.",
        t("Please quote my reference {reference} in your answer.", reference=ref),
    )


def dated(day: date) -> str:
    return day.strftime("%d.%m.%Y")
