"""Request letters to data holders: how many WeasyPrint renders per second, one letter
at a time, against a baseline measured in the same run.

A request letter is the German letter (one or two pages: the details block, the
signature and, for the AZR, the box for the certification) and, for a person who reads
another language, a guide page and a working translation. Measured per language:

- de: the German letter alone (an AZR access request);
- ar: German, then guide and translation right to left (a correction with Arabic words);
- ti: German, then guide and translation in Ge'ez script (an AZR transfer block).

Then the follow-up letters of the same requests, in the same languages: the reminder
(one German page, guide, translation) and the complaint to the supervisory authority
(the facts as a table: usually two German pages).

The baseline is the invitation letter (`bot.invitations.letter.render_letter`) in the
same language: the letter Lotse already prints in batches. Each kind is warmed up
(fonts loaded) before the clock starts; the median of --rounds rounds is printed as
letters per second (wall) and per CPU-second, with the ratio to the baseline. Peak
memory: the Python heap while rendering (tracemalloc, one letter) and the process's
peak RSS (getrusage).

    .venv/bin/python -m bench.request_letters [--letters 20] [--rounds 3]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import time
import tracemalloc
from collections.abc import Callable
from datetime import date
from functools import partial

from bench.letters import contents
from bot.config import REPO_ROOT
from bot.holders import (
    Citation,
    Holder,
    HolderKind,
    IdentityProof,
    OfficialForm,
    Quality,
    RequestKind,
    Supervisor,
    Transport,
)
from bot.i18n import Catalogs
from bot.invitations.letter import render_letter
from bot.kernel.postal import PostalAddress
from bot.rights import (
    Details,
    FollowUp,
    Identity,
    LetterKind,
    LetterRequest,
    SentBy,
    render_followup_letter,
    render_request_letter,
)
from bot.rights.views import Clock

LANGS = ("de", "ar", "ti")
#: The letters measured for each language.
WHICH = ("request", "reminder", "complaint")
SINCE = date(2026, 11, 2)
BFDI = Supervisor(
    slug="bfdi", name="Die Bundesbeauftragte für den Datenschutz und die Informationsfreiheit",
    address=PostalAddress("BfDI", "Graurheindorfer Straße 153", "53117", "Bonn"),
    email="poststelle@bfdi.bund.de", web="https://www.bfdi.bund.de", sources=(),
    verified_at=SINCE, quality=Quality.VERIFIED,
)  # fmt: skip
AZR = Holder(
    slug="azr", kind=HolderKind.FEDERAL, categories=("public-body", "register"),
    name="Bundesverwaltungsamt", controller="Bundesamt für Migration und Flüchtlinge",
    plain_name="Central Register of Foreign Nationals (AZR)", plain_what="", plain_why="",
    holds=(), legal_basis=(Citation("AZRG", "§ 3"),), social_basis=(), recipients=(),
    requests={
        RequestKind.ACCESS: (Citation("DSGVO", "Art. 15"), Citation("AZRG", "§ 34")),
        RequestKind.CORRECTION: (Citation("DSGVO", "Art. 16"),),
        RequestKind.TRANSFER_BLOCK: (Citation("AZRG", "§ 4 Abs. 1"),),
    },
    address=PostalAddress("Bundesverwaltungsamt", "", "50728", "Köln",
                          extra="Ausländerzentralregister"),
    email=None, phone=None, fax=None, web=None, hours=None, request_language="de",
    form=OfficialForm("Antrag auf Auskunft nach § 34 AZRG", "https://www.bva.bund.de", (
        "Familienname", "Geburtsname", "Vorname(n)", "Geburtsdatum", "Geburtsort",
        "Staatsangehörigkeit(en)", "Anschrift", "AZR-Nummer (falls bekannt)")),
    needs_id_document=False, identity_proof=IdentityProof.CERTIFIED_SIGNATURE, online=None,
    suggested_transport_medium=Transport.LETTER, supervisor="bfdi", applies=(), sources=(),
    verified_at=SINCE, quality=Quality.VERIFIED, comments=(),
)  # fmt: skip
IDENTITY = Identity(
    family_name="Haddad", given_names="Amal", birth_date=date(1990, 3, 14),
    birth_place="Aleppo", nationality="syrisch", street="Venloer Straße 12",
    postcode="50672", city="Köln",
)  # fmt: skip
REQUESTS = {
    "de": (RequestKind.ACCESS, Details()),
    "ar": (RequestKind.CORRECTION,
           Details(wrong="اسمي مكتوب خطأ في السجل: حداد بدلاً من الحداد. " * 4,
                   right="Amal Al-Haddad, geboren am 14.03.1990 in Aleppo")),
    "ti": (RequestKind.TRANSFER_BLOCK,
           Details(reasons="ቤተሰበይ ኣብ ሃገረይ ኣደጋ ክበጽሖም ይኽእል እዩ። " * 6)),
}  # fmt: skip


def request(lang: str) -> LetterRequest:
    kind, details = REQUESTS[lang]
    return LetterRequest(AZR, BFDI, kind, IDENTITY, details, lang, date(2026, 11, 30),
                         "LR-7K2Q")  # fmt: skip


#: Sent by post on 1 October, due on 5 November, reminded on 10 November until the 26th.
CLOCK = Clock(
    sent_on=date(2026, 10, 1), sent_by=SentBy.POST, receipt_on=date(2026, 10, 5),
    due_on=date(2026, 11, 5), estimated=True, reminder_on=date(2026, 11, 10),
    reminder_due_on=date(2026, 11, 26),
)  # fmt: skip


def follow_up(lang: str, letter: LetterKind) -> FollowUp:
    kind, _ = REQUESTS[lang]
    return FollowUp(letter, AZR, BFDI, kind, IDENTITY, lang, date(2026, 11, 30), "LR-7K2Q",
                    CLOCK)  # fmt: skip


def render(catalogs: Catalogs, lang: str, name: str) -> bytes:
    """One letter: the request, its reminder or its complaint."""
    if name == "request":
        return render_request_letter(request(lang), catalogs[lang])
    return render_followup_letter(follow_up(lang, LetterKind(name)), catalogs[lang])


def timed(render: Callable[[], bytes], count: int, rounds: int) -> tuple[float, float, int]:
    """Median wall and CPU seconds per letter over `rounds` rounds, and the PDF size."""
    walls, cpus, size = [], [], 0
    for _ in range(rounds):
        wall, cpu = time.perf_counter(), time.process_time()
        for _ in range(count):
            size = len(render())
        walls.append((time.perf_counter() - wall) / count)
        cpus.append((time.process_time() - cpu) / count)
    return statistics.median(walls), statistics.median(cpus), size


def heap_peak_mb(render: Callable[[], bytes]) -> float:
    tracemalloc.start()
    try:
        render()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--letters", type=int, default=20, help="letters per round and kind")
    parser.add_argument("--rounds", type=int, default=3, help="timed rounds (median printed)")
    args = parser.parse_args()
    began = time.monotonic()
    catalogs = Catalogs(REPO_ROOT / "locales")
    invitations = {c.language: c for c in contents(13)}
    print(
        f"Request letters: {args.letters} per round, one at a time, median of {args.rounds} "
        "rounds; baseline: the invitation letter in the same language"
    )
    for lang, name in ((lang, name) for lang in LANGS for name in WHICH):
        ours = partial(render, catalogs, lang, name)
        label = f"{REQUESTS[lang][0]}" if name == "request" else name

        def base(lang: str = lang) -> bytes:
            return render_letter(invitations[lang], catalogs)

        ours(), base()  # fonts and caches warm
        wall, cpu, size = timed(ours, args.letters, args.rounds)
        base_wall, base_cpu, base_size = timed(base, args.letters, args.rounds)
        print(
            f"  {lang} {label:<15} {1 / wall:5.1f} letters/s, {1 / cpu:5.1f} per "
            f"CPU-s ({cpu * 1000:4.0f} ms), {size / 1024:3.0f} KiB, heap peak "
            f"{heap_peak_mb(ours):4.1f} MB\n"
            f"     invitation      {1 / base_wall:5.1f} letters/s, {1 / base_cpu:5.1f} per "
            f"CPU-s ({base_cpu * 1000:4.0f} ms), {base_size / 1024:3.0f} KiB, heap peak "
            f"{heap_peak_mb(base):4.1f} MB\n"
            f"     ratio: ×{base_wall / wall:.2f} the baseline's rate, "
            f"×{cpu / base_cpu:.2f} its CPU time per letter"
        )
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  peak RSS of the process: {rss:.0f} MB")
    print(f"bench.request_letters: done in {time.monotonic() - began:.0f} s")


if __name__ == "__main__":
    main()
