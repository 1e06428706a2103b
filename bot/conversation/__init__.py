"""Conversations, the public names: the engine and what a flow is."""

from bot.conversation.engine import Duplicate, Engine, Handled, InboundOutcome
from bot.conversation.flow import (
    Context,
    ConversationView,
    Flow,
    Input,
    Operator,
    PersonView,
    Router,
    Step,
)
from bot.conversation.scope import Advice, Cases, MyData, Ports, Relay, Requests, StepScope

__all__ = [
    "Advice",
    "Cases",
    "Context",
    "ConversationView",
    "Duplicate",
    "Engine",
    "Flow",
    "Handled",
    "InboundOutcome",
    "Input",
    "MyData",
    "Operator",
    "PersonView",
    "Ports",
    "Relay",
    "Requests",
    "Router",
    "Step",
    "StepScope",
]
