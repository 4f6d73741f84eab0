"""Forwarded headers are believed only from the proxies the operator named, never from a client.

Gradio builds the page's own address (its ``root``, where the page sends every event and upload) from
``X-Forwarded-Host``, ``X-Forwarded-Proto`` and ``X-Gradio-Server`` when a request carries them. A student
with ``curl`` could otherwise name another machine there. ``TrustedProxies`` is the outermost ASGI
middleware of the studio: a request whose peer is a trusted proxy (``--forwarded-allow-ips``, as uvicorn's
own flag of that name; by default this machine, where a local nginx runs) is handed to uvicorn's
``ProxyHeadersMiddleware``, which takes the browser's address and scheme from those headers. From anyone
else, every forwarded header is removed before the studio sees the request.

uvicorn applies the same middleware itself with its own list, from ``$FORWARDED_ALLOW_IPS``, before ours
can see who the peer was; ``launch`` therefore empties that list, and the decision is made here alone.
"""

from __future__ import annotations

import ipaddress
import os

from starlette.types import ASGIApp, Receive, Scope, Send
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

DEFAULT_TRUSTED = "127.0.0.1,::1"
FORWARDED_HEADERS = frozenset({b"forwarded", b"x-forwarded-for", b"x-forwarded-host", b"x-forwarded-proto",
                               b"x-forwarded-port", b"x-forwarded-prefix", b"x-forwarded-server", b"x-real-ip",
                               b"x-gradio-server"})


def trusted_from_environment() -> str:
    """The trusted proxies as uvicorn reads them (``$FORWARDED_ALLOW_IPS``), or this machine alone."""
    return os.environ.get("FORWARDED_ALLOW_IPS") or DEFAULT_TRUSTED


class TrustedProxies:
    """Forwarded headers from ``trusted`` peers only (a comma-separated list of addresses and networks,
    or ``*`` for every peer: a studio that only its proxy can reach, as in ``deploy/compose.yaml``)."""

    def __init__(self, app: ASGIApp, trusted: str = DEFAULT_TRUSTED) -> None:
        self.app = app
        entries = [item.strip() for item in trusted.split(",") if item.strip()]
        self.everyone = "*" in entries
        self.networks = [ipaddress.ip_network(item, strict=False) for item in entries if item != "*"]
        # uvicorn's walks X-Forwarded-For from the right past the trusted proxies to the browser's address
        self.proxied = ProxyHeadersMiddleware(app, trusted_hosts=entries)

    def trusts(self, peer: str | None) -> bool:
        """Whether ``peer`` (the address the request came from) is a trusted proxy."""
        if self.everyone:
            return True
        try:
            address = ipaddress.ip_address(peer or "")
        except ValueError:  # a unix socket, or no peer at all
            return False
        return any(address in network for network in self.networks)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        if self.trusts(client[0] if client else None):
            await self.proxied(scope, receive, send)
            return
        headers = scope.get("headers", [])
        if any(name in FORWARDED_HEADERS for name, _ in headers):
            scope = {**scope, "headers": [(name, value) for name, value in headers if name not in FORWARDED_HEADERS]}
        await self.app(scope, receive, send)
