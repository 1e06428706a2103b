"""axe-core in the page: every WCAG rule it has, run in real Chromium, any violation fails.

The file comes from deploy/axe-core.sh (pinned version, tarball checked against the npm
registry's SHA-512); it is checked again here by SHA-256 and injected from disk, so a
test never loads anything from the network.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Page

from tests.support.settings import STRICT

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / ".cache" / "axe-core" / "axe.min.js"
#: Must match FILE_SHA256 in deploy/axe-core.sh.
AXE_SHA256 = "29348999450cdf2849a8e70b7912fc2da85a849da39c0d0d5394f51d4a9ed95c"

#: WCAG 2.0–2.2 A and AA, plus axe's best practices (landmarks, headings, regions).
RULESETS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


@cache
def _source() -> str:
    if not AXE.is_file():
        message = f"no axe-core at {AXE}; run deploy/axe-core.sh (deploy/setup.sh --test does)"
        if STRICT:
            pytest.fail(message)
        pytest.skip(message)
    data = AXE.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if digest != AXE_SHA256:
        pytest.fail(f"{AXE} has SHA-256 {digest}, expected {AXE_SHA256}; run deploy/axe-core.sh")
    return data.decode("utf-8")


async def violations(page: Page, *, exclude: list[str] | None = None) -> list[dict[str, Any]]:
    """axe's violations on the page as it is now (each with its rule id, impact and nodes)."""
    if not await page.evaluate("typeof window.axe === 'object'"):
        # Evaluated through the DevTools protocol: the page's CSP (script-src 'self')
        # stays in force for the page's own scripts.
        await page.evaluate(_source())
    result: dict[str, Any] = await page.evaluate(
        """async ([tags, exclude]) => axe.run(
            {include: [document], exclude: exclude.map(s => [s])},
            {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})""",
        [RULESETS, exclude or []],
    )
    return list(result["violations"])


def describe(found: list[dict[str, Any]]) -> str:
    """Violations as lines a person can act on: rule, impact, help and the elements."""
    lines = []
    for violation in found:
        targets = ", ".join(str(node["target"]) for node in violation["nodes"][:5])
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']} — {targets}")
    return "\n".join(lines)


async def assert_accessible(page: Page, where: str) -> None:
    found = await violations(page)
    assert not found, f"axe-core found {len(found)} violation(s) on {where}:\n{describe(found)}"
