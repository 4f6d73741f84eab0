"""A class: who may drive it (the lecturer key), how students find it (the class code), what the
lecturer shows (followed by the students' pages), who is here, and the pooled answers.

Nothing here knows Gradio or a technique: the web layer (``studio.classroom.web``) reads the browser's
cookies and hands this object plain strings, and the tabs hand it answers as small dictionaries.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections import deque
from pathlib import Path

from studio.checks import UserError
from studio.classroom.redis_store import RedisStore
from studio.classroom.store import ClassStore, SQLiteStore

POLLS = ("game", "temperature", "wall")
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed on a phone
CODE_LENGTH = 6
ONLINE_S = 6.0  # a page that asked for the class state this recently is connected (pages ask every second)
HANDED_TEMPERATURES = (0.2, 0.5, 0.8, 1.0, 1.2, 1.5, 2.0, 2.5)  # from the book's "too cold" to nonsense
NOTHING_SHOWN = {"version": 0, "tabs": {}, "link": None}
RATE_LIMIT = (20, 10.0)  # at most 20 answers from one browser in any 10 s: a game round takes longer than that


class NotLecturer(UserError):
    """A lecturer's action asked for by a page or a call without the lecturer key."""


class ClassSession:
    """One class, kept in ``store`` so that it outlives a restart of the studio."""

    def __init__(self, store: ClassStore, key: str, code: str) -> None:
        self.store = store
        self.key = key
        self.code = code
        self._lock = threading.Lock()
        # A browser's answers reach one studio (sticky sessions), so its rate is counted where it lands.
        self._recent: dict[str, deque] = {}  # browser -> times of its latest answers

    @classmethod
    def open(cls, store: ClassStore, new: bool = False) -> ClassSession:
        """The class kept in ``store`` (its answers and code), or a new one with a new key and code."""
        made = {"key": secrets.token_urlsafe(24), "code": "".join(secrets.choice(CODE_ALPHABET)
                                                                  for _ in range(CODE_LENGTH)),
                "started": time.time()}
        if new:  # nothing of the last class reaches the new one: its answers, pauses and state go
            store.put("class", made)
            store.put("shown", NOTHING_SHOWN)
            store.put("hand_out:temperature", False)
            for poll in POLLS:
                store.clear(poll)
                store.put(f"paused:{poll}", False)
        kept = store.put_if_absent("class", made)  # several studios starting together agree on one class
        return cls(store, kept["key"], kept["code"])

    # --- who is who ---------------------------------------------------------------------------------
    def is_lecturer(self, key: str | None) -> bool:
        """Whether ``key`` is this class's lecturer key (compared in constant time)."""
        return bool(key) and hmac.compare_digest(str(key).encode(), self.key.encode())

    def require_lecturer(self, key: str | None) -> None:
        """Raise ``NotLecturer`` with one sentence unless ``key`` is the lecturer key."""
        if not self.is_lecturer(key):
            raise NotLecturer("Only the lecturer's page can do this: it needs the lecturer key the studio "
                              "printed when the class started.")

    def check_code(self, code: str | None) -> None:
        """Nothing for no code or this class's code; one sentence for any other (an old class's, a typo)."""
        if code and code.strip().upper() != self.code:
            raise UserError(f"The class code {code.strip()[:12]!r} is not the class running now: "
                            "scan the QR code on the projector again.")

    # --- what the lecturer shows --------------------------------------------------------------------
    def show(self, key: str | None, tabs: dict | None = None, link: str | None = None) -> dict:
        """The lecturer moved (``tabs``: tab container -> selected tab) or made a result (``link``,
        its ``?r=...``): the state every following page takes on next. Refused without the key."""
        self.require_lecturer(key)
        with self._lock:  # one lecturer page drives: its clicks arrive at one studio, one after another
            before = self.shown()
            shown = {"version": before["version"] + 1, "tabs": {**before["tabs"], **(tabs or {})},
                     "link": link if link is not None else (before["link"] if tabs is None else None)}
            self.store.put("shown", shown)
        return shown

    def shown(self) -> dict:
        """What the lecturer shows now: ``{"version", "tabs", "link"}`` (from the store: the lecturer's page
        may be on another studio behind the same address)."""
        return self.store.get("shown", None) or NOTHING_SHOWN

    # --- who is here ----------------------------------------------------------------------------------
    def seen(self, browser: str, following: bool, lecturer: bool = False) -> None:
        """A page asked for the class state (every second while it is open)."""
        self.store.seen(browser, following, lecturer)

    def counts(self) -> tuple[int, int]:
        """(students connected, of whom following the lecturer)."""
        now = time.time()
        live = [following for seen, following in self.store.present()[0].values() if now - seen < ONLINE_S]
        return len(live), sum(live)

    def lecturer_online(self) -> bool:
        """Whether the lecturer's page is open (it asked for the state in the last few seconds)."""
        seen = self.store.present()[1]
        return seen is not None and time.time() - seen < ONLINE_S

    # --- pooled answers ----------------------------------------------------------------------------
    def answer(self, poll: str, browser: str, answer_id: str, payload: dict) -> bool:
        """Count one answer; False if it was already counted (a double click, a retry, a reload).

        One sentence, and nothing counted, for a paused poll or a browser sending too many answers.
        """
        self._check_poll(poll)
        if self.paused(poll):
            raise UserError("The lecturer has paused this poll: your answer was not counted.")
        now = time.monotonic()
        with self._lock:
            recent = self._recent.setdefault(browser, deque())
            while recent and now - recent[0] > RATE_LIMIT[1]:
                recent.popleft()
            if len(recent) >= RATE_LIMIT[0]:
                raise UserError("Too many answers from this browser at once: wait a few seconds and answer again.")
            recent.append(now)
        return self.store.add_answer(poll, answer_id, browser, payload)

    def answers(self, poll: str) -> list[dict]:
        """The poll's answers, oldest first."""
        return self.store.answers(self._check_poll(poll))

    def paused(self, poll: str) -> bool:
        """Whether the lecturer paused ``poll``."""
        return bool(self.store.get(f"paused:{self._check_poll(poll)}", False))

    def pause(self, key: str | None, poll: str, paused: bool) -> None:
        """Pause or resume ``poll`` (lecturer only)."""
        self.require_lecturer(key)
        self.store.put(f"paused:{self._check_poll(poll)}", bool(paused))

    def reset(self, key: str | None, poll: str) -> None:
        """Forget ``poll``'s answers (lecturer only)."""
        self.require_lecturer(key)
        self.store.clear(self._check_poll(poll))

    def hand_out(self, key: str | None, on: bool) -> None:
        """Hand the temperatures of the poll out across the room (lecturer only): each browser then
        generates at its own one of ``HANDED_TEMPERATURES`` instead of the one it picks."""
        self.require_lecturer(key)
        self.store.put("hand_out:temperature", bool(on))

    def handed_temperature(self, browser: str) -> float | None:
        """The temperature handed to ``browser``, or None while the lecturer hands none out. The same
        browser always gets the same one; the room gets all of them, about equally often."""
        if not self.store.get("hand_out:temperature", False):
            return None
        digest = hashlib.sha256(f"{self.code}:{browser}".encode()).digest()
        return HANDED_TEMPERATURES[digest[0] % len(HANDED_TEMPERATURES)]

    @staticmethod
    def _check_poll(poll: str) -> str:
        if poll not in POLLS:
            raise UserError(f"There is no poll {poll!r}; the polls are: {', '.join(POLLS)}.")
        return poll


def open_store(address: str | Path) -> ClassStore:
    """The store at ``address``: ``redis://...`` for a class shared by several studios
    (``studio.classroom.redis_store``), otherwise the path of a SQLite file (the default, one studio)."""
    if str(address).startswith(("redis://", "rediss://", "unix://")):
        return RedisStore(str(address))
    return SQLiteStore(address)
