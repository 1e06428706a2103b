"""Schema-driven fuzzing (schemathesis) of the office API on the live test server:
valid and invalid requests generated from /api/v1/openapi.json never get a 5xx, and
every answer conforms to the document (status code, content type, body schema)."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import hypothesis
import schemathesis
from aiohttp.test_utils import TestClient
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import ignored_auth, negative_data_rejection

from bot.runtime.services import Services
from tests.support.fuzz import CONFORMANCE, EXAMPLES, SETTINGS, fuzz_all
from tests.support.offices import body, make_office


@schemathesis.serializer("text/csv")
def _csv(ctx: Any, value: Any) -> bytes:
    return (value if isinstance(value, str) else json.dumps(value)).encode()


def fuzz(document: dict[str, Any], base_url: str, key: str) -> tuple[list[str], dict[str, int]]:
    """The failures, and the calls made per operation, mode and status."""
    calls: dict[str, int] = {}
    failures = fuzz_all(
        schemathesis.openapi.from_dict(document),
        lambda operation, mode: fuzz_operation(operation, mode, base_url, key, calls),
    )
    return failures, calls


def fuzz_operation(
    operation: schemathesis.APIOperation[Any, Any, Any, Any],
    mode: GenerationMode,
    base_url: str,
    key: str,
    calls: dict[str, int],
) -> None:
    last = ignored_auth if mode is GenerationMode.POSITIVE else negative_data_rejection
    checks = [*CONFORMANCE, last]

    @SETTINGS
    @hypothesis.given(case=operation.as_strategy(generation_mode=mode))
    def run(case: schemathesis.Case[Any]) -> None:
        headers = {"Authorization": f"Bearer {key}"}
        response = case.call(base_url=base_url, headers=headers, timeout=30)
        label = f"{operation.label} {mode.value} {response.status_code}"
        calls[label] = calls.get(label, 0) + 1
        case.validate_response(response, checks=checks)

    run()


async def test_fuzzing_finds_no_server_error_and_no_undocumented_answer(
    client: TestClient[Any, Any], services: Services
) -> None:
    caller = await make_office(services, "amt-fuzz")
    for n in range(3):  # something to read and list
        response = await client.post(
            "/api/v1/invitations", json=body(reference=f"AZ-{n}"), headers=caller.headers
        )
        assert response.status == 201
    document = await (await client.get("/api/v1/openapi.json")).json()
    base_url = str(client.make_url("")).rstrip("/")
    failures, calls = await asyncio.to_thread(fuzz, document, base_url, caller.key)
    print("\n".join(f"{n:4} {label}" for label, n in sorted(calls.items())))
    assert not failures, "\n\n".join(failures)
    assert sum(calls.values()) >= 4 * 2 * EXAMPLES // 2  # it really ran
    assert any(label.endswith(" 201") for label in calls)  # valid invitations got through
