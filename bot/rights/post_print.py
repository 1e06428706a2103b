"""The operator's print run of request letters to post (`lotse requests print`).

Every letter asked for and not yet printed goes into ONE PDF: per letter a cover page
in the window envelope's layout, addressed to the person at the address Lotse keeps for
their letters and sent by the operator, saying in the person's language and in German
what to do with it; then the request letter itself with all its parts (the German
letter, the guide, the working translation). One WeasyPrint document for the whole run:
layout is paid once. Rendering runs in a thread outside any transaction; the letters are
marked printed afterwards (bot.rights.post), and the document is cut down to those
marked. An earlier run can be printed again by its batch id; statuses stay as they are.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import holders
from bot.audit import Actor
from bot.config import Settings
from bot.db.models import Municipality
from bot.documents import (
    Block,
    Closing,
    DinLetter,
    Letterhead,
    LetterPart,
    Paragraph,
    cut_batch,
    new_batch_id,
    render_letters,
)
from bot.holders import Holder, IdentityProof
from bot.i18n import Catalogs, Translator
from bot.kernel.bidi import isolated
from bot.kernel.crypto import Vault
from bot.kernel.postal import return_address
from bot.kernel.types import Text, t
from bot.rights.delivery import reference
from bot.rights.letter import LetterRequest, request_letter
from bot.rights.post import ToPost, load_batch, load_waiting, log_print, mark_posted
from bot.rights.records import GERMANY

#: Letters in one run at most (a letter with its cover is about five pages); the rest
#: waits for the next run.
MAX_RUN_LETTERS = 200
OPERATOR = Actor.operator()
COVER_SECOND_LANGUAGE = "de"


class UnknownPrintRun(Exception):
    """No letters were printed under this batch id (or none can be printed again)."""


class PostContext(Protocol):
    """What a print run needs; `bot.runtime.services.Services` has it."""

    @property
    def settings(self) -> Settings: ...
    @property
    def sessionmaker(self) -> async_sessionmaker[AsyncSession]: ...
    @property
    def vault(self) -> Vault: ...
    @property
    def catalogs(self) -> Catalogs: ...


@dataclass(frozen=True, slots=True)
class PrintRun:
    batch_id: str
    pdf: bytes
    letters: int
    pages: int
    #: Letters waiting that could not be rendered (their holder is no longer in the
    #: catalog) or not marked (deleted or changed meanwhile), or, on a reprint, that
    #: cannot be printed again: counted, never named.
    left_out: int = 0


# ---------------------------------------------------------------- the cover


def cover(letter: ToPost, holder: Holder, sender: Letterhead, catalogs: Catalogs) -> DinLetter:
    """The page on top: the person's address in the window, the operator as sender; the
    person's language first, then German."""
    langs = dict.fromkeys((letter.lang, COVER_SECOND_LANGUAGE))
    parts = tuple(_cover_part(catalogs[lang], letter, holder, sender) for lang in langs)
    return DinLetter(letter.address, sender, parts)


def _cover_part(tr: Translator, letter: ToPost, holder: Holder, sender: Letterhead) -> LetterPart:
    named = isolated(holder.name) if holder.address else tr.gettext(holder.plain_name)
    texts: list[Text] = [
        t("Hello {name},", name=isolated(letter.address.name)),
        # TRANSLATORS: Cover page of a request letter Lotse's operator posts to the person;
        # {holder} is the agency, e.g. "Bundesverwaltungsamt".
        t("You asked us to post you your request letter to {holder}. It follows on the "
          "next pages.", holder=named),
        # TRANSLATORS: Cover page of a posted request letter.
        t("Please check that your details in it are right, sign the German letter and send "
          "it yourself: we do not send it for you."),
    ]  # fmt: skip
    if holder.identity_proof is IdentityProof.CERTIFIED_SIGNATURE:
        # TRANSLATORS: Cover page of a posted request letter, for agencies that need a
        # certified signature (the AZR).
        texts.append(t("This agency needs your signature certified: sign the letter in "
                       "front of an official at a citizens' office (Bürgeramt) or a "
                       "notary."))  # fmt: skip
    texts.append(t("Questions? {office} is happy to help: {contact}",
                   office=sender.office_name, contact=isolated(sender.contact)))  # fmt: skip
    blocks: list[Block] = [Paragraph(tr.text(text)) for text in texts]
    blocks.append(Closing((tr.text(t("Kind regards")), sender.office_name)))
    # TRANSLATORS: Cover page of a posted request letter: its subject line.
    subject = tr.text(t("Your request letter to {holder}", holder=named))
    return LetterPart(tr.lang, subject, tuple(blocks))


def _letter(letter: ToPost, catalog: holders.Catalog, catalogs: Catalogs) -> DinLetter | None:
    holder = catalog.get(letter.holder)
    if holder is None:
        return None
    request = LetterRequest(
        holder=holder, supervisor=catalog.supervisor_of(holder), kind=letter.kind,
        identity=letter.identity, details=letter.details, lang=letter.lang,
        dated=letter.created_at.astimezone(GERMANY).date(),
        reference=reference(letter.request_id),
    )  # fmt: skip
    return request_letter(request, catalogs[letter.lang])


def _render(
    letters: Sequence[ToPost], settings: Settings, catalogs: Catalogs, sender: Letterhead,
    duplex: bool,
) -> tuple[bytes, list[ToPost], list[int]]:  # fmt: skip
    """One document: each letter's cover and request letter; the letters rendered, and
    each one's page count (cover and letter together)."""
    catalog = holders.catalog(settings)
    documents: list[DinLetter] = []
    rendered: list[ToPost] = []
    for letter in letters:
        made = _letter(letter, catalog, catalogs)
        holder = catalog.get(letter.holder)
        if made is None or holder is None:
            continue  # the operator removed a local body since: nothing to address
        documents += [cover(letter, holder, sender, catalogs), made]
        rendered.append(letter)
    if not rendered:
        return b"", [], []
    pdf, counts = render_letters(documents, duplex=duplex)
    return pdf, rendered, [a + b for a, b in zip(counts[::2], counts[1::2], strict=True)]


async def _sender(context: PostContext) -> Letterhead:
    async with context.sessionmaker() as session:
        operator = await session.scalar(select(Municipality).order_by(Municipality.id))
    parsed = return_address(context.settings.request_post_from)
    if operator is None or parsed is None:
        raise UnknownPrintRun(
            "posting needs the operator (`lotse municipality set`) and LOTSE_REQUEST_POST_FROM"
        )
    street, postcode, city = parsed
    return Letterhead(office_name=operator.name, street=street, postcode=postcode, city=city,
                      contact=operator.contact)  # fmt: skip


# ---------------------------------------------------------------- the runs


async def print_waiting(
    context: PostContext,
    *,
    now: datetime,
    actor: Actor = OPERATOR,
    duplex: bool = False,
    limit: int = MAX_RUN_LETTERS,
) -> PrintRun | None:
    """Render and mark printed the letters waiting; None when none could be."""
    async with context.sessionmaker() as session:
        waiting = await load_waiting(session, context.vault, limit)
    if not waiting:
        return None
    sender = await _sender(context)
    pdf, rendered, counts = await asyncio.to_thread(
        _render, waiting, context.settings, context.catalogs, sender, duplex
    )
    batch_id = new_batch_id(now, context.settings.timezone)
    async with context.sessionmaker() as session, session.begin():
        marked = await mark_posted(session, rendered, batch_id, loaded_at=now, now=now)
        printed = [letter for letter in rendered if letter.request_id in marked]
        await log_print(session, printed, batch_id, actor, now)
    if not printed:
        return None
    keep = [letter.request_id in marked for letter in rendered]
    pdf, _ = await asyncio.to_thread(cut_batch, pdf, counts, keep)
    pages = sum(n for n, wanted in zip(counts, keep, strict=True) if wanted)
    return PrintRun(batch_id, pdf, len(printed), pages, len(waiting) - len(printed))


async def reprint(
    context: PostContext,
    batch_id: str,
    *,
    now: datetime,
    actor: Actor = OPERATOR,
    duplex: bool = False,
) -> PrintRun:
    """An earlier run printed again, as far as its letters still can be. Raises
    UnknownPrintRun."""
    async with context.sessionmaker() as session:
        letters, gone = await load_batch(session, context.vault, batch_id)
    if not letters:
        raise UnknownPrintRun(f"no letters of {batch_id!r} can be printed (again)")
    sender = await _sender(context)
    pdf, rendered, counts = await asyncio.to_thread(
        _render, letters, context.settings, context.catalogs, sender, duplex
    )
    if not rendered:
        raise UnknownPrintRun(f"no letters of {batch_id!r} can be printed (again)")
    async with context.sessionmaker() as session, session.begin():
        await log_print(session, rendered, batch_id, actor, now, again=True)
    left_out = gone + len(letters) - len(rendered)
    return PrintRun(batch_id, pdf, len(rendered), sum(counts), left_out)


def write_run(run: PrintRun, out_dir: Path) -> Path:
    """The run's PDF as `<out_dir>/<batch_id>.pdf`, readable by its owner only."""
    path = out_dir / f"{run.batch_id}.pdf"
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        os.fchmod(file.fileno(), 0o600)  # an older file of the same name may be wider
        file.write(run.pdf)
    return path
