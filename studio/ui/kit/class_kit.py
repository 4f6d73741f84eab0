"""What a tab needs from the class session: pool an answer, pin a picture to the wall, and say what
the class answered so far. Without a class (``python studio.py`` without ``--class``) every call is a
no-op that returns an empty line, so the tabs never test for a class themselves.

The request behind a call is Gradio's own (``gradio.context.LocalContext.request``), or a page route's
(``serving``: a tab's route outside Gradio's events, ``studio.ui.frame.page_routes``): the browser's signed
id and the lecturer session come from its cookies (``studio.classroom.web``), and the class code from the
page's address, so the tabs' handlers keep their signatures. An answer without an id the server
signed is not counted.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import logging
from collections import Counter
from collections.abc import Callable

import numpy as np
from gradio.context import LocalContext

from studio.checks import UserError
from studio.classroom import polls, pools, web
from studio.classroom.session import ClassSession
from studio.classroom.store import StoreBusy
from studio.judge.quality import class_name
from studio.ui.kit.i18n import text

log = logging.getLogger("studio")

# Set while the page itself (its load, a followed result) makes results, which
# are then not the lecturer showing something new.
_QUIET = contextvars.ContextVar("studio_class_quiet", default=False)


# The request of the page route being answered in this thread (``serving``).
_SERVING = contextvars.ContextVar("studio_page_route_request", default=None)


def current_request():
    """The request being handled in this thread, if any: a page route's (``serving``), else the
    ``gr.Request`` of Gradio's event."""
    served = _SERVING.get()
    return served if served is not None else LocalContext.request.get(None)


@contextlib.contextmanager
def serving(request):
    """While a page route answers ``request`` (starlette's), the class kit reads its cookies and address."""
    token = _SERVING.set(request)
    try:
        yield
    finally:
        _SERVING.reset(token)


def quietly(fn: Callable) -> Callable:
    """``fn`` with the lecturer's results not sent to the class while it runs (page loads, following)."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        token = _QUIET.set(True)
        try:
            return fn(*args, **kwargs)
        finally:
            _QUIET.reset(token)

    return wrapper


class ClassKit:
    """The tabs' side of a class (``TabContext.classroom``); ``session`` is None without a class."""

    def __init__(self, session: ClassSession | None = None, quality=None) -> None:
        self.session = session
        self.quality = quality  # the judges (studio.judge.quality.QualityService), for the wall's reading
        self.shows: list[Callable[[str], dict | None]] = []  # technique -> {container: tab} of its result
        # tab id -> the key of the tab container it is in: the lecturer's tab clicks, named by the page
        # (``studio.classroom.web``, POST studio-class/move), become the class state with it
        self.tab_places: dict[str, str] = {}
        # fn_index of the follow events whose answer is the same for every page that sends the same inputs
        # (a shared recipe's result): ``ResponseCache`` answers 200 followers from one post-processing
        self.shared_events: set[int] = set()
        self.drawers: dict[str, Callable[[dict], np.ndarray]] = {}  # technique -> a pinned recipe's picture
        # a training panel's name (its api_prefix) -> its Train button: where a lecture plan's step trains
        self.train_buttons: dict[str, object] = {}
        self.plan_steps = None  # the page's lecture plans (studio.ui.panels.lecture_plan.PlanSteps), once built
        self.projector = None  # the lecturer's projector (studio.ui.panels.projector.Projector), once built
        self._cells: dict[str, tuple] = {}  # wall entry id -> (picture, judged class name, as asked)

    @property
    def active(self) -> bool:
        """Whether a class is running."""
        return self.session is not None

    def shared_key(self, purpose: str) -> bytes | None:
        """A key for ``purpose`` that every studio of the class shares (``ClassSession.shared_key``), or None
        outside a class: a tab's own tokens then stay good when the student's studio dies mid-class."""
        return self.session.shared_key(purpose) if self.active else None

    def is_lecturer(self, request=None) -> bool:
        """Whether the request (by default the current event's) comes from the lecturer's page (not while the
        store cannot say)."""
        return self.lecturer_token(request) is not None

    def lecturer_token(self, request=None) -> str | None:
        """The live lecturer session the request (by default the current event's) carries, if any."""
        if not self.active:
            return None
        try:
            return web.lecturer_token(current_request() if request is None else request, self.session)
        except StoreBusy:
            return None

    def browser(self, request=None) -> str | None:
        """The server-signed id of the browser behind the request, or None (no cookie yet, or a forged one)."""
        if not self.active:
            return None
        return self.session.browser_of(web.browser_cookie(current_request() if request is None else request))

    # --- answers ---------------------------------------------------------------------------------------
    def answer(self, lang: str, poll: str, answer_id: str, payload: dict) -> tuple[bool, str]:
        """Pool one answer of the current request's browser: (counted now, a line for the student).
        A paused poll, an old class code, a flood or a busy store give a sentence and count nothing; for a
        busy store ``counted`` is None: the student may send the same answer again."""
        if not self.active:
            return False, ""
        request = current_request()
        lecturer = self.is_lecturer(request)
        browser = self.browser(request) or ("lecturer" if lecturer else None)
        if browser is None:  # no id the server signed: a script's invented one, or a page not yet in the class
            return False, text("class.not_counted", lang, reason=text("class.no_id", lang))
        try:
            self.session.check_code(_page_code(request))
            counted = self.session.answer(poll, browser, answer_id, payload, lecturer=lecturer)
        except UserError as exc:
            return False, text("class.not_counted", lang, reason=str(exc))
        except StoreBusy:  # counted None: not decided, the same answer may be sent again
            log.warning("The class store was busy: an answer was refused, to be sent again")
            return None, text("class.not_counted", lang, reason=text("class.busy", lang))
        return counted, "" if counted else text("class.counted_once", lang)

    def answers(self, poll: str) -> list[dict]:
        """The pooled answers of ``poll`` (empty without a class, or while its store cannot be reached: the
        student's own result still shows)."""
        if not self.active:
            return []
        try:
            return self.session.answers(poll)
        except StoreBusy:
            return []

    def handed(self, poll: str, choices: tuple):
        """While the lecturer has ``poll``'s switch on: the one of ``choices`` handed to the current request's
        browser (``ClassSession.spread``: its own, the same each time); otherwise None, as without a class."""
        browser = self.browser() if self.active else None
        if browser is None:
            return None
        try:
            return self.session.spread(browser, choices) if self.session.switch(poll) else None
        except StoreBusy:
            return None

    # --- the wall -----------------------------------------------------------------------------------------
    def wall_drawer(self, technique: str, draw: Callable[[dict], np.ndarray]) -> None:
        """How the projector draws a pinned Generate of ``technique`` from its recipe: ``draw(params)`` gives
        the student's first sample (uint8, as their grid shows it). Pins of a technique without a drawer
        carry their picture."""
        self.drawers[technique] = draw

    def pin(self, technique: str, params: dict, caption: str, dataset: str, asked: int | None = None,
            picture=None) -> None:
        """Put the current student's Generate on the wall: its recipe ``params`` (the projector draws its
        first sample with the technique's ``wall_drawer``, or keeps ``picture``), and for the judge its
        ``dataset`` and the class ``asked`` for, if any. Nothing is drawn here, so the student's click is
        not slowed. The lecturer's own clicks and a page outside the class (or without its signed id) are not
        pinned; a refused pin costs the student nothing. The wall shows each browser's newest pin per tab."""
        browser = self.browser()
        if browser is None or self.is_lecturer():
            return
        entry_id = f"{browser}:{technique}:{sorted(params.items())}"
        payload = {"technique": technique, "params": params, "caption": caption, "dataset": dataset, "asked": asked}
        if picture is not None:
            payload["picture"] = pools.picture_field(picture)
        wall = polls.pinned()
        if wall is not None:
            self.answer("en", wall.name, entry_id, payload)

    def wall_cells(self, entries: list[dict]) -> tuple[np.ndarray, list[tuple[str, int]], list[bool | None]]:
        """(pictures, the judge's (data set, class) of each, whether each is what was asked for, or None) of the
        wall's entries; each entry drawn and judged once, then kept (a wall redraws every few seconds)."""
        new = [e for e in entries if e["id"] not in self._cells]
        for dataset in dict.fromkeys(e["dataset"] for e in new):
            batch = [e for e in new if e["dataset"] == dataset]
            pictures = np.stack([pools.picture_of(e["picture"]) if "picture" in e
                                 else self.drawers[e["technique"]](e["params"]) for e in batch])
            labels = self.quality.classify(dataset, pictures)
            for e, picture, label in zip(batch, pictures, labels):
                asked = e.get("asked")
                self._cells[e["id"]] = (picture, (dataset, int(label)),
                                        None if asked is None else int(label) == asked)
        if len(self._cells) > 4 * pools.WALL_SIZE:  # keep the newest walls' cells
            for stale in list(self._cells)[:len(self._cells) - 2 * pools.WALL_SIZE]:
                self._cells.pop(stale)
        cells = [self._cells[e["id"]] for e in entries]
        return np.stack([c[0] for c in cells]), [c[1] for c in cells], [c[2] for c in cells]

    @staticmethod
    def wall_reading(lang: str, classes: list[tuple[str, int]], hits: list[bool | None]) -> str:
        """The judge's reading of the whole wall (``classes``: each cell's data set and judged class):
        which classes it sees, how many kinds, and where the students asked for a class (a digit to the
        cGAN, the ankle boots), how many are read as asked."""
        names = [class_name(dataset, label, lang) for dataset, label in classes]
        spread = " · ".join(f"{name}×{count}" for name, count in Counter(names).most_common(10))
        line = text("class.wall_judge", lang, spread=spread, kinds=len(set(names)))
        asked = [hit for hit in hits if hit is not None]
        return line + (" " + text("class.wall_asked", lang, share=sum(asked) / len(asked)) if asked else "")

    # --- what the lecturer shows ------------------------------------------------------------------------
    def lecturer_made(self, technique: str, link: str) -> None:
        """Called for every result made (``exports``): when the lecturer made it with a click, the class
        follows to it. Page loads and followed results are quiet (``quietly``)."""
        if not self.active or _QUIET.get():
            return
        request = current_request()
        token = None if request is None else self.lecturer_token(request)
        if token is None:
            return
        tabs = next((found for show in self.shows if (found := show(technique)) is not None), None)
        if tabs is None:  # a result with no place in the page (e.g. the recipe panel's)
            return
        if link == self.session.shown().get("link"):
            # what the class already shows: the lecturer's page refreshing a followed step's result (a control
            # the step set fires its change event), not a new result; a new version would make every page
            # follow the same result twice
            return
        self.session.show(token, tabs=tabs, link=link, result=technique)
        step = self.plan_steps.recorded_step(technique, link) if self.plan_steps is not None else None
        if step is not None:  # recording a plan: the result becomes its next step
            self.session.record(token, step)


def _page_code(request) -> str | None:
    """The class code in the address of the page behind ``request`` (``?class=...``), if any."""
    with contextlib.suppress(Exception):
        return dict(request.query_params).get("class")
    return None
