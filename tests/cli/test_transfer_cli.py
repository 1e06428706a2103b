"""`lotse transfer key` and `lotse transfer peers check`, as an operator runs them."""

from __future__ import annotations

import re
import stat
from pathlib import Path

from bot.transfer import load_key, public_text
from tests.support.cli import lotse


def test_the_key_is_made_on_first_use_and_printed_for_the_peers(tmp_path: Path) -> None:
    env = {"LOTSE_DATA_DIR": str(tmp_path), "LOTSE_TRANSFER_ID": "koeln"}
    first = lotse("transfer", "key", cwd=tmp_path, env=env)
    assert first.returncode == 0, first.stderr
    key_file = tmp_path / "transfer.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert f"public_key:  {public_text(load_key(key_file).public_key())}" in first.stdout
    assert re.search(r"fingerprint: ([0-9A-F]{4}-){7}[0-9A-F]{4}", first.stdout)
    again = lotse("transfer", "key", cwd=tmp_path, env=env)
    assert again.stdout == first.stdout  # the same key, not a new one
    assert "PRIVATE" not in first.stdout


def test_the_peers_file_is_checked_with_one_clear_line(tmp_path: Path) -> None:
    key = public_text(load_key(tmp_path / "peer.key").public_key())
    peers = tmp_path / "peers.toml"
    env = {"LOTSE_DATA_DIR": str(tmp_path), "LOTSE_TRANSFER_ID": "koeln",
           "LOTSE_TRANSFER_PEERS": str(peers)}  # fmt: skip
    peers.write_text(f'[[peer]]\nid = "bonn"\nname = "Lotse Bonn"\n'
                     f'url = "https://lotse.bonn.example"\npublic_key = "{key}"\n')  # fmt: skip
    good = lotse("transfer", "peers", "check", cwd=tmp_path, env=env)
    assert good.returncode == 0, good.stderr
    assert "bonn: Lotse Bonn <https://lotse.bonn.example>" in good.stdout
    assert "ok: 1 peer(s)" in good.stdout
    peers.write_text(peers.read_text().replace("https://", "http://"))
    bad = lotse("transfer", "peers", "check", cwd=tmp_path, env=env)
    assert bad.returncode == 2
    assert bad.stderr.strip() == (
        f"lotse: LOTSE_TRANSFER_PEERS ({peers}): peer 1 (bonn): url must be an https:// address"
    )
    off = lotse("transfer", "peers", "check", cwd=tmp_path, env={"LOTSE_DATA_DIR": str(tmp_path)})
    assert off.returncode == 2 and "transfers are off" in off.stderr
