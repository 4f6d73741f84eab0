"""The class state's stream (``studio-class/stream``, ``studio.classroom.feed``): a page hears the lecturer's
move within a tick, many pages cost one store read, streaming pages are counted (a cookieless one is not),
a full studio refuses a stream (the page polls), and a stalled store is said on the stream while every
other route answers. Over real HTTP on 127.0.0.1: a test client buffers a stream whole."""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import threading
import time

import httpx
import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.responses import JSONResponse
from starlette.routing import Route

from studio.classroom import feed
from studio.classroom.feed import STORE_DOWN
from studio.classroom.session import ClassSession
from studio.classroom.store import SQLiteStore
from studio.classroom.web import BROWSER_COOKIE, ClassRoutes

STREAM = "/studio-class/stream"


class CountingStore(SQLiteStore):
    """A store that counts the class-state reads and can stall them (a Redis that stopped answering)."""

    def __init__(self, path) -> None:
        super().__init__(path)
        self.reads = 0
        self.stall_s = 0.0

    def poll(self, *args, **kwargs):
        self.reads += 1
        time.sleep(self.stall_s)
        return super().poll(*args, **kwargs)


@contextlib.contextmanager
def served(session: ClassSession, max_streams: int | None = None):
    """The class routes in front of a page, served by uvicorn on a free loopback port: (address, routes)."""
    app = Starlette(routes=[Route("/other", lambda request: JSONResponse({"ok": True}))],
                    middleware=[Middleware(ClassRoutes, session=session)])
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                                           timeout_graceful_shutdown=1))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.01)
    # the middleware stack is built on the first request: ask once, then reach the routes object
    httpx.get(f"http://127.0.0.1:{port}/other")
    routes = app.middleware_stack.app
    while not isinstance(routes, ClassRoutes):
        routes = routes.app
    if max_streams is not None:
        routes.feed.max_streams = max_streams
    try:
        yield f"http://127.0.0.1:{port}", routes
    finally:
        server.should_exit = True
        thread.join(timeout=5)


@pytest.fixture
def session(tmp_path):
    return ClassSession.open(CountingStore(tmp_path / "class.sqlite3"), new=True)


async def _events(client: httpx.AsyncClient, found: list, stop: asyncio.Event, params=None) -> int:
    """Read the stream into ``found`` ((monotonic time, state), ...) until ``stop``; its status."""
    async with client.stream("GET", STREAM, params=params or {"follow": "1"}) as answer:
        if answer.status_code != 200:
            return answer.status_code
        lines = answer.aiter_lines()
        stopped = asyncio.create_task(stop.wait())
        while True:  # (a cancelled read would close the stream's iterator: a line is awaited beside ``stop``)
            line = asyncio.create_task(anext(lines))
            await asyncio.wait({line, stopped}, return_when=asyncio.FIRST_COMPLETED)
            if stopped.done():
                line.cancel()
                return 200
            if line.result().startswith("data: "):
                found.append((time.monotonic(), json.loads(line.result()[6:])))


async def _student(url: str, with_id: bool = True) -> httpx.AsyncClient:
    client = httpx.AsyncClient(base_url=url, timeout=10)
    if with_id:
        (await client.get("/studio-class/state")).raise_for_status()  # the page's first ask gives its id
        assert client.cookies.get(BROWSER_COOKIE)
    return client


def test_a_move_reaches_a_streaming_page_within_a_tick(session):
    token = session.sign_in(session.key)

    async def scenario(url):
        client, found, stop = await _student(url), [], asyncio.Event()
        reader = asyncio.create_task(_events(client, found, stop))
        while not found:
            await asyncio.sleep(0.02)
        moved = time.monotonic()
        await asyncio.to_thread(session.show, token, {"tabs-1": "gan"})
        while len(found) < 2 and time.monotonic() - moved < 3:
            await asyncio.sleep(0.01)
        stop.set()
        assert await reader == 200
        await client.aclose()
        return moved, found

    with served(session) as (url, _):
        moved, found = asyncio.run(scenario(url))
    assert found[0][1]["version"] == 0 and found[1][1]["tabs"] == {"tabs-1": "gan"}
    assert found[1][0] - moved < 4 * feed.TICK_S  # a tick and the push, not a poll's wait


def test_forty_streaming_pages_cost_one_store_read_a_tick_and_are_counted(session):
    token = session.sign_in(session.key)

    async def scenario(url):
        students = [await _student(url) for _ in range(40)] + [await _student(url, with_id=False)]
        stop, found = asyncio.Event(), [[] for _ in students]
        readers = [asyncio.create_task(_events(c, f, stop)) for c, f in zip(students, found)]
        while not all(found):
            await asyncio.sleep(0.02)
        reads = session.store.reads
        await asyncio.sleep(1.0)
        reads = session.store.reads - reads
        await asyncio.sleep(feed.PRESENCE_S)
        counts = (await asyncio.to_thread(session.poll, None, False, True))["counts"]
        stop.set()
        await asyncio.gather(*readers)
        for client in students:
            await client.aclose()
        return reads, counts

    with served(session) as (url, _):
        reads, counts = asyncio.run(scenario(url))
    assert reads <= 1.0 / feed.TICK_S + 2  # one read a tick for all of them, not one per page
    assert counts == (40, 40)  # the page without a signed id streams, and is not counted
    assert token


def test_a_full_studio_refuses_a_stream_and_the_page_asks_instead(session):
    async def scenario(url):
        first, second = await _student(url), await _student(url)
        stop, found = asyncio.Event(), []
        reader = asyncio.create_task(_events(first, found, stop))
        while not found:
            await asyncio.sleep(0.02)
        refused = await second.get(STREAM)
        asked = await second.get("/studio-class/state")
        stop.set()
        await reader
        for client in (first, second):
            await client.aclose()
        return refused, asked

    with served(session, max_streams=1) as (url, _):
        refused, asked = asyncio.run(scenario(url))
    assert refused.status_code == 503 and "asks every second" in refused.json()["problem"]
    assert asked.status_code == 200 and asked.json()["version"] == 0


def test_a_stalled_store_is_said_on_the_stream_and_blocks_no_other_route(session):
    async def scenario(url):
        client, found, stop = await _student(url), [], asyncio.Event()
        session.store.stall_s = 3.0
        opened = time.monotonic()
        reader = asyncio.create_task(_events(client, found, stop))
        others = []
        while not found and time.monotonic() - opened < 5:
            started = time.monotonic()
            (await client.get("/other")).raise_for_status()
            others.append(time.monotonic() - started)
            await asyncio.sleep(0.1)
        said = time.monotonic() - opened
        session.store.stall_s = 0.0
        stop.set()
        await reader
        await client.aclose()
        return found, said, others

    with served(session) as (url, _):
        found, said, others = asyncio.run(scenario(url))
    assert found and found[0][1]["problem"] == STORE_DOWN and said < 2.0
    assert max(others) < 0.5
