"""The conversations Lotse has with people, one module each."""

from __future__ import annotations

from bot.i18n import Catalogs
from flows.delete import Delete
from flows.help import Help
from flows.invitation import InvitationFlow
from flows.menu import Menu
from flows.my_consents import MyConsents
from flows.onboarding import Onboarding
from flows.router import FlowRouter
from flows.settings import SettingsFlow


def build_router(catalogs: Catalogs) -> FlowRouter:
    return FlowRouter(
        [Onboarding(), Menu(), SettingsFlow(), MyConsents(), Delete(), Help(), InvitationFlow()],
        catalogs,
    )
