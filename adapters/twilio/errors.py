"""What Twilio's HTTP statuses and error codes mean for the outbox."""

from __future__ import annotations

from bot.messaging import OptedOut, PermanentFailure, TemporaryFailure

OPTED_OUT = 21610
TOO_MANY_REQUESTS = 20429
#: Errors that say the number itself cannot receive on this channel.
UNREACHABLE = frozenset(
    {
        21211,  # invalid 'To' number
        21214,  # 'To' number cannot be reached
        21217,  # number does not appear to be valid
        21612,  # not reachable via SMS
        21614,  # not a mobile number
        63003,  # WhatsApp: no WhatsApp account at this number
        63024,  # WhatsApp: invalid recipient
    }
)


def failure(status: int, code: int | None) -> TemporaryFailure | PermanentFailure:
    """What a Twilio error means for the outbox. The reason carries Twilio's error code,
    never a text or a number."""
    label = f"Twilio error {code} (HTTP {status})" if code else f"Twilio HTTP {status}"
    if code == OPTED_OUT:
        return OptedOut(f"recipient opted out: {label}")
    if code == TOO_MANY_REQUESTS or status == 429 or status >= 500:
        return TemporaryFailure(label)
    if status == 401:
        # Wrong credentials are the operator's to fix; retrying keeps the messages.
        return TemporaryFailure(f"Twilio refused the credentials: {label}")
    return PermanentFailure(label, unreachable=code in UNREACHABLE)


def error_code(value: object) -> int | None:
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return None
