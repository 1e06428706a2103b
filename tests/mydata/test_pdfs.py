"""The PDFs of recent exports: laid out once per export, shared by requests at the same
time, never served for a replaced export or after the export expired, a few kept."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import timedelta

from bot.mydata import ExportPdfs, Opened
from bot.runtime.services import Services
from tests.mydata.test_export import exported, pdf_text
from tests.mydata.test_inventory import connected_by_sms
from tests.support.clock import Clock
from tests.support.connect import PHONE


async def opened_export(services: Services, clock: Clock) -> Opened:
    person, _ = await connected_by_sms(services, clock, PHONE)
    document = await exported(services, person, clock)
    return Opened(1, person, "de", document, clock() + timedelta(hours=1))


async def test_one_layout_per_export_shared_and_kept(services: Services, clock: Clock) -> None:
    opened = await opened_export(services, clock)
    pdfs = ExportPdfs(services.catalogs)
    first, second = await asyncio.gather(pdfs.pdf(opened, clock()), pdfs.pdf(opened, clock()))
    assert first is second  # one layout for both requests
    assert await pdfs.pdf(opened, clock()) is first  # and again from memory
    assert "Ihre Daten" in pdf_text(first)
    # A later request replaced the export (a new expiry): laid out anew.
    renewed = replace(opened, expires_at=opened.expires_at + timedelta(minutes=5))
    assert await pdfs.pdf(renewed, clock()) is not first
    # Past its expiry nothing of it stays.
    clock.advance(hours=2)
    later = replace(opened, expires_at=clock() + timedelta(hours=1))
    await pdfs.pdf(later, clock())
    assert len(pdfs) == 1


async def test_only_a_few_are_kept(services: Services, clock: Clock) -> None:
    opened = await opened_export(services, clock)
    pdfs = ExportPdfs(services.catalogs, kept=2)
    for export_id in (1, 2, 3):
        await pdfs.pdf(replace(opened, export_id=export_id), clock())
    assert len(pdfs) == 2
