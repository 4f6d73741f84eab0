"""The class over HTTP: the lecturer key is exchanged for a lecturer session, and every page asks for the
class state.

``ClassRoutes`` is an ASGI middleware in front of Gradio:

* ``/?key=KEY``: the lecturer's address. With the right key the answer is a redirect to the plain
  address that sets a new lecturer session (random, expiring, never the key) as an HttpOnly cookie, so
  the key leaves the address bar (and the projector) at once. Under https the cookie is ``Secure`` and
  named ``__Host-studio_lecturer`` (this host only); over http it is named after the studio's port, so two
  studios on one machine keep their own. A wrong key gets one sentence and no cookie.
* ``studio-class/leave`` (POST): "leave lecturer mode" on a shared PC: the session ends, the cookie goes.
* ``studio-class/move?tab=ID`` (POST): the lecturer's page picked a tab; it becomes the class state. Only
  the lecturer's session may move the class, and only to a tab of the page (``places``). Tab clicks are
  not Gradio events, so a following page selecting its tabs costs the server nothing.
* ``studio-class/state``: what each page asks for about once a second: what the lecturer shows now
  (a version, the selected tabs, the latest result as a link), whether the lecturer's page is open,
  and for the lecturer the number of students connected and following. The ask doubles as the
  page's presence. It also gives a browser its id (a cookie, ``studio_browser``): random, and signed by
  the server, so a client can neither choose one nor invent more. A request without a valid id gets a
  new one and is not counted until it comes back with it. No name is ever asked for.

* ``studio-class/stream``: the same state as a server-sent stream (``studio.classroom.feed``), which the
  page opens once it has its id: one connection per page instead of an ask per second, and a move
  reaches it within ``feed.TICK_S``. A page refused a stream (the studio holds ``MAX_STREAMS``) polls.
* ``studio-class/step?to=N`` (POST): the lecturer's clicker steps the class's lecture plan (lecturer only):
  step N's result becomes the class state, with the step's number and title. ``studio-class/plan``: the
  plan as a page shows it (``plan_steps``, ``studio.ui.panels.lecture_plan``), its notes only for the lecturer.
* ``studio-class/projector?lang=L&have=POLL:FINGERPRINT...``: the lecturer's projector asks what changed
  (``projector``, ``studio.ui.panels.projector``): the polls whose view differs from the one the page shows.
  Lecturer only.

With ``--auth``, every class route first asks for Gradio's login, as the page does. The store is asked
in a small pool of threads, never on the server's event loop, and a page waits ``STATE_TIMEOUT_S`` at most:
a stalled store answers 503 there, and every other route goes on.

Gradio's events read the same cookies from their ``gr.Request`` (``lecturer_token``, ``browser_cookie``).
"""

from __future__ import annotations

import asyncio
import html
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response, StreamingResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from studio.checks import UserError
from studio.classroom.feed import STORE_DOWN, ClassFeed, state_body
from studio.classroom.session import LECTURER_SESSION_S, ClassSession
from studio.classroom.store import StoreBusy

LECTURER_COOKIE = "studio_lecturer"  # + "_PORT" over http; "__Host-" + it under https
BROWSER_COOKIE = "studio_browser"
STATE_PATH = "studio-class/state"
STREAM_PATH = "studio-class/stream"
LEAVE_PATH = "studio-class/leave"
MOVE_PATH = "studio-class/move"
STEP_PATH = "studio-class/step"  # POST ?to=N: the lecturer's clicker steps the class's lecture plan
PLAN_PATH = "studio-class/plan"  # GET: the class's plan as the page shows it (studio.ui.panels.lecture_plan)
PROJECTOR_PATH = "studio-class/projector"  # GET: the lecturer's projector, what changed (studio.ui.panels.projector)
# (method, the path's end) -> the route (``ClassRoutes._route``); the lecturer's address is found apart
_ROUTES = {("GET", STATE_PATH): "state", ("GET", STREAM_PATH): "stream", ("POST", LEAVE_PATH): "leave",
           ("POST", MOVE_PATH): "move", ("POST", STEP_PATH): "step", ("GET", PLAN_PATH): "plan",
           ("GET", PROJECTOR_PATH): "projector"}
COOKIE_MAX_AGE_S = 12 * 3600  # a day of lectures
STATE_TIMEOUT_S = 1.0  # a page's ask waits this long for the store, then hears 503
PROJECTOR_TIMEOUT_S = 10.0  # a poll's first picture of new answers may take seconds to draw (the wall's samples)
STATE_THREADS = 4
FORGED_KEY = ("This lecturer key is not the key of the class running here: open the lecturer address "
              "the studio printed when it started, or the plain address to join as a student.")
LOG_IN_FIRST = "This studio asks for a login: open its plain address, log in, then open the lecturer address again."


def _cookies(request) -> dict:
    cookies = getattr(request, "cookies", None)
    if cookies is None and hasattr(request, "request"):  # a gr.Request wraps starlette's
        cookies = getattr(request.request, "cookies", None)
    return dict(cookies or {})


def lecturer_tokens(request) -> list[str]:
    """The lecturer-session cookies a request carries (a ``gr.Request`` or starlette's): usually none or one."""
    if request is None:
        return []
    return [value for name, value in _cookies(request).items()
            if name == "__Host-" + LECTURER_COOKIE or name.startswith(LECTURER_COOKIE + "_")]


def lecturer_token(request, session: ClassSession) -> str | None:
    """The request's live lecturer session, if it carries one (checked by ``session``)."""
    return next((token for token in lecturer_tokens(request) if session.is_lecturer(token)), None)


def browser_cookie(request) -> str | None:
    """The browser-id cookie as the request carries it: to be verified (``ClassSession.browser_of``)."""
    return _cookies(request).get(BROWSER_COOKIE) if request is not None else None


def _is_https(request: Request) -> bool:
    return request.url.scheme == "https"  # behind a trusted proxy, from its X-Forwarded-Proto


def _lecturer_cookie_name(request: Request) -> str:
    if _is_https(request):
        return "__Host-" + LECTURER_COOKIE  # the browser keeps it for this host alone, https only, path /
    server = request.scope.get("server")
    return f"{LECTURER_COOKIE}_{server[1] if server else 'studio'}"


def logged_in(scope: Scope, request: Request) -> bool:
    """Whether Gradio's ``--auth`` login lets this request in (always, without ``--auth``)."""
    app = scope.get("app")
    if app is None or not getattr(app, "auth", None):
        return True
    cookie_id = getattr(app, "cookie_id", "")
    token = request.cookies.get(f"access-token-{cookie_id}") or request.cookies.get(f"access-token-unsecure-{cookie_id}")
    return token is not None and token in getattr(app, "tokens", {})


def _sentence(text: str, status: int) -> HTMLResponse:
    return HTMLResponse(f"<!doctype html><meta charset=utf-8><p style='font:1.3em sans-serif;margin:2em'>"
                        f"{html.escape(text)}</p>", status_code=status)


class ClassRoutes:
    """ASGI middleware: the lecturer's address and the class state (see the module's docstring)."""

    def __init__(self, app: ASGIApp, session: ClassSession, places: dict[str, str] | None = None,
                 plan_steps=None, projector=None) -> None:
        self.app = app
        self.session = session
        self.places = {} if places is None else places  # tab id -> its container's key (filled by the page)
        # the page's side of lecture plans (studio.ui.panels.lecture_plan.PlanSteps): where a step shows, and its
        # words; None: this studio has no plans (the routes answer 404)
        self.plan_steps = plan_steps
        # the lecturer's projector (studio.ui.panels.projector.Projector): ``changed(lang, shown)``; None: 404
        self.projector = projector
        self._pool = ThreadPoolExecutor(STATE_THREADS, thread_name_prefix="class-state")
        # The streams' reader has a thread of its own: a flood of asks filling the pool never delays a move
        self._feed_thread = ThreadPoolExecutor(1, thread_name_prefix="class-feed")
        self.feed = ClassFeed(session, self._in_feed_thread)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        route = self._route(scope)
        if route is None:
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        if not logged_in(scope, request):
            response = JSONResponse({"class": True, "problem": LOG_IN_FIRST}, status_code=401) \
                if route != "entry" else _sentence(LOG_IN_FIRST, 401)
        elif route == "stream":
            response = await self.stream(request)
        elif route == "state" and (told := self._stranger_state(request)) is not None:
            response = told
        else:
            response = await self._answer(route, request)
        await response(scope, receive, send)

    @staticmethod
    def _route(scope: Scope) -> str | None:
        if scope["type"] != "http":
            return None
        path, method = scope["path"], scope.get("method")
        for (verb, ending), route in _ROUTES.items():
            if method == verb and path.endswith("/" + ending):
                return route
        if method == "GET" and path.endswith("/") and b"key=" in scope.get("query_string", b""):
            return "entry" if "key" in Request(scope).query_params else None
        return None

    async def _in_pool(self, work, *args, timeout_s: float = STATE_TIMEOUT_S):
        """``work(*args)`` in the pool (the store may be slow): ``asyncio.TimeoutError`` after
        ``timeout_s``, ``StoreBusy`` when the store said so."""
        return await asyncio.wait_for(asyncio.get_running_loop().run_in_executor(self._pool, work, *args),
                                      timeout=timeout_s)

    async def _in_feed_thread(self, work):
        return await asyncio.wait_for(asyncio.get_running_loop().run_in_executor(self._feed_thread, work),
                                      timeout=STATE_TIMEOUT_S)

    async def _answer(self, route: str, request: Request) -> Response:
        """The route's answer, made in the pool; 503 when the store is slow or down."""
        work = {"state": self.state, "entry": self.lecturer_entry, "leave": self.leave, "move": self.move,
                "step": self.step, "plan": self.plan, "projector": self.projector_views}[route]
        try:
            return await self._in_pool(work, request,
                                       timeout_s=PROJECTOR_TIMEOUT_S if route == "projector" else STATE_TIMEOUT_S)
        except (StoreBusy, asyncio.TimeoutError):
            return _store_down()

    async def stream(self, request: Request) -> Response:
        """The class state as a server-sent stream (``studio.classroom.feed``). A page without a signed id
        gets its state but is not counted (it asks ``state`` first, which gives it one); 503 when this
        studio holds its most streams, or the store is down: the page then polls."""
        try:
            lecturer = await self._in_pool(lambda: lecturer_token(request, self.session) is not None)
        except (StoreBusy, asyncio.TimeoutError):
            return _store_down()
        listener = self.feed.listen(None if lecturer else self.session.browser_of(request.cookies.get(BROWSER_COOKIE)),
                                    request.query_params.get("follow", "1") != "0", lecturer,
                                    request.query_params.get("class"))
        if listener is None:
            return JSONResponse({"class": True, "problem": "This studio streams to as many pages as it can: "
                                 "your page asks every second instead."}, status_code=503,
                                headers={"Cache-Control": "no-store"})
        # X-Accel-Buffering: nginx passes each event on at once instead of filling its buffer first
        return StreamingResponse(self.feed.events(listener), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})

    def lecturer_entry(self, request: Request) -> Response:
        """The redirect that swaps ``?key=`` for a lecturer session, or one sentence for a wrong key."""
        token = self.session.sign_in(request.query_params["key"])
        if token is None:
            return _sentence(FORGED_KEY, 403)
        rest = {name: value for name, value in request.query_params.items() if name != "key"}
        response = RedirectResponse(request.url.path + (f"?{urlencode(rest)}" if rest else ""), status_code=303)
        response.set_cookie(_lecturer_cookie_name(request), token, max_age=LECTURER_SESSION_S, httponly=True,
                            samesite="strict", secure=_is_https(request), path="/")
        return response

    def leave(self, request: Request) -> Response:
        """End the request's lecturer session and drop its cookies; the page reloads as a student's."""
        for token in lecturer_tokens(request):
            self.session.sign_out(token)
        response = JSONResponse({"class": True, "lecturer": False}, headers={"Cache-Control": "no-store"})
        for name in request.cookies:
            if name in (f"__Host-{LECTURER_COOKIE}",) or name.startswith(LECTURER_COOKIE + "_"):
                response.delete_cookie(name, path="/", secure=_is_https(request), httponly=True, samesite="strict")
        return response

    def move(self, request: Request) -> Response:
        """The lecturer's page picked tab ``?tab=ID``: the class follows to it. 403 for any other page."""
        tab = request.query_params.get("tab", "")
        token = lecturer_token(request, self.session)
        if token is None:
            return JSONResponse({"problem": "Only the lecturer's page moves the class."}, status_code=403)
        if tab not in self.places:
            return JSONResponse({"problem": f"This page has no tab '{tab[:40]}'."}, status_code=400)
        shown = self.session.show(token, tabs={self.places[tab]: tab})
        return JSONResponse({"version": shown["version"]}, headers={"Cache-Control": "no-store"})

    def step(self, request: Request) -> Response:
        """The lecturer's clicker: step ``?to=N`` of the class's plan becomes what the class is shown (its
        state in the answer, for the lecturer's own page). 403 for any other page; 400 with one sentence for
        a step the plan does not have."""
        token = lecturer_token(request, self.session)
        if token is None:
            return JSONResponse({"problem": "Only the lecturer's page steps the lecture plan."}, status_code=403)
        if self.plan_steps is None:
            return JSONResponse({"problem": "This studio has no lecture plans."}, status_code=404)
        try:
            number = int(request.query_params.get("to", ""))
        except ValueError:
            return JSONResponse({"problem": "A step is given by its number, e.g. ?to=2."}, status_code=400)
        try:
            shown = self.plan_steps.go(token, number)
        except UserError as exc:
            return JSONResponse({"problem": str(exc)}, status_code=400)
        return JSONResponse({"shown": shown}, headers={"Cache-Control": "no-store"})

    def plan(self, request: Request) -> Response:
        """The class's plan as a page shows it (``{"plan": null}`` without one); the notes for the lecturer."""
        plan = self.session.plan()
        if plan is None or self.plan_steps is None:
            return JSONResponse({"plan": None}, headers={"Cache-Control": "no-store"})
        lecturer = lecturer_token(request, self.session) is not None
        return JSONResponse({"plan": self.plan_steps.public(plan, lecturer)}, headers={"Cache-Control": "no-store"})

    def projector_views(self, request: Request) -> Response:
        """The polls whose projector view changed since the fingerprints the lecturer's page shows
        (``?have=POLL:FINGERPRINT``, once per poll): ``{"polls": [...]}``. 403 for any other page."""
        if lecturer_token(request, self.session) is None:
            return JSONResponse({"problem": "Only the lecturer's page shows the projector."}, status_code=403)
        if self.projector is None:
            return JSONResponse({"problem": "This studio has no projector."}, status_code=404)
        shown = dict(item.partition(":")[::2] for item in request.query_params.getlist("have"))
        changed = self.projector.changed(request.query_params.get("lang", ""), shown)
        return JSONResponse({"polls": changed}, headers={"Cache-Control": "no-store"})

    def state(self, request: Request) -> Response:
        """What a page needs to follow the class; ``?follow=0`` from a student exploring alone."""
        session = self.session
        lecturer = lecturer_token(request, session) is not None
        browser = session.browser_of(request.cookies.get(BROWSER_COOKIE))
        asked = session.poll(browser, request.query_params.get("follow", "1") != "0", lecturer=lecturer)
        return self._told(request, asked, lecturer, new_id=browser is None and not lecturer)

    def _stranger_state(self, request: Request) -> Response | None:
        """The answer to a page that is nobody yet (no lecturer cookie, no id this studio signed): the state the
        streams' reader read last, made on the event loop, with a new id. It notes no presence, so it needs no
        store round trip and no thread: a flood of cookieless asks costs a signature each, and never queues
        before the class's own asks. None when the reader has nothing fresh (the ask goes the usual way)."""
        if lecturer_tokens(request) or self.session.browser_of(request.cookies.get(BROWSER_COOKIE)) is not None:
            return None
        asked = self.feed.fresh()
        return None if asked is None else self._told(request, asked, lecturer=False, new_id=True)

    def _told(self, request: Request, asked: dict, lecturer: bool, new_id: bool) -> Response:
        """The state answer for ``asked`` (``session.poll``'s); ``new_id``: with a newly signed browser id
        (a page with no id, or one the server did not sign: counted from its next ask)."""
        body = state_body(self.session, asked, lecturer, request.query_params.get("class"))
        response = JSONResponse(body, headers={"Cache-Control": "no-store"})
        if new_id:
            _, minted = self.session.mint_browser()
            response.set_cookie(BROWSER_COOKIE, minted, max_age=COOKIE_MAX_AGE_S, httponly=True, samesite="lax",
                                secure=_is_https(request), path="/")
        return response


def _store_down() -> Response:
    return JSONResponse({"class": True, "problem": STORE_DOWN}, status_code=503,
                        headers={"Cache-Control": "no-store", "Retry-After": "2"})
