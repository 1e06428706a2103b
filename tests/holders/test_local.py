"""The operator's local file: clear errors, atomic private writes, warnings for gaps."""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

import pytest

from bot.config import ConfigError, Settings
from bot.holders import (
    CatalogError,
    LocalError,
    catalog,
    check_catalog,
    load_catalog,
    write_local,
)
from bot.holders.local import read_local
from bot.runtime import build_services
from flows import build_router


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("toml", "expected"),
    [
        ('land = "xx"', "land: 'xx' is not one of bw, by"),
        ("[rathaus]\nname = \"x\"", "[rathaus]: not a local body; use one of auslaenderbehoerde"),
        ('[jobcenter]\nrun-by = "private"',
         "[jobcenter] run-by: 'private' is not joint or municipal"),
        ('[sozialamt]\nrun-by = "joint"', "[sozialamt] run-by: only the jobcenter has run-by"),
        ('[meldebehoerde]\nsupervisor = "land-zz"',
         "[meldebehoerde] supervisor: 'land-zz' is not a supervisor"),
        ('[meldebehoerde]\nname = "Bürgeramt"\nstreet = "Markt 1"\ncity = "X"',
         "[meldebehoerde]: postcode missing"),
        ('[meldebehoerde]\nname = "B"\nstreet = "Markt 1"\npostcode = "1234"\ncity = "X"',
         "[meldebehoerde] postcode: '1234' is not five digits"),
        ('[meldebehoerde]\nname = "B"\nstreet = "Markt"\npostcode = "12345"\ncity = "X"',
         "[meldebehoerde] street: 'Markt' has no house number"),
        ('[meldebehoerde]\nname = "B"\nstreet = "Markt 1"\npostcode = "12345"\ncity = "X"\n'
         'email = "nobody"', "[meldebehoerde] email: 'nobody' is not an e-mail address"),
        ('[meldebehoerde]\nfax = "1"', "[meldebehoerde] fax: unknown field"),
        ('[meldebehoerde]\noffice = "Amt Mitte"',
         "[meldebehoerde] office: 'Amt Mitte' is not an office's slug"),
        ('[meldebehoerde]\nname = 5', "[meldebehoerde] name: must be text in quotes"),
        ("land = ", "not valid TOML"),
    ],
)  # fmt: skip
def test_a_broken_local_file_is_named(tmp_path: Path, toml: str, expected: str) -> None:
    path = write(tmp_path / "holders.toml", toml)
    _local, problems = read_local(path)
    assert any(expected in p and str(path) in p for p in problems), problems


def test_a_broken_local_file_makes_the_catalog_unusable(plain_settings: Settings) -> None:
    write(plain_settings.data_dir / "holders.toml", 'land = "xx"')
    with pytest.raises(CatalogError) as raised:
        load_catalog(plain_settings)
    assert any("land: 'xx'" in p for p in raised.value.problems)
    errors, _warnings = check_catalog(plain_settings)
    assert errors and "holders.toml: land" in errors[0]


def test_the_setting_names_another_file(tmp_path: Path) -> None:
    from bot.config import load_settings

    path = write(tmp_path / "elsewhere.toml", 'land = "sn"\n')
    settings = load_settings(
        data_dir=tmp_path / "data", holders_file=path, require_secret=False, _env_file=None
    )
    lotse = load_catalog(settings).get("lotse")
    assert lotse is not None and lotse.supervisor == "land-sn"


def test_writing_merges_checks_and_keeps_the_file_private(tmp_path: Path) -> None:
    path = tmp_path / "data" / "holders.toml"
    write_local(path, {"land": "nw"})
    write_local(path, {"jobcenter": {"name": "Jobcenter Musterstadt", "street": "Weg 2",
                                     "postcode": "12345", "city": "Musterstadt"}})  # fmt: skip
    write_local(path, {"jobcenter": {"run-by": "municipal", "phone": "0123 45"}})
    local, problems = read_local(path)
    assert problems == []
    assert local.land == "nw"
    body = local.bodies["jobcenter"]
    assert (body.name, body.run_by, body.phone) == ("Jobcenter Musterstadt", "municipal", "0123 45")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    before = path.read_text(encoding="utf-8")
    with pytest.raises(LocalError) as raised:
        write_local(path, {"jobcenter": {"postcode": "ABCDE"}})
    assert "[jobcenter] postcode: 'ABCDE' is not five digits" in raised.value.problems[0]
    assert path.read_text(encoding="utf-8") == before  # refused: nothing written
    assert [p.name for p in path.parent.iterdir()] == ["holders.toml"]  # no temporary left


def test_quotes_and_umlauts_survive_a_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "holders.toml"
    name = 'Landkreis "Süd", Ausländerbehörde \\ Team 2'
    write_local(path, {"auslaenderbehoerde": {"name": name, "street": "Öhrweg 1",
                                              "postcode": "01067", "city": "Dresden"}})  # fmt: skip
    local, problems = read_local(path)
    assert problems == []
    assert local.bodies["auslaenderbehoerde"].name == name


def test_unfilled_bodies_are_warnings_not_errors(plain_settings: Settings) -> None:
    errors, warnings = check_catalog(plain_settings)
    assert errors == []
    for slug in ("auslaenderbehoerde", "meldebehoerde", "jobcenter", "sozialamt"):
        assert any(w.startswith(f"{slug}: not filled in") for w in warnings)
    assert any("jobcenter: no supervisor; set run-by" in w for w in warnings)


def _edit(path: Path, text: str, second: int) -> None:
    """Write `text` with a distinct modification time (the cache's version stamp)."""
    write(path, text)
    os.utime(path, ns=(second * 1_000_000_000, second * 1_000_000_000))


def test_a_broken_edit_keeps_the_catalog_read_before(
    plain_settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    path = plain_settings.data_dir / "holders.toml"
    _edit(path, 'land = "nw"\n', 1_700_000_000)
    first = catalog(plain_settings)
    assert (lotse := first.get("lotse")) is not None and lotse.supervisor == "land-nw"

    _edit(path, 'land = "xx"\n', 1_700_000_100)
    with caplog.at_level(logging.ERROR, logger="bot.holders.catalog"):
        assert catalog(plain_settings) is first
        assert catalog(plain_settings) is first  # logged once per version of the file
    assert [r.getMessage() for r in caplog.records if "holders check" in r.getMessage()] == [
        f"{path}: 1 problem(s), the catalog read before stays in use; run `lotse holders check`"
    ]

    _edit(path, 'land = "sn"\n', 1_700_000_200)
    assert (lotse := catalog(plain_settings).get("lotse")) is not None
    assert lotse.supervisor == "land-sn"


async def test_a_broken_file_stops_the_start_with_its_problem(plain_settings: Settings) -> None:
    write(plain_settings.data_dir / "holders.toml", 'land = "xx"')
    with pytest.raises(ConfigError, match="land: 'xx'"):
        await build_services(plain_settings, router_factory=build_router, adapters={})
