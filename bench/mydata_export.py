"""How long the PDF of a person's export takes when their access log has 1,000 lines.

The PDF is laid out when it is fetched (from the JSON export, bot.mydata.export_pdf),
so its time is what a person waits after clicking the link. In one process, each
document is laid out `--runs` times (median and slowest):

- baseline: the export of a person with no access-log lines and no texts;
- the same person with `--entries` access-log lines (and `--texts` message texts),

in German, Arabic (right to left, Naskh) and Tigrinya (Ethiopic).

    .venv/bin/python -m bench.mydata_export [--entries 1000] [--texts 30] [--runs 5]
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import os
import statistics
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.config import REPO_ROOT
from bot.i18n import Catalogs
from bot.mydata import FORMAT, ExportPdfs, Opened, export_pdf

MADE = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


def empty_export() -> dict[str, Any]:
    """An export as bot.mydata.build_export makes it, for someone with little data."""
    return {
        "format": FORMAT,
        "made_at": MADE.isoformat(),
        "installation": {"operator": "Stadt Musterstadt", "url": "https://lotse.example"},
        "person": {"reference": "lotse-person-0123456789", "since": MADE.isoformat(),
                   "last_active_at": MADE.isoformat(), "erased_if_inactive_on": "2027-11-30"},
        "language": {"chosen": "ar", "used": "ar"},
        "channels": {"order": ["sms"], "web_chat_sessions": 1, "contacts": [
            {"channel": "sms", "address_kind": "phone-number", "address": "+4915112345678",
             "ending": "78", "reachable": True, "opted_out_at": None, "since": MADE.isoformat(),
             "last_message_from_you_at": MADE.isoformat()}]},
        "consents": {"retention": "…", "withdrawal_method": "…", "records": []},
        "invitations": [],
        "postal_address": {"name": None, "extra": None, "street": "Hauptstraße",
                           "postcode": "12345", "city": "Musterstadt", "shortened": True},
        "messages": {"received": 0, "sent": 0, "retention_days": 30, "texts": []},
        "access_log": {"complete_since": "2026-11-01", "kept_until": "2028-11-30",
                       "entries": []},
    }  # fmt: skip


def busy_export(entries: int, texts: int) -> dict[str, Any]:
    document = copy.deepcopy(empty_export())
    document["access_log"]["entries"] = [
        {"at": (MADE - timedelta(minutes=n)).isoformat(), "organisation": "Bürgeramt Mitte",
         "role": "office-staff", "action": "letters.export",
         "categories": ["name", "postal-address"], "records": 1, "via": None}
        for n in range(entries)
    ]  # fmt: skip
    document["messages"]["texts"] = [
        {"at": (MADE - timedelta(hours=n)).isoformat(), "direction": "from-you",
         "channel": "sms", "text": "مرحبا، متى موعدي في المكتب؟", "purged_on": "2026-12-30"}
        for n in range(texts)
    ]  # fmt: skip
    return document


def timed(document: dict[str, Any], catalogs: Catalogs, lang: str, runs: int) -> list[float]:
    seconds = []
    for _ in range(runs):
        start = time.perf_counter()
        export_pdf(document, catalogs[lang])
        seconds.append(time.perf_counter() - start)
    return seconds


def fetched_again(document: dict[str, Any], catalogs: Catalogs, runs: int) -> list[float]:
    """What a second fetch of the same export costs (bot.mydata.ExportPdfs)."""
    pdfs = ExportPdfs(catalogs)
    opened = Opened(1, 1, "de", document, MADE + timedelta(hours=1))
    asyncio.run(pdfs.pdf(opened, MADE))
    seconds = []
    for _ in range(runs):
        start = time.perf_counter()
        asyncio.run(pdfs.pdf(opened, MADE))
        seconds.append(time.perf_counter() - start)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--entries", type=int, default=1_000)
    parser.add_argument("--texts", type=int, default=30)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    catalogs = Catalogs(REPO_ROOT / "locales")
    print(f"export PDF: {args.entries:,} access-log lines, {args.texts} texts; "
          f"{os.cpu_count()} cores, {args.runs} runs each")  # fmt: skip
    export_pdf(empty_export(), catalogs["de"])  # fonts and WeasyPrint loaded once
    for lang in ("de", "ar", "ti"):
        base = timed(empty_export(), catalogs, lang, args.runs)
        busy = timed(busy_export(args.entries, args.texts), catalogs, lang, args.runs)
        ratio = statistics.median(busy) / statistics.median(base)
        print(f"  {lang}: baseline median {statistics.median(base) * 1000:.0f} ms, "
              f"with the log median {statistics.median(busy) * 1000:.0f} ms "
              f"(slowest {max(busy) * 1000:.0f} ms, {ratio:.1f}× the baseline)")  # fmt: skip
    again = fetched_again(busy_export(args.entries, args.texts), catalogs, args.runs)
    print(f"  de, the same export fetched again: median {statistics.median(again) * 1000:.2f} ms "
          f"(laid out once per export, bot.mydata.ExportPdfs)")  # fmt: skip


if __name__ == "__main__":
    main()
