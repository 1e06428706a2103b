"""`lotse holders …` as an operator runs it, in a subprocess."""

from __future__ import annotations

import json
from pathlib import Path

from tests.support.cli import lotse


def test_list_json_includes_the_azr_with_its_law_route_and_supervisor(tmp_path: Path) -> None:
    env = {"LOTSE_DATA_DIR": str(tmp_path / "data")}
    result = lotse("holders", "list", "--json", cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stderr
    records = json.loads(result.stdout)
    azr = next(r for r in records if r["slug"] == "azr")
    sections = {(c["section"], c["law"]) for c in azr["legal-basis"]}
    assert ("§ 3", "AZRG") in sections
    assert {"law": "AZRG", "section": "§ 34"} in azr["requests"]["access"]
    assert azr["requests"]["transfer-block"] == [{"law": "AZRG", "section": "§ 4 Abs. 1"}]
    assert azr["name"] == "Bundesverwaltungsamt"
    assert azr["address"]["postcode"] == "50728"
    assert azr["identity-proof"] == "certified-signature"
    assert azr["form"]["fields-de"][0] == "Familienname"
    assert azr["supervisor"] == "bfdi"
    assert azr["supervisory-authority"]["slug"] == "bfdi"
    assert azr["supervisory-authority"]["address"]["city"] == "Bonn"
    assert azr["request-language"] == "de"
    assert [r["slug"] for r in records][-1] == "lotse"


def test_local_set_land_list_and_check(tmp_path: Path) -> None:
    env = {"LOTSE_DATA_DIR": str(tmp_path / "data")}
    assert lotse("holders", "local", "land", "NW", cwd=tmp_path, env=env).returncode == 0
    done = lotse(
        "holders", "local", "set", "jobcenter", "--name", "Jobcenter Musterstadt",
        "--street", "Musterweg 3", "--postcode", "12345", "--city", "Musterstadt",
        "--run-by", "joint", "--hours", "Mo–Fr 8–12 Uhr", cwd=tmp_path, env=env,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    records = json.loads(lotse("holders", "list", "--json", cwd=tmp_path, env=env).stdout)
    jobcenter = next(r for r in records if r["slug"] == "jobcenter")
    assert jobcenter["address"]["street"] == "Musterweg 3"
    assert jobcenter["quality"] == "operator"
    assert jobcenter["supervisor"] == "bfdi"
    sozialamt = next(r for r in records if r["slug"] == "sozialamt")
    assert sozialamt["supervisor"] == "land-nw" and sozialamt["address"] is None
    listing = lotse("holders", "list", cwd=tmp_path, env=env).stdout
    assert "Musterweg 3, 12345 Musterstadt" in listing
    check = lotse("holders", "check", cwd=tmp_path, env=env)
    assert check.returncode == 0
    assert "warning: sozialamt: not filled in" in check.stdout


def test_bad_input_is_refused_and_changes_nothing(tmp_path: Path) -> None:
    env = {"LOTSE_DATA_DIR": str(tmp_path / "data")}
    refused = lotse(
        "holders", "local", "set", "meldebehoerde", "--name", "Bürgeramt", "--street",
        "Markt", "--postcode", "1234", "--city", "X", cwd=tmp_path, env=env,
    )  # fmt: skip
    assert refused.returncode == 2
    assert "[meldebehoerde] street: 'Markt' has no house number" in refused.stderr
    assert "[meldebehoerde] postcode: '1234' is not five digits" in refused.stderr
    assert not (tmp_path / "data" / "holders.toml").exists()
    assert lotse("holders", "local", "land", "zz", cwd=tmp_path, env=env).returncode == 2


def test_check_fails_on_a_broken_local_file(tmp_path: Path) -> None:
    (tmp_path / "holders.toml").write_text('[jobcenter]\nrun-by = "maybe"\n', encoding="utf-8")
    env = {
        "LOTSE_DATA_DIR": str(tmp_path / "data"),
        "LOTSE_HOLDERS_FILE": str(tmp_path / "holders.toml"),
    }
    check = lotse("holders", "check", cwd=tmp_path, env=env)
    assert check.returncode == 2
    assert "error: " in check.stdout and "run-by: 'maybe'" in check.stdout
    listing = lotse("holders", "list", "--json", cwd=tmp_path, env=env)
    assert listing.returncode == 2 and "lotse holders check" in listing.stderr


def test_local_office_link_set_and_removed(tmp_path: Path) -> None:
    env = {"LOTSE_DATA_DIR": str(tmp_path / "data")}
    done = lotse("holders", "local", "set", "auslaenderbehoerde", "--office", "abh-mitte",
                 cwd=tmp_path, env=env)  # fmt: skip
    assert done.returncode == 0, done.stderr
    records = json.loads(lotse("holders", "list", "--json", cwd=tmp_path, env=env).stdout)
    assert next(r for r in records if r["slug"] == "auslaenderbehoerde")["office"] == "abh-mitte"
    refused = lotse("holders", "local", "set", "auslaenderbehoerde", "--office", "A B",
                    cwd=tmp_path, env=env)  # fmt: skip
    assert refused.returncode == 2 and "office: 'A B' is not an office's slug" in refused.stderr
    half = lotse("holders", "local", "set", "auslaenderbehoerde", "--name", "Amt",
                 cwd=tmp_path, env=env)  # fmt: skip
    assert half.returncode == 2 and "street, postcode, city missing" in half.stderr
    gone = lotse("holders", "local", "set", "auslaenderbehoerde", "--no-office",
                 cwd=tmp_path, env=env)  # fmt: skip
    assert gone.returncode == 0, gone.stderr
    assert "office" not in (tmp_path / "data" / "holders.toml").read_text(encoding="utf-8")
