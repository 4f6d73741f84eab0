"""The page and Gradio's frontend files, compressed once and served from memory to a whole class.

Every student's browser starts empty, so each one downloads the page (about 1 MB of HTML: Gradio
writes the whole app's configuration into it) and about 90 JavaScript and CSS files. Gradio builds
the page again for each request (a deep copy of the configuration, its root URL written into every
file reference) and compresses every file again with Brotli. Both are the same for every student:
the configuration is fixed once the app is built, and the frontend files are named by their content.
So are the result files Gradio serves (``/gradio_api/file=``, under a hash of their bytes): a lecturer's
picture that 200 following pages fetch is read and checked twice. A result file is kept only from its
second fetch: most are one page's own (a game round, a student's own click), and kept at their first they
filled the cache with pictures nobody asks for again (a class's game rounds: 64 MB of the studio's memory).

``ResponseCache`` is an ASGI middleware that keeps the first successful answer to such a ``GET``,
compressed once, and sends the same bytes to every later request with the same key. The key holds
everything the answer may depend on: path and query, the host and scheme the browser used and the
forwarded headers of a trusted proxy (the page names its own address from them), the cookies and
authorisation (a login changes the page), and whether the browser takes Brotli. Answers that set a
cookie, fail, are partial (``Range``) or too large to keep are passed through as they are, and nothing
else (events, uploads) is touched.

One kind of event is kept too: an event outside the queue whose answer depends on its inputs alone, the
same for every page that sends them (``shared_events``, by Gradio's fn_index). The class's follow events
are such (a lecturer's result as values, ``studio.ui.panels.class_panel``): 200 pages send the same inputs
within a second, and Gradio would post-process the same answer 200 times. Their answer is kept by
(fn_index, inputs, the login's cookies), unless it changes nothing (every output skipped: a link that
could not be read now).
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections import OrderedDict

import brotli
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Paths whose answers are fixed for the life of the server: the page itself, the frontend's files, and the
# result files Gradio serves (named by a hash of their content: the same URL is always the same bytes, so
# a lecturer's picture followed by 200 pages is read from disk and checked by Gradio once).
_FIXED_PREFIXES = ("/assets/", "/static/", "/gradio_api/file=")
_FIXED_PATHS = ("/", "/theme.css", "/favicon.ico")
_RESULT_FILES = "/gradio_api/file="  # kept from their second fetch (the module's docstring)
SEEN_ONCE_MAX = 4096  # result files fetched once, remembered at most (their keys only)
_COMPRESSIBLE = ("text/", "application/javascript", "application/json", "image/svg+xml")
BROTLI_QUALITY = 9  # paid once per file, not once per student


class ResponseCache:
    """Keeps the fixed answers of the studio's web server (see the module's docstring)."""

    def __init__(self, app: ASGIApp, max_bytes: int = 64 << 20, shared_events: set | None = None) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.shared_events = set() if shared_events is None else shared_events  # filled as the page is built
        self._making: dict[tuple, asyncio.Future] = {}  # a shared event's answer being made, by key
        self._lock = threading.Lock()
        self._entries: OrderedDict[tuple, tuple[Message, bytes]] = OrderedDict()
        self._bytes = 0
        self._seen_once: OrderedDict[tuple, None] = OrderedDict()  # result files fetched once, not kept
        self.hits = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.shared_events and scope["type"] == "http" and scope.get("method") == "POST" \
                and scope["path"].endswith(_EVENT_PATH):
            await self._event(scope, receive, send)
            return
        if scope["type"] != "http" or scope.get("method") != "GET" or not _is_fixed(scope):
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        if "range" in headers:
            await self.app(scope, receive, send)
            return
        takes_brotli = "br" in headers.get("accept-encoding", "")
        key = (scope.get("root_path", ""), scope["path"], scope.get("query_string", b""), scope.get("scheme"),
               headers.get("host"), *(headers.get(name) for name in _ADDRESS_HEADERS),
               _page_cookies(headers.get("cookie")), headers.get("authorization"), takes_brotli)
        with self._lock:
            kept = self._entries.get(key)
            if kept is not None:
                self._entries.move_to_end(key)
                self.hits += 1
        if kept is not None:
            start, body = kept
            await send(start)
            await send({"type": "http.response.body", "body": body})
            return
        messages: list[Message] = []
        passing = False  # a file too large to keep is sent on as it comes, never held in memory

        async def capture(message: Message) -> None:
            nonlocal passing
            if not passing and message["type"] == "http.response.start" and self._too_large(message):
                passing = True
            if passing:
                await send(message)
            else:
                messages.append(message)

        await self.app(scope, receive, capture)
        if passing:
            return
        answer = _whole_answer(messages, takes_brotli)
        if answer is None:  # not a plain, complete, cookie-free success: pass it on as it was
            for message in messages:
                await send(message)
            return
        if not scope["path"].startswith(_RESULT_FILES) or self._seen_before(key):
            self._keep(key, answer)
        start, body = answer
        await send(start)
        await send({"type": "http.response.body", "body": body})

    async def _event(self, scope: Scope, receive: Receive, send: Send) -> None:
        """An event outside the queue: a shared event's kept answer, or the app's (kept when it is one)."""
        chunks, more = [], True
        while more:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                return
            chunks.append(message.get("body", b""))
            more = message.get("more_body", False)
        body = b"".join(chunks)
        headers = Headers(scope=scope)
        key = _event_key(body, self.shared_events)
        if key is not None:  # a login (--auth) is the app's to check: a page without it never shares an answer
            key = (*key, _page_cookies(headers.get("cookie")), headers.get("authorization"))
        with self._lock:
            kept = self._entries.get(key) if key is not None else None
            if kept is not None:
                self._entries.move_to_end(key)
                self.hits += 1
        if kept is not None:
            await send(kept[0])
            await send({"type": "http.response.body", "body": kept[1]})
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        if key is None:
            await self.app(scope, replay, send)
            return
        # 200 pages send the same inputs within a second: the first one's answer is awaited by the others
        # (on the server's event loop: nothing to lock), not made 200 times over
        waiting = self._making.get(key)
        if waiting is not None:
            answer = await asyncio.shield(waiting)
            if answer is not None:
                await send(answer[0])
                await send({"type": "http.response.body", "body": answer[1]})
                return
        made = self._making[key] = asyncio.get_running_loop().create_future()
        messages: list[Message] = []

        async def capture(message: Message) -> None:
            messages.append(message)

        try:
            await self.app(scope, replay, capture)
        finally:
            answer = _whole_answer(messages, takes_brotli=False)
            keep = answer is not None and _changes_something(answer[1])
            if keep:
                self._keep(key, answer)
            self._making.pop(key, None)
            made.set_result(answer if keep else None)  # the others make their own when it was not kept
        for message in messages:
            await send(message)

    def _too_large(self, start: Message) -> bool:
        length = Headers(raw=start["headers"]).get("content-length")
        return length is not None and length.isdigit() and int(length) > self.max_bytes // 4

    def _seen_before(self, key: tuple) -> bool:
        """Whether this result file was fetched before (else it is remembered as fetched once)."""
        with self._lock:
            if self._seen_once.pop(key, False) is None:
                return True
            self._seen_once[key] = None
            if len(self._seen_once) > SEEN_ONCE_MAX:
                self._seen_once.popitem(last=False)
            return False

    def _keep(self, key: tuple, answer: tuple[Message, bytes]) -> None:
        size = len(answer[1])
        if size > self.max_bytes // 4:
            return
        with self._lock:
            if key not in self._entries:
                self._entries[key] = answer
                self._bytes += size
            while self._bytes > self.max_bytes:
                _, (_, body) = self._entries.popitem(last=False)
                self._bytes -= len(body)


_EVENT_PATH = "/run/predict"  # Gradio's events outside the queue
_SKIPPED = {"__type__": "update"}


def _event_key(body: bytes, shared: set) -> tuple | None:
    """The key of a shared event's request (its fn_index and inputs), or None for any other."""
    try:
        request = json.loads(body)
        fn_index = request["fn_index"]
        if fn_index not in shared:
            return None
        return ("event", fn_index, json.dumps(request.get("data"), sort_keys=True))
    except (ValueError, KeyError, TypeError):
        return None


def _changes_something(body: bytes) -> bool:
    """Whether an event's answer sets at least one output (an answer that skips them all is not kept)."""
    try:
        return any(value != _SKIPPED for value in json.loads(body).get("data", []))
    except (ValueError, AttributeError):
        return False


def _is_fixed(scope: Scope) -> bool:
    path = scope["path"]
    return path in _FIXED_PATHS or path.startswith(_FIXED_PREFIXES)


def _whole_answer(messages: list[Message], takes_brotli: bool) -> tuple[Message, bytes] | None:
    """(start message, body) of a complete 200 answer without cookies, compressed once; else None."""
    if not messages or messages[0]["type"] != "http.response.start" or messages[0]["status"] != 200:
        return None
    if any(message["type"] != "http.response.body" for message in messages[1:]):
        return None
    start = messages[0]
    headers = MutableHeaders(raw=list(start["headers"]))
    if "set-cookie" in headers:
        return None
    body = b"".join(message.get("body", b"") for message in messages[1:])
    if (takes_brotli and "content-encoding" not in headers
            and headers.get("content-type", "").startswith(_COMPRESSIBLE) and len(body) > 400):
        body = brotli.compress(body, quality=BROTLI_QUALITY)
        headers["content-encoding"] = "br"
        headers.add_vary_header("Accept-Encoding")
    headers["content-length"] = str(len(body))
    return {"type": "http.response.start", "status": 200, "headers": headers.raw}, body


# Gradio writes the page's own address (its root) from these when a request has them: a page asked for
# with one is another page (studio.ui.frame.forwarded keeps them to trusted proxies; this keeps a trusted
# proxy's answer for one host from reaching a browser that used another).
_ADDRESS_HEADERS = ("x-forwarded-host", "x-forwarded-proto", "x-gradio-server", "forwarded")

# The class session's own cookies (a browser's random id, the lecturer key) and nginx's route cookie
# (deploy/nginx.conf) change nothing in the page: every student's page is the same answer, and the
# lecturer's panel is shown by an event, not the page. Keyed by them, each student would miss the cache
# (measured behind nginx: 0.59 s of server CPU a page instead of 0.2 s).
_CLASS_COOKIES = ("studio_browser=", "studio_lecturer_", "__Host-studio_lecturer=", "studio_route=")


def _page_cookies(cookie: str | None) -> str | None:
    """The cookies that may change the page: all but the class session's and the route's (None if none)."""
    if not cookie:
        return None
    kept = "; ".join(part for part in (p.strip() for p in cookie.split(";")) if not part.startswith(_CLASS_COOKIES))
    return kept or None
