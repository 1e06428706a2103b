"""The words of "Find advice": the questions, their answers, and what a service is.

Labels are keyed by the directory's words (bot.advice: `Topic`, `AgeGroup`, `Programme`
values), which flows may not import: a test checks that every value has its label.
"""

from __future__ import annotations

from bot.kernel.types import Choice, Text, t, tn

INTRO = t(
    "Find advice: free advice services for you, in your language. A few questions show "
    "which services fit you. Your answers are not stored."
)
TOPIC = t("What do you need advice on?")
# TRANSLATORS: the topics a person can ask an advice service about; short, they are
# buttons and numbered SMS lines.
TOPICS: dict[str, Text] = {
    "asylum": t("Asylum procedure"),
    "residence": t("Residence and papers"),
    "work": t("Work"),
    "german": t("German courses"),
    "housing": t("Housing"),
    "health": t("Health"),
    "family": t("Family reunification"),
    "school": t("School and children"),
    "money": t("Money and benefits"),
    "violence": t("Violence and protection"),
}
# TRANSLATORS: the same topics by SMS, where ten of them and the question must fit
# three short messages: one or two words each.
SMS_TOPICS: dict[str, Text] = {
    **TOPICS,
    "asylum": t("Asylum"),
    "residence": t("Residence"),
    "german": t("German course"),
    "family": t("Family reunion"),
    "school": t("School"),
    "money": t("Money"),
    "violence": t("Violence"),
}
TOPIC_CHOICE = "topic:"
# TRANSLATORS: by SMS, an answer to "What is your residence status?" (on the web the
# answer names the paper, Aufenthaltsgestattung).
SMS_ASYLUM = t("In the asylum procedure")

AGE = t("How old are you? Some services are only for young people, others only for adults.")
AGES: dict[str, Text] = {
    "under-18": t("Under 18"),
    "18-26": t("18 to 26"),
    "27+": t("27 or older"),
}
AGE_CHOICE = "age:"

POSTCODE = t(
    "What is your postcode? Services for your area then come first. Write the five "
    "digits, or choose “{skip}”."
)
# TRANSLATORS: the answer to "What is your postcode?" for someone who does not want to say.
SKIP = Choice("skip", t("Skip"))
BAD_POSTCODE = t("That is not a postcode. A postcode in Germany has five digits, like 12345.")

NOT_SPOKEN = t("None of the advice services that fit you advises in your language ({language}).")
SECOND = t("Which other language can you read? We then look for services that advise in it.")
NONE = Choice("none", t("None of these"))

FOUND = t("These advice services fit you, best first:")
FOUND_OTHER = t(
    "These advice services fit you, but none of them advises in your language. Each one "
    "says in which languages it advises."
)
NOTHING = t("We found no advice service for this topic that fits your answers.")
EMPTY = t("No advice services have been entered here yet.")
# TRANSLATORS: {operator} is the municipality that runs Lotse, {contact} its e-mail or phone.
ASK_OPERATOR = t("{operator} can help you find advice: {contact}")
NEXT = t("What would you like to do next?")
ANOTHER = Choice("topics", t("Another topic"))

# -- one service -----------------------------------------------------------------------

# TRANSLATORS: the kinds of advice services in Germany; the German short names (MBE,
# JMD) stay, people see them on signs and letters.
PROGRAMMES: dict[str, Text] = {
    "mbe": t("Migration counselling for adults (MBE)"),
    "jmd": t("Youth migration service (JMD), for young people"),
    "asylum": t("Independent counselling on the asylum procedure"),
    "legal": t("Legal advice"),
    "other": t("Advice service"),
}
RUN_BY = t("Run by {provider}")
LANGUAGES = t("Languages: {languages}")
# TRANSLATORS: by SMS, the one language of the person's that a service speaks.
ADVISES_IN = t("Advises in {language}")
ADDRESS = t("Address: {address}")
HOURS = t("Opening hours: {hours}")
HOURS_LINES = t("Opening hours:")
APPOINTMENT = t("By appointment")
ALSO_APPOINTMENT = t("Also by appointment")
PHONE = t("Phone: {phone}")
PHONE_HOURS = t("Phone hours: {hours}")
PHONE_HOURS_LINES = t("Phone hours:")
EMAIL = t("E-mail: {email}")
ONLINE = t("Online counselling: {link}")
GENDER = t("You can ask for a woman or a man as your counsellor.")
# TRANSLATORS: {date} is when the operator last checked the service's details.
CHECKED = t("Checked on {date}.")
MAYBE = t("Whether it is for you depends on the answer you were not sure of: ask them.")
ELSEWHERE = t("It is not in your area, but you can reach it without going there.")
# The Kurdish languages told apart (Babel's names say "Kurdish" and "Central Kurdish").
KURDISH: dict[str, Text] = {
    "ku": t("Kurdish (Kurmanji)"),
    "ckb": t("Kurdish (Sorani)"),
}


def reply_time(hours: int) -> Text:
    """The first reply a service promises: in days from two days on, else in hours."""
    if hours >= 48 and hours % 24 == 0:
        days = hours // 24
        return tn(
            "They promise a first answer within {n} day.",
            "They promise a first answer within {n} days.",
            days,
        )
    return tn(
        "They promise a first answer within {n} hour.",
        "They promise a first answer within {n} hours.",
        hours,
    )
