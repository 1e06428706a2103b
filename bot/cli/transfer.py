"""`lotse transfer …`: this installation's transfer key, and a check of the peers file."""

from __future__ import annotations

import argparse

from bot.cli.common import Stop
from bot.config import load_settings
from bot.transfer import fingerprint, key_path, load_identity, load_key, public_text


def cmd_key(args: argparse.Namespace) -> None:
    settings = load_settings(require_secret=False)
    path = key_path(settings)
    key = load_key(path).public_key()
    off = "(LOTSE_TRANSFER_ID is not set: transfers are off)"
    print(f"id:          {settings.transfer_id or off}")
    print(f"public_key:  {public_text(key)}")
    print(f"fingerprint: {fingerprint(key)}")
    print(f"key file:    {path}")
    print("Give the id, the public key and your https address to each peer's operator;")
    print("read the fingerprint to them over another channel (phone) to confirm it.")


def cmd_peers(args: argparse.Namespace) -> None:
    settings = load_settings(require_secret=False)
    identity = load_identity(settings)  # raises with the first problem found
    if identity is None:
        raise Stop("LOTSE_TRANSFER_ID: not set; transfers are off")
    if not identity.peers:
        print("no peers: codes can be issued here, but no one can claim them")
    for peer in identity.peers:
        prints = ", ".join(fingerprint(key) for key in peer.keys)
        print(f"{peer.id}: {peer.name} <{peer.url}> key {prints}")
    print(f"ok: {len(identity.peers)} peer(s)")


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    transfer = commands.add_parser(
        "transfer", help="transfers to and from other Lotse installations"
    )
    actions = transfer.add_subparsers(dest="action", required=True)
    actions.add_parser(
        "key", help="print this installation's public key and fingerprint (made on first use)"
    ).set_defaults(func=cmd_key)
    peers = actions.add_parser("peers", help="the peers file").add_subparsers(
        dest="sub", required=True
    )
    peers.add_parser("check", help="validate LOTSE_TRANSFER_PEERS and list the peers").set_defaults(
        func=cmd_peers
    )
