"""The conversations Lotse has with people, one module each."""

from __future__ import annotations

from bot.i18n import Catalogs
from bot.invitations import Connector
from flows.advice import AdviceFlow
from flows.delete import Delete
from flows.handoff import HandoffFlow
from flows.help import Help
from flows.holders import HoldersFlow
from flows.invitation import InvitationFlow
from flows.letter_address import LetterAddress
from flows.menu import Menu
from flows.my_consents import MyConsents
from flows.my_data import MyDataFlow
from flows.my_data_export import MyDataExportFlow
from flows.onboarding import Onboarding
from flows.relay import RelayFlow
from flows.rights_due import RightsDue
from flows.rights_request import RightsRequest
from flows.router import FlowRouter
from flows.settings import SettingsFlow
from flows.transfer import TransferFlow


def build_router(catalogs: Catalogs) -> FlowRouter:
    # The features above bot.conversation that flows use, each bound to one step by the
    # engine when a flow asks `ctx.port(...)`: wired here, where both sides may be
    # imported, so the conversation package need not know invitations, and a flow
    # never holds the session (bot/conversation/scope.py).
    ports = {Connector: Connector}
    return FlowRouter(
        [
            Onboarding(),
            Menu(),
            SettingsFlow(),
            LetterAddress(),
            MyConsents(),
            MyDataFlow(),
            MyDataExportFlow(),
            HoldersFlow(),
            AdviceFlow(),
            HandoffFlow(),
            Delete(),
            Help(),
            InvitationFlow(),
            TransferFlow(),
            RightsRequest(),
            RightsDue(),
            RelayFlow(),
        ],
        catalogs,
        ports,
    )
