"""Schema-driven fuzzing (schemathesis, hypothesis): the checks, the settings, the run."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import hypothesis
import schemathesis
from hypothesis import HealthCheck, Phase
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

EXAMPLES = int(os.environ.get("LOTSE_FUZZ_EXAMPLES", "30"))  # deploy/fuzz.sh: more
#: Every answer: no 5xx, and the status code, content type and body as documented.
CONFORMANCE = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]

#: How hypothesis drives every operation: reproducible, no database of examples.
SETTINGS = hypothesis.settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
Runner = Callable[[schemathesis.APIOperation[Any, Any, Any, Any], GenerationMode], None]


def fuzz_all(schema: schemathesis.BaseSchema, run: Runner) -> list[str]:
    """Run every operation in both modes; the failures, described."""
    failures: list[str] = []
    for result in schema.get_all_operations():
        if not isinstance(result, Ok):
            failures.append(f"invalid operation: {result.err()}")
            continue
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                run(result.ok(), mode)
            except Exception as error:  # collected and reported below
                failures.append(f"{result.ok().label} ({mode.value}): {error}")
    return failures
