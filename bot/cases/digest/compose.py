"""The advisors' daily digest, composed: per service, how many cases are new and
unassigned, assigned to the advisor, due soon and overdue, each with a link to that view
of the inbox. Counts and links only: no name, text, language, topic or case number of a
person, so the e-mail carries no personal data whoever reads it on the way.

Its words are staff words (the `staff` gettext domain, German and English), marked `_`
here and extracted with the office pages' (locales/extract.sh).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from enum import StrEnum
from pathlib import Path
from typing import Final
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from babel.dates import format_date

from bot.i18n import STAFF, Catalogs

DEFAULT_LANGUAGE: Final = "de"
#: Where the inbox lives (bot/web/advice).
INBOX_PATH: Final = "/advice/inbox"


class View(StrEnum):
    """The digest's figures, each linked to the inbox view that lists its cases
    (`/advice/inbox?view=…&service=…`)."""

    UNASSIGNED = "unassigned"
    MINE = "mine"
    DUE_SOON = "due-soon"
    OVERDUE = "overdue"

    @property
    def inbox_view(self) -> str:
        """The inbox's view (bot.cases.views.View): due soon and overdue are both at
        the top of "due", which lists the earliest due time first."""
        return "due" if self in (View.DUE_SOON, View.OVERDUE) else self.value


@dataclass(frozen=True, slots=True)
class ServiceCounts:
    """One service's figures for one advisor: nothing but counts."""

    slug: str
    name: str
    #: New cases nobody has taken yet.
    unassigned: int = 0
    #: Open cases (not resolved) assigned to this advisor.
    mine: int = 0
    #: Of the cases assigned to this advisor or to nobody: in the last part of their target…
    due_soon: int = 0
    #: …and past it.
    overdue: int = 0

    def count(self, view: View) -> int:
        return {
            View.UNASSIGNED: self.unassigned,
            View.MINE: self.mine,
            View.DUE_SOON: self.due_soon,
            View.OVERDUE: self.overdue,
        }[view]

    @property
    def anything(self) -> bool:
        return any(self.count(view) for view in View)


@dataclass(frozen=True, slots=True)
class Recipient:
    """An advisor who gets the digest, with the figures of their services."""

    staff_id: int
    email: str
    #: The language the advisor chose for the staff pages (None: German).
    language: str | None
    services: tuple[ServiceCounts, ...]

    @property
    def anything(self) -> bool:
        return any(service.anything for service in self.services)


def staff_catalogs(locales_dir: Path) -> Catalogs:
    """The staff words, German and English."""
    return Catalogs(locales_dir, STAFF.languages, STAFF.name)


def inbox_link(public_url: str, view: View, service: str) -> str:
    query = urlencode({"view": view.inbox_view, "service": service})
    return f"{public_url}{INBOX_PATH}?{query}"


def compose(
    recipient: Recipient,
    catalogs: Catalogs,
    *,
    sender: str,
    public_url: str,
    now: datetime,
    timezone: str,
) -> EmailMessage:
    """The digest for one advisor, in the language they chose for the staff pages."""
    lang = recipient.language if recipient.language in STAFF.languages else DEFAULT_LANGUAGE
    words = catalogs[lang]
    _ = words.gettext
    labels = {
        View.UNASSIGNED: _("New and not assigned"),
        View.MINE: _("Assigned to you"),
        View.DUE_SOON: _("Due soon"),
        View.OVERDUE: _("Overdue"),
    }
    today = format_date(now.astimezone(ZoneInfo(timezone)).date(), "full", locale=lang)
    intro = _("Your advice inbox on {date}:").format(date=today)
    lines = [_("Hello,"), "", intro]
    for service in recipient.services:
        lines += ["", " ".join(service.name.split())]  # one line, whatever it holds
        for view in View:
            count = service.count(view)
            lines.append(f"- {labels[view]}: {count}")
            if count:
                lines.append(f"  {inbox_link(public_url, view, service.slug)}")
    lines += [
        "",
        _("This e-mail contains only counts and links, no personal data. Log in to see the cases."),
        _(
            "You receive this e-mail on working days because you advise for these "
            "services. On days with nothing to do, none is sent."
        ),
    ]
    message = EmailMessage()
    message["Subject"] = _("Lotse: your advice inbox today")
    message["From"] = sender
    message["To"] = recipient.email
    message["Date"] = format_datetime(now)
    message["Message-ID"] = make_msgid("digest", domain=sender.rpartition("@")[2])
    # RFC 3834: sent by a program; out-of-office replies should not answer it.
    message["Auto-Submitted"] = "auto-generated"
    message.set_content("\n".join(lines) + "\n")
    # After set_content, which replaces every Content-* header.
    message["Content-Language"] = lang
    return message
