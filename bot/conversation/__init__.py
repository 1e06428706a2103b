"""Conversations, the public names: the engine and what a flow is."""

from bot.conversation.engine import Engine, InboundOutcome
from bot.conversation.flow import Context, Flow, Input, Operator, Router, Step

__all__ = [
    "Context",
    "Engine",
    "Flow",
    "InboundOutcome",
    "Input",
    "Operator",
    "Router",
    "Step",
]
