"""One advice service as a person reads it: what it is, who runs it, the languages it
advises in, how to reach it and when, in the person's language.

Names, addresses, numbers and links are shown as the directory has them; in a
right-to-left language each sits in a left-to-right isolate, so a phone number, a
postcode or "09:00–12:00" is not turned around. Day names, times and dates come from
Babel in the person's locale. Consecutive days with the same hours are grouped
("Mon–Fri 09:00–12:00").

By SMS a service is one message: its name, address, hours and phone first, then as much
of the rest as fits three segments. The flow cannot render a text, so what the rest
costs is estimated (translations up to half longer than the English; data as it is).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import time
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.dates import get_day_names

from bot.documents import isolated
from bot.i18n import LANGUAGES, direction, listed, native_name
from bot.kernel.types import Text, t, verbatim
from flows import advice_words as words

#: Three UCS-2 segments: what an SMS of any language may cost.
SMS_UNITS = 201
#: How much longer than the English a translation may run.
STRETCH = 1.5
_PLACEHOLDER = re.compile(r"\{\w+\}")


class Card:
    """Renders services for one person: their language, direction and channel."""

    def __init__(self, lang: str, sms: bool) -> None:
        self.lang, self.sms = lang, sms
        self.rtl = direction(lang) == "rtl"
        try:
            self._days = get_day_names("abbreviated", context="stand-alone", locale=lang)
        except (UnknownLocaleError, ValueError):
            self._days = get_day_names("abbreviated", context="stand-alone", locale="en")

    # -- pieces ------------------------------------------------------------------------

    def data(self, value: str) -> str:
        """A name, number or address as written, kept in place in right-to-left text."""
        return isolated(value) if self.rtl else value

    def language(self, code: str) -> Text:
        """A language's name in the person's language (Kurmanji and Sorani told apart)."""
        if code in words.KURDISH:
            return words.KURDISH[code]
        try:
            name = Locale.parse(self.lang).languages.get(code)
        except (UnknownLocaleError, ValueError):
            name = None
        return verbatim(name or code)

    def languages(self, codes: Sequence[str], first: str | None) -> Text:
        """The languages a service advises in: the one matching the person's first, then
        Lotse's languages in their order, then the others."""
        ordered = sorted(
            codes,
            key=lambda c: (c != first, LANGUAGES.index(c) if c in LANGUAGES else 99, c),
        )
        return listed([self.language(code) for code in ordered])

    def hours(self, hours: Sequence[Any]) -> list[str]:
        """Opening hours (bot.advice.Hours) as lines: days with the same hours together,
        consecutive days as a range, the day's times in order."""
        by_day: dict[int, list[tuple[time, time]]] = {}
        for slot in sorted(hours, key=lambda h: (h.day, h.opens)):
            by_day.setdefault(slot.day, []).append((slot.opens, slot.closes))
        groups: dict[tuple[tuple[time, time], ...], list[int]] = {}
        for day, slots in sorted(by_day.items()):
            groups.setdefault(tuple(slots), []).append(day)
        lines = []
        for group, days in sorted(groups.items(), key=lambda item: item[1][0]):
            times = ", ".join(f"{_hm(opens)}–{_hm(closes)}" for opens, closes in group)
            lines.append(f"{self._days_text(days)} {self.data(times)}")
        return lines

    def _days_text(self, days: Sequence[int]) -> str:
        runs: list[list[int]] = []
        for day in days:
            if runs and runs[-1][-1] == day - 1:
                runs[-1].append(day)
            else:
                runs.append([day])
        names = self._days
        return ", ".join(
            f"{names[run[0]]}–{names[run[-1]]}" if len(run) > 1 else names[run[0]] for run in runs
        )

    def opening(self, place: Any) -> list[Text]:
        """A place's opening hours and appointments, as lines."""
        lines = self.hours(place.hours)
        shown: list[Text] = []
        if len(lines) == 1:
            shown.append(t(words.HOURS.msgid, hours=lines[0]))
        elif lines:
            shown += [words.HOURS_LINES, *(verbatim(line) for line in lines)]
        if place.appointment:
            shown.append(words.ALSO_APPOINTMENT if lines else words.APPOINTMENT)
        return shown

    def address(self, place: Any) -> str:
        return self.data(f"{place.street}, {place.postcode} {place.city}")

    # -- a service ---------------------------------------------------------------------

    def reach(self, service: Any) -> list[Text]:
        """How to reach it: the place and its hours, the phone and its hours, e-mail and
        online counselling (a hand-off through Lotse is not offered here)."""
        lines: list[Text] = []
        if service.place is not None:
            lines.append(t(words.ADDRESS.msgid, address=self.address(service.place)))
            lines += self.opening(service.place)
        if service.phone:
            lines.append(t(words.PHONE.msgid, phone=self.data(service.phone)))
            for line in self.hours(service.phone_hours):
                lines.append(t(words.PHONE_HOURS.msgid, hours=line))
        if service.email:
            lines.append(t(words.EMAIL.msgid, email=self.data(service.email)))
        if service.online:
            lines.append(t(words.ONLINE.msgid, link=self.data(service.online)))
        return lines

    def about(self, match: Any) -> list[Text]:
        """What it is and for whom, beyond how to reach it."""
        service = match.service
        lines = [
            words.PROGRAMMES[str(service.programme)],
            t(words.RUN_BY.msgid, provider=self.data(service.provider)),
            t(words.LANGUAGES.msgid, languages=self.languages(service.languages, match.language)),
        ]
        if _maybe(match):
            lines.append(words.MAYBE)
        if match.local is False:
            lines.append(words.ELSEWHERE)
        return lines

    def promises(self, service: Any) -> list[Text]:
        lines = []
        if service.reply_hours:
            lines.append(words.reply_time(service.reply_hours))
        if service.gender_choice:
            lines.append(words.GENDER)
        lines.append(t(words.CHECKED.msgid, date=service.verified_at))
        return lines

    def full(self, match: Any) -> Text:
        """The whole card: a chat message of its own."""
        return _lines(self._items(match)[0])

    def short(self, match: Any) -> Text:
        """The card as one SMS: the name and how to reach it, then, in the order they
        matter, as much of the rest as fits (languages, notes, the check's date, the
        promises, who runs it, the programme), each in its place of the whole card."""
        items, needed, optional = self._items(match)
        budget = SMS_UNITS - cost(_lines([items[i] for i in needed]))
        kept = set(needed)
        for i in optional:
            price = cost(items[i]) + 1
            if price <= budget:
                kept.add(i)
                budget -= price
        return _lines([item for i, item in enumerate(items) if i in kept])

    def _items(self, match: Any) -> tuple[list[Text], list[int], list[int]]:
        """The card's lines in order, which of them an SMS always has, and the others
        by how much they matter."""
        service = match.service
        name = verbatim(self.data(service.name))
        about, reach, promises = self.about(match), self.reach(service), self.promises(service)
        items = [name, *about, *reach, *promises]
        first_reach = 1 + len(about)
        first_promise = first_reach + len(reach)
        needed = [0, *range(first_reach, first_promise)]
        # items: the name; programme 1, provider 2, languages 3, notes; how to reach it;
        # the promises (reply time, counsellor's gender), the check's date last.
        checked = len(items) - 1
        optional = [3, *range(4, first_reach), checked, *range(first_promise, checked), 2, 1]
        return items, needed, optional


def _maybe(match: Any) -> bool:
    """Eligible only perhaps: it depends on an answer the person was not sure of."""
    return getattr(match.eligible, "name", "") == "MAYBE"


def _hm(moment: time) -> str:
    return f"{moment.hour:02d}:{moment.minute:02d}"


def _lines(lines: Sequence[Text]) -> Text:
    """Lines glued into one text, each translated on its own."""
    params = {f"l{i}": line for i, line in enumerate(lines)}
    return Text("\n".join(f"{{l{i}}}" for i in range(len(lines))), params)


def cost(text: Text | str) -> int:
    """What `text` may cost at most in SMS units, in any language (an estimate)."""
    if isinstance(text, str):
        return len(text)
    own = _PLACEHOLDER.sub("", text.plural or text.msgid)
    # A glue pattern ("{l0}\n{l1}", "{text}") is not translated.
    stretch = 1.0 if not own.strip() else STRETCH
    params = sum(cost(value) for value in text.params.values() if isinstance(value, Text | str))
    return (
        int(len(own) * stretch)
        + params
        + 10 * sum(1 for value in text.params.values() if not isinstance(value, Text | str))
    )


def native(code: str) -> str:
    """A language's name in its own script (the second-language question), or its code."""
    try:
        return native_name(code)
    except (UnknownLocaleError, ValueError):
        return code
