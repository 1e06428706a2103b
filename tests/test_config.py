from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import ConfigError, load_settings
from bot.kernel.types import Channel


def test_defaults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    settings = load_settings(create_secret=True, _env_file=None)
    assert settings.port == 8080 and settings.host == "127.0.0.1"
    assert settings.public_url == "http://127.0.0.1:8080"
    assert settings.database_url.startswith("sqlite+aiosqlite:///")
    assert settings.database_url.endswith("lotse-data/lotse.sqlite3")
    key_file = tmp_path / "lotse-data" / "secret.key"
    assert key_file.stat().st_mode & 0o777 == 0o600
    # The generated key is kept: a second start reads the same one.
    assert load_settings(_env_file=None).secret_key == settings.secret_key


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("LOTSE_PORT", "eighty", "LOTSE_PORT: Input should be a valid integer"),
        ("LOTSE_PORT", "70000", "LOTSE_PORT: Input should be less than or equal to 65535"),
        ("LOTSE_DATABASE_URL", "mysql://x", "LOTSE_DATABASE_URL: must start with"),
        ("LOTSE_PUBLIC_URL", "lotse.example", "LOTSE_PUBLIC_URL: must be an http(s) URL"),
        ("LOTSE_SECRET_KEY", "short", "LOTSE_SECRET_KEY: must be at least 32 characters"),
        ("LOTSE_CONTACT_CHANNELS", "webchat,pigeon", "LOTSE_CONTACT_CHANNELS"),
        ("LOTSE_LOG_LEVEL", "LOUD", "LOTSE_LOG_LEVEL: must be DEBUG"),
        ("LOTSE_CONTACT_CHANNELS", "webchat,sms", "LOTSE_CONTACT_CHANNELS: lists sms, which is"),
        ("LOTSE_TELEGRAM_TOKEN", "1:abc", "LOTSE_TELEGRAM_WEBHOOK_SECRET: needed in webhook"),
        ("LOTSE_TWILIO_API_URL", "ftp://x", "LOTSE_TWILIO_API_URL: must be an http(s) URL"),
        (
            "LOTSE_ACCESS_LOG_RETENTION_DAYS",
            "0",
            "LOTSE_ACCESS_LOG_RETENTION_DAYS: Input should be greater than or equal to 1",
        ),
    ],
)
def test_a_bad_value_is_one_line_naming_the_setting(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, name: str, value: str, message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as error:
        load_settings(create_secret=True, _env_file=None)
    text = str(error.value)
    assert text.startswith(message), text
    assert "\n" not in text
    assert "short" not in text or name != "LOTSE_SECRET_KEY"  # secrets are never echoed


def test_serve_without_a_secret_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigError, match="LOTSE_SECRET_KEY: not set"):
        load_settings(_env_file=None)


def test_env_file_is_honoured(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text(
        "LOTSE_PORT=9099\nLOTSE_CONTACT_CHANNELS=webchat,telegram\nLOTSE_TELEGRAM_TOKEN=1:x\n"
        "LOTSE_TELEGRAM_WEBHOOK_SECRET=" + "w" * 20 + "\nLOTSE_SECRET_KEY=" + "k" * 40 + "\n"
    )
    settings = load_settings()
    assert settings.port == 9099
    assert settings.contact_channels == (Channel.WEBCHAT, Channel.TELEGRAM)
    assert settings.public_url == "http://127.0.0.1:9099"
