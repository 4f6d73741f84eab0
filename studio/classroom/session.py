"""A class: who may drive it (a lecturer session, given for the lecturer key), how students find it (the
class code), who a browser is (an id the server minted and signed), what the lecturer shows (followed by
the students' pages), who is here, and the pooled answers.

Nothing here knows Gradio or a technique: the web layer (``studio.classroom.web``) reads the browser's
cookies and hands this object plain strings, and the tabs hand it answers as small dictionaries.

Several studios may serve one class (``deploy/``): the class record (key, code, epoch) lives in the
store, and each studio reads it again on every page's ask, so a new class started anywhere reaches every
studio within a second or two.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections import deque
from pathlib import Path

from itsdangerous import BadSignature, Signer

from studio.checks import UserError
from studio.classroom import plans, polls
from studio.classroom.plans import LecturePlan, PlanStep
from studio.classroom.answer_log import AnswerLog
from studio.classroom.redis_store import RedisStore
from studio.classroom.store import ClassStore, SQLiteStore, StoreBusy

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed on a phone
CODE_LENGTH = 6
ONLINE_S = 6.0  # a page that asked for the class state this recently is connected (pages ask every second)
NOTHING_SHOWN = {"version": 0, "tabs": {}, "link": None, "result": None, "step": None}
RATE_LIMIT = (20, 10.0)  # at most 20 answers from one browser in any 10 s: a game round takes longer than that
MAX_RATE_ENTRIES = 10_000  # browsers whose recent answers are remembered at most (then the idle ones go)
LECTURER_SESSION_S = 12 * 3600  # a day of lectures; then the lecturer opens the key's address again
LECTURER_CACHE_S = 2.0  # a lecturer session checked this recently is not read from the store again
STUDIO_LIVE_S = 10.0  # a studio that beat this recently is running the class (studios beat every 3 s)
BEAT_S = 3.0


class NotLecturer(UserError):
    """A lecturer's action asked for by a page or a call without a lecturer session."""


def _digest(token: str) -> str:
    """What the store keeps of a lecturer session: its hash, so a copy of the store signs nobody in."""
    return hashlib.sha256(token.encode()).hexdigest()


def _new_record(epoch: int, key: str | None = None) -> dict:
    return {"key": key or secrets.token_urlsafe(24), "epoch": epoch, "started": time.time(),
            "code": "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))}


class ClassSession:
    """One class, kept in ``store`` so that it outlives a restart of the studio."""

    def __init__(self, store: ClassStore, record: dict, studio: str = "") -> None:
        self.store = store
        self.studio = studio
        self._record = record
        self._lock = threading.Lock()
        self._plan_cache: tuple = (None, None)  # (the store's plan record, its parsed plan)
        secret = store.put_if_absent("secret", secrets.token_hex(32))  # one secret for every studio
        self._secret = secret.encode()
        self._signer = Signer(secret, salt="studio-browser-id")
        # A browser's answers reach one studio (sticky sessions), so its rate is counted where it lands.
        self._recent: dict[str, deque] = {}  # browser -> times of its latest answers
        self._logs: dict[str, AnswerLog] = {}  # poll -> its answers read so far (made at its first read)
        had = store.get("polls", None) or []
        if not set(polls.names()) <= set(had):  # for new-class, which declares no technique's poll
            store.put("polls", sorted(set(had) | set(polls.names())))
        self._sessions_read: tuple[float, dict] = (0.0, {})  # (when, {digest: expiry}) of the lecturer sessions

    @classmethod
    def open(cls, store: ClassStore, new: bool = False, studio: str = "", archive: Path | None = None) -> ClassSession:
        """The class kept in ``store`` (its answers and code), or a new one with a new key and code.

        A new class is refused with one sentence while other studios run the class (they would each go
        on with the old one): start it with ``python -m studio.classroom new-class`` instead."""
        if new:
            others = [s for s in store.live_studios(STUDIO_LIVE_S) if s != studio]
            if others:
                raise UserError(f"{len(others)} other studio(s) run this class now ({', '.join(sorted(others))}): "
                                "start the new class for all of them with `python -m studio.classroom new-class "
                                "--class-store ADDRESS` or the lecturer panel's 'End the class', or stop them first.")
            start_new_class(store, archive=archive)
        kept = store.put_if_absent("class", _new_record(1))  # several studios starting together agree on one class
        return cls(store, kept, studio)

    # --- the class record ---------------------------------------------------------------------------
    @property
    def key(self) -> str:
        """The lecturer key (exchanged once for a lecturer session; never a cookie)."""
        return self._record["key"]

    @property
    def code(self) -> str:
        """The class code students join with."""
        return self._record["code"]

    @property
    def epoch(self) -> int:
        """Which class of this store this is: each new class counts one more."""
        return int(self._record.get("epoch", 1))

    def _adopt(self, record: dict | None) -> None:
        """Take the class record read from the store; when the store lost it (a Redis that lost its data),
        write ours back, and every studio agrees on whichever one got there first."""
        if record is None:
            record = self.store.put_if_absent("class", self._record)
        self._record = record

    def refresh(self) -> None:
        """Beat as a live studio of the class, and read the class record again (a studio's heartbeat)."""
        if self.studio:
            self.store.beat(self.studio)
        self._adopt(self.store.get("class"))

    def start_heartbeat(self) -> threading.Thread:
        """Refresh every ``BEAT_S`` in a daemon thread, for as long as the studio runs."""
        def beat() -> None:
            while True:
                try:
                    self.refresh()
                except StoreBusy:
                    pass  # the store is back soon; the pages hear of it from their own asks
                time.sleep(BEAT_S)

        thread = threading.Thread(target=beat, name="class-heartbeat", daemon=True)
        thread.start()
        return thread

    # --- who is who ---------------------------------------------------------------------------------
    def sign_in(self, key: str | None) -> str | None:
        """A new lecturer session for the right ``key`` (compared in constant time), else None."""
        if not key or not hmac.compare_digest(str(key).encode(), self.key.encode()):
            return None
        token = secrets.token_urlsafe(32)
        now = time.time()
        with self._lock:
            kept = {d: t for d, t in self.store.get("lecturer_sessions", {}).items() if t > now}
            kept[_digest(token)] = now + LECTURER_SESSION_S
            self.store.put("lecturer_sessions", kept)
            self._sessions_read = (0.0, {})
        return token

    def is_lecturer(self, token: str | None) -> bool:
        """Whether ``token`` is a live lecturer session of this class."""
        if not token or len(token) > 128:
            return False
        now = time.monotonic()
        read_at, sessions = self._sessions_read
        if now - read_at > LECTURER_CACHE_S:
            sessions = self.store.get("lecturer_sessions", {})
            self._sessions_read = (now, sessions)
        return sessions.get(_digest(str(token)), 0) > time.time()

    def require_lecturer(self, token: str | None) -> None:
        """Raise ``NotLecturer`` with one sentence unless ``token`` is a lecturer session."""
        if not self.is_lecturer(token):
            raise NotLecturer("Only the lecturer's page can do this: open the lecturer address (with the key) "
                              "the studio printed when the class started.")

    def sign_out(self, token: str | None) -> None:
        """End the lecturer session ``token`` ("leave lecturer mode" on a shared PC)."""
        if not token:
            return
        with self._lock:
            kept = self.store.get("lecturer_sessions", {})
            kept.pop(_digest(str(token)), None)
            self.store.put("lecturer_sessions", kept)
            self._sessions_read = (0.0, {})

    def replace_key(self, keep: str | None = None) -> str:
        """A new lecturer key for this class (the operator's ``--new-key``); the answers stay, and every
        lecturer session ends but ``keep``'s (whoever had the old key is out). The new key."""
        with self._lock:
            record = {**(self.store.get("class") or self._record), "key": secrets.token_urlsafe(24)}
            self.store.put("class", record)
            self.store.put("lecturer_sessions", {_digest(keep): time.time() + LECTURER_SESSION_S} if keep else {})
            self._record, self._sessions_read = record, (0.0, {})
        return record["key"]

    def rotate_key(self, token: str | None) -> str:
        """``replace_key`` from the lecturer's panel (lecturer only): the caller's session goes on."""
        self.require_lecturer(token)
        return self.replace_key(keep=token)

    def mint_browser(self) -> tuple[str, str]:
        """(id, cookie value) of a new browser: a random id and the server's signature of it."""
        browser = secrets.token_urlsafe(12)
        return browser, self._signer.sign(browser).decode()

    def shared_key(self, purpose: str) -> bytes:
        """A signing key for ``purpose`` that every studio of the class derives alike (from the one secret in
        the store), so a token one studio signs is good on the others (a studio killed mid-class)."""
        return hmac.new(self._secret, f"studio-key:{purpose}".encode(), hashlib.sha256).digest()

    def browser_of(self, cookie: str | None) -> str | None:
        """The browser id a cookie value carries, when the server signed it; None for anything else."""
        if not cookie or len(cookie) > 128:
            return None
        try:
            return self._signer.unsign(cookie).decode()
        except BadSignature:
            return None

    def check_code(self, code: str | None) -> None:
        """Nothing for no code or this class's code; one sentence for any other (an old class's, a typo)."""
        if code and code.strip().upper() != self.code:
            raise UserError(f"The class code {code.strip()[:12]!r} is not the class running now: "
                            "scan the QR code on the projector again.")

    def join_url(self) -> str | None:
        """The students' address the lecturer typed in the panel, if any (every studio's QR code uses it)."""
        return self.store.get("join_url")

    def set_join_url(self, token: str | None, url: str | None) -> None:
        """Keep the students' address the lecturer typed (lecturer only; ``None`` forgets it)."""
        self.require_lecturer(token)
        self.store.put("join_url", url)

    # --- what the lecturer shows --------------------------------------------------------------------
    def show(self, token: str | None, tabs: dict | None = None, link: str | None = None,
             result: str | None = None, step: dict | None = None) -> dict:
        """The lecturer moved (``tabs``: tab container -> selected tab) or made a result (``link``, its
        ``?r=...``, and ``result``, the technique that made it), or stepped their plan (``step``: the plan's
        name, the step's number ``n`` of ``of``, its title): the state every following page takes on next.
        The step stays until the next one (a move between steps is part of it). Refused without a lecturer
        session."""
        self.require_lecturer(token)
        with self._lock:  # one lecturer page drives: its clicks arrive at one studio, one after another
            before = {**NOTHING_SHOWN, **self.shown()}
            kept = link is None and tabs is None  # nothing new: the version alone moves on
            shown = {"version": before["version"] + 1, "tabs": {**before["tabs"], **(tabs or {})},
                     "link": link if link is not None else (before["link"] if kept else None),
                     "result": result if link is not None else (before["result"] if kept else None),
                     "step": before["step"] if step is None else ({**step, "at": before["version"] + 1} if step else None)}
            self.store.put("shown", shown)
        return shown

    # --- the lecture plan (studio.classroom.plans) ------------------------------------------------------
    def set_plan(self, token: str | None, plan: LecturePlan | None) -> None:
        """Make ``plan`` the class's (None: none). Kept in the store as its file, so that every studio behind
        the same address steps the same plan."""
        self.require_lecturer(token)
        self.store.put("plan", None if plan is None else {"name": plan.name, "text": plan.to_toml()})
        if plan is None:
            self.show(token, step={})  # the pages stop showing a step

    def adopt_plan(self, plan: LecturePlan) -> None:
        """The class's plan from the start (``python studio.py --class --plan NAME``: the operator's choice,
        with no lecturer page yet); its step 1 comes with the lecturer's first PageDown."""
        self.store.put("plan", {"name": plan.name, "text": plan.to_toml()})

    def plan(self) -> LecturePlan | None:
        """The class's plan, if the lecturer chose one (parsed once for each plan the store holds)."""
        kept = self.store.get("plan", None)
        if not kept:
            return None
        cache_key = (kept["name"], kept["text"])
        if self._plan_cache[0] != cache_key:
            self._plan_cache = (cache_key, plans.parse(kept["text"], kept["name"]))
        return self._plan_cache[1]

    def set_recording(self, token: str | None, on: bool) -> None:
        """Start (with no steps yet) or stop recording the lecturer's results as a plan's steps."""
        self.require_lecturer(token)
        self.store.put("recording", {"on": True, "steps": []} if on else
                       {**(self.store.get("recording", None) or {"steps": []}), "on": False})

    def record(self, token: str | None, step: PlanStep) -> bool:
        """Add ``step`` to the recording, if one is on (the lecturer's result, made with a click), its title
        numbered ("3. gan.samples": the lecturer gives it words in the file)."""
        self.require_lecturer(token)
        with self._lock:
            recording = self.store.get("recording", None)
            if not recording or not recording.get("on") or len(recording["steps"]) >= plans.MAX_STEPS:
                return False
            entry = {**step.record(), "title": f"{len(recording['steps']) + 1}. {step.title}"}
            self.store.put("recording", {**recording, "steps": [*recording["steps"], entry]})
        return True

    def recorded(self) -> list[dict]:
        """The steps recorded so far (their file records), on or stopped."""
        return list((self.store.get("recording", None) or {}).get("steps", []))

    def shown(self) -> dict:
        """What the lecturer shows now: ``{"version", "tabs", "link"}`` (from the store: the lecturer's page
        may be on another studio behind the same address)."""
        return self.store.get("shown", None) or NOTHING_SHOWN

    # --- a page's ask, and who is here ---------------------------------------------------------------
    def poll(self, browser: str | None, following: bool, lecturer: bool = False,
             pages: dict[str, bool] | None = None) -> dict:
        """A page asked for the class state: note it as present (``browser``: its verified id; None notes
        nothing), and with it ``pages`` (id -> following: the pages streaming from this studio), and say
        ``{"shown", "lecturer_online"}``, and with ``lecturer`` ``"counts"``: (students connected, of whom
        following). One store round trip."""
        pages = dict(pages or {})
        if browser is not None and not lecturer:
            pages[browser] = following
        answer = self.store.poll(pages, lecturer, ONLINE_S)
        self._adopt(answer["class"])
        seen = answer["lecturer_seen"]
        return {"shown": answer["shown"] or NOTHING_SHOWN, "counts": answer["counts"],
                "lecturer_online": seen is not None and time.time() - seen < ONLINE_S}

    # --- pooled answers ----------------------------------------------------------------------------
    def answer(self, poll: str, browser: str, answer_id: str, payload: dict, lecturer: bool = False) -> bool:
        """Count one answer; False if it was already counted (a double click, a retry, a reload). The
        lecturer's own (a demo round) is kept marked, and left out of the class's pools.

        One sentence, and nothing counted, for a paused poll or a browser sending too many answers.
        """
        self._check_poll(poll)
        if self.paused(poll):
            raise UserError("The lecturer has paused this poll: your answer was not counted.")
        self._count_rate(browser)
        if lecturer:
            payload = {**payload, "by_lecturer": True}
        return self.store.add_answer(poll, answer_id, browser, payload)

    def _count_rate(self, browser: str) -> None:
        now = time.monotonic()
        with self._lock:
            if len(self._recent) > MAX_RATE_ENTRIES:  # forget the browsers with nothing in the window
                self._recent = {b: times for b, times in self._recent.items()
                                if times and now - times[-1] <= RATE_LIMIT[1]}
            recent = self._recent.setdefault(browser, deque())
            while recent and now - recent[0] > RATE_LIMIT[1]:
                recent.popleft()
            if len(recent) >= RATE_LIMIT[0]:
                raise UserError("Too many answers from this browser at once: wait a few seconds and answer again.")
            recent.append(now)

    def answers(self, poll: str, with_lecturer: bool = False) -> list[dict]:
        """The poll's answers, oldest first; the lecturer's own only with ``with_lecturer`` (the CSV)."""
        log = self._logs.get(poll)
        if log is None:
            log = self._logs.setdefault(self._check_poll(poll), AnswerLog(self.store, poll))
        kept = log.read()
        return kept if with_lecturer else [a for a in kept if not a.get("by_lecturer")]

    def paused(self, poll: str) -> bool:
        """Whether the lecturer paused ``poll``."""
        return bool(self.store.get(f"paused:{self._check_poll(poll)}", False))

    def pause(self, token: str | None, poll: str, paused: bool) -> None:
        """Pause or resume ``poll`` (lecturer only)."""
        self.require_lecturer(token)
        self.store.put(f"paused:{self._check_poll(poll)}", bool(paused))

    def reset(self, token: str | None, poll: str) -> None:
        """Forget ``poll``'s answers (lecturer only)."""
        self.require_lecturer(token)
        self.store.clear(self._check_poll(poll))

    def end_class(self, token: str | None, archive: Path) -> tuple[Path, str]:
        """End this class (lecturer only): its answers go to CSV files in a new folder under ``archive``,
        and a fresh class starts with a new code (the lecturer stays signed in, with the same key).
        (the archive's folder, the new code)."""
        self.require_lecturer(token)
        with self._lock:
            folder = start_new_class(self.store, archive=archive, key=self.key)
            self._adopt(self.store.get("class"))
        return folder, self.code

    def set_switch(self, token: str | None, poll: str, on: bool) -> None:
        """Turn ``poll``'s one setting (its ``ClassPoll.switch``) on or off (lecturer only)."""
        self.require_lecturer(token)
        self.store.put(f"switch:{self._check_poll(poll)}", bool(on))

    def open_poll(self, token: str | None, poll: str) -> None:
        """Open ``poll`` for the class's answers (a plan's step asks for it): resumed, and its setting on if
        it declares one (the text model's handed-out temperatures)."""
        self.pause(token, poll, False)
        if polls.find(poll, UserError).switch is not None:
            self.set_switch(token, poll, True)

    def switch(self, poll: str) -> bool:
        """Whether the lecturer turned ``poll``'s setting on (off in a new class)."""
        return bool(self.store.get(f"switch:{self._check_poll(poll)}", False))

    def spread(self, browser: str, choices: tuple):
        """One of ``choices`` for ``browser``: the same browser always gets the same one in this class,
        and the room gets all of them about equally often (a technique hands out its settings so)."""
        digest = hashlib.sha256(f"{self.code}:{browser}".encode()).digest()
        return choices[digest[0] % len(choices)]

    @staticmethod
    def _check_poll(poll: str) -> str:
        return polls.find(poll, UserError).name


def start_new_class(store: ClassStore, archive: Path | None = None, key: str | None = None) -> Path | None:
    """Write a new class into ``store`` (its epoch one more): nothing of the last class reaches it, neither
    its answers (first written as CSV files to a new folder under ``archive``, when given), pauses and state,
    nor, unless ``key`` keeps the key, its lecturer sessions. Every studio of the class takes it on at its
    next page's ask. The archive's folder, or None."""
    from studio.classroom.pools import csv_of  # lazy: the pools' module draws figures (NumPy)

    before = store.get("class", None) or {}
    every_poll = sorted(set(polls.names()) | set(store.get("polls", None) or []))
    folder = None
    if archive is not None and before:
        folder = Path(archive) / f"{before.get('code', 'class')}-{time.strftime('%Y%m%d-%H%M%S')}"
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        for poll in every_poll:
            _, kept, _ = store.answers_since(poll, -1, 0)
            (folder / f"{poll}.csv").write_text(csv_of(kept), encoding="utf-8")
    store.put("shown", NOTHING_SHOWN)
    for poll in every_poll:
        store.clear(poll)
        store.put(f"paused:{poll}", False)
        store.put(f"switch:{poll}", False)
    if key is None:
        store.put("lecturer_sessions", {})
    store.put("class", _new_record(int(before.get("epoch", 0)) + 1, key))
    return folder


def open_store(address: str | Path) -> ClassStore:
    """The store at ``address``: ``redis://...`` for a class shared by several studios
    (``studio.classroom.redis_store``), otherwise the path of a SQLite file (the default, one studio)."""
    if str(address).startswith(("redis://", "rediss://", "unix://")):
        return RedisStore(str(address))
    return SQLiteStore(address)
