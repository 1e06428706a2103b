"""The payload of Lotse's own message that shows a service's answer: only
`case-reply:<digits>` is one; anything else is some other payload (or none)."""

from __future__ import annotations

import pytest

from bot.cases import REPLY_PAYLOAD, reply_id
from bot.conversation import Input
from flows.relay import REPLY_PAYLOAD as FLOW_PAYLOAD
from flows.relay import case_reply, reply_of


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        ("case-reply:12", 12),
        ("case-reply:0012", 12),
        ("case-reply:", None),
        ("case-reply:12a", None),
        ("case-reply:-1", None),
        ("case-reply:" + "9" * 19, None),
        ("transfer-result:12", None),
        (None, None),
    ],
)
def test_only_a_well_formed_payload_names_a_message(
    payload: str | None, expected: int | None
) -> None:
    assert reply_of(payload) == expected
    assert reply_id(payload) == expected  # the job's side reads it the same way


def test_the_flow_and_the_job_agree_on_the_prefix() -> None:
    assert FLOW_PAYLOAD == REPLY_PAYLOAD


def test_a_payload_opens_the_relay_flow_with_the_message() -> None:
    step = case_reply(Input(payload="case-reply:7"))
    assert step is not None and step.flow == "relay" and dict(step.data) == {"message": 7}
    assert case_reply(Input(text="case-reply:7")) is None  # typed text is no payload
