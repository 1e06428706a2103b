"""The client's address, also behind a reverse proxy that Lotse is told to trust.

Behind nginx or a load balancer every request comes from the proxy's address, so a
per-address login throttle would lock out everyone at once. Only proxies listed in
LOTSE_TRUSTED_PROXIES may name the client (X-Forwarded-For); the header is read from
the right, skipping trusted hops, so a client cannot choose its own address by
sending the header itself.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence

from aiohttp import web

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def client_address(request: web.Request, trusted: Sequence[Network]) -> str:
    peer = request.remote or "unknown"
    if not trusted or not _trusted(peer, trusted):
        return peer
    hops = [
        hop.strip()
        for header in request.headers.getall("X-Forwarded-For", [])
        for hop in header.split(",")
    ]
    for hop in reversed(hops):
        if not _is_address(hop):
            return peer  # a garbled chain: the last trustworthy address is the proxy
        if not _trusted(hop, trusted):
            return hop
    return hops[0] if hops else peer


def _is_address(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def _trusted(address: str, trusted: Sequence[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in trusted)
