"""The SMS tour (bot/cli/sms_tour.py) through "Who holds my data": both ways through the
questions (a question skipped, "not sure" and its "may hold"), the longest list, every
kind of holder's details (the AZR with its form, online route and many recipients, a
local office not filled in, the person's own health insurer, Lotse itself), and a
holder that does not exist."""

from __future__ import annotations

from typing import Any


async def holders(person: Any) -> None:
    """From the main menu back to the main menu; `person` is the tour's `_Person`."""
    choose, say = person.choose, person.say
    await choose("my data", "my_data")
    await choose("holders: intro, question 1", "holders")
    await choose("holders: question 2", "situation:asylum")
    await choose("holders: question 3", "no")
    await choose("holders: the list after question 3", "unsure")
    await choose("holders: details of a local office not filled in", "holder:meldebehoerde")
    await choose("holders: the list again", "list")
    await say("holders: a holder that does not exist", "Finanzamt")
    await choose("holders: details of the own health insurer", "holder:krankenkasse")
    await choose("holders: back to the main menu", "back")
    await choose("my data", "my_data")
    await choose("holders: intro, question 1", "holders")
    await choose("holders: question 2", "situation:protected")
    await choose("holders: question 3", "unsure")
    # "Not sure" twice: the longest list, what depends on the answers as "may hold".
    await choose("holders: the longest list, with may hold", "unsure")
    await choose("holders: details of the AZR", "holder:azr")
    await choose("holders: the list again", "list")
    await choose("holders: Lotse itself", "holder:lotse")
    await choose("holders: Lotse's own data, in my data", "my_data")
    await choose("my data: back to the main menu", "back")
