"""Every choice "Who holds my data" can offer, for tests on the channels."""

from __future__ import annotations

from bot.config import Settings
from bot.holders import catalog
from bot.kernel.types import Choice
from flows import holders_texts as words
from flows.holders import UNSURE, situation_choices
from flows.holders_requests import (
    AGAIN,
    CONFIRM,
    DELETE,
    GO_ON,
    KEEP,
    TO_REQUESTS,
    request_choice,
)


def holders_choices(settings: Settings) -> list[Choice]:
    """Each holder as a button (its explained name) and by SMS (its short German name),
    the answers to the questions, the choices under the list and the details, and those
    of "My requests"."""
    found = catalog(settings).holders
    each = [words.holder_choice(h, sms) for h in found for sms in (False, True)]
    return [*each, *situation_choices(), UNSURE, words.WRITE, words.TO_LIST, words.MY_DATA,
            words.REQUESTS, CONFIRM, KEEP, GO_ON, AGAIN, DELETE, TO_REQUESTS,
            *(request_choice(n) for n in range(1, 10))]  # fmt: skip
