"""One validated settings object, read from the environment (prefix LOTSE_) and `.env`."""

from __future__ import annotations

import ipaddress
import re
import secrets
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlparse
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import NoDecode, SettingsConfigDict

from bot.config_accessibility import AccessibilitySettings
from bot.config_canned import CannedSettings
from bot.config_mail import MailSettings
from bot.kernel.postal import return_address
from bot.kernel.types import Channel

REPO_ROOT = Path(__file__).resolve().parent.parent
SECRET_FILE = "secret.key"


class ConfigError(Exception):
    """A bad setting; the message is one line naming the setting."""


#: Channels that get a short link with a capability token instead of the document.
LINKED_CHANNELS = frozenset({Channel.SMS, Channel.WHATSAPP})


class Settings(MailSettings, CannedSettings, AccessibilitySettings):
    model_config = SettingsConfigDict(
        env_prefix="LOTSE_", env_file=".env", extra="ignore", frozen=True
    )

    data_dir: Path = Path("./lotse-data")
    database_url: str = ""
    host: str = "127.0.0.1"
    port: int = Field(8080, ge=1, le=65535)
    public_url: str = ""
    #: Reverse proxies allowed to name the client in X-Forwarded-For (addresses or
    #: networks, comma-separated); the staff login throttle counts per client.
    trusted_proxies: Annotated[
        tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...], NoDecode
    ] = ()
    secret_key: str = Field("", repr=False)
    locales_dir: Path = REPO_ROOT / "locales"
    default_language: str = "de"
    #: Channels a person may be asked to consent to and rank. The web chat is
    #: always there; provider channels are added when their adapters are configured.
    contact_channels: Annotated[tuple[Channel, ...], NoDecode] = (Channel.WEBCHAT,)
    conversation_timeout_minutes: int = Field(30, ge=1)
    #: Inactive people are erased after this many days (told in the privacy notice).
    retention_days: int = Field(365, ge=1)
    #: Message texts are purged after this many days; the conversation state stays.
    message_retention_days: int = Field(30, ge=1)
    #: After a person's erasure, their access-log entries stay this many days, naming the
    #: erasure tombstone instead of them, for complaints and breaches (README: privacy).
    access_log_retention_days: int = Field(365, ge=1)
    max_text_length: int = Field(4096, ge=1)
    #: How long a claimed outbox row may be in flight before it counts as interrupted.
    outbox_lease_seconds: float = Field(60.0, ge=1)
    #: Tasks per process that take acknowledged messages from the inbox and run the
    #: conversation step (default: 4 on PostgreSQL, 1 on SQLite, which has one writer).
    #: 0 makes a process that only acknowledges and stores.
    inbox_workers: int | None = Field(None, ge=0, le=64)
    #: A webhook whose message the database has not stored within this time is written
    #: to the local spool instead (the provider must get its answer in time).
    inbox_accept_timeout_seconds: float = Field(5.0, gt=0)
    #: Messages the local spool (LOTSE_DATA_DIR/spool) holds while the database is
    #: away; beyond it, webhooks are answered 503.
    spool_max_messages: int = Field(10_000, ge=1)
    log_level: str = "INFO"

    # Telegram (python-telegram-bot). The API URL may point at a self-hosted Bot API server.
    telegram_token: str = Field("", repr=False)
    telegram_api_url: str = "https://api.telegram.org"
    telegram_webhook_secret: str = Field("", repr=False)
    telegram_mode: Literal["webhook", "polling"] = "webhook"
    telegram_bot_username: str = ""
    telegram_rate_per_second: float = Field(30.0, gt=0)
    telegram_rate_per_chat_per_second: float = Field(1.0, gt=0)

    # Twilio: SMS and WhatsApp.
    twilio_account_sid: str = ""
    twilio_auth_token: str = Field("", repr=False)
    twilio_from: str = ""  # an E.164 number or a Messaging Service SID (MG…)
    twilio_whatsapp_from: str = ""  # an E.164 number enabled for WhatsApp
    twilio_api_url: str = "https://api.twilio.com"
    twilio_rate_per_second: float = Field(1.0, gt=0)
    #: Approved WhatsApp templates (content SIDs) per template name and language, as
    #: JSON: {"invitation": {"de": "HX…", "ar": "HX…"}}.
    whatsapp_templates: dict[str, dict[str, str]] = Field(default_factory=dict)
    #: Region assumed for phone numbers written without a country code.
    default_region: str = "DE"
    # Invitations from registration offices.
    invitation_valid_days: int = Field(30, ge=1, le=365)
    invitation_reminder_days: int = Field(7, ge=1, le=365)
    #: The number people text their code to, printed in letters (default LOTSE_TWILIO_FROM).
    invitation_sms_number: str = ""
    #: Local time for quiet hours (no reminders between start and end o'clock).
    timezone: str = "Europe/Berlin"
    quiet_hours_start: int = Field(20, ge=0, le=23)
    quiet_hours_end: int = Field(8, ge=0, le=23)
    #: Largest CSV upload, and most rows in one.
    bulk_max_bytes: int = Field(5 * 1024 * 1024, ge=1024)
    bulk_max_rows: int = Field(20_000, ge=1)
    #: Each SMS reply is split so that one message costs at most this many segments.
    sms_max_segments: int = Field(3, ge=1, le=10)
    #: A person's export of their data (web chat, Telegram) is kept this many hours,
    #: its link working only in the chat that asked; then it is deleted.
    mydata_export_hours: int = Field(24, ge=1, le=24 * 7)
    #: The short link to an export sent by SMS or WhatsApp works this many minutes.
    mydata_link_minutes: int = Field(60, ge=5, le=24 * 60)
    #: A request to a data holder (bot.rights) and everything typed for it (name, birth
    #: data, address) are erased this many days after its last change (privacy notice).
    request_days: int = Field(180, ge=1, le=3 * 365)
    #: A closed request (answered, given up, or after the complaint) is erased this many
    #: days after closing: long enough to complain to the supervisory authority about
    #: the answer, or to ask again with the same details (privacy notice).
    request_closed_days: int = Field(90, ge=1, le=365)
    #: A case's content (what the person shared with an advice service, the messages,
    #: the notes) is erased this many days after the case was resolved (privacy notice).
    case_days: int = Field(180, ge=1, le=3 * 365)
    #: The operator prints request letters and posts them to people who ask, to the
    #: address Lotse keeps for letters (`lotse requests print`).
    request_post: bool = False
    #: The return address on those letters' covers: "Musterstraße 1, 12345 Musterstadt"
    #: (the sender's name is the operator's, `lotse municipality`). Needed for posting.
    request_post_from: str = ""

    #: The operator's local data holders (TOML: the Land, the foreigners authority,
    #: registration office, Jobcenter and social welfare office); default
    #: LOTSE_DATA_DIR/holders.toml (docs/holders.md).
    holders_file: Path | None = None

    # Transfers to and from other installations of Lotse (docs/transfer.md); off while
    # transfer_id is empty.
    #: This installation's short id among its peers, also its codes' prefix ("koeln").
    transfer_id: str = ""
    #: The Ed25519 private key (PEM); default LOTSE_DATA_DIR/transfer.key, made on first use.
    transfer_key_file: Path | None = None
    #: The peers file (TOML): the installations this one exchanges with, keys pinned.
    transfer_peers: Path | None = None
    #: CA bundle for the peers' HTTPS (a private CA); default: the system's.
    transfer_ca_file: Path | None = None
    #: How long a transfer code works.
    transfer_code_hours: int = Field(72, ge=1, le=24 * 30)
    #: How long a claim to a peer may take before the person is told it is unreachable.
    transfer_timeout_seconds: float = Field(10.0, gt=0, le=60)

    # Offline translation (docs/translation.md): installed models, default LOTSE_DATA_DIR/mt.
    mt_dir: Path | None = None
    #: How long one translation may take, a needed start of the worker included.
    mt_timeout_seconds: float = Field(30.0, gt=0, le=600)
    #: Translations the worker keeps in its memory (0: none); never written to disk.
    mt_cache_entries: int = Field(1000, ge=0, le=100_000)
    #: CPU threads one translation uses (CTranslate2's intra_threads).
    mt_threads: int = Field(2, ge=1, le=64)

    @field_validator("contact_channels", mode="before")
    @classmethod
    def _split_channels(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(part.strip() for part in value.split(",") if part.strip())
        return value

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _split_networks(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(
                ipaddress.ip_network(part.strip(), strict=False)
                for part in value.split(",")
                if part.strip()
            )
        return value

    @field_validator("contact_channels")
    @classmethod
    def _webchat_first(cls, value: tuple[Channel, ...]) -> tuple[Channel, ...]:
        if len(set(value)) != len(value):
            raise ValueError("lists a channel twice")
        return value

    @field_validator("database_url")
    @classmethod
    def _check_url(cls, value: str) -> str:
        if value and not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError("must start with sqlite+aiosqlite:// or postgresql+asyncpg://")
        return value

    @field_validator("timezone")
    @classmethod
    def _check_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r} (e.g. Europe/Berlin)") from None
        return value

    @field_validator("public_url")
    @classmethod
    def _check_public_url(cls, value: str) -> str:
        if value:
            parsed = urlparse(value)
            if parsed.scheme not in ("http", "https") or not parsed.netloc:
                raise ValueError("must be an http(s) URL such as https://lotse.example.org")
        return value.rstrip("/")

    @field_validator("secret_key")
    @classmethod
    def _check_secret(cls, value: str) -> str:
        if value and len(value) < 32:
            raise ValueError("must be at least 32 characters long")
        return value

    @field_validator("transfer_id")
    @classmethod
    def _check_transfer_id(cls, value: str) -> str:
        if value and not re.fullmatch(r"[a-z][a-z0-9]{1,11}", value):
            raise ValueError("must be 2 to 12 lowercase letters or digits, starting with a letter")
        return value

    @field_validator("log_level")
    @classmethod
    def _check_level(cls, value: str) -> str:
        if value.upper() not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
            raise ValueError("must be DEBUG, INFO, WARNING or ERROR")
        return value.upper()

    @field_validator("telegram_webhook_secret")
    @classmethod
    def _check_webhook_secret(cls, value: str) -> str:
        # Telegram allows 1-256 characters of A-Z, a-z, 0-9, _ and -.
        if value and not re.fullmatch(r"[A-Za-z0-9_-]{16,256}", value):
            raise ValueError("must be 16 to 256 letters, digits, _ or -")
        return value

    @field_validator("telegram_api_url", "twilio_api_url")
    @classmethod
    def _check_api_url(cls, value: str) -> str:
        parsed = urlparse(value)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise ValueError("must be an http(s) URL")
        return value.rstrip("/")

    @model_validator(mode="after")
    def _channels_configured(self) -> Settings:
        missing = {
            Channel.TELEGRAM: not self.telegram_token,
            Channel.SMS: not (
                self.twilio_account_sid and self.twilio_auth_token and self.twilio_from
            ),
            Channel.WHATSAPP: not (
                self.twilio_account_sid and self.twilio_auth_token and self.twilio_whatsapp_from
            ),
        }
        for channel in self.contact_channels:
            if missing.get(channel):
                raise ValueError(
                    f"LOTSE_CONTACT_CHANNELS: lists {channel}, which is not "
                    "configured (see README: channels)"
                )
        if (
            self.telegram_token
            and self.telegram_mode == "webhook"
            and not self.telegram_webhook_secret
        ):
            raise ValueError("LOTSE_TELEGRAM_WEBHOOK_SECRET: needed in webhook mode")
        return self

    def channel_configured(self, channel: Channel) -> bool:
        if channel is Channel.TELEGRAM:
            return bool(self.telegram_token)
        if channel is Channel.SMS:
            return bool(self.twilio_account_sid and self.twilio_auth_token and self.twilio_from)
        if channel is Channel.WHATSAPP:
            return bool(
                self.twilio_account_sid and self.twilio_auth_token and self.twilio_whatsapp_from
            )
        return channel is Channel.WEBCHAT

    def local_date(self, moment: datetime) -> date:
        """The day it is (or was) at `moment` where the installation is: the dates of
        deadlines and letters are days there."""
        return moment.astimezone(ZoneInfo(self.timezone)).date()

    def quiet(self, now: datetime) -> bool:
        """Within quiet hours in local time: Lotse writes to no one first then."""
        local = now.astimezone(ZoneInfo(self.timezone)).hour
        start, end = self.quiet_hours_start, self.quiet_hours_end
        return (start <= local or local < end) if start > end else start <= local < end

    def link_lifetime(self, channel: Channel) -> timedelta:
        """How long a link to a person's own document works (their export, a request
        letter): a short link sent by SMS or WhatsApp for minutes, a link in the chat
        that asked (web chat, Telegram) for hours."""
        if channel in LINKED_CHANNELS:
            return timedelta(minutes=self.mydata_link_minutes)
        return timedelta(hours=self.mydata_export_hours)

    @field_validator("request_post_from")
    @classmethod
    def _check_return_address(cls, value: str) -> str:
        if value.strip() and return_address(value) is None:
            raise ValueError('must be a street and a place: "Musterstraße 1, 12345 Musterstadt"')
        return value.strip()

    @model_validator(mode="after")
    def _post_needs_return_address(self) -> Settings:
        if self.request_post and not self.request_post_from:
            raise ValueError("LOTSE_REQUEST_POST needs LOTSE_REQUEST_POST_FROM (a return address)")
        return self

    @model_validator(mode="after")
    def _defaults(self) -> Settings:
        # Derived defaults; the model is frozen, so set through object.__setattr__.
        if not self.database_url:
            url = f"sqlite+aiosqlite:///{(self.data_dir / 'lotse.sqlite3').resolve()}"
            object.__setattr__(self, "database_url", url)
        if not self.public_url:
            object.__setattr__(self, "public_url", f"http://{self.host}:{self.port}")
        return self

    @property
    def workers_for_inbox(self) -> int:
        if self.inbox_workers is not None:
            return self.inbox_workers
        return 1 if self.is_sqlite else 4

    @property
    def spool_dir(self) -> Path:
        return self.data_dir / "spool"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def _one_line(error: ValidationError) -> str:
    first = error.errors()[0]
    message = str(first["msg"]).removeprefix("Value error, ")
    if not first["loc"]:  # a rule across settings: the message names them itself
        return message
    name = "LOTSE_" + str(first["loc"][0]).upper()
    value = first.get("input")
    shown = "" if "secret" in name.lower() or not isinstance(value, str) else f" (got {value!r})"
    return f"{name}: {message}{shown}"


def load_settings(
    *, create_secret: bool = False, require_secret: bool = True, **overrides: object
) -> Settings:
    """Read and validate the settings; raise ConfigError with one clear line.

    Without LOTSE_SECRET_KEY the key is read from the data directory; `create_secret`
    (used by `lotse demo`) generates and keeps one there.
    """
    try:
        settings = Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as error:
        raise ConfigError(_one_line(error)) from None
    if settings.secret_key or not require_secret:
        return settings
    key_file = settings.data_dir / SECRET_FILE
    if not key_file.exists():
        if not create_secret:
            raise ConfigError(
                f"LOTSE_SECRET_KEY: not set and no {key_file} found; "
                "set it to a random string of at least 32 characters"
            )
        settings.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(48) + "\n")
        key_file.chmod(0o600)
    return settings.model_copy(update={"secret_key": key_file.read_text().strip()})
