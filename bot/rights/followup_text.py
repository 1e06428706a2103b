"""What the follow-up letters say: the reminder to the holder and the complaint to the
supervisory authority (Art. 77 GDPR), each piece in binding German written here beside
its English catalog id for the working translation (as bot.rights.letter_text).

Every fact comes from the request's clock (bot.rights.Clock): when the request went and
how, when it arrived, the deadline it missed (extended or not), the reminder and its
deadline, and what an answer gave. Art. 12 GDPR is cited only where the holder lists a
DSGVO article for the request (the AZR transfer block under § 4 AZRG has no deadline);
the complaint about a holder of social data rests also on § 81 Abs. 1 SGB X.
"""

from __future__ import annotations

from datetime import date

from bot.holders import Holder, RequestKind, Supervisor
from bot.kernel.types import Text, t
from bot.rights import letter_text as say
from bot.rights.deadlines import SentBy
from bot.rights.identity import Identity
from bot.rights.letter_text import Head, Items, Row, Rows, Say, dated
from bot.rights.views import Clock, Outcome

ART77 = "Art. 77 DSGVO"
SGB_X = "§ 81 Abs. 1 SGB X"
#: What the request asked for, as "… habe ich nach {cites} {this} beantragt".
_ASKED_DE = {
    RequestKind.ACCESS: "Auskunft über die personenbezogenen Daten beantragt, die Sie über "
    "mich verarbeiten",
    RequestKind.CORRECTION: "die Berichtigung unrichtiger Daten beantragt, die Sie über mich "
    "gespeichert haben",
    RequestKind.ERASURE: "die Löschung der Daten beantragt, die Sie über mich gespeichert haben",
    RequestKind.RESTRICTION: "die Einschränkung der Verarbeitung meiner Daten beantragt",
    RequestKind.TRANSFER_BLOCK: "die Speicherung einer Übermittlungssperre zu meinen Daten im "
    "Ausländerzentralregister beantragt",
}
_HOW_DE = {
    SentBy.POST: "mit der Post",
    SentBy.ELECTRONIC: "elektronisch (E-Mail, Fax oder Online-Formular)",
    SentBy.IN_PERSON: "persönlich abgegeben",
    SentBy.LOTSE: "elektronisch über Lotse",
}


Box = say.Box
Piece = say.Piece


def social(holder: Holder) -> bool:
    """The holder processes social data: § 81 SGB X names the authority for complaints."""
    return bool(holder.social_basis)


def complaint_cites(holder: Holder) -> str:
    return f"{ART77} und {SGB_X}" if social(holder) else ART77


def request_subject(holder: Holder, kind: RequestKind) -> tuple[str, Text]:
    """ "Antrag auf Auskunft nach Art. 15 DSGVO und § 34 AZRG"."""
    return say.subject(holder, kind, say.cited(say.citations_of(holder, kind)))


def _sent(holder: Holder, kind: RequestKind, clock: Clock, ref: str) -> list[Say]:
    cites = say.cited(say.citations_of(holder, kind))
    sent, receipt = dated(clock.sent_on), dated(clock.receipt_on)
    pieces = [Say(f"mit meinem Schreiben vom {sent} (mein Zeichen: {ref}) habe ich nach "
                  f"{cites} {_ASKED_DE[kind]}.",
                  t("In my letter of {date} (my reference: {reference}) I made a request to "
                    "you under {citations}.", date=clock.sent_on, reference=ref,
                    citations=cites))]  # fmt: skip
    match clock.sent_by:
        case SentBy.POST:
            pieces.append(Say(f"Ich habe es mit der Post abgesandt; nach der üblichen "
                              f"Postlaufzeit ist es Ihnen am {receipt} zugegangen.",
                              t("I sent it by post; at the usual delivery time it reached you "
                                "on {date}.", date=clock.receipt_on)))  # fmt: skip
        case SentBy.IN_PERSON:
            pieces.append(Say(f"Ich habe es am {receipt} bei Ihnen persönlich abgegeben.",
                              t("I handed it in to you in person on {date}.",
                                date=clock.receipt_on)))  # fmt: skip
        case _:
            pieces.append(Say(f"Es ist Ihnen am {receipt} elektronisch zugegangen.",
                              t("It reached you electronically on {date}.",
                                date=clock.receipt_on)))  # fmt: skip
    return pieces


def _missed(clock: Clock) -> Say:
    due = dated(clock.due_on)
    if clock.extended_on is not None:
        return Say(f"Mit Schreiben vom {dated(clock.extended_on)} haben Sie die Frist zur "
                   f"Beantwortung um zwei Monate verlängert (Art. 12 Abs. 3 Satz 2 DSGVO). "
                   f"Auch die verlängerte Frist endete am {due}.",
                   t("In your letter of {extended} you extended the deadline for your answer "
                     "by two months. The extended deadline, too, ended on {date}.",
                     extended=clock.extended_on, date=clock.due_on))  # fmt: skip
    return Say(f"Die Frist zur Beantwortung von einem Monat nach Eingang endete am {due}.",
               t("The deadline for your answer, one month after receipt, ended on {date}.",
                 date=clock.due_on), "Art. 12 Abs. 3 DSGVO")  # fmt: skip


NO_ANSWER = Say(
    "Bis heute habe ich von Ihnen keine Antwort erhalten, auch keine Mitteilung über Gründe, "
    "aus denen Sie nicht tätig werden.",
    t("To this day I have had no answer from you, nor any notice of reasons for not acting "
      "on my request."),
    "Art. 12 Abs. 4 DSGVO",
)  # fmt: skip
NO_ANSWER_PLAIN = Say("Bis heute habe ich von Ihnen keine Antwort erhalten.",
                      t("To this day I have had no answer from you."))  # fmt: skip


def _person(identity: Identity) -> list[Piece]:
    born = identity.birth_date
    address = f"{identity.street}, {identity.postcode} {identity.city}".strip(" ,")
    return [
        Head("Angaben zu meiner Person", t("About me")),
        Rows((
            Row("Familienname", t("Family name"), identity.family_name),
            Row("Vorname(n)", t("Given name(s)"), identity.given_names),
            Row("Geburtsdatum", t("Date of birth"), born.strftime("%d.%m.%Y") if born else ""),
            Row("Anschrift", t("Address"), address),
        )),
    ]  # fmt: skip


# ---------------------------------------------------------------- the reminder


def reminder_subject(holder: Holder, kind: RequestKind, clock: Clock) -> tuple[str, Text]:
    de, en = request_subject(holder, kind)
    # TRANSLATORS: Reminder letter subject; {request} e.g. "Request for access under …".
    # "meinen Antrag vom 01.10.2026 auf Auskunft nach …": the date is not the law's.
    dated_de = de.replace("Antrag", f"Antrag vom {dated(clock.sent_on)}", 1)
    return (f"Erinnerung an meinen {dated_de}",
            t("Reminder: {request} of {date}", request=en, date=clock.sent_on))  # fmt: skip


def reminder(
    holder: Holder, kind: RequestKind, clock: Clock, identity: Identity, *,
    ref: str, supervisor: Supervisor | None, new_due: date,
) -> list[Piece]:  # fmt: skip
    """The reminder's body: what was asked when, the deadline it missed, a new deadline
    of two weeks as a date, and that a complaint follows."""
    gdpr = say.gdpr(holder, kind)
    pieces: list[Piece] = [say.SALUTATION, *_sent(holder, kind, clock, ref)]
    if gdpr:
        pieces += [_missed(clock), NO_ANSWER]
    else:
        pieces.append(NO_ANSWER_PLAIN)
    pieces.append(Say(f"Ich bitte Sie daher, meinen Antrag bis zum {dated(new_due)} zu "
                      "beantworten.",
                      t("I therefore ask you to answer my request by {date}.",
                        date=new_due)))  # fmt: skip
    cites = complaint_cites(holder)
    if supervisor is not None:
        pieces.append(Say(f"Erhalte ich bis dahin keine Antwort, werde ich mich nach {cites} bei "
                          f"der zuständigen Aufsichtsbehörde für den Datenschutz beschweren: "
                          f"{supervisor.name}.",
                          t("If I have no answer by then, I will complain under {citations} to "
                            "the data protection supervisory authority responsible: "
                            "{authority}.", citations=cites,
                            authority=supervisor.name)))  # fmt: skip
    else:
        pieces.append(Say(f"Erhalte ich bis dahin keine Antwort, werde ich mich nach {cites} bei "
                          "der zuständigen Aufsichtsbehörde für den Datenschutz beschweren.",
                          t("If I have no answer by then, I will complain under {citations} to "
                            "the data protection supervisory authority responsible.",
                            citations=cites)))  # fmt: skip
    pieces += _person(identity)
    pieces.append(say.reference(ref))
    pieces += [
        Head("Anlage", t("Enclosure")),
        Items((Say(f"Kopie meines Antrags vom {dated(clock.sent_on)}",
                   t("Copy of my request of {date}", date=clock.sent_on)),)),
    ]  # fmt: skip
    return pieces


# ---------------------------------------------------------------- the complaint


def complaint_subject(holder: Holder) -> tuple[str, Text]:
    cites = complaint_cites(holder)
    # TRANSLATORS: Complaint letter subject; {citations}: German legal provisions,
    # {holder}: the German name of the agency complained about.
    return (f"Beschwerde nach {cites}: {holder.name}",
            t("Complaint under {citations}: {holder}", citations=cites,
              holder=holder.name))  # fmt: skip


def _answer_row(clock: Clock) -> Row:
    label, en = "Antwort der Stelle", t("The agency's answer")
    match clock.outcome:
        case Outcome.PARTLY if clock.answered_on:
            return Row(label, en, f"vom {dated(clock.answered_on)}, unvollständig")
        case Outcome.REFUSED if clock.answered_on:
            return Row(label, en, f"vom {dated(clock.answered_on)}, Ablehnung")
    return Row(label, en, "keine")


def _facts(holder: Holder, kind: RequestKind, clock: Clock, ref: str) -> Rows:
    subject_de, _ = request_subject(holder, kind)
    receipt = dated(clock.receipt_on)
    rows = [
        Row("Mein Antrag", t("My request"), subject_de),
        Row("Eingereicht am", t("Sent on"),
            f"{dated(clock.sent_on)}, {_HOW_DE[clock.sent_by]}"),
        Row("Eingang bei der Stelle", t("Received by the agency"),
            f"{receipt} (nach üblicher Postlaufzeit)" if clock.sent_by is SentBy.POST
            else receipt),
    ]  # fmt: skip
    if say.gdpr(holder, kind):
        if clock.extended_on is not None:
            rows.append(Row("Fristverlängerung mitgeteilt am", t("Extension notified on"),
                            dated(clock.extended_on)))  # fmt: skip
        rows.append(Row("Frist zur Antwort (Art. 12 Abs. 3 DSGVO)", t("Deadline for the answer"),
                        dated(clock.due_on)))  # fmt: skip
    if clock.reminder_on is not None:
        rows.append(Row("Erinnerung abgesandt am", t("Reminder sent on"),
                        dated(clock.reminder_on)))  # fmt: skip
        if clock.reminder_due_on is not None:
            rows.append(Row("Frist der Erinnerung", t("Deadline set in the reminder"),
                            dated(clock.reminder_due_on)))  # fmt: skip
    rows += [_answer_row(clock), Row("Mein Zeichen", t("My reference"), ref)]
    return Rows(tuple(rows))


def _holder_rows(holder: Holder) -> Rows:
    if holder.address is None:  # the person writes it in (their health insurer)
        return Rows((Row("Name und Anschrift", t("Name and address"), ""),))
    address = ", ".join(line for line in holder.address.lines()[1:] if line.strip())
    rows = [Row("Name", t("Name"), holder.name), Row("Anschrift", t("Address"), address)]
    if holder.controller:
        rows.append(Row("Verantwortliche Stelle", t("Body responsible"), holder.controller))
    return Rows(tuple(rows))


def _what_came(holder: Holder, kind: RequestKind, clock: Clock) -> list[Piece]:
    match clock.outcome:
        case Outcome.PARTLY:
            return [
                Say("Die Antwort erfüllt meinen Antrag nur teilweise. Was fehlt, habe ich unten "
                    "angegeben.",
                    t("The answer meets my request only in part. I have written below what is "
                      "missing.")),
                Box("Was in der Antwort fehlt", t("What is missing from the answer")),
            ]  # fmt: skip
        case Outcome.REFUSED:
            return [
                Say("Die Stelle hat meinen Antrag abgelehnt. Ich halte die Ablehnung für "
                    "unberechtigt; meine Gründe habe ich unten angegeben.",
                    t("The agency refused my request. I think the refusal is wrong; I have "
                      "written my reasons below.")),
                Box("Warum ich die Ablehnung für unberechtigt halte",
                    t("Why I think the refusal is wrong")),
            ]  # fmt: skip
    pieces: list[Piece] = []
    if clock.reminder_on is not None and clock.reminder_due_on is not None:
        pieces.append(Say(f"Auch auf meine Erinnerung vom {dated(clock.reminder_on)} mit Frist "
                          f"bis zum {dated(clock.reminder_due_on)} hat sie nicht geantwortet.",
                          t("Nor did it answer my reminder of {date}, which set a deadline of "
                            "{due}.", date=clock.reminder_on,
                            due=clock.reminder_due_on)))  # fmt: skip
    if say.gdpr(holder, kind):
        pieces.append(Say("Bis heute habe ich keine Antwort erhalten, auch keine Mitteilung über "
                          "Gründe, aus denen die Stelle nicht tätig wird.",
                          t("To this day I have had no answer, nor any notice of reasons for "
                            "not acting on my request."), "Art. 12 Abs. 4 DSGVO"))  # fmt: skip
    else:
        pieces.append(Say("Bis heute habe ich keine Antwort erhalten.",
                          t("To this day I have had no answer.")))  # fmt: skip
    return pieces


def _enclosures(clock: Clock) -> Items:
    items = [Say(f"Kopie meines Antrags vom {dated(clock.sent_on)}",
                 t("Copy of my request of {date}", date=clock.sent_on))]  # fmt: skip
    if clock.extended_on is not None:
        items.append(Say(f"Kopie der Mitteilung der Stelle über die Fristverlängerung vom "
                         f"{dated(clock.extended_on)}",
                         t("Copy of the agency's notice of an extension, of {date}",
                           date=clock.extended_on)))  # fmt: skip
    if clock.reminder_on is not None:
        items.append(Say(f"Kopie meiner Erinnerung vom {dated(clock.reminder_on)}",
                         t("Copy of my reminder of {date}", date=clock.reminder_on)))  # fmt: skip
    if clock.outcome in (Outcome.PARTLY, Outcome.REFUSED) and clock.answered_on is not None:
        items.append(Say(f"Kopie der Antwort der Stelle vom {dated(clock.answered_on)}",
                         t("Copy of the agency's answer of {date}",
                           date=clock.answered_on)))  # fmt: skip
    return Items(tuple(items))


def complaint(
    holder: Holder, kind: RequestKind, clock: Clock, identity: Identity, *, ref: str
) -> list[Piece]:
    """The complaint's body: who is complained about, the facts in order, what came (no
    answer, or an incomplete or refused one), what is asked of the authority (Art. 58
    Abs. 2 Buchst. c, Art. 77 Abs. 2 DSGVO), the person, and the enclosures."""
    cites = complaint_cites(holder)
    if social(holder):
        data_de, data_en = (
            "Sozialdaten",
            t(
                "I believe my rights were violated when the "
                "agency named below processed my social data."
            ),
        )
    else:
        data_de, data_en = (
            "personenbezogenen Daten",
            t(
                "I believe my rights were violated "
                "when the agency named below "
                "processed my personal data."
            ),
        )
    gdpr = say.gdpr(holder, kind)
    pieces: list[Piece] = [
        say.SALUTATION,
        Say(f"hiermit lege ich Beschwerde nach {cites} ein.",
            t("I hereby lodge a complaint under {citations}.", citations=cites)),
        Say(f"Ich bin der Ansicht, bei der Verarbeitung meiner {data_de} durch die unten "
            "genannte Stelle in meinen Rechten verletzt worden zu sein.", data_en),
        Head("Stelle, gegen die sich die Beschwerde richtet",
             t("The agency this complaint is about")),
        _holder_rows(holder),
        Head("Sachverhalt", t("What happened")),
        _facts(holder, kind, clock, ref),
        *_what_came(holder, kind, clock),
        Say("Ich bitte Sie, die Angelegenheit zu prüfen und die Stelle anzuweisen, meinem "
            "Antrag zu entsprechen.",
            t("I ask you to look into this and to order the agency to comply with my "
              "request."), "Art. 58 Abs. 2 Buchst. c DSGVO")
        if gdpr else
        Say("Ich bitte Sie, die Angelegenheit zu prüfen und darauf hinzuwirken, dass die "
            "Stelle meinen Antrag bearbeitet.",
            t("I ask you to look into this and to see to it that the agency deals with my "
              "request.")),
        Say("Bitte unterrichten Sie mich über den Stand und das Ergebnis meiner Beschwerde.",
            t("Please keep me informed of the progress and the outcome of my complaint."),
            "Art. 77 Abs. 2 DSGVO"),
        Say("Ich bin damit einverstanden, dass Sie der Stelle meine Beschwerde und meine "
            "Angaben zur Stellungnahme übermitteln.",
            t("I agree that you pass my complaint and my details on to the agency for its "
              "comments.")),
        *_person(identity),
        Head("Anlagen", t("Enclosures")),
        _enclosures(clock),
    ]  # fmt: skip
    return pieces
