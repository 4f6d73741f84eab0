"""The class over HTTP: the lecturer key becomes a cookie, and every page asks for the class state.

``ClassRoutes`` is an ASGI middleware in front of Gradio:

* ``/?key=KEY``: the lecturer's address. With the right key the answer is a redirect to the plain
  address that sets the key as an HttpOnly cookie, so the key leaves the address bar (and the
  projector) at once. A wrong key gets one sentence and no cookie.
* ``studio-class/state``: what each page asks for about once a second: what the lecturer shows now
  (a version, the selected tabs, the latest result as a link), whether the lecturer's page is open,
  and for the lecturer the number of students connected and following. The ask doubles as the
  page's presence. It also gives a browser its random id (a cookie, ``studio_browser``): the only
  thing that tells one student's answers from another's; no name is ever asked for.

Gradio's events read the same cookies from their ``gr.Request`` (``lecturer_key``, ``browser_id``).
"""

from __future__ import annotations

import html
import json
import os
import secrets
import socket
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from studio.checks import UserError
from studio.classroom.session import ClassSession
from studio.classroom.store import StoreBusy

# Which studio answered (behind nginx, one of several): for the operator's eyes and the deployment test.
SERVED_BY = f"{socket.gethostname()}:{os.getpid()}"
LECTURER_COOKIE = "studio_lecturer"
BROWSER_COOKIE = "studio_browser"
STATE_PATH = "studio-class/state"
COOKIE_MAX_AGE_S = 12 * 3600  # a day of lectures; the key itself lasts as long as the class
STORE_DOWN = "The class's store cannot be reached just now: your page stays as it is, and answers wait until it is back."
FORGED_KEY = ("This lecturer key is not the key of the class running here: open the lecturer address "
              "the studio printed when it started, or the plain address to join as a student.")


def _cookies(request) -> dict:
    cookies = getattr(request, "cookies", None)
    if cookies is None and hasattr(request, "request"):  # a gr.Request wraps starlette's
        cookies = getattr(request.request, "cookies", None)
    return dict(cookies or {})


def lecturer_key(request) -> str | None:
    """The lecturer key a request carries in its cookie (a ``gr.Request`` or starlette's), if any."""
    return _cookies(request).get(LECTURER_COOKIE) if request is not None else None


def browser_id(request) -> str:
    """The random id of the browser behind a request: its cookie, else its Gradio session (a page whose
    cookie has not arrived yet, or an API client)."""
    if request is None:
        return "anonymous"
    kept = _cookies(request).get(BROWSER_COOKIE)
    if kept and len(kept) <= 64:
        return kept
    return "session-" + str(getattr(request, "session_hash", None) or "anonymous")


class ClassRoutes:
    """ASGI middleware: the lecturer's address and the class state (see the module's docstring)."""

    def __init__(self, app: ASGIApp, session: ClassSession) -> None:
        self.app = app
        self.session = session

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope.get("method") == "GET":
            request = Request(scope)
            response = None
            if request.url.path.endswith("/" + STATE_PATH):
                response = self.state(request)
            elif request.url.path.endswith("/") and "key" in request.query_params:
                response = self.lecturer_entry(request)
            if response is not None:
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)

    def lecturer_entry(self, request: Request):
        """The redirect that swaps ``?key=`` for a cookie, or one sentence for a wrong key."""
        key = request.query_params["key"]
        if not self.session.is_lecturer(key):
            return HTMLResponse(f"<!doctype html><meta charset=utf-8><p style='font:1.3em sans-serif;margin:2em'>"
                                f"{html.escape(FORGED_KEY)}</p>", status_code=403)
        rest = {name: value for name, value in request.query_params.items() if name != "key"}
        response = RedirectResponse(request.url.path + (f"?{urlencode(rest)}" if rest else ""), status_code=303)
        response.set_cookie(LECTURER_COOKIE, key, max_age=COOKIE_MAX_AGE_S, httponly=True, samesite="strict")
        return response

    def state(self, request: Request):
        """What a page needs to follow the class; ``?follow=0`` from a student exploring alone. While the
        store cannot be reached the page hears so (503) and keeps what it shows."""
        try:
            return self._state(request)
        except StoreBusy:
            return JSONResponse({"class": True, "problem": STORE_DOWN}, status_code=503,
                                headers={"Cache-Control": "no-store"})

    def _state(self, request: Request):
        session = self.session
        lecturer = session.is_lecturer(lecturer_key(request))
        browser = request.cookies.get(BROWSER_COOKIE)
        new_browser = not browser or len(browser) > 64
        if new_browser:
            browser = secrets.token_urlsafe(12)
        body = {"class": True, "lecturer": lecturer, "lecturer_online": session.lecturer_online(),
                **session.shown(), "served_by": SERVED_BY}
        try:
            session.check_code(request.query_params.get("class"))
        except UserError as exc:
            body["problem"] = str(exc)
        session.seen(browser, request.query_params.get("follow", "1") != "0", lecturer=lecturer)
        if lecturer:
            body["connected"], body["following"] = session.counts()
        response = JSONResponse(json.loads(json.dumps(body)), headers={"Cache-Control": "no-store"})
        if new_browser:
            response.set_cookie(BROWSER_COOKIE, browser, max_age=COOKIE_MAX_AGE_S, httponly=True, samesite="lax")
        return response
