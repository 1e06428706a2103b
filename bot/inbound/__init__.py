"""Inbound messages, acknowledged fast and lost never: the inbox, the spool, the workers.

A webhook (or the chat API) authenticates, hands its message to `Inbox.accept` and
answers; the workers run the conversation step later, in order per sender, on every
process. While the database is away, accepted messages wait in a local spool.
"""

# Re-exported for the web layer, which does not import bot.db.
from bot.db.outage import database_away
from bot.inbound.accept import Accepted
from bot.inbound.inbox import Inbox
from bot.inbound.spool import Spool, SpoolFull

__all__ = ["Accepted", "Inbox", "Spool", "SpoolFull", "database_away"]
