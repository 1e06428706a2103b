"""Everything a running Lotse needs, built once from the settings."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot import holders
from bot.advice import advice_port
from bot.cases import CannedReplies, cases_port, load_canned, relay_port
from bot.config import Settings
from bot.conversation import (
    Advice,
    Cases,
    Engine,
    MyData,
    Operator,
    Ports,
    Relay,
    Requests,
    Router,
)
from bot.db.models import Municipality
from bot.db.session import make_engine, make_sessionmaker
from bot.i18n import Catalogs
from bot.inbound import Inbox, Spool
from bot.invitations import InvitationSender
from bot.kernel.clock import utcnow
from bot.kernel.crypto import Vault
from bot.kernel.types import Channel
from bot.messaging import ChannelAdapter, Dispatcher
from bot.mydata import REFERENCE, ExportPdfs, attachment_loader, my_data_port
from bot.rights import (
    LETTER_REFERENCE,
    HolderCatalog,
    LetterPdfs,
    letter_loader,
    letter_renderer,
    requests_port,
)
from bot.runtime.attachments import by_prefix
from bot.transfer import TransferFetcher, Transfers, load_identity, transfers_port
from bot.translation import TranslationService


class NotConfigured(Exception):
    pass


@dataclass
class Services:
    settings: Settings
    db: AsyncEngine
    sessionmaker: async_sessionmaker[AsyncSession]
    vault: Vault
    catalogs: Catalogs
    engine: Engine
    dispatcher: Dispatcher
    operator: Operator
    clock: Callable[[], datetime]
    inbox: Inbox
    #: The PDFs of recent exports, laid out once (bot.mydata.ExportPdfs).
    export_pdfs: ExportPdfs
    #: Claims typed transfer codes from their issuers, outside every step.
    transfers: TransferFetcher
    #: The PDFs of recent request letters, laid out once (bot.rights.LetterPdfs).
    letter_pdfs: LetterPdfs
    #: The advisors' canned replies (shipped, and LOTSE_CANNED_FILE's).
    canned: CannedReplies
    adapters: Mapping[Channel, ChannelAdapter] = field(default_factory=dict)
    invitations: InvitationSender = field(init=False)
    #: Offline machine translation; its worker process starts at the first request.
    translation: TranslationService = field(init=False)

    def __post_init__(self) -> None:
        self.invitations = InvitationSender(
            settings=self.settings,
            vault=self.vault,
            catalogs=self.catalogs,
            available=frozenset(self.adapters),
        )
        self.translation = TranslationService(self.settings)

    async def close(self) -> None:
        await self.translation.close()
        await self.db.dispose()


async def load_operator(sessionmaker: async_sessionmaker[AsyncSession]) -> Operator:
    async with sessionmaker() as session:
        municipality = await session.scalar(select(Municipality).order_by(Municipality.id))
    if municipality is None:
        raise NotConfigured(
            "no municipality is set up; run `lotse municipality set --slug ... --name ... "
            "--contact ... --privacy-contact ...`"
        )
    return Operator(municipality.name, municipality.contact, municipality.privacy_contact)


def holder_catalog(settings: Settings) -> Callable[[], HolderCatalog]:
    """The holder catalog as it is now (bot.holders reloads the operator's file)."""
    return lambda: holders.catalog(settings)


def feature_ports(settings: Settings) -> Ports:
    """Ports of features flows may not import (bot.mydata reads the database and the
    access log): wired here, above both, so a flow asks `ctx.port(MyData)`. Transfers
    hold the installation's identity, read here once: a bad peers file stops the start."""
    return {
        MyData: my_data_port(settings),
        Transfers: transfers_port(settings),
        Requests: requests_port(settings, holder_catalog(settings)),
        Advice: advice_port(settings),
        Relay: relay_port(),
        Cases: cases_port(settings),
    }


async def build_services(
    settings: Settings,
    *,
    router_factory: Callable[[Catalogs], Router],
    adapters: Mapping[Channel, ChannelAdapter],
    clock: Callable[[], datetime] = utcnow,
) -> Services:
    # A broken operator holder file stops the start with its problems (a ConfigError),
    # as a bad peers file does; later a broken edit keeps the catalog read here.
    holders.catalog(settings)
    canned = load_canned(settings.canned_file)  # so does a bad canned-replies file
    db = make_engine(settings.database_url)
    sessionmaker = make_sessionmaker(db)
    vault = Vault(settings.secret_key)
    catalogs = Catalogs(settings.locales_dir)
    export_pdfs = ExportPdfs(catalogs)
    letter_pdfs = LetterPdfs(catalogs, letter_renderer(holder_catalog(settings)))
    try:
        operator = await load_operator(sessionmaker)
    except BaseException:
        await db.dispose()
        raise
    woken: list[Callable[[], None]] = []

    def committed() -> None:
        for wake in woken:
            wake()

    dispatcher = Dispatcher(
        sessionmaker=sessionmaker,
        adapters=adapters,
        vault=vault,
        catalogs=catalogs,
        postgres=not settings.is_sqlite,
        lease=timedelta(seconds=settings.outbox_lease_seconds),
        clock=clock,
        # Telegram: an export's files, or a request letter, by the reference's prefix.
        attachments=by_prefix(
            {
                REFERENCE: attachment_loader(sessionmaker, vault, export_pdfs, clock),
                LETTER_REFERENCE: letter_loader(sessionmaker, vault, letter_pdfs, clock),
            }
        ),
    )
    engine = Engine(
        sessionmaker=sessionmaker,
        router=router_factory(catalogs),
        catalogs=catalogs,
        settings=settings,
        vault=vault,
        operator=operator,
        # After a step: replies to send, and perhaps a transfer code to fetch.
        on_commit=committed,
        clock=clock,
        ports=feature_ports(settings),
    )
    inbox = Inbox(
        sessionmaker=sessionmaker,
        engine=engine,
        vault=vault,
        spool=Spool(settings.spool_dir, settings.spool_max_messages),
        postgres=not settings.is_sqlite,
        workers=settings.workers_for_inbox,
        accept_timeout=settings.inbox_accept_timeout_seconds,
        clock=clock,
    )
    transfers = TransferFetcher(
        sessionmaker=sessionmaker,
        vault=vault,
        settings=settings,
        identity=load_identity(settings),
        accept=inbox.accept,
        clock=clock,
    )
    woken.extend((dispatcher.wake, transfers.wake))
    return Services(
        settings,
        db,
        sessionmaker,
        vault,
        catalogs,
        engine,
        dispatcher,
        operator,
        clock,
        inbox,
        export_pdfs,
        transfers,
        letter_pdfs,
        canned,
        adapters,
    )
