"""`lotse requests print`: the request letters asked for by post, in one private PDF;
the terminal shows counts and the batch, never a name or an address."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.config import Settings, load_settings
from bot.runtime.services import Services
from tests.rights.pdf import pages, require_tools
from tests.rights.support import step
from tests.rights.test_post import RETURN_ADDRESS, SMS, complete_request
from tests.support.cli import lotse
from tests.support.clock import Clock
from tests.support.settings import SECRET

PERSONAL = ("Amal", "Haddad", "Nassar", "Hauptstraße", "Aleppo", "03.04.1991")


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return load_settings(
        data_dir=tmp_path, database_url=database_url, secret_key=SECRET,
        contact_channels="webchat", request_post=True, request_post_from=RETURN_ADDRESS,
        _env_file=None,
    )  # fmt: skip


async def test_prints_once_privately_and_says_only_counts(
    services: Services, clock: Clock, tmp_path: Path
) -> None:
    require_tools()
    person, request_id = await complete_request(services, clock, lang="de")
    assert await step(services, clock, person, SMS, lambda port: port.post(request_id))
    env = {
        "LOTSE_DATABASE_URL": services.settings.database_url,
        "LOTSE_DATA_DIR": str(tmp_path),
        "LOTSE_SECRET_KEY": SECRET,
        "LOTSE_REQUEST_POST": "true",
        "LOTSE_REQUEST_POST_FROM": RETURN_ADDRESS,
    }
    out = tmp_path / "post"

    off = await asyncio.to_thread(lotse, "requests", "print", "--out", str(out), cwd=tmp_path,
                                  env={**env, "LOTSE_REQUEST_POST": "false"})  # fmt: skip
    done = await asyncio.to_thread(lotse, "requests", "print", "--out", str(out), "--duplex",
                                   cwd=tmp_path, env=env)  # fmt: skip
    again = await asyncio.to_thread(lotse, "requests", "print", "--out", str(out), cwd=tmp_path,
                                    env=env)  # fmt: skip

    assert off.returncode == 2 and "LOTSE_REQUEST_POST" in off.stderr
    assert done.returncode == 0, done.stderr
    (pdf,) = out.glob("batch-*.pdf")
    assert pdf.stat().st_mode & 0o777 == 0o600
    text = pages(pdf.read_bytes())
    assert done.stdout.strip() == f"{pdf}: 1 letters, {len(text)} pages"
    # Duplex: the cover's back stays blank, the letter starts on a front page.
    assert "Ihr Anfragebrief – Empfänger: Bundesverwaltungsamt" in text[0] and text[1] == ""
    assert "Antrag auf Auskunft" in text[2]
    assert "So schicken Sie diesen Brief ab" in text[-1]  # the guide, in German
    assert (again.returncode, again.stdout.strip()) == (0, "no request letters to print")
    batch = pdf.stem
    reprinted = await asyncio.to_thread(
        lotse, "requests", "print", "--reprint", batch, "--out", str(tmp_path / "again"),
        cwd=tmp_path, env=env,
    )  # fmt: skip
    assert reprinted.returncode == 0, reprinted.stderr
    assert reprinted.stdout.startswith(str(tmp_path / "again" / f"{batch}.pdf"))
    for run in (off, done, again, reprinted):
        shown = run.stdout + run.stderr
        assert not any(word in shown for word in PERSONAL), shown
