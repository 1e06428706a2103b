"""The case's thread as advisors read it: each message's original beside its rendering,
the rendering labelled with where it comes from (machine translation with engine,
models and path; a canned reply's human-written version; no translation for the
language; still being translated), and the canned replies to choose from, each
previewed in the person's language."""

from __future__ import annotations

from typing import Final

from bot.cases import (
    CannedReplies,
    CaseDetail,
    Direction,
    MissingValue,
    Rendering,
    ThreadMessage,
)
from bot.cases import Field as Shared
from bot.i18n import direction as text_direction
from bot.web.office.frame import e
from bot.web.office.words import N_, Words

EVENTS: Final = {
    "joined": N_("Notice to the person: an advisor has joined."),
    "closed": N_("Notice to the person: the case is closed."),
}
#: The stored outcome of a canned reply's rendering (bot.cases.relay).
CANNED: Final = "canned"


def thread(_: Words, detail: CaseDetail, names: dict[int, str], timezone: str) -> str:
    heading = _("Conversation")
    if not detail.messages:
        empty = _("No messages yet.")
        body = f'<p class="note">{e(empty)}</p>'
    else:
        body = '<ol class="thread">' + "".join(
            _message(_, m, names, timezone, detail.row.language) for m in detail.messages
        ) + "</ol>"  # fmt: skip
    return f'<section aria-labelledby="thread"><h2 id="thread">{e(heading)}</h2>{body}</section>'


def _message(
    _: Words, message: ThreadMessage, names: dict[int, str], timezone: str, person: str
) -> str:
    when = _.when(message.created_at, timezone)
    if message.direction is Direction.EVENT:
        text = _(EVENTS[message.original]) if message.original in EVENTS else _("Notice")
        return f'<li class="event"><p>{e(text)} <small>{when}</small></p></li>'
    if message.direction is Direction.IN:
        who = _("From the person")
    else:
        colleague = _("A former colleague")
        who = _("From") + " " + (names.get(message.author_id, colleague)
                                 if message.author_id else colleague)  # fmt: skip
    original_label = _("Original") + f" ({_.language(message.language)})"
    erased = _("(erased)")
    original = message.original if message.original is not None else erased
    if message.canned:
        canned = _("Canned reply")
        original_label += f" – {canned} {message.canned}"
    target = _rendering_language(message, person)
    rendering_label, rendered = _rendering(_, message.rendering, message, target)
    lang_attr = f' lang="{e(message.language)}" dir="{text_direction(message.language)}"'
    rendered_attr = (
        f' lang="{e(target)}" dir="{text_direction(target)}"' if rendered is not None else ""
    )
    shown = e(rendered) if rendered is not None else ""
    return (
        f'<li><p class="who"><strong>{e(who)}</strong> <small>{when}</small></p>'
        '<div class="pair">'
        f"<div><h3>{e(original_label)}</h3><p{lang_attr}>{e(original)}</p></div>"
        f"<div><h3>{e(rendering_label)}</h3><p{rendered_attr}>{shown}</p></div>"
        "</div></li>"
    )


def _rendering_language(message: ThreadMessage, person: str) -> str:
    """Where a rendering goes: to German for the person's words, to the person's
    language for an advisor's (the message's own language is the original's)."""
    path = message.rendering.path if message.rendering else ()
    if path:
        return path[-1]
    return "de" if message.direction is Direction.IN else person


def _rendering(
    _: Words, rendering: Rendering | None, message: ThreadMessage, target: str
) -> tuple[str, str | None]:
    """The rendering's label and text (None: nothing to show beside the original)."""
    if rendering is None:
        return _("Being translated…"), None
    if rendering.outcome == CANNED or message.canned:
        label = _("Human-written version of the canned reply")
        return label, rendering.text
    if rendering.text is None:
        none = _("No translation exists for")
        source = rendering.path[0] if rendering.path else message.language
        return f"{none} {_.language(source)}", None
    machine = _("Machine translation")
    parts = [rendering.engine or "?", ", ".join(rendering.models) or "?",
             " → ".join(rendering.path) or "?"]  # fmt: skip
    return f"{machine} ({'; '.join(parts)})", rendering.text


def canned_choice(_: Words, replies: CannedReplies, detail: CaseDetail,
                  advisor: str | None) -> str:  # fmt: skip
    """A choice of the canned replies with, for each, its preview in the person's
    language (as it will be sent, with what the case knows filled in)."""
    language = detail.row.language
    values = {
        "first_name": detail.shared.get(Shared.FIRST_NAME),
        "service": detail.row.service_name,
        "advisor": advisor.split("@", 1)[0] if advisor else None,
        # The date is the advisor's to give (below); the preview keeps its place.
        "date": "…",
    }
    label, free = _("Canned reply"), _("None – I write my own reply")
    previews_label = _("Canned replies in the person's language")
    options = [f'<option value="">{e(free)}</option>']
    previews = []
    for canned in replies:
        title = canned.title(_.lang)
        options.append(f'<option value="{e(canned.code)}">{e(canned.code)} – {e(title)}</option>')
        try:
            text = canned.render(language, values)
            shown = f'<p lang="{e(language)}" dir="{text_direction(language)}">{e(text)}</p>'
        except MissingValue:
            missing = _("Cannot be used here: a value it needs is missing, or it has no "
                        "version in the person's language.")  # fmt: skip
            shown = f'<p class="note">{e(missing)}</p>'
        previews.append(
            f"<details><summary>{e(canned.code)} – {e(title)}</summary>{shown}</details>"
        )
    when, when_hint = _("Date and time"), _("Only for a canned reply that names a date.")
    return (
        f'<label for="reply-canned">{e(label)}</label>'
        f'<select id="reply-canned" name="canned">{"".join(options)}</select>'
        f'<label for="reply-date">{e(when)}</label>'
        f'<input id="reply-date" name="date" type="datetime-local" '
        f'aria-describedby="reply-date-hint">'
        f'<p id="reply-date-hint" class="hint">{e(when_hint)}</p>'
        f'<div class="previews" role="group" aria-label="{e(previews_label)}">'
        f"{''.join(previews)}</div>"
    )
