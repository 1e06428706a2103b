"""The request wizard in the SMS tour (bot/cli/sms_tour.py), from "Who holds my data":
the AZR's kinds, consent refused then given, each part typed with the answers to what
cannot go into a letter, "go on later" and going on, the kept address for letters, a
correction too long, the letter here (its short link and what to do next) rather than
by post, then how and when it went (a wrong date, one in the future, today); then a
transfer block, posted, and an erasure at the health insurer, whose
address is not in the letter (the identity is carried over, so only the reasons are
asked)."""

from __future__ import annotations

from typing import Any


async def _to_holder(person: Any, slug: str) -> None:
    choose = person.choose
    await choose("my data", "my_data")
    await choose("holders: intro, question 1", "holders")
    await choose("holders: question 2", "situation:protected")
    await choose("holders: question 3", "unsure")
    await choose("holders: the longest list, with may hold", "unsure")
    await choose(f"holders: details of {slug}", f"holder:{slug}")
    await choose(f"request: the kinds {slug} takes", "write")


async def rights(person: Any) -> None:
    """From the main menu back to the main menu; `person` is the tour's `_Person`."""
    choose, say = person.choose, person.say
    await _to_holder(person, "azr")
    await choose("request: what a correction needs, consent asked", "correction")
    await choose("request: consent refused, nothing stored, the kinds again", "no")
    await choose("request: consent asked again", "correction")
    await choose("request: agreed, the family name asked", "agree")
    await say("request: a name with a character a letter cannot show", "Haddad\u202e")
    await say("request: family name saved, given names asked", "Haddad")
    await say("request: given names saved, birth date asked", "Amal")
    await say("request: a birth date in the future", "01.01.2999")
    await say("request: a birth date that is no date", "31.02.1990")
    await say("request: a birth date too long ago", "01.01.1850")
    await say("request: birth date saved, place of birth asked", "03.04.1991")
    await say("request: place of birth saved, nationality asked", "Aleppo")
    await choose("request: go on later", "later")
    await _to_holder(person, "azr")
    await choose("request: the same request again, going on", "correction")
    await say("request: nationality saved, street asked with the kept address", "syrisch")
    await choose("request: the kept address used, what is wrong asked", "use-address")
    await say("request: a correction too long", "x" * 1200)
    await say("request: what is wrong saved, what is right asked", "Mein Geburtsort ist falsch.")
    await say("request: complete: summary, here or by post", "Geburtsort: Aleppo")
    await choose("request: here: short link, what to do next, how it went", "here")
    await choose("due: by post, the date asked", "post")
    await say("due: a date that is no date", "32.13.2026")
    await say("due: a date in the future", "01.01.2999")
    await choose("due: sent today, the deadline as an estimate", "today")
    await _to_holder(person, "azr")
    await choose("request: a transfer block, consent asked", "transfer-block")
    await choose("request: agreed, the reasons asked", "agree")
    await say(
        "request: a transfer block complete, here or by post", "Meine Familie wäre in Gefahr."
    )
    await choose("request: posted to the kept address", "post")
    await _to_holder(person, "krankenkasse")
    await choose("request: an erasure, consent asked", "erasure")
    await choose("request: agreed, the reasons asked", "agree")
    await say("request: an erasure complete, here or by post", "Ich bin nicht mehr versichert.")
    await choose("request: here: the address to add, how it went", "here")
    await choose("due: not sent yet", "unsent")
