"""One advice service as a person reads it: what it is, who runs it, the languages it
advises in, how to reach it and when, in the person's language.

Names, addresses, numbers and links are shown as the directory has them; in a
right-to-left language each sits in a left-to-right isolate, so a phone number, a
postcode or "09:00–12:00" is not turned around. Day names, times and dates come from
Babel in the person's locale. Consecutive days with the same hours are grouped
("Mon–Fri 09:00–12:00").

By SMS a service is one message: its name, address, hours and phone first, then as much
of the rest as fits three segments. The flow cannot render a text, so what the rest
costs is estimated (translations a third longer than the English, short labels more;
data as it is), and a test renders every demo service in every language.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import time
from typing import Any

import phonenumbers
from babel import Locale, UnknownLocaleError
from babel.dates import get_day_names

from bot.i18n import LANGUAGES, direction, listed, native_name
from bot.kernel.bidi import PDI, RLI, isolated
from bot.kernel.types import Text, t, tn, verbatim
from flows import advice_words as words

#: Three UCS-2 segments: what an SMS of any language may cost.
SMS_UNITS = 201
#: How much longer than the English a translation may run.
STRETCH = 1.3
SHORT_EXTRA = 10
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

    def numbered(self, number: int, label: Text | str) -> Text:
        """A numbered line as the SMS choices are written ("0. None of these"), kept in
        its place in right-to-left text as they are."""
        line = Text(f"{number}. {{label}}", {"label": label})
        return Text(f"{RLI}{{line}}{PDI}", {"line": line}) if self.rtl else line

    def language(self, code: str) -> Text:
        """A language's name in the person's language (Kurmanji and Sorani told apart)."""
        if code in words.KURDISH:
            return words.KURDISH[code]
        try:
            name = Locale.parse(self.lang).languages.get(code)
        except (UnknownLocaleError, ValueError):
            name = None
        return verbatim(name or code)

    def languages(self, codes: Sequence[str], first: str | None, most: int = 99) -> Text:
        """The languages a service advises in: the one matching the person's first, then
        Lotse's languages in their order, then the others; beyond `most`, how many more."""
        ordered = sorted(
            codes,
            key=lambda c: (c != first, LANGUAGES.index(c) if c in LANGUAGES else 99, c),
        )
        names = [self.language(code) for code in ordered[:most]]
        if len(ordered) > most:
            more = len(ordered) - most
            names.append(tn("and {n} more", "and {n} more", more))
        return listed(names)

    def hours(self, hours: Sequence[Any]) -> list[str]:
        """Opening hours (bot.advice.Hours) as lines: the days that share a time span
        together ("Mon–Thu 09:00–12:00", "Tue 14:00–17:00"), and the spans of the same
        days on one line ("Mon–Fri 09:00–12:00, 14:00–16:00")."""
        days_of: dict[tuple[time, time], list[int]] = {}
        for slot in sorted(hours, key=lambda h: (h.opens, h.closes, h.day)):
            days_of.setdefault((slot.opens, slot.closes), []).append(slot.day)
        spans_of: dict[tuple[int, ...], list[tuple[time, time]]] = {}
        for span, on_days in days_of.items():
            spans_of.setdefault(tuple(sorted(set(on_days))), []).append(span)
        lines = []
        for days, spans in sorted(spans_of.items(), key=lambda item: (item[0][0], item[1][0])):
            times = ", ".join(f"{_hm(opens)}–{_hm(closes)}" for opens, closes in sorted(spans))
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
        shown = _labelled(words.HOURS, words.HOURS_LINES, lines)
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
            lines.append(t(words.PHONE.msgid, phone=self.data(phone(service.phone))))
            lines += _labelled(
                words.PHONE_HOURS, words.PHONE_HOURS_LINES, self.hours(service.phone_hours)
            )
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
        service = match.service
        name = verbatim(self.data(service.name))
        return _lines([name, *self.about(match), *self.reach(service), *self.promises(service)])

    def short(self, match: Any) -> Text:
        """The card as one SMS: the name, the address with its hours and the phone (or,
        without both, e-mail and online counselling); then, by how much they matter, as
        much of the rest as fits, each in its place of the whole card."""
        service, place = match.service, match.service.place
        programme, provider, _spoken, *notes = self.about(match)
        spoken = (
            t(words.ADVISES_IN.msgid, language=self.language(match.language))
            if match.language
            else t(words.LANGUAGES.msgid, languages=self.languages(service.languages, None, 3))
        )
        visit: list[Text] = []
        if place is not None:
            visit.append(verbatim(self.address(place)))
            visit += [verbatim(line) for line in self.hours(place.hours)]
            if place.appointment:
                visit.append(words.ALSO_APPOINTMENT if place.hours else words.APPOINTMENT)
        call = (
            [t(words.PHONE.msgid, phone=self.data(phone(service.phone)))] if service.phone else []
        )
        call_hours = _labelled(
            words.PHONE_HOURS, words.PHONE_HOURS_LINES, self.hours(service.phone_hours)
        )
        write = [t(words.EMAIL.msgid, email=self.data(service.email))] if service.email else []
        online = [t(words.ONLINE.msgid, link=self.data(service.online))] if service.online else []
        *promised, checked = self.promises(service)
        # In the card's order; the parts an SMS always has are marked 0, the others by
        # how much they matter (1 first).
        parts: list[tuple[int, list[Text]]] = [
            (0, [verbatim(self.data(service.name))]), (9, [programme]), (8, [provider]),
            (1, [spoken]), (5, notes), (0, visit), (0, call), (2, call_hours),
            (0 if not (visit or call) else 3, write), (0 if not (visit or call) else 4, online),
            (7, promised), (6, [checked]),
        ]  # fmt: skip
        budget = SMS_UNITS - cost(
            _lines([line for rank, part in parts if not rank for line in part])
        )
        kept = {i for i, (rank, _) in enumerate(parts) if not rank}
        for i, (_, part) in sorted(enumerate(parts), key=lambda item: item[1][0]):
            price = sum(cost(line) + 1 for line in part)
            if i not in kept and part and price <= budget:
                kept.add(i)
                budget -= price
        return _lines([line for i, (_, part) in enumerate(parts) if i in kept for line in part])


def _labelled(one: Text, label: Text, lines: Sequence[str]) -> list[Text]:
    """Hours after their label: on its line when there is one, else beneath it."""
    if len(lines) == 1:
        return [t(one.msgid, hours=lines[0])]
    return [label, *(verbatim(line) for line in lines)] if lines else []


def _maybe(match: Any) -> bool:
    """Eligible only perhaps: it depends on an answer the person was not sure of."""
    return getattr(match.eligible, "name", "") == "MAYBE"


def _hm(moment: time) -> str:
    # The directory keeps a day's end (24:00) as 23:59.
    if moment == time(23, 59):
        return "24:00"
    return f"{moment.hour:02d}:{moment.minute:02d}"


def phone(e164: str) -> str:
    """A number as people write it internationally ("+49 30 1234567")."""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def _lines(lines: Sequence[Text]) -> Text:
    """Lines glued into one text, each translated on its own."""
    params = {f"l{i}": line for i, line in enumerate(lines)}
    return Text("\n".join(f"{{l{i}}}" for i in range(len(lines))), params)


def cost(text: Text | str) -> int:
    """What `text` may cost at most in SMS units, in any language (an estimate): a
    translation runs a third longer than the English, a short label much more
    ("E-mail:" is "البريد الإلكتروني:"); a date takes up to 20."""
    if isinstance(text, str):
        return len(text)
    own_text = _PLACEHOLDER.sub("", text.plural or text.msgid)
    own = len(own_text)
    # Glue ("{l0}\n{l1}", a list's "{a}, {b}") has no words to grow in translation.
    wordy = any(c.isalpha() for c in own_text)
    translated = max(int(own * STRETCH), own + SHORT_EXTRA) if wordy else own
    values = text.params.values()
    return translated + sum(cost(v) if isinstance(v, Text | str) else 20 for v in values)


def native(code: str) -> str:
    """A language's name in its own script (the second-language question), or its code."""
    try:
        return native_name(code)
    except (UnknownLocaleError, ValueError):
        return code
