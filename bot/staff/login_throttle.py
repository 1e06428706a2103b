"""How often staff may get their password wrong, and from where.

An outsider must not be able to lock a staff member out by typing wrong passwords for
their e-mail address, so failures slow down the pair (account, client) and the client,
not the account as such:
- one client and one account: 5 failures in 15 minutes, then that client waits;
- one client, any accounts: 20 failures in 15 minutes, then that client waits;
- one account from anywhere: 50 failures in an hour means the account is under attack;
  until that calms down, only its usual places (the clients it last logged in from)
  may still try, so the staff member at the office logs in as usual.
Unknown e-mail addresses are counted alike, so the answers tell nothing about which
addresses have a login. `lotse office user unlock` forgets an account's failures.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import StaffUser
from bot.kernel.crypto import Vault
from bot.throttle import Limit, client_key, forget, key_of, reached, record

LOGIN = "login"
PAIR_LIMIT = Limit(LOGIN, 5, timedelta(minutes=15))
CLIENT_LIMIT = Limit(LOGIN, 20, timedelta(minutes=15))
ACCOUNT_LIMIT = Limit(LOGIN, 50, timedelta(hours=1))
#: How many usual places (clients of successful logins) an account keeps.
KNOWN_CLIENTS = 5


def _account(vault: Vault, email: str) -> str:
    return key_of(vault, "account", email)


async def login_allowed(
    session: AsyncSession, vault: Vault, email: str, address: str, now: datetime
) -> bool:
    account, client = _account(vault, email), client_key(vault, address)
    if await reached(session, PAIR_LIMIT, now, key=account, client=client):
        return False
    if await reached(session, CLIENT_LIMIT, now, client=client):
        return False
    if await reached(session, ACCOUNT_LIMIT, now, key=account):
        known = await session.scalar(
            select(StaffUser.known_clients).where(StaffUser.email == email)
        )
        return client in (known or [])
    return True


def login_failed(
    session: AsyncSession, vault: Vault, email: str, address: str, now: datetime
) -> None:
    record(session, LOGIN, now, key=_account(vault, email), client=client_key(vault, address))


def login_succeeded(user: StaffUser, vault: Vault, address: str) -> None:
    """Remember the client as one of the account's usual places."""
    client = client_key(vault, address)
    user.known_clients = [client, *(c for c in user.known_clients if c != client)][:KNOWN_CLIENTS]


async def unlock_login(session: AsyncSession, vault: Vault, email: str) -> int:
    """Forget every failure counted for the account; how many."""
    return await forget(session, LOGIN, _account(vault, email))
