"""How students reach the class: the address for them to type or scan, and its QR code.

The address, first found first taken:
1. the one the lecturer typed in the panel (they see the room; the studio may not);
2. the public address the operator gave (``--public-url``, ``$STUDIO_PUBLIC_URL``: behind a proxy, in a
   container, under compose);
3. the share link under ``--share``;
4. the address the lecturer's own page used, when that is not loopback (the projector opened the studio
   by the address students can use too);
5. with ``--host 0.0.0.0``, the address of the interface that carries the default route (read from
   ``/proc/net/route``), else of any interface, never a container bridge (``docker*``, ``br-*``,
   ``veth*``, ...): a laptop with Docker installed has 172.17.0.1, where no phone can go.
Interfaces are listed (``ifaddr``), never probed by sending anything anywhere. A studio listening only on
127.0.0.1 cannot be reached from a student's phone, and the lecturer is told so and which flag fixes it;
a studio in a container that knows only its container's address says so too.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

import numpy as np

from studio.checks import UserError

LOCAL_ONLY = ("Students cannot reach this studio: it listens only on this computer (127.0.0.1). "
              "Start it with --host 0.0.0.0 for the room's network, or with --share for a public link.")
NO_NETWORK = ("This computer has no network address students could reach: connect it to the room's "
              "network, or start the studio with --share for a public link.")
IN_CONTAINER = ("This studio runs in a container and sees only the container's own address ({address}), which "
                "no phone can open: start it with STUDIO_PUBLIC_URL=http://SERVER:PORT (or --public-url), "
                "or type the address students use below.")
# Virtual interfaces of containers and VMs: their addresses are on this machine only.
VIRTUAL_PREFIXES = ("docker", "br-", "veth", "virbr", "cni", "flannel", "podman", "vmnet", "vboxnet", "lxc", "lxd")
ROUTE_TABLE = Path("/proc/net/route")
CONTAINER_MARKS = (Path("/.dockerenv"), Path("/run/.containerenv"))


def default_route_interface(table: Path = ROUTE_TABLE) -> str | None:
    """The interface of the default route (the lowest metric), from the kernel's routing table; None
    where there is no such table (not Linux) or no default route."""
    try:
        lines = table.read_text().splitlines()[1:]
    except OSError:
        return None
    routes = []
    for line in lines:
        fields = line.split()
        if len(fields) >= 7 and fields[1] == "00000000" and int(fields[3], 16) & 1:  # destination 0/0, up
            routes.append((int(fields[6]), fields[0]))
    return min(routes)[1] if routes else None


def lan_addresses(adapters=None, default_interface: str | None = None) -> list[str]:
    """This machine's IPv4 addresses that another machine on its network could use: no loopback or
    link-local ones, none of a container bridge; the default route's interface first, then private ranges
    (a classroom's Wi-Fi is almost always one)."""
    if adapters is None:
        import ifaddr  # lazy: only a class session lists the network interfaces

        adapters = ifaddr.get_adapters()
        default_interface = default_route_interface()
    found = {}
    for adapter in adapters:
        name = str(getattr(adapter, "name", ""))
        if name.startswith(VIRTUAL_PREFIXES):
            continue
        for ip in adapter.ips:
            if not isinstance(ip.ip, str):  # IPv6 addresses come as tuples; a phone types IPv4
                continue
            address = ipaddress.ip_address(ip.ip)
            if address.is_loopback or address.is_link_local or address.is_unspecified:
                continue
            found.setdefault(address, name == default_interface)
    return [str(a) for a in sorted(found, key=lambda a: (not found[a], not a.is_private, a))]


def in_container() -> bool:
    """Whether this process runs in a Docker or Podman container."""
    return any(mark.exists() for mark in CONTAINER_MARKS)


def checked_url(url: str) -> str:
    """``url`` when it is an http(s) address a phone can open; one sentence otherwise."""
    url = (url or "").strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UserError(f"{url[:60]!r} is not an address a phone can open: write it as http://HOST:PORT "
                        "(for example http://192.168.0.12:7860).")
    return url


def _is_loopback(host: str) -> bool:
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:  # a host name, e.g. the machine's name
        return host.endswith(".localhost")


@dataclass(frozen=True)
class JoinAddress:
    """The address students should open (None when there is none) and, if so, why not."""

    url: str | None
    problem: str | None = None


def student_address(host: str, port: int, code: str, share_url: str | None = None,
                    addresses: list[str] | None = None, public_url: str | None = None,
                    page: tuple[str, str] | None = None, container: bool | None = None) -> JoinAddress:
    """Where students join, with the class code (see the module's docstring for the order): ``public_url``
    (the lecturer's correction or ``--public-url``), the share link, the lecturer page's own ``page``
    (scheme, host[:port]) unless loopback, else this machine's network address when the studio listens on
    every interface (``--host 0.0.0.0``) or on one given address."""
    query = urlencode({"class": code})
    for given in (public_url, share_url):
        if given:
            scheme, netloc, path, _, _ = urlsplit(given)
            return JoinAddress(urlunsplit((scheme, netloc, path or "/", query, "")))
    if page is not None and page[1] and not _is_loopback(urlsplit(f"//{page[1]}").hostname or ""):
        return JoinAddress(f"{page[0]}://{page[1]}/?{query}")
    if host in ("0.0.0.0", "::", ""):
        addresses = lan_addresses() if addresses is None else addresses
        if not addresses:
            return JoinAddress(None, NO_NETWORK)
        if in_container() if container is None else container:
            return JoinAddress(None, IN_CONTAINER.format(address=addresses[0]))
        return JoinAddress(f"http://{addresses[0]}:{port}/?{query}")
    if _is_loopback(host):
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
