"""The request letter's German text and legal citations, read back from real PDFs."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from bot.config import REPO_ROOT
from bot.holders import Citation, RequestKind
from bot.i18n import Catalogs
from bot.rights import Details, letter_filename, render_request_letter, request_letter
from tests.rights.holders import AZR, AZR_FORM, JOBCENTER, KRANKENKASSE, letter_request
from tests.rights.pdf import letters, pages, require_tools

ART19 = (
    "Bitte teilen Sie die Berichtigung allen Empfängern mit, denen Sie die unrichtigen Daten "
    "offengelegt haben, und nennen Sie mir diese Empfänger (Art. 19 DSGVO)."
)
DEADLINE = "innerhalb eines Monats (Art. 12 Abs. 3 DSGVO)"
#: Every provision a German letter cites: "Art. 15 …", "§ 34 …", with what follows.
_CITATION = re.compile(r"(?:Art\.|§) \d+[a-z]?(?: Abs\. \d+(?: und \d+)?)? (?:DSGVO|AZRG|SGB X)")


@pytest.fixture(scope="module")
def catalogs() -> Catalogs:
    require_tools()
    return Catalogs(REPO_ROOT / "locales")


def german(pdf: bytes) -> str:
    """The German pages: all of them but the guide and the translation."""
    text = " ".join(pages(pdf))
    return text.split("How to send this letter")[0]


def test_azr_access_cites_the_gdpr_and_the_azrg_and_follows_the_form(catalogs: Catalogs) -> None:
    pdf = render_request_letter(letter_request(), catalogs["de"])
    text = " ".join(pages(pdf))
    assert "Antrag auf Auskunft nach Art. 15 DSGVO und § 34 AZRG" in text
    assert "Sehr geehrte Damen und Herren," in text
    assert "nach Art. 15 Abs. 1 und 3 DSGVO um:" in text
    # The AZR's recipients are the bodies it passed data to, and where the data came from.
    assert "alle Stellen, an die das Register Daten übermittelt hat" in text
    assert "welche Stellen sie an das Register übermittelt haben" in text
    assert "unentgeltlich" in text
    assert DEADLINE in text
    assert f"Die Angaben folgen den Feldern Ihres Vordrucks „{AZR_FORM.name_de}“." in text
    # The form's fields in the form's order, each with its value (blank where unknown).
    positions = [text.index(field) for field in ("Familienname Haddad", "Geburtsname",
                 "Vorname(n) Amal", "Geburtsdatum 14.03.1990", "Geburtsort Aleppo",
                 "Staatsangehörigkeit(en) syrisch", "AZR-Nummer (falls bekannt)")]  # fmt: skip
    assert positions == sorted(positions)
    assert "Meine Unterschrift ist amtlich beglaubigt" in text
    assert "einen Termin, um meine Identität bei Ihnen persönlich nachzuweisen" in text
    assert "Raum für die amtliche Beglaubigung der Unterschrift" in text
    assert "Mit freundlichen Grüßen" in text and "Amal Haddad" in text
    assert "Datum: 30.11.2026" in text and "Mein Zeichen: LR-7K2Q" in text
    assert set(_CITATION.findall(text)) == {
        "Art. 15 DSGVO",
        "§ 34 AZRG",
        "Art. 15 Abs. 1 und 3 DSGVO",
        "Art. 12 Abs. 3 DSGVO",
    }
    # A German reader gets the guide in German, and no working translation.
    assert "So schicken Sie diesen Brief ab" in text
    assert "Die deutschen Seiten sind der eigentliche Brief" not in text
    assert "nicht verbindlich" not in text


def test_transfer_block_cites_section_4_and_carries_the_reasons(catalogs: Catalogs) -> None:
    reasons = "Mein Bruder wird in meinem Herkunftsland verfolgt."
    request = letter_request(kind=RequestKind.TRANSFER_BLOCK, details=Details(reasons=reasons))
    text = german(render_request_letter(request, catalogs["de"]))
    assert "Antrag auf Speicherung einer Übermittlungssperre nach § 4 Abs. 1 AZRG" in text
    assert "im Ausländerzentralregister eine Übermittlungssperre" in text
    assert "Registerbehörde (Bundesamt für Migration und Flüchtlinge)" in text
    assert "Glaubhaftmachung" in text and reasons in text
    assert "nichtöffentliche Stellen" in text
    # § 4 AZRG is no GDPR right: no GDPR deadline is claimed for it.
    assert "DSGVO" not in text.split("Angaben zu meiner Person")[0]
    assert DEADLINE not in text
    assert set(_CITATION.findall(text)) == {"§ 4 Abs. 1 AZRG"}
    # The register's form fields, without claiming the access form was used.
    assert "Geburtsname" in text and "Vordruck" not in text


def test_correction_keeps_the_words_as_written_and_asks_to_pass_it_on(
    catalogs: Catalogs,
) -> None:
    wrong = "Mein Geburtsdatum steht als 01.01.1990 im Register."
    right = "Richtig ist der 14.03.1990 (siehe Pass)."
    request = letter_request(JOBCENTER, RequestKind.CORRECTION,
                             details=Details(wrong=wrong, right=right))  # fmt: skip
    text = german(render_request_letter(request, catalogs["de"]))
    assert "Antrag auf Berichtigung nach Art. 16 DSGVO und § 84 SGB X" in text
    assert ART19 in text
    assert wrong in text and right in text
    assert text.count("(Angaben der antragstellenden Person in eigenen Worten)") == 2
    # Latin script: no note about a translation of the words.
    assert "eine Übersetzung wird auf Wunsch nachgereicht" not in text
    # No form: the usual details, and the file number to fill in by hand.
    assert "Staatsangehörigkeit syrisch" in text and "Anschrift Venloer Straße 12" in text
    assert "Aktenzeichen, Kunden- oder Versichertennummer (falls bekannt)" in text
    assert "Vordruck" not in text
    assert set(_CITATION.findall(text)) == {
        "Art. 16 DSGVO",
        "§ 84 SGB X",
        "Art. 19 DSGVO",
        "Art. 12 Abs. 3 DSGVO",
    }


def test_words_in_another_script_are_noted_for_the_authority(catalogs: Catalogs) -> None:
    wrong = "اسمي مكتوب خطأ"
    request = letter_request(kind=RequestKind.CORRECTION, lang="ar",
                             details=Details(wrong=wrong, right="Amal Al-Haddad"))  # fmt: skip
    text = german(render_request_letter(request, catalogs["ar"]))
    assert (
        "Die Angaben in eigenen Worten sind in der Sprache der antragstellenden Person "
        "wiedergegeben; eine Übersetzung wird auf Wunsch nachgereicht." in text
    )
    assert "Amal Al-Haddad" in text and "اسمي" in text


@pytest.mark.parametrize(
    ("kind", "subject", "sentence"),
    [
        (RequestKind.ERASURE, "Antrag auf Löschung nach Art. 17 DSGVO und § 84 SGB X",
         "Bitte teilen Sie die Löschung allen Empfängern mit"),
        (RequestKind.RESTRICTION,
         "Antrag auf Einschränkung der Verarbeitung nach Art. 18 DSGVO und § 84 SGB X",
         "Bitte unterrichten Sie mich, bevor die Einschränkung aufgehoben wird."),
    ],
)  # fmt: skip
def test_erasure_and_restriction_give_the_reasons(
    catalogs: Catalogs, kind: RequestKind, subject: str, sentence: str
) -> None:
    reasons = "Ich beziehe seit März 2025 keine Leistungen mehr."
    request = letter_request(JOBCENTER, kind, details=Details(reasons=reasons))
    text = german(render_request_letter(request, catalogs["de"]))
    assert subject in text and sentence in text
    assert "Meine Gründe" in text and reasons in text
    assert DEADLINE in text


def test_only_the_provisions_the_holder_lists_are_cited(catalogs: Catalogs) -> None:
    # A holder that lists § 34 AZRG alone for access: no GDPR article appears.
    azrg_only = replace(AZR, requests={RequestKind.ACCESS: (Citation("AZRG", "§ 34"),)})
    text = german(render_request_letter(letter_request(azrg_only), catalogs["de"]))
    assert set(_CITATION.findall(text)) == {"§ 34 AZRG"}
    # A kind the holder does not take is refused, not written with a guessed citation.
    with pytest.raises(ValueError, match="erasure"):
        request_letter(letter_request(AZR, RequestKind.ERASURE), catalogs["de"])


def test_insurer_without_address_gets_guidance(catalogs: Catalogs) -> None:
    request = letter_request(KRANKENKASSE, lang="fa", supervisor=None)
    letter = request_letter(request, catalogs["fa"])
    # Blank lines in the window, to write the insurer's address on by hand.
    assert letter.recipient.lines() == ("", "", "", "")
    texts = pages(render_request_letter(request, catalogs["fa"]))
    fa = catalogs["fa"]
    how = letters(fa.gettext("How to send this letter"))
    guide = next(letters(text) for text in texts if how in letters(text))
    step = fa.gettext(
        "Write the name and postal address of your {holder} in the empty address field at "
        "the top of the first page."
    )
    # pdftotext may order a wrapped right-to-left line's pieces differently: each word.
    assert all(letters(word) in guide for word in step.replace("{holder}", "").split())
    assert letters(fa.gettext(KRANKENKASSE.plain_name)) in guide
    assert letters(fa.gettext("Add a copy of your passport or identity card.")) in guide
    # No supervisor known: the Land's authority, in general words.
    assert letters(fa.gettext("You can complain to the data protection supervisory authority "
                              "of your federal state, free of charge.")) in guide  # fmt: skip
    assert "Eine Kopie meines Ausweisdokuments liegt bei." in texts[0]


def test_file_names_are_ascii() -> None:
    assert letter_filename(letter_request()) == "antrag-azr-auskunft.pdf"
    block = letter_request(kind=RequestKind.TRANSFER_BLOCK)
    assert letter_filename(block) == "antrag-azr-uebermittlungssperre.pdf"
    erasure = letter_request(JOBCENTER, RequestKind.ERASURE)
    assert letter_filename(erasure) == "antrag-jobcenter-loeschung.pdf"
    assert all(letter_filename(letter_request(JOBCENTER, kind)).isascii()
               for kind in JOBCENTER.requests)  # fmt: skip
