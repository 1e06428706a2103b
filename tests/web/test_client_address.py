"""Who the client is behind a reverse proxy (for the staff login throttle)."""

from __future__ import annotations

import ipaddress
from unittest.mock import Mock

import pytest
from aiohttp.test_utils import make_mocked_request
from multidict import CIMultiDict

from bot.web.client_address import client_address

PROXIES = (ipaddress.ip_network("10.0.0.0/8"), ipaddress.ip_network("::1/128"))


def request(peer: str, *forwarded: str) -> object:
    headers = CIMultiDict(("X-Forwarded-For", value) for value in forwarded)
    transport = Mock(get_extra_info=Mock(return_value=(peer, 40000)))
    return make_mocked_request("POST", "/office/login", headers=headers, transport=transport)


@pytest.mark.parametrize(
    ("peer", "forwarded", "expected"),
    [
        ("203.0.113.5", ("198.51.100.1",), "203.0.113.5"),  # not a proxy: header ignored
        ("10.0.0.2", ("198.51.100.1",), "198.51.100.1"),
        ("10.0.0.2", ("192.0.2.9, 198.51.100.1",), "198.51.100.1"),  # rightmost untrusted
        ("10.0.0.2", ("198.51.100.1, 10.0.0.3",), "198.51.100.1"),  # two proxies
        ("10.0.0.2", ("192.0.2.9", "198.51.100.1"), "198.51.100.1"),  # header lines
        ("10.0.0.2", ("garbage, 198.51.100.1",), "198.51.100.1"),
        ("10.0.0.2", ("198.51.100.1, garbage",), "10.0.0.2"),  # garbled right after us
        ("10.0.0.2", (), "10.0.0.2"),
        ("10.0.0.2", ("10.0.0.4",), "10.0.0.4"),  # only proxies: the farthest one
        ("::1", ("2001:db8::7",), "2001:db8::7"),
    ],
)
def test_the_client_behind_trusted_proxies(
    peer: str, forwarded: tuple[str, ...], expected: str
) -> None:
    assert client_address(request(peer, *forwarded), PROXIES) == expected  # type: ignore[arg-type]


def test_nothing_trusted_means_the_peer() -> None:
    assert client_address(request("10.0.0.2", "198.51.100.1"), ()) == "10.0.0.2"  # type: ignore[arg-type]
