"""A tab's own small routes, answered outside Gradio's events: ``POST studio-page/NAME`` with a JSON body.

A Gradio event costs the server its queue, its pre- and post-processing and a copy of the session's state,
and the page a walk of its whole component tree per input and output (``docs/gradio-upstream.md`` items 1
and 4): about 20 ms of the server and a quarter second of a student's page, however little the event does.
That is fine for a click now and then, and too much for a class's 200 students pressing the same button
within seconds (the GAN's game: New round, then Check). Such a button is better served by the page's own
script and a plain route. A tab registers one with ``TabContext.page_route(name, handler)``; ``PageRoutes``
(ASGI middleware) answers it:

* ``handler(request, body)`` gets starlette's request (its cookies: a class's browser id) and the parsed JSON
  object, and returns a JSON-able dict. It runs in a small pool of threads, never on the server's event loop.
* A ``UserError`` (a bad or stale request) is answered 400 with its one sentence (``{"error": ...}``); a body
  that is not a JSON object of at most ``MAX_BODY`` bytes, 400 too. Anything else is logged and answered 500
  with a plain sentence.
* With ``--auth``, a route asks for Gradio's login first, as the page does.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from studio.checks import UserError
from studio.classroom.web import logged_in

log = logging.getLogger("studio")

PREFIX = "/studio-page/"
MAX_BODY = 16 * 1024  # a few answers' worth; a route's request is small
THREADS = 4
FAILED = "The studio could not answer this request; try again in a moment."


class PageRoutes:
    """ASGI middleware: ``POST .../studio-page/NAME`` to ``routes[NAME]`` (see the module's docstring)."""

    def __init__(self, app: ASGIApp, routes: dict[str, Callable[[Request, dict], dict]]) -> None:
        self.app = app
        self.routes = routes
        self._pool = ThreadPoolExecutor(THREADS, thread_name_prefix="page-route")

    def _handler(self, scope: Scope) -> Callable | None:
        if scope["type"] != "http" or scope.get("method") != "POST":
            return None
        path = scope["path"]
        at = path.rfind(PREFIX)
        return self.routes.get(path[at + len(PREFIX):]) if at >= 0 else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        handler = self._handler(scope)
        if handler is None:
            await self.app(scope, receive, send)
            return
        request = Request(scope, receive)
        response = await self._answer(handler, request)
        await response(scope, receive, send)

    async def _answer(self, handler: Callable, request: Request) -> JSONResponse:
        if not logged_in(request.scope, request):
            return JSONResponse({"error": "This studio asks for a login: reload the page and log in."}, 401)
        body = b""
        async for chunk in request.stream():
            body += chunk
            if len(body) > MAX_BODY:
                return JSONResponse({"error": "This request is too large."}, 400)
        try:
            data = json.loads(body or b"{}")
        except ValueError:
            data = None
        if not isinstance(data, dict):
            return JSONResponse({"error": "This request is not a JSON object."}, 400)
        try:
            answer = await asyncio.get_running_loop().run_in_executor(self._pool, handler, request, data)
        except UserError as exc:
            return JSONResponse({"error": str(exc)}, 400)
        except Exception:  # noqa: BLE001 - one sentence for the student, the details in the log
            log.exception("The page route %s failed", request.url.path)
            return JSONResponse({"error": FAILED}, 500)
        return JSONResponse(answer, headers={"Cache-Control": "no-store"})
