"""The reminder and the complaint: their German text, legal citations and dates, read
back from real PDFs, with the guide and the working translation."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

import pytest

from bot.config import REPO_ROOT
from bot.holders import RequestKind
from bot.i18n import Catalogs
from bot.rights import LetterKind, Outcome, SentBy, followup_filename, render_followup_letter
from bot.rights.views import Clock
from tests.rights.followups import POSTED, REMINDED, answered, follow_up
from tests.rights.holders import AZR, JOBCENTER, KRANKENKASSE, LAND_NW
from tests.rights.pdf import letters, pages, require_tools

COMPLAINT = LetterKind.COMPLAINT
_CITATION = re.compile(
    r"(?:Art\.|§) \d+[a-z]?(?: Abs\. \d+(?: Satz \d+| Buchst\. [a-z]| und \d+)?)? "
    r"(?:DSGVO|AZRG|SGB X)"
)


@pytest.fixture(scope="module")
def catalogs() -> Catalogs:
    require_tools()
    return Catalogs(REPO_ROOT / "locales")


def text_of(pdf: bytes) -> str:
    return " ".join(pages(pdf))


def german(pdf: bytes) -> str:
    return text_of(pdf).split("So schicken Sie diesen Brief ab")[0].split(
        "How to send this letter")[0]  # fmt: skip


def test_reminder_cites_the_request_its_missed_deadline_and_sets_a_new_date(
    catalogs: Catalogs,
) -> None:
    pdf = render_followup_letter(follow_up(), catalogs["de"])
    text = german(pdf)
    assert ("Erinnerung an meinen Antrag vom 01.10.2026 auf Auskunft nach Art. 15 DSGVO und "
            "§ 34 AZRG") in text  # fmt: skip
    assert "mit meinem Schreiben vom 01.10.2026 (mein Zeichen: LOTSE-R-7)" in text
    assert "nach der üblichen Postlaufzeit ist es Ihnen am 05.10.2026 zugegangen" in text
    assert "endete am 05.11.2026 (Art. 12 Abs. 3 DSGVO)" in text
    assert "aus denen Sie nicht tätig werden (Art. 12 Abs. 4 DSGVO)" in text
    # Made on Monday 30.11., by post: arrives Thursday 3.12., two weeks: Thursday 17.12.
    assert "meinen Antrag bis zum 17.12.2026 zu beantworten" in text
    assert ("nach Art. 77 DSGVO bei der zuständigen Aufsichtsbehörde für den Datenschutz "
            "beschweren: Die Bundesbeauftragte für den Datenschutz und die "
            "Informationsfreiheit.") in text  # fmt: skip
    assert "Kopie meines Antrags vom 01.10.2026" in text
    assert "Geburtsdatum 14.03.1990" in text and "Datum: 30.11.2026" in text
    assert "Mein Zeichen: LOTSE-R-7" in text and "Mit freundlichen Grüßen" in text
    assert set(_CITATION.findall(text)) == {
        "Art. 15 DSGVO", "§ 34 AZRG", "Art. 12 Abs. 3 DSGVO", "Art. 12 Abs. 4 DSGVO",
        "Art. 77 DSGVO",
    }  # fmt: skip
    # No certification box: the reminder refers to the request.
    assert "Beglaubigung" not in text
    assert followup_filename(follow_up()) == "erinnerung-azr-auskunft.pdf"


def test_reminders_deadline_counts_the_holders_public_holidays(catalogs: Catalogs) -> None:
    # Made on 15.12.2026 by post: arrives Friday 18.12.; two weeks end on Friday 1.1.2027,
    # New Year's Day: the deadline moves to Monday 4.1.2027.
    request = follow_up(dated=date(2026, 12, 15))
    assert request.new_due == date(2027, 1, 4)
    assert "bis zum 04.01.2027 zu beantworten" in german(
        render_followup_letter(request, catalogs["de"]))  # fmt: skip


def test_reminder_after_an_extension_and_by_hand_delivery(catalogs: Catalogs) -> None:
    clock = Clock(
        sent_on=date(2026, 7, 1), sent_by=SentBy.IN_PERSON, receipt_on=date(2026, 7, 1),
        due_on=date(2026, 10, 1), estimated=False, extended_on=date(2026, 7, 20),
    )  # fmt: skip
    text = german(render_followup_letter(follow_up(clock=clock), catalogs["de"]))
    assert "Ich habe es am 01.07.2026 bei Ihnen persönlich abgegeben." in text
    assert ("Mit Schreiben vom 20.07.2026 haben Sie die Frist zur Beantwortung um zwei Monate "
            "verlängert (Art. 12 Abs. 3 Satz 2 DSGVO). Auch die verlängerte Frist endete am "
            "01.10.2026.") in text  # fmt: skip


def test_transfer_block_reminder_cites_no_gdpr_deadline(catalogs: Catalogs) -> None:
    request = follow_up(kind=RequestKind.TRANSFER_BLOCK)
    text = german(render_followup_letter(request, catalogs["de"]))
    assert "Übermittlungssperre nach § 4 Abs. 1 AZRG" in text
    assert "Art. 12" not in text
    assert "Bis heute habe ich von Ihnen keine Antwort erhalten." in text


def test_complaint_about_social_data_after_the_reminder(catalogs: Catalogs) -> None:
    request = follow_up(COMPLAINT, JOBCENTER, clock=REMINDED)
    text = german(render_followup_letter(request, catalogs["de"]))
    assert "Beschwerde nach Art. 77 DSGVO und § 81 Abs. 1 SGB X: Jobcenter Köln" in text
    assert "hiermit lege ich Beschwerde nach Art. 77 DSGVO und § 81 Abs. 1 SGB X ein." in text
    assert "bei der Verarbeitung meiner Sozialdaten" in text
    assert "Name Jobcenter Köln Anschrift Luxemburger Straße 121, 50939 Köln" in text
    facts = ["Mein Antrag Antrag auf Auskunft nach Art. 15 DSGVO und § 83 SGB X",
             "Eingereicht am 01.10.2026, mit der Post",
             "Eingang bei der Stelle 05.10.2026 (nach üblicher Postlaufzeit)",
             "05.11.2026", "Erinnerung abgesandt am 10.11.2026",
             "Frist der Erinnerung 26.11.2026", "Antwort der Stelle keine",
             "Mein Zeichen LOTSE-R-7"]  # fmt: skip
    positions = [text.index(fact) for fact in facts]
    assert positions == sorted(positions)
    assert "Frist zur Antwort (Art. 12 Abs. 3" in text
    assert ("Auch auf meine Erinnerung vom 10.11.2026 mit Frist bis zum 26.11.2026 hat sie "
            "nicht geantwortet.") in text  # fmt: skip
    assert "die Stelle anzuweisen, meinem Antrag zu entsprechen (Art. 58 Abs. 2 Buchst. c" in text
    assert ("Bitte unterrichten Sie mich über den Stand und das Ergebnis meiner Beschwerde "
            "(Art. 77 Abs. 2 DSGVO).") in text  # fmt: skip
    assert "Kopie meines Antrags vom 01.10.2026" in text
    assert "Kopie meiner Erinnerung vom 10.11.2026" in text
    assert followup_filename(request) == "beschwerde-jobcenter-auskunft.pdf"


def test_complaint_goes_to_the_supervisory_authoritys_address(catalogs: Catalogs) -> None:
    first = pages(render_followup_letter(follow_up(COMPLAINT, clock=REMINDED), catalogs["de"]))[0]
    assert "Graurheindorfer Straße 153" in first and "53117 Bonn" in first
    # The AZR's register is run by the BVA for the BAMF: both named.
    assert "Name Bundesverwaltungsamt" in first
    assert "Verantwortliche Stelle Bundesamt für Migration und Flüchtlinge" in first
    assert "Beschwerde nach Art. 77 DSGVO: Bundesverwaltungsamt" in first
    assert "SGB X" not in first.split("Sachverhalt")[0]


@pytest.mark.parametrize(
    ("outcome", "said", "box"),
    [
        (Outcome.PARTLY, "Die Antwort erfüllt meinen Antrag nur teilweise.",
         "Was in der Antwort fehlt"),
        (Outcome.REFUSED, "Die Stelle hat meinen Antrag abgelehnt.",
         "Warum ich die Ablehnung für unberechtigt halte"),
    ],
)  # fmt: skip
def test_complaint_about_an_answer_that_fell_short(
    catalogs: Catalogs, outcome: Outcome, said: str, box: str
) -> None:
    request = follow_up(COMPLAINT, clock=answered(outcome))
    text = german(render_followup_letter(request, catalogs["de"]))
    assert said in text and box in text
    word = "unvollständig" if outcome is Outcome.PARTLY else "Ablehnung"
    assert f"Antwort der Stelle vom 03.11.2026, {word}" in text
    assert "Kopie der Antwort der Stelle vom 03.11.2026" in text
    assert "Erinnerung" not in text  # none went
    guide = text_of(render_followup_letter(request, catalogs["en"]))
    assert "In the empty box, write briefly" in guide


def test_complaint_without_an_address_leaves_the_window_blank(catalogs: Catalogs) -> None:
    request = follow_up(COMPLAINT, clock=REMINDED, supervisor=LAND_NW)
    texts = pages(render_followup_letter(request, catalogs["en"]))
    assert LAND_NW.name not in texts[0].split("Beschwerde nach")[0]
    guide = " ".join(texts)
    assert "Write the postal address of the supervisory authority in the empty address" in guide
    assert LAND_NW.web in guide
    # No supervisor known, no address of the holder (the person's health insurer).
    unknown = follow_up(COMPLAINT, KRANKENKASSE, clock=REMINDED, supervisor=None)
    text = text_of(render_followup_letter(unknown, catalogs["en"]))
    assert (
        "Find out which data protection supervisory authority is responsible for your "
        "Health insurance" in text
    )
    assert "Name und Anschrift" in text and "Name Ihre Krankenkasse" not in text


def test_reminder_guide_and_translation_in_arabic(catalogs: Catalogs) -> None:
    ar = catalogs["ar"]
    pdf = render_followup_letter(follow_up(lang="ar"), ar)
    texts = pages(pdf)
    guide = next(i for i, page in enumerate(texts)
                 if letters(ar.gettext("How to send this letter")) in letters(page))  # fmt: skip
    assert guide >= 1 and "Erinnerung an meinen Antrag" in texts[0]
    marker = [
        letters(word)
        for word in ar.gettext("Translation — not binding. Send only the German pages.").split()
    ]
    assert any(all(word in letters(page) for word in marker) for page in texts[guide + 1 :])
    # Every sentence a person reads is translated: no English left in the Arabic pages.
    rest = " ".join(texts[guide:])
    for english in ("Add a copy of your request letter", "The letter gives the office until",
                    "I therefore ask you", "To this day"):  # fmt: skip
        assert english not in rest
    # The citations and the reference stay as written.
    assert "Art. 12 Abs. 4 DSGVO" in rest and "LOTSE-R-7" in rest


def test_german_reader_gets_the_guide_and_no_translation(catalogs: Catalogs) -> None:
    text = text_of(render_followup_letter(follow_up(COMPLAINT, clock=REMINDED), catalogs["de"]))
    assert "So schicken Sie diesen Brief ab" in text
    assert "nicht verbindlich" not in text


def test_a_request_letter_is_not_a_follow_up() -> None:
    with pytest.raises(ValueError, match="not a follow-up"):
        render_followup_letter(follow_up(LetterKind.REQUEST), Catalogs(REPO_ROOT / "locales")["de"])


def test_every_kind_and_holder_renders(catalogs: Catalogs) -> None:
    for holder in (AZR, JOBCENTER):
        for kind in holder.requests:
            for letter in (LetterKind.REMINDER, COMPLAINT):
                request = follow_up(letter, holder, kind, clock=REMINDED)
                assert render_followup_letter(request, catalogs["en"]).startswith(b"%PDF")
    assert replace(POSTED, reminder_on=None) == POSTED
