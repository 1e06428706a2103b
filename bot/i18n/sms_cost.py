"""What each catalog message costs as an SMS, per language (`lotse i18n sms-cost`).

Arabic, Persian, Cyrillic and Ethiopic texts are UCS-2 (70 characters per
segment, 67 when concatenated), so the same sentence can cost three times what
it costs in German. Translators and operators use this report to keep the
frequent messages short.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from bot.config import REPO_ROOT
from bot.i18n.catalogs import DOMAIN, Catalogs, Translator, native_name, placeholders
from bot.i18n.labels import CHANNEL_NAMES, PURPOSE_NAMES, STATE_NAMES
from bot.kernel import sms
from bot.kernel.types import Channel, ConsentState, Keyword, Text

DEFAULT_TEMPLATE = REPO_ROOT / "locales" / f"{DOMAIN}.pot"

#: Plural messages are costed for one and for many.
PLURAL_SAMPLES = (1, 30)

#: A realistic municipality name (about 35 characters) for {operator}.
SAMPLE_OPERATOR = "Stadt Musterstadt, Integrationsbüro"
SAMPLE_UNKNOWN = "Musterstadt"


@dataclass(frozen=True, slots=True)
class SmsCost:
    lang: str
    msgid: str
    n: int | None  # the plural count used, None for a plain message
    encoding: str  # "GSM-7" or "UCS-2"
    units: int  # septets (GSM-7) or UTF-16 code units (UCS-2)
    segments: int
    #: The characters that make the text UCS-2 (at most five), empty for GSM-7.
    non_gsm: str = ""


def _samples(lang: str) -> dict[str, Any]:
    """Sample values per placeholder name. "language" is a language's name in most
    messages (and a keyword in one, of similar length), so the name is used."""
    return {
        "operator": SAMPLE_OPERATOR,
        "contact": "datenschutz@musterstadt.example",
        "date": date(2026, 11, 23),
        "channel": CHANNEL_NAMES[Channel.SMS],
        "channels": Text(
            "{a}, {b}", {"a": CHANNEL_NAMES[Channel.SMS], "b": CHANNEL_NAMES[Channel.WHATSAPP]}
        ),
        "purpose": PURPOSE_NAMES["contact"],
        "state": STATE_NAMES[ConsentState.GIVEN],
        "version": "2026-11",
        "language": native_name(lang),
    }


def _params(msgid: str, lang: str, keywords: set[str], n: int | None) -> dict[str, Any]:
    samples = _samples(lang)
    params: dict[str, Any] = {}
    for name in placeholders(msgid):
        if name in samples:
            params[name] = samples[name]
        elif name in keywords:  # {menu}, {help}, {stop}: the keyword as shown to people
            params[name] = Keyword.named(name)
        else:
            params[name] = SAMPLE_UNKNOWN
    if n is not None:
        params["n"] = n
    return params


def _texts(template: Catalog, lang: str) -> Iterable[tuple[str, Text]]:
    keywords = {
        str(m.id).removeprefix("keyword-")
        for m in template
        if isinstance(m.id, str) and m.id.startswith("keyword-")
    }
    for message in template:
        if not message.id or str(message.id).startswith("keyword-"):
            continue  # keyword lists are matched, never sent
        if isinstance(message.id, tuple):
            singular, plural = str(message.id[0]), str(message.id[1])
            for n in PLURAL_SAMPLES:
                params = _params(singular + plural, lang, keywords, n)
                yield singular, Text(singular, params, plural, n)
        else:
            msgid = str(message.id)
            yield msgid, Text(msgid, _params(msgid, lang, keywords, None))


def _cost(translator: Translator, msgid: str, text: Text) -> SmsCost:
    rendered = translator.text(text)
    units, _ = sms.units(rendered)
    return SmsCost(
        lang=translator.lang,
        msgid=msgid,
        n=text.n,
        encoding=sms.encoding(rendered),
        units=units,
        segments=sms.segments(rendered),
        non_gsm="".join(dict.fromkeys(c for c in rendered if not sms.is_gsm7(c)))[:5],
    )


def sms_costs(catalogs: Catalogs, template: Path = DEFAULT_TEMPLATE) -> list[SmsCost]:
    """Every message of `template` (messages.pot) rendered in every language, costed."""
    with template.open("rb") as handle:
        source = read_po(handle)
    return [
        _cost(translator, msgid, text)
        for lang, translator in catalogs.all().items()
        for msgid, text in _texts(source, lang)
    ]


# -- the report ----------------------------------------------------------------


def _short(msgid: str, width: int = 60) -> str:
    flat = " ".join(msgid.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def _label(cost: SmsCost) -> str:
    suffix = f" [n={cost.n}]" if cost.n is not None else ""
    return _short(cost.msgid) + suffix


def _why(cost: SmsCost) -> str:
    """Name the culprits when a few characters (a typographic "…" or "–") force UCS-2."""
    if not cost.non_gsm or len(cost.non_gsm) > 3:
        return ""
    names = ", ".join(f"{c} U+{ord(c):04X}" for c in cost.non_gsm)
    return f"  (UCS-2 because of {names})"


def _table(costs: Sequence[SmsCost], over: int) -> list[str]:
    rows = sorted(costs, key=lambda c: (-c.segments, c.msgid, c.n or 0))
    lines = ["     seg  encoding  units  message"]
    for cost in rows:
        mark = "  >>" if cost.segments > over else "    "
        lines.append(
            f"{mark}{cost.segments:>4}  {cost.encoding:<8}  {cost.units:>5}  "
            f"{_label(cost)}{_why(cost)}"
        )
    return lines


def _summary(lang: str, costs: Sequence[SmsCost], over: int) -> str:
    costliest = max(costs, key=lambda c: (c.segments, c.units))
    above = sum(1 for c in costs if c.segments > over)
    return (
        f"{lang}: {len(costs)} messages, {sum(c.segments for c in costs)} segments in total, "
        f"{above} over {over}; costliest: {_label(costliest)} ({costliest.segments} segments)"
    )


def _by_language(costs: Iterable[SmsCost]) -> Mapping[str, list[SmsCost]]:
    grouped: dict[str, list[SmsCost]] = {}
    for cost in costs:
        grouped.setdefault(cost.lang, []).append(cost)
    return grouped


def format_report(costs: Sequence[SmsCost], *, over: int = 1) -> str:
    """A table per language (costliest first; ">>" marks messages over `over` segments)
    followed by its summary line."""
    sections = []
    for lang, rows in _by_language(costs).items():
        title = f"== {lang} ({native_name(lang)}) =="
        sections.append("\n".join([title, *_table(rows, over), _summary(lang, rows, over)]))
    return "\n\n".join(sections) + ("\n" if sections else "")
