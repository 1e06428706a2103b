"""One validated settings object, read from the environment (prefix LOTSE_) and `.env`."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Annotated
from urllib.parse import urlparse

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.types import Channel

REPO_ROOT = Path(__file__).resolve().parent.parent
SECRET_FILE = "secret.key"


class ConfigError(Exception):
    """A bad setting; the message is one line naming the setting."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="LOTSE_", env_file=".env", extra="ignore", frozen=True
    )

    data_dir: Path = Path("./lotse-data")
    database_url: str = ""
    host: str = "127.0.0.1"
    port: int = Field(8080, ge=1, le=65535)
    public_url: str = ""
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
    max_text_length: int = Field(4096, ge=1)
    log_level: str = "INFO"

    @field_validator("contact_channels", mode="before")
    @classmethod
    def _split_channels(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(part.strip() for part in value.split(",") if part.strip())
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

    @field_validator("log_level")
    @classmethod
    def _check_level(cls, value: str) -> str:
        if value.upper() not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
            raise ValueError("must be DEBUG, INFO, WARNING or ERROR")
        return value.upper()

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
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def _one_line(error: ValidationError) -> str:
    first = error.errors()[0]
    name = "LOTSE_" + str(first["loc"][0]).upper() if first["loc"] else "settings"
    message = str(first["msg"]).removeprefix("Value error, ")
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
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(48) + "\n")
        key_file.chmod(0o600)
    return settings.model_copy(update={"secret_key": key_file.read_text().strip()})
