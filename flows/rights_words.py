"""What the request wizard says (flows/rights_request.py): the kinds of request, the
questions for each part, the answers to what cannot go into a letter, and what to do
with the letter. Kept apart from the steps so both stay readable.

Part, problem and kind ids are spelled here as bot.rights and bot.holders spell them:
flows may not import bot.rights (tests/flows/unit/test_rights_request_steps.py checks
that the spellings agree).
"""

from __future__ import annotations

from typing import Any

from bot.holders import IdentityProof, RequestKind
from bot.kernel.types import Choice, Text, t, tn
from flows.letter_address import PROBLEMS as LINE_PROBLEMS
from flows.letter_address import QUESTIONS as ADDRESS_QUESTIONS

#: bot.rights.DETAIL_MAX: the longest paragraph of the person's own words.
DETAIL_MAX = 1000
#: bot.rights.identity.OLDEST_YEARS.
OLDEST_YEARS = 120

# bot.rights.Part values, in the order the wizard asks them.
IDENTITY = ("family-name", "given-names", "birth-date", "birth-place", "nationality",
            "street", "place")  # fmt: skip
DETAILS = ("wrong", "right", "reasons")
ADDRESS_PARTS = ("street", "place")

KINDS: dict[RequestKind, Choice] = {
    RequestKind.ACCESS: Choice("access", t("See what they hold about me")),
    RequestKind.CORRECTION: Choice("correction", t("Correct wrong data")),
    RequestKind.ERASURE: Choice("erasure", t("Delete my data")),
    RequestKind.RESTRICTION: Choice("restriction", t("Limit the use of my data")),
    RequestKind.TRANSFER_BLOCK: Choice("transfer-block", t("Stop passing on my data")),
}
#: By SMS the kinds' names are short: with the question they must fit three segments.
SHORT: dict[RequestKind, Text] = {
    # TRANSLATORS: by SMS, a request that tells what an agency holds about the person.
    RequestKind.ACCESS: t("What they hold"),
    # TRANSLATORS: by SMS, a request to correct wrong data.
    RequestKind.CORRECTION: t("Correct"),
    # TRANSLATORS: by SMS, a request to delete data.
    RequestKind.ERASURE: t("Delete"),
    # TRANSLATORS: by SMS, a request to restrict the use of data.
    RequestKind.RESTRICTION: t("Limit use"),
    # TRANSLATORS: by SMS, the request that the register stop passing data on.
    RequestKind.TRANSFER_BLOCK: t("Block passing on"),
}
WHAT: dict[RequestKind, Text] = {
    RequestKind.ACCESS: t("They tell you what data they hold about you, where it came from "
                          "and who received it. It is free."),
    RequestKind.CORRECTION: t("They correct wrong data, such as a misspelt name, and tell "
                              "everyone who received it."),
    RequestKind.ERASURE: t("They delete data they may no longer keep. Only where the law "
                           "allows it; the agency decides."),
    RequestKind.RESTRICTION: t("They keep your data but may not use it for now, for example "
                               "while they check whether it is correct. Only where the law "
                               "allows it; the agency decides."),
    RequestKind.TRANSFER_BLOCK: t("The register stops passing your data to private bodies or "
                                  "other states' authorities, if you explain how this could "
                                  "harm you or someone else."),
}  # fmt: skip


def kind_choice(kind: RequestKind, sms: bool) -> Choice:
    return Choice(KINDS[kind].id, SHORT[kind]) if sms else KINDS[kind]


def kind_line(kind: RequestKind, sms: bool) -> Text:
    # TRANSLATORS: one kind of request and what it does: {kind} is its button
    # ("Correct wrong data"), {what} the sentence explaining it.
    return t("“{kind}”: {what}", kind=kind_choice(kind, sms).label, what=WHAT[kind])


def asked_what(holder: Text, sms: bool) -> Text:
    if sms:  # the agency was named in the message before
        return t("What would you like to ask?")
    # TRANSLATORS: {holder} is an agency's name in plain words ("Central Register …").
    return t("What would you like to ask {holder}?", holder=holder)


# -- consent -----------------------------------------------------------------------------

AGREE = Choice("agree", t("I agree"))
NEEDS = t("The letter needs your name, date and place of birth, nationality and address.")
NEEDS_MORE: dict[RequestKind, Text] = {
    RequestKind.CORRECTION: t("It also needs what is wrong and what is right."),
    RequestKind.ERASURE: t("It also needs your reasons."),
    RequestKind.RESTRICTION: t("It also needs your reasons."),
    RequestKind.TRANSFER_BLOCK: t("It also needs your reasons."),
}


def kept(days: int) -> Text:
    # TRANSLATORS: “My requests” is a button of "Who holds my data"; quote it as the
    # language quotes.
    return t("Lotse keeps it encrypted while your request is open, at most {days} days after "
             "your last change, then erases it. You can delete it at any time in “My requests”.",
             days=days)  # fmt: skip


AGREE_QUESTION = t("Do you agree that Lotse keeps this for your request?")
NOTHING_STORED = t("Nothing was stored.")

# -- typing ------------------------------------------------------------------------------

LATER = Choice("later", t("Go on later"))
USE_ADDRESS = Choice("use-address", t("Use my address for letters"))
QUESTIONS: dict[str, Text] = {
    "family-name": t("Please write your family name as in your documents."),
    "given-names": t("Please write your given names (first names) as in your documents."),
    "birth-date": t("Please write your date of birth as day.month.year, for example: "
                    "23.04.1991."),
    "birth-place": t("Please write your place of birth as in your documents, for example: "
                     "Aleppo."),
    "nationality": t("Please write your nationality, for example: Syrian."),
    "street": ADDRESS_QUESTIONS["street"],
    "place": ADDRESS_QUESTIONS["place"],
    "wrong": t("What is wrong in their records? For example: my birth date is 01.01.1990."),
    "right": t("What is right? For example: my birth date is 23.04.1991."),
}  # fmt: skip
REASONS: dict[RequestKind, Text] = {
    RequestKind.TRANSFER_BLOCK: t("Why could passing on your data harm you or someone else? "
                                  "Please write your reasons."),
    RequestKind.ERASURE: t("Why should they delete your data? Please write your reasons."),
    RequestKind.RESTRICTION: t("Why should they limit the use of your data? Please write "
                               "your reasons."),
}  # fmt: skip
REASONS_OTHER = t("Please write your reasons.")
OWN_WORDS = t("Please write in your own words, in any language. It goes into the letter as "
              "you write it.")  # fmt: skip
ADDRESS_TAKEN = t("Your address for letters was used.")


def saved(left: int) -> Text:
    return tn("Saved. One more question.", "Saved. {n} more questions.", left)


def problem_text(problem: str, part: str, typed: str) -> Text:
    """What to fix (a bot.rights.Problem value), worded for the part it was typed for."""
    if problem == "too-long" and part in DETAILS:
        # TRANSLATORS: {count} is how many characters the person wrote.
        return t("That is too long: at most {max} characters, and you wrote {count}. Please "
                 "write it shorter.", max=DETAIL_MAX, count=len(typed.strip()))  # fmt: skip
    if problem == "too-long":
        return t("That is too long for a letter. Please write it shorter.")
    if problem == "date-format":
        return t("Please write the date as day.month.year, for example: 23.04.1991.")
    if problem == "date-future":
        return t("That date is in the future. Please write your date of birth.")
    if problem == "date-past":
        return t("That date is more than {years} years ago. Please check it and write it "
                 "again.", years=OLDEST_YEARS)  # fmt: skip
    return next(text for line, text in LINE_PROBLEMS.items() if line.value == problem)


def for_later(until: object) -> Text:
    # TRANSLATORS: {date} is a date; “My requests” is a button of "Who holds my data".
    return t("Saved for later. Your request is kept until {date} at the latest. You can go on "
             "with it or delete it in “My requests”.", date=until)  # fmt: skip


#: Choosing a request again that was started before: it goes on, nothing is typed twice.
RESUMED = t("You started this request before. We go on where you stopped.")
GONE = t("This request no longer exists. Nothing was saved.")
NOT_FOUND = t("We could not find this agency.")

# -- the letter --------------------------------------------------------------------------


def summary(holder: Text, kind: RequestKind) -> Text:
    # TRANSLATORS: {holder} is an agency's name in plain words, {kind} the button of the
    # kind of request ("See what they hold about me").
    return t("Your request to {holder} is complete: “{kind}”.", holder=holder,
             kind=KINDS[kind].label)  # fmt: skip


CONTAINS = t("The letter contains your name, date and place of birth, nationality and address.")
CONTAINS_WORDS = t("It also contains what you wrote, as you wrote it.")
#: Telegram keeps every document in the chat's history: asked before it is sent.
SEND_HERE = t("The letter contains your name and date of birth; it stays in this chat's "
              "history. Send it here?")  # fmt: skip
SENT_HERE = t("Here is your letter.")
NOT_SENT = t("Nothing was sent. You can get the letter later in “My requests”.")
NO_LETTER = t("Sorry, the letter could not be made. Please try again later.")

# Where the operator posts letters (LOTSE_REQUEST_POST) and keeps the person's address.
HERE = Choice("here", t("Here in the chat"))
POST_IT = Choice("post", t("Post it to me"))
# TRANSLATORS: the request letter is ready; the choices are "Here" and "Post it to me".
HERE_OR_POST = t("Do you want the letter here, or shall we print it and post it to you?")


def posted(address: Any) -> Text:
    """The reply once the letter is to be posted; `address` is a bot.kernel.postal
    MaskedAddress (no house number: a borrowed phone must not tell where someone lives)."""
    shown = " ".join((f"{address.street_name} …,", address.postcode, address.city))
    # TRANSLATORS: {address} is the person's address without house number, e.g.
    # "Hauptstraße …, 12345 Musterstadt".
    return t("We print your letter and post it to {address} within a few working days. "
             "Sign it when it arrives and send it on.", address=shown)  # fmt: skip


def on_web(until: object) -> Text:
    # TRANSLATORS: {time} is a date and time; the link is shown under the message.
    return t("Your letter is ready. Open it with the link below. It works only in this chat, "
             "until {time}.", time=until)  # fmt: skip


def by_link(link: str, until: object) -> Text:
    # TRANSLATORS: by SMS, kept short; {link} is a web address, {time} date and time.
    return t("Your letter: {link} The link works until {time}. Please do not pass it on.",
             link=link, time=until)  # fmt: skip


NEXT: dict[IdentityProof, Text] = {
    IdentityProof.CERTIFIED_SIGNATURE: t(
        "Print the letter and sign it. Have the signature certified (citizens' office or "
        "notary) and send it by post, or hand it in yourself by appointment."
    ),
    IdentityProof.SIGNATURE: t("Print the letter, sign it and send it by post."),
    IdentityProof.FILE_REFERENCE: t("Print the letter, sign it and send it by post."),
}
NO_ADDRESS = t("Their address is not in the letter. Please write it on the letter and the "
               "envelope; you find it on their letters to you.")  # fmt: skip
DUE = t("They must answer within one month.")
