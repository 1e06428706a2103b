"""What each SMS step costs, per language (`lotse i18n sms-cost`).

An SMS step is one message Lotse sends by SMS, whole, as the SMS renderer writes it
(paragraphs joined, choices numbered with their hint). The steps themselves come from
a tour of the real flows (bot/cli/sms_tour.py); this module costs them and writes the
report. Arabic, Persian, Cyrillic and Ethiopic texts are UCS-2 (70 characters per
segment, 67 when concatenated), so the same sentence can cost three times what it
costs in German; a single typographic character does the same to a German text.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from bot.i18n.catalogs import native_name
from bot.kernel import sms

#: What one SMS step may cost (LOTSE_SMS_MAX_SEGMENTS, 3, splits beyond it).
BUDGET = 3


@dataclass(frozen=True, slots=True)
class SmsCost:
    lang: str
    #: Where in a conversation the step is sent (see bot/cli/sms_tour.py).
    where: str
    encoding: str  # "GSM-7" or "UCS-2"
    units: int  # septets (GSM-7) or UTF-16 code units (UCS-2)
    segments: int
    #: The characters that make the text UCS-2 (at most five), empty for GSM-7.
    non_gsm: str = ""
    #: The text's beginning, to recognise the message.
    start: str = ""


def step_cost(lang: str, where: str, text: str) -> SmsCost:
    units, _ = sms.units(text)
    return SmsCost(
        lang=lang,
        where=where,
        encoding=sms.encoding(text),
        units=units,
        segments=sms.segments(text),
        non_gsm="".join(dict.fromkeys(c for c in text if not sms.is_gsm7(c)))[:5],
        start=_short(text, 40),
    )


def over_budget(costs: Iterable[SmsCost], budget: int = BUDGET) -> list[SmsCost]:
    return [c for c in costs if c.segments > budget]


# -- the report ----------------------------------------------------------------


def _short(text: str, width: int = 60) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def _why(cost: SmsCost) -> str:
    """Name the culprits when a few characters (a typographic "…" or "–") force UCS-2."""
    if not cost.non_gsm or len(cost.non_gsm) > 3:
        return ""
    names = ", ".join(f"{c} U+{ord(c):04X}" for c in cost.non_gsm)
    return f"  (UCS-2 because of {names})"


def _table(costs: Sequence[SmsCost], over: int) -> list[str]:
    lines = ["     seg  encoding  units  step: how it begins"]
    for c in costs:
        mark = "  >>" if c.segments > over else "    "
        lines.append(
            f"{mark}{c.segments:>4}  {c.encoding:<8}  {c.units:>5}  {c.where}: {c.start}{_why(c)}"
        )
    return lines


def summary(lang: str, costs: Sequence[SmsCost], over: int = BUDGET) -> str:
    costliest = max(costs, key=lambda c: (c.segments, c.units))
    above = sum(1 for c in costs if c.segments > over)
    return (
        f"{lang}: {len(costs)} SMS steps, {sum(c.segments for c in costs)} segments in total, "
        f"{above} over {over}; costliest: {costliest.where} ({costliest.segments} segments)"
    )


def by_language(costs: Iterable[SmsCost]) -> Mapping[str, list[SmsCost]]:
    grouped: dict[str, list[SmsCost]] = {}
    for c in costs:
        grouped.setdefault(c.lang, []).append(c)
    return grouped


def format_report(costs: Sequence[SmsCost], *, over: int = BUDGET) -> str:
    """A table per language, in the order a conversation sends them (">>" marks steps
    over `over` segments), its summary line; then all summaries together."""
    grouped = by_language(costs)
    sections = [
        "\n".join(
            [f"== {lang} ({native_name(lang)}) ==", *_table(rows, over), summary(lang, rows, over)]
        )
        for lang, rows in grouped.items()
    ]
    if not sections:
        return ""
    totals = "\n".join(summary(lang, rows, over) for lang, rows in grouped.items())
    return "\n\n".join([*sections, "== summary ==\n" + totals]) + "\n"
