"""Correct the address letters go to: the name on the envelope, the street and house
number, an extra line (c/o, a room), the postcode and town.

Each part is saved as soon as it is written, with a receipt: nothing typed waits in
the conversation's state, which is not encrypted. The address is never shown in full
(a borrowed phone must not tell where someone lives): the receipts show it masked.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.conversation import Context, Input, Step
from bot.kernel.postal import (
    AddressChange,
    LineProblem,
    MaskedAddress,
    check_line,
    check_street,
    split_place,
)
from bot.kernel.types import Choice, Reply, Text, t
from flows.common import go

NAME = "letter_address"
NAME_PART = Choice("name", t("Name"))
STREET = Choice("street", t("Street and number"))
EXTRA = Choice("extra", t("Extra line"))
PLACE = Choice("place", t("Postcode and town"))
DONE = Choice("done", t("Done"))
CANCEL = Choice("cancel", t("Cancel"))
REMOVE = Choice("remove", t("Remove the extra line"))
#: The steps that read what the person writes: no connect code is looked for there.
TEXT_STEPS = frozenset({"name", "street", "extra", "place"})

QUESTIONS: dict[str, Text] = {
    "name": t("Please write the name as it should be on the envelope."),
    "street": t("Please write the street and house number, for example: Seestraße 12."),
    "extra": t("Please write the extra line, for example: c/o Yilmaz, or Room 12."),
    "place": t("Please write the postcode and town, for example: 12345 Berlin."),
}
PROBLEMS: dict[LineProblem, Text] = {
    LineProblem.EMPTY: t("That was empty. Please write it again."),
    LineProblem.TOO_LONG: t("That is too long for an envelope. Please write one shorter line."),
    LineProblem.CHARACTERS: t(
        "That contains characters a letter cannot show. Please write it again."
    ),
    LineProblem.NO_HOUSE_NUMBER: t("Please add the house number, for example: Seestraße 12."),
    LineProblem.PLACE: t(
        "Please write the five-digit postcode first, then the town, for example: 12345 Berlin."
    ),
}


def shown(address: MaskedAddress) -> Text:
    # TRANSLATORS: the address for letters, masked: {street} is the street without the
    # house number; the name and any extra line are not shown either.
    return t("Letters go to: {street} …, {postcode} {city}.", street=address.street_name,
             postcode=address.postcode, city=address.city)  # fmt: skip


def change_for(part: str, text: str) -> AddressChange | LineProblem:
    """The person's text for one part, checked; a problem says what to fix."""
    if part == "place":
        place = split_place(text)
        if isinstance(place, LineProblem):
            return place
        return AddressChange(postcode=place[0], city=place[1])
    problem = check_street(text) if part == "street" else check_line(text)
    if problem is not None:
        return problem
    line = " ".join(text.split())
    if part == "name":
        return AddressChange(name=line)
    return AddressChange(street=line) if part == "street" else AddressChange(extra=line)


class LetterAddress:
    name = NAME
    text_steps = TEXT_STEPS

    async def enter(self, ctx: Context, data: Mapping[str, Any]) -> Step:
        address = await ctx.letter_address()
        if address is None:
            none = t("Lotse keeps no address for letters for you. Only an office that invites "
                     "you can give us one, with your consent.")  # fmt: skip
            return go("settings", Reply((none,)))
        return Step((self._parts(address),), NAME, "parts", {})

    def _parts(self, address: MaskedAddress, *before: Text) -> Reply:
        question = t("What would you like to correct?")
        return Reply((*before, shown(address), question), (NAME_PART, STREET, EXTRA, PLACE, DONE))

    def prompt(self, ctx: Context, step: str, data: Mapping[str, Any]) -> Reply:
        if step in QUESTIONS:
            extra = (REMOVE,) if step == "extra" else ()
            return Reply((QUESTIONS[step],), (*extra, CANCEL))
        return Reply((t("What would you like to correct?"),),
                     (NAME_PART, STREET, EXTRA, PLACE, DONE))  # fmt: skip

    async def handle(
        self, ctx: Context, step: str, data: Mapping[str, Any], given: Input
    ) -> Step | None:
        if step == "parts":
            if given.choice == DONE.id:
                return go("settings")
            if given.choice in QUESTIONS:
                return Step((self.prompt(ctx, given.choice, {}),), NAME, given.choice, {})
            return None
        if step not in QUESTIONS:
            return None
        if given.choice == CANCEL.id:
            return await self._back(ctx)
        if step == "extra" and given.choice == REMOVE.id:
            return await self._save(ctx, AddressChange(drop_extra=True))
        if given.choice is not None or not given.text:
            return None
        change = change_for(step, given.text)
        if isinstance(change, LineProblem):
            return Step((Reply((PROBLEMS[change],)), self.prompt(ctx, step, {})), NAME, step, {})
        return await self._save(ctx, change)

    async def _save(self, ctx: Context, change: AddressChange) -> Step:
        address = await ctx.correct_letter_address(change)
        if address is None:
            refused = t("We could not save this address. Please ask the office that invited "
                        "you to correct it.")  # fmt: skip
            return go("settings", Reply((refused,)))
        return Step((self._parts(address, t("Saved.")),), NAME, "parts", {})

    async def _back(self, ctx: Context) -> Step:
        address = await ctx.letter_address()
        if address is None:
            return go("settings")
        return Step((self._parts(address),), NAME, "parts", {})
