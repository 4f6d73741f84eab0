"""How students reach the class: the address for them to type or scan, and its QR code.

The address is the share link under ``--share``; otherwise the machine's own network address, found by
listing its interfaces (``ifaddr``), never by sending anything anywhere. A studio listening only on
127.0.0.1 cannot be reached from a student's phone, and the lecturer is told so and which flag fixes it.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit, urlunsplit

import numpy as np

LOCAL_ONLY = ("Students cannot reach this studio: it listens only on this computer (127.0.0.1). "
              "Start it with --host 0.0.0.0 for the room's network, or with --share for a public link.")
NO_NETWORK = ("This computer has no network address students could reach: connect it to the room's "
              "network, or start the studio with --share for a public link.")


def lan_addresses() -> list[str]:
    """This machine's IPv4 addresses that another machine on its network could use (no loopback or
    link-local ones), private ranges first: a classroom's Wi-Fi is almost always one."""
    import ifaddr  # lazy: only a class session lists the network interfaces

    found = []
    for adapter in ifaddr.get_adapters():
        for ip in adapter.ips:
            if not isinstance(ip.ip, str):  # IPv6 addresses come as tuples; a phone types IPv4
                continue
            address = ipaddress.ip_address(ip.ip)
            if address.is_loopback or address.is_link_local or address.is_unspecified:
                continue
            found.append(address)
    return [str(a) for a in sorted(set(found), key=lambda a: (not a.is_private, a))]


@dataclass(frozen=True)
class JoinAddress:
    """The address students should open (None when there is none) and, if so, why not."""

    url: str | None
    problem: str | None = None


def student_address(host: str, port: int, code: str, share_url: str | None = None,
                    addresses: list[str] | None = None) -> JoinAddress:
    """Where students join: the share link, else this machine's network address when the studio
    listens on every interface (``--host 0.0.0.0``) or on one given address; with the class code."""
    query = urlencode({"class": code})
    if share_url:
        scheme, netloc, path, _, _ = urlsplit(share_url)
        return JoinAddress(urlunsplit((scheme, netloc, path or "/", query, "")))
    if host in ("0.0.0.0", "::", ""):
        addresses = lan_addresses() if addresses is None else addresses
        if not addresses:
            return JoinAddress(None, NO_NETWORK)
        return JoinAddress(f"http://{addresses[0]}:{port}/?{query}")
    try:
        if ipaddress.ip_address(host).is_loopback:
            return JoinAddress(None, LOCAL_ONLY)
    except ValueError:  # a host name, e.g. localhost or the machine's name
        if host == "localhost":
            return JoinAddress(None, LOCAL_ONLY)
    return JoinAddress(f"http://{host}:{port}/?{query}")


def qr_picture(url: str, scale: int = 10) -> np.ndarray:
    """A QR code of ``url`` as a black-on-white uint8 picture (segno: a well-kept QR library), with
    its quiet zone, large enough to scan from the back of a lecture hall when projected."""
    import segno  # lazy: only a class session draws a QR code

    matrix = np.array(segno.make(url, error="m").matrix, dtype=bool)
    matrix = np.pad(matrix, 4)  # the quiet zone of four modules that scanners need
    picture = np.where(matrix, 0, 255).astype(np.uint8)
    return np.kron(picture, np.ones((scale, scale), dtype=np.uint8))
