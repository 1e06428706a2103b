"""The e-mail settings (prefix LOTSE_): the SMTP server Lotse sends staff mail through,
and when the advisors' daily digest goes. Part of `bot.config.Settings`."""

from __future__ import annotations

import re

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings

#: Implicit TLS from the first byte (SMTPS); any other port uses STARTTLS when it is on.
SMTPS_PORT = 465
_ADDRESS = re.compile(r"[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+|[^@\s<>]+@localhost")
_LOOPBACK = ("127.0.0.1", "::1", "localhost")


class MailSettings(BaseSettings):
    #: The SMTP server; empty: Lotse sends no e-mail (the digest is off).
    smtp_host: str = ""
    smtp_port: int = Field(587, ge=1, le=65535)
    #: Login at the server; empty: none.
    smtp_user: str = ""
    smtp_password: str = Field("", repr=False)
    #: Upgrade the connection with STARTTLS (port 465 uses TLS from the start instead).
    smtp_starttls: bool = True
    #: The sender address of Lotse's e-mail.
    smtp_from: str = ""
    smtp_timeout_seconds: float = Field(30.0, gt=0, le=300)
    #: The hour (local time, LOTSE_TIMEZONE) from which the advisors' daily digest goes.
    digest_hour: int = Field(8, ge=0, le=23)

    @field_validator("smtp_from")
    @classmethod
    def _check_from(cls, value: str) -> str:
        if value and not _ADDRESS.fullmatch(value.strip()):
            raise ValueError("must be an e-mail address such as lotse@musterstadt.example")
        return value.strip()

    @model_validator(mode="after")
    def _mail_complete(self) -> MailSettings:
        if self.smtp_host and not self.smtp_from:
            raise ValueError("LOTSE_SMTP_FROM: needed with LOTSE_SMTP_HOST (the sender address)")
        if self.smtp_password and not self.encrypted and self.smtp_host not in _LOOPBACK:
            raise ValueError(
                "LOTSE_SMTP_PASSWORD: would be sent unencrypted; turn LOTSE_SMTP_STARTTLS "
                f"on or use port {SMTPS_PORT}"
            )
        return self

    @property
    def encrypted(self) -> bool:
        return self.smtp_starttls or self.smtp_port == SMTPS_PORT

    @property
    def mail_configured(self) -> bool:
        return bool(self.smtp_host)
