"""The privacy notice's words, in one place for the chat, the SMS and the public page.

The full notice is what the onboarding shows in a chat and what `/privacy` serves; by
SMS a short version names who runs Lotse and for what and how to withdraw consent,
and the next SMS links to the full text on that page in the person's language.
"""

from __future__ import annotations

from urllib.parse import urlencode

from bot.config import Settings
from bot.kernel.types import Keyword, Text, t, tn

#: Where the full notice is served (bot/web), `?lang=` choosing the language.
PRIVACY_PATH = "/privacy"


def notice_link(settings: Settings, lang: str) -> str:
    return f"{settings.public_url.rstrip('/')}{PRIVACY_PATH}?{urlencode({'lang': lang})}"


def full_notice(settings: Settings, *, operator: str, privacy_contact: str) -> tuple[Text, ...]:
    """What Lotse is, who runs it, what it stores and for how long, the person's rights."""
    return (
        t(
            "Lotse is a free service run by {operator}. It tells you about free advice "
            "services and shows you who has your data. Lotse does not decide about your "
            "residence or your benefits.",
            operator=operator,
        ),
        t(
            "What we store: your language, how you want to be contacted, and your "
            "answers here. We never ask for your documents. We ask for your name only "
            "if you want a letter to an agency written."
        ),
        # TRANSLATORS: privacy notice, requests to agencies (bot.rights): what a letter
        # needs, and that it is kept only while the request is open.
        tn(
            "If you want Lotse to write a letter to an agency about your data, the letter "
            "needs your name, your date and place of birth, your nationality and your "
            "address. We ask for these only then, and only after you agree. We keep them "
            "encrypted while the request is open, at most {n} day after your last change "
            "to it, and then delete them. You can delete them yourself at any time.",
            "If you want Lotse to write a letter to an agency about your data, the letter "
            "needs your name, your date and place of birth, your nationality and your "
            "address. We ask for these only then, and only after you agree. We keep them "
            "encrypted while the request is open, at most {n} days after your last change "
            "to it, and then delete them. You can delete them yourself at any time.",
            settings.request_days,
        ),
        # TRANSLATORS: privacy notice, after the paragraph on letters to agencies: how
        # long a finished request is kept, what an office on Lotse sees, and the
        # questions Lotse asks when an answer is due.
        tn(
            "When a request is finished, we delete it {n} day later; until then you can "
            "still complain about the answer. When an answer is due, Lotse asks you on the "
            "channel you prefer whether it came. If you send a request through Lotse to an "
            "office, the staff of that office read it there.",
            "When a request is finished, we delete it {n} days later; until then you can "
            "still complain about the answer. When an answer is due, Lotse asks you on the "
            "channel you prefer whether it came. If you send a request through Lotse to an "
            "office, the staff of that office read it there.",
            settings.request_closed_days,
        ),
        # TRANSLATORS: privacy notice, the hand-off to an advice service (bot.cases):
        # shared only by choice, how long it is kept, how to withdraw. "My consents" is
        # the main menu's button.
        t(
            "If you ask an advice service through Lotse to contact you, it receives only "
            "what you choose, item by item. It keeps your request while it is open and "
            "deletes it {days} days after it is closed. You can withdraw your consent at "
            "any time under “My consents”: the service then loses access at once, and what "
            "you shared is deleted at once.",
            days=settings.case_days,
        ),
        tn(
            "If you do not write to us for {n} day, we delete everything.",
            "If you do not write to us for {n} days, we delete everything.",
            settings.retention_days,
        ),
        tn(
            "We delete the text of our messages after {n} day.",
            "We delete the text of our messages after {n} days.",
            settings.message_retention_days,
        ),
        # TRANSLATORS: privacy notice, the access log (bot.audit) in plain words;
        # "someone at Lotse" means the people who run Lotse.
        tn(
            "When someone at an office or at Lotse looks at or changes your data, we "
            "write down who, when and what kind of data, but not the data itself. After "
            "your data is deleted, we keep these notes for {n} day in case of complaints "
            "or misuse. Then we delete them too.",
            "When someone at an office or at Lotse looks at or changes your data, we "
            "write down who, when and what kind of data, but not the data itself. After "
            "your data is deleted, we keep these notes for {n} days in case of complaints "
            "or misuse. Then we delete them too.",
            settings.access_log_retention_days,
        ),
        t(
            "Your rights: you can see, correct and delete your data at any time. You can "
            "say no, and you can change your mind later. You can complain to a data "
            "protection authority. Questions about your data: {contact}.",
            contact=privacy_contact,
        ),
    )


def sms_notice(*, operator: str) -> Text:
    """The notice by SMS, a message of its own: with the operator's name it fits three
    segments in every language (tests/i18n); `notice_link_text` follows it."""
    # TRANSLATORS: the privacy notice by SMS, short on purpose: it must fit three SMS
    # (in Arabic, Persian, Cyrillic… scripts about 200 characters with the operator's
    # name). "Settings" is the main menu's settings button; quote it and {menu} as
    # the language quotes.
    return t(
        "Lotse is a free service of {operator}: it tells you about free advice services. "
        "You can withdraw your consent at any time: write “{menu}”, then choose “Settings”.",
        operator=operator,
        menu=Keyword("keyword-menu"),
    )


def notice_link_text(settings: Settings, lang: str) -> Text:
    """Where the full notice is, in the person's language."""
    return t("Full privacy notice: {link}", link=notice_link(settings, lang))
