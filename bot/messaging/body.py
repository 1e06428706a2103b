"""The body of a stored message: its text, choices and flags, encrypted as one JSON document."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from bot.kernel.crypto import Vault


def encode_body(
    vault: Vault,
    text: str,
    choices: Sequence[tuple[str, str]] = (),
    choice: str | None = None,
    *,
    opt_out_notice: bool = False,
    template: str | None = None,
    note_of: int | None = None,
    line_langs: Sequence[str] = (),
    attachment: str | None = None,
) -> str:
    body: dict[str, Any] = {"text": text}
    if choices:
        body["choices"] = [list(c) for c in choices]
    if choice:
        body["choice"] = choice
    if opt_out_notice:
        body["opt_out_notice"] = True
    if template:
        body["template"] = template
    if note_of is not None:
        body["note_of"] = note_of
    if line_langs:
        body["line_langs"] = list(line_langs)
    if attachment:
        body["attachment"] = attachment
    return vault.encrypt(json.dumps(body, ensure_ascii=False))


def decode_body(vault: Vault, body_enc: str) -> dict[str, Any]:
    body: dict[str, Any] = json.loads(vault.decrypt(body_enc))
    return body
