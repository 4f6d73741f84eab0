"""The class state pushed to the pages of one studio: one server-sent stream per page, one reader for all.

A page that polled ``studio-class/state`` cost the studio a whole HTTP request per page and second, and
learned of the lecturer's move up to a poll later. With a stream (``studio-class/stream``), a page holds
one connection open, and ``ClassFeed`` asks the store for the class state every ``TICK_S`` for all the
streams of this studio together: one store round trip whatever the number of pages, the presence of
every streaming page noted in it every ``PRESENCE_S``. Only the pages whose state changed are sent
anything, and pages that see the same state (every student with the same class code) share one encoded
event. A quiet stream hears a comment every ``KEEPALIVE_S`` (proxies close silent connections) and ends
after ``STREAM_S``; the browser's ``EventSource`` opens the next one by itself, so cookies are checked
again and a studio being stopped is never held open for long.

Nothing here knows HTTP: ``studio.classroom.web`` turns a listener into a ``text/event-stream`` response.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import socket
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field

from studio.checks import UserError
from studio.classroom.session import ClassSession
from studio.classroom.store import StoreBusy

log = logging.getLogger("studio")

# Which studio answered (behind nginx, one of several): for the operator's eyes and the deployment test.
SERVED_BY = f"{socket.gethostname()}:{os.getpid()}"
STORE_DOWN = "The class's store cannot be reached just now: your page stays as it is, and answers wait until it is back."
TICK_S = 0.2  # the store is asked this often while any page streams: a move reaches the pages within it
PRESENCE_S = 2.0  # the streaming pages are noted as present this often (a page counts as here for 6 s)
KEEPALIVE_S = 10.0
STREAM_S = 120.0
RETRY_MS = 1000  # the browser's wait before it opens the next stream
MAX_STREAMS = 1000  # streams held at most by one studio; a page refused one asks by polling instead
FRESH_S = 1.0  # a state read this recently may answer a stranger's ask (no older than a poll's)


def state_body(session: ClassSession, asked: dict | None, lecturer: bool, code: str | None) -> dict:
    """What a page is told of the class: ``asked`` is ``session.poll``'s answer (None: the store is
    down), ``lecturer`` whether the page is the lecturer's, ``code`` the class code in its address."""
    if asked is None:
        return {"class": True, "problem": STORE_DOWN, "served_by": SERVED_BY}
    body = {"class": True, "lecturer": lecturer, "lecturer_online": asked["lecturer_online"],
            **asked["shown"], "served_by": SERVED_BY}
    try:
        session.check_code(code)
    except UserError as exc:
        body["problem"] = str(exc)
    if lecturer and asked["counts"] is not None:
        body["connected"], body["following"] = asked["counts"]
    return body


@dataclass(eq=False)
class Listener:
    """One page's stream: who it is, and the last state it was sent."""

    browser: str | None  # its verified id (None: not counted as present)
    following: bool
    lecturer: bool
    code: str | None
    event: bytes | None = None  # the newest event for this page, encoded
    changed: asyncio.Event = field(default_factory=asyncio.Event)


class ClassFeed:
    """Every stream of this studio, fed by one reader of the store (see the module's docstring).

    ``ask(fn)`` runs the blocking ``fn`` away from the event loop and raises ``StoreBusy`` or
    ``asyncio.TimeoutError`` when the store is slow (``ClassRoutes`` passes its thread pool)."""

    def __init__(self, session: ClassSession, ask: Callable[[Callable[[], dict]], Awaitable[dict]],
                 tick_s: float = TICK_S, max_streams: int = MAX_STREAMS) -> None:
        self.session, self.ask, self.tick_s, self.max_streams = session, ask, tick_s, max_streams
        self.listeners: set[Listener] = set()
        self._reader: asyncio.Task | None = None
        self._noted = 0.0  # when the streaming pages' presence was last written
        self._latest: tuple[float, dict] | None = None  # (when, session.poll's answer) of the last good read

    def listen(self, browser: str | None, following: bool, lecturer: bool, code: str | None) -> Listener | None:
        """A new page's listener (None when this studio holds ``max_streams`` already: the page polls)."""
        if len(self.listeners) >= self.max_streams:
            return None
        listener = Listener(browser, following, lecturer, code)
        self.listeners.add(listener)
        if self._reader is None or self._reader.done():
            self._noted = 0.0
            self._reader = asyncio.create_task(self._read())
        else:
            self._noted = 0.0  # a page just arrived: counted on the next tick, not two seconds later
        return listener

    def fresh(self, max_age_s: float = FRESH_S) -> dict | None:
        """The class state as the reader read it last (``session.poll``'s answer), if within ``max_age_s``;
        else None (no page streams, or the store is failing)."""
        if self._latest is None or time.monotonic() - self._latest[0] > max_age_s:
            return None
        return self._latest[1]

    async def events(self, listener: Listener, stream_s: float = STREAM_S) -> AsyncIterator[bytes]:
        """The bytes of ``listener``'s stream: its state at once (after the next tick), then each change,
        keep-alive comments between; ends after ``stream_s``. Stops listening when the page goes."""
        try:
            yield f"retry: {RETRY_MS}\n\n".encode()
            ends = time.monotonic() + stream_s
            while (left := ends - time.monotonic()) > 0:
                try:
                    await asyncio.wait_for(listener.changed.wait(), min(KEEPALIVE_S, left))
                except asyncio.TimeoutError:
                    yield b": still here\n\n"
                    continue
                listener.changed.clear()
                yield listener.event
        finally:
            self.listeners.discard(listener)

    async def _read(self) -> None:
        """Ask the store every ``tick_s`` while any page listens, and wake the listeners whose state changed."""
        while self.listeners:
            started = time.monotonic()
            await self.tick()
            await asyncio.sleep(max(0.0, self.tick_s - (time.monotonic() - started)))

    async def tick(self) -> None:
        """One read of the store for every listener (and their presence, every ``PRESENCE_S``)."""
        listeners = list(self.listeners)
        lecturer = any(listener.lecturer for listener in listeners)
        note = time.monotonic() - self._noted >= PRESENCE_S
        pages = {listener.browser: listener.following for listener in listeners
                 if note and listener.browser is not None and not listener.lecturer}
        try:
            asked = await self.ask(lambda: self.session.poll(None, False, lecturer=lecturer, pages=pages))
            if note:
                self._noted = time.monotonic()
            self._latest = (time.monotonic(), asked)
        except (StoreBusy, asyncio.TimeoutError):
            asked = None
        except Exception:  # noqa: BLE001 - any other failure of the store: said as "down", the reader goes on
            log.exception("The class state could not be read for the streams")
            asked = None
        events: dict[tuple[bool, str | None], bytes] = {}  # pages told the same share one encoding
        for listener in listeners:
            kind = (listener.lecturer, listener.code)
            if kind not in events:
                body = state_body(self.session, asked, listener.lecturer, listener.code)
                events[kind] = b"data: " + json.dumps(body, separators=(",", ":")).encode() + b"\n\n"
            if events[kind] != listener.event:
                listener.event = events[kind]
                listener.changed.set()
