"""Schema-driven fuzzing (schemathesis) of the web chat API on the live test server:
valid and invalid requests generated from /chat/api/openapi.json never get a 5xx, and
every answer conforms to the document (status code, content type, body schema).

The session in the path is often a real one (fresh, onboarded or erased): a generated
token only ever finds nothing (404)."""

from __future__ import annotations

import asyncio
import os
import re
import sys
from string import ascii_lowercase
from typing import Any

import hypothesis
import schemathesis
from aiohttp.test_utils import TestClient
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.config import SchemathesisConfig
from schemathesis.core.parameters import ParameterLocation
from schemathesis.specs.openapi.checks import negative_data_rejection

from bot.i18n.catalogs import negotiate
from bot.runtime.services import Services
from bot.web.chat import openapi as chat_openapi
from tests.support.factories import ChatPerson
from tests.support.fuzz import CONFORMANCE, SETTINGS, fuzz_all

EXAMPLES = int(os.environ.get("LOTSE_FUZZ_EXAMPLES", "25"))  # deploy/fuzz.sh: more
OPERATIONS = 4
# Invalid data is rejected with one of these: 410 (an erased session refuses before it
# reads the body) and 413 (text over the length limit) are not in schemathesis's list.
CONFIG = SchemathesisConfig.from_dict(
    {"checks": {"negative_data_rejection": {"expected-statuses": [400, 404, 410, 413, 429]}}}
)


def fuzz(
    document: dict[str, Any], base_url: str, sessions: list[str]
) -> tuple[list[str], dict[str, int]]:
    """The failures, and the calls made per operation, mode and status."""
    calls: dict[str, int] = {}
    failures = fuzz_all(
        schemathesis.openapi.from_dict(document, config=CONFIG),
        lambda operation, mode: fuzz_operation(operation, mode, base_url, sessions, calls),
    )
    return failures, calls


def fuzz_operation(
    operation: schemathesis.APIOperation[Any, Any, Any, Any],
    mode: GenerationMode,
    base_url: str,
    sessions: list[str],
    calls: dict[str, int],
) -> None:
    checks = list(CONFORMANCE)
    if mode is GenerationMode.NEGATIVE:
        checks.append(negative_data_rejection)

    @hypothesis.settings(SETTINGS, max_examples=EXAMPLES)
    @hypothesis.given(
        case=operation.as_strategy(generation_mode=mode),
        # None keeps the generated token (hypothesis favours the first: a real one).
        session=st.sampled_from([*sessions, None]),
    )
    def run(case: schemathesis.Case[Any], session: str | None) -> None:
        path = case.meta.components.get(ParameterLocation.PATH) if case.meta else None
        # A negative case whose invalid part is the path must keep its generated token.
        negated_path = path is not None and path.mode is GenerationMode.NEGATIVE
        if session is not None and case.path_parameters and not negated_path:
            case.path_parameters["session"] = session
        response = case.call(base_url=base_url, timeout=30)
        label = f"{operation.label} {mode.value} {response.status_code}"
        calls[label] = calls.get(label, 0) + 1
        case.validate_response(response, checks=checks)

    run()


async def real_sessions(client: TestClient[Any, Any], services: Services) -> list[str]:
    """A fresh session, one past the consent question (records to export), one erased."""
    fresh, onboarded, erased = (ChatPerson(client, services) for _ in range(3))
    await fresh.open(language="ar")
    await onboarded.open(language="en")
    await erased.open(language="de")
    for person in (onboarded, erased):
        for choice in ("continue", "continue", "yes"):
            await person.choose(choice)
    await erased.say("MENU")
    await erased.choose("delete")
    await erased.choose("confirm")
    assert (await client.get(f"/chat/api/sessions/{erased.session}/consents")).status == 410
    return [fresh.session, onboarded.session, erased.session]


async def test_fuzzing_finds_no_server_error_and_no_undocumented_answer(
    client: TestClient[Any, Any], services: Services
) -> None:
    sessions = await real_sessions(client, services)
    document = await (await client.get("/chat/api/openapi.json")).json()
    assert document == chat_openapi.document()
    base_url = str(client.make_url("")).rstrip("/")
    failures, calls = await asyncio.to_thread(fuzz, document, base_url, sessions)
    print("\n".join(f"{n:4} {label}" for label, n in sorted(calls.items())))
    assert not failures, "\n\n".join(failures)
    assert sum(calls.values()) >= OPERATIONS * 2 * EXAMPLES // 2  # it really ran
    for status in ("201", "202", "200", "404", "410"):  # real sessions were used
        assert any(label.endswith(f" {status}") for label in calls), status


def test_the_whitespace_class_is_pythons() -> None:
    """The document's idea of whitespace (in `text` and `language`) is str.strip()'s."""
    every = "".join(chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF)
    matched = set("".join(re.findall(f"[{chat_openapi.SPACE}]+", every)))
    assert matched == {c for c in every if c.isspace()}
    # Only the Kelvin sign lowers to an ASCII letter: LANGUAGE_PATTERN lets it be a "k".
    assert {
        c for c in every if not c.isascii() and len(c.lower()) == 1 and c.lower() in ascii_lowercase
    } == {"\u212a"}


def test_the_language_pattern_takes_what_the_handler_takes() -> None:
    pattern = re.compile(chat_openapi.LANGUAGE_PATTERN)
    samples = ["ar", "AR", "fa-AF", "fa_AF", " de ", "prs", "\u212amr", "en-\u00fc x", "de\n"]
    samples += ["", "xx", "arx", "ar x", "-ar", "d e", "\ufeffde", "\x1cde\x85", "de\u3000"]
    for sample in samples:
        assert bool(pattern.search(sample)) == (negotiate([sample]) is not None), repr(sample)
