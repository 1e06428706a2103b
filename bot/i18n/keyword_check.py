"""Keywords in messages: a word to type must stand out from the sentence around it.

A message like "Write {menu} for the main menu" shows the keyword in the person's
language ("Write MENU …"). Without quotes, and worse next to the same word, it reads
as a doubled word ("ንቀንዲ ሜኑ ሜኑ ጽሓፉ"). Every keyword placeholder therefore stands in
quotes of the language's own kind, and never beside the word it shows.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

from babel.messages.catalog import Catalog

from bot.i18n.catalogs import fold, upper

#: Opening and closing quotation marks of Lotse's languages (and straight ones).
QUOTES = "\"'“”„‟«»‹›‚‘’「」『』"
_EDGE = QUOTES + ".,;:!?؟،؛…-–—()[]/\\*#።፣፤፥፦"

#: msgid → {placeholder name: keyword msgid}
KeywordUses = dict[str, dict[str, str]]


def keyword_uses(root: Path, packages: Iterable[str]) -> KeywordUses:
    """Which placeholders of which messages are keywords, read from the source: the
    parameters of `t(...)`/`tn(...)` given as `Keyword("keyword-…")`, `Keyword.named(…)`
    or a name bound to one (`MENU = Keyword("keyword-menu")`)."""
    trees = [
        ast.parse(path.read_text(encoding="utf-8"), str(path))
        for package in packages
        for path in sorted((root / package).rglob("*.py"))
    ]
    names: dict[str, str] = {}
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign) and (msgid := _keyword(node.value, {})):
                names.update({t.id: msgid for t in node.targets if isinstance(t, ast.Name)})
    uses: KeywordUses = {}
    for tree in trees:
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and _called(node) in {"t", "tn"} and node.args):
                continue
            first = node.args[0]
            if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
                continue
            found = {
                kw.arg: msgid
                for kw in node.keywords
                if kw.arg and (msgid := _keyword(kw.value, names))
            }
            if found:
                uses.setdefault(first.value, {}).update(found)
    return uses


def _called(call: ast.Call) -> str | None:
    func = call.func
    return func.id if isinstance(func, ast.Name) else None


def _keyword(node: ast.expr, names: Mapping[str, str]) -> str | None:
    if isinstance(node, ast.Name):
        return names.get(node.id)
    if not (isinstance(node, ast.Call) and len(node.args) == 1):
        return None
    arg = node.args[0]
    if not (isinstance(arg, ast.Constant) and isinstance(arg.value, str)):
        return None
    func = node.func
    if isinstance(func, ast.Name) and func.id == "Keyword":
        return arg.value
    named = isinstance(func, ast.Attribute) and func.attr == "named"
    if named and isinstance(func.value, ast.Name) and func.value.id == "Keyword":  # type: ignore[attr-defined]
        return "keyword-" + arg.value
    return None


def shown_word(catalog: Catalog, keyword_msgid: str, lang: str) -> str:
    """The keyword as a message shows it: the first word of its entry, upper-cased."""
    entry = catalog.get(keyword_msgid)
    text = entry.string if entry is not None and isinstance(entry.string, str) else ""
    words = [w.strip() for w in text.split("|") if w.strip()]
    return upper(words[0] if words else keyword_msgid.removeprefix("keyword-"), lang)


def check_keywords(lang: str, catalog: Catalog, uses: Mapping[str, Mapping[str, str]]) -> list[str]:
    """Every keyword placeholder in quotes, and never next to the word it shows."""
    problems: list[str] = []
    for msgid, params in uses.items():
        message = catalog.get(msgid)
        if message is None or not message.string:
            continue  # a gap; the completeness check reports it
        shown = {name: shown_word(catalog, kw, lang) for name, kw in params.items()}
        forms = message.string if isinstance(message.string, tuple | list) else (message.string,)
        for form in (str(f or "") for f in forms):
            problems.extend(_check_form(lang, msgid, form, shown))
    return problems


def _check_form(lang: str, msgid: str, form: str, shown: Mapping[str, str]) -> list[str]:
    problems = []
    for name, word in shown.items():
        for match in re.finditer(r"\{" + re.escape(name) + r"(?:[!:][^{}]*)?\}", form):
            before, after = form[: match.start()], form[match.end() :]
            if not (_quote(before.rstrip()[-1:]) and _quote(after.lstrip()[:1])):
                problems.append(
                    f"{lang}: keyword {{{name}}} ({word}) is not in quotes in {_short(msgid)}; "
                    "write it as the language quotes a word to type, e.g. «{…}» or “{…}”"
                )
            neighbours = {_word(_last(before), shown), _word(_first(after), shown)}
            if fold(word) in neighbours or set(fold(word).split()) & neighbours:
                excerpt = _render(form, shown)
                problems.append(
                    f"{lang}: keyword {{{name}}} shows as {word!r} next to the same word in "
                    f"{_short(msgid)}: {excerpt!r}; reword it so the keyword reads as a word "
                    "to type"
                )
    return problems


def _quote(char: str) -> bool:
    return bool(char) and char in QUOTES


def _last(text: str) -> str:
    words = text.rstrip().rstrip(_EDGE).split()
    return words[-1] if words else ""


def _first(text: str) -> str:
    words = text.lstrip().lstrip(_EDGE).split()
    return words[0] if words else ""


def _word(token: str, shown: Mapping[str, str]) -> str:
    """A neighbouring word, folded; another keyword placeholder counts as its word."""
    token = token.strip(_EDGE)
    if (match := re.fullmatch(r"\{(\w+)[^{}]*\}", token)) and match[1] in shown:
        token = shown[match[1]]
    return fold(token)


def _render(form: str, shown: Mapping[str, str]) -> str:
    return re.sub(r"\{(\w+)[^{}]*\}", lambda m: shown.get(m[1], m[0]), form)


def _short(msgid: str) -> str:
    return repr(msgid if len(msgid) < 50 else msgid[:47] + "...")
