"""What the office API's and the chat API's OpenAPI documents are made of alike."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

REF = "#/components/schemas/{model}"


def ref(model: str) -> dict[str, str]:
    return {"$ref": REF.format(model=model)}


def json_answer(model: str, description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": ref(model)}}}


def error_answers(model: str, described: Mapping[str, str], *codes: str) -> dict[str, Any]:
    """The error answers with these status codes, each with the error body `model`."""
    return {code: json_answer(model, described[code]) for code in codes}


def schemas(
    models: Sequence[tuple[type[BaseModel], Literal["validation", "serialization"]]],
) -> dict[str, Any]:
    """The components' schemas of the models (requests validated, answers serialised)."""
    _, found = models_json_schema(models, ref_template=REF)
    defs: dict[str, Any] = found["$defs"]
    return defs
