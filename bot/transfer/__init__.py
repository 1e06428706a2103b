"""Taking one's data along to another installation of Lotse (docs/transfer.md)."""

from bot.transfer.codes import TransferCode, find_transfer_code, new_code
from bot.transfer.document import Document, DocumentError, Item, Items, read_document
from bot.transfer.fetcher import RESULT_PAYLOAD, FetchStatus, TransferFetcher, result_id
from bot.transfer.identity import (
    Identity,
    Peer,
    TransferConfigError,
    fingerprint,
    key_path,
    load_identity,
    load_key,
    load_peers,
    parse_peers,
    public_text,
)
from bot.transfer.jobs import purge_transfers, transfer_jobs
from bot.transfer.port import Issued, Pending, Transfers, transfers_port
from bot.transfer.receive import Failure, Received, claim_message
from bot.transfer.signing import BadSignature, Purpose, canonical, open_signed, sign
from bot.transfer.source import Answer, ClaimError, answer_claim

__all__ = [
    "RESULT_PAYLOAD",
    "Answer",
    "BadSignature",
    "ClaimError",
    "Document",
    "DocumentError",
    "Failure",
    "FetchStatus",
    "Identity",
    "Issued",
    "Item",
    "Items",
    "Peer",
    "Pending",
    "Purpose",
    "Received",
    "TransferCode",
    "TransferConfigError",
    "TransferFetcher",
    "Transfers",
    "answer_claim",
    "canonical",
    "claim_message",
    "find_transfer_code",
    "fingerprint",
    "key_path",
    "load_identity",
    "load_key",
    "load_peers",
    "new_code",
    "open_signed",
    "parse_peers",
    "public_text",
    "purge_transfers",
    "read_document",
    "result_id",
    "sign",
    "transfer_jobs",
    "transfers_port",
]
