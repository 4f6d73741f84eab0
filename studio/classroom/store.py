"""Where a class keeps what must outlive the studio: the class itself (code, lecturer key, epoch), the
server's signing secret, the lecturer's sessions, what the lecturer shows, and the students' answers.

One small interface, ``ClassStore``; ``SQLiteStore`` is the embedded default (a file in the user
cache, Python's own ``sqlite3``, nothing to install). Every answer has an id made by the server
(a game round's id, a generated text's id, a student's seed on the wall), and the id is the table's
primary key: a double click, a retried request or a reload writes the same row again, which SQLite
ignores, so an answer is counted exactly once.

A semester of answers stays cheap: readers ask only for what is new since their cursor
(``answers_since``), and a poll's reset bumps its generation, so a reader knows to start again.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from pathlib import Path
from typing import Protocol


class StoreBusy(RuntimeError):
    """The store could not take a write in time (another process holds it); nothing was written."""


STALE_S = 60.0  # a page not seen for this long is gone: its presence entry is dropped
MAX_PAGES = 5000  # presence entries kept at most (a flood of valid ids cannot grow a studio's memory)


class ClassStore(Protocol):
    """What a class needs from its store."""

    def add_answer(self, poll: str, answer_id: str, browser: str, payload: dict) -> bool:
        """Keep one answer; False when ``answer_id`` was already kept (nothing changes)."""

    def answers_since(self, poll: str, generation: int, cursor: int) -> tuple[int, list[dict], int]:
        """(generation, answers, new cursor): the answers of ``poll`` kept after ``cursor``, oldest first
        (``{"id", "browser", "at", **payload}``). When the poll's generation is not ``generation`` (it was
        reset since), every answer from the start."""

    def clear(self, poll: str) -> None:
        """Forget every answer of ``poll`` (and bump its generation)."""

    def get(self, key: str, default=None):
        """A small JSON value kept under ``key`` (the class, the lecturer's state, a pause)."""

    def put(self, key: str, value) -> None:
        """Keep the JSON ``value`` under ``key``."""

    def put_if_absent(self, key: str, value):
        """Keep ``value`` under ``key`` unless something is kept there already; the value kept now (two
        studios starting one class together agree on one key and code)."""

    def poll(self, pages: dict[str, bool], lecturer: bool, online_s: float) -> dict:
        """The class state asked for, in one round trip: note the presence of ``pages`` (verified browser
        id -> following; one page's ask, or every page streaming from this studio) and read ``{"class",
        "shown", "lecturer_seen"}``, and when ``lecturer`` (the lecturer's page is one of the askers)
        ``"counts"``: (pages seen within ``online_s``, of which following)."""

    def beat(self, studio: str) -> None:
        """Studio ``studio`` is alive now (several studios serve one class)."""

    def live_studios(self, within_s: float) -> list[str]:
        """The studios that beat within the last ``within_s`` seconds."""


# A write that finds the file locked waits this long before the student is told to send again.
BUSY_TIMEOUT_S = 10.0


def _private_file(path: Path) -> None:
    """``path`` exists and only its owner may read it, before SQLite opens it: SQLite then creates the
    write-ahead log and its index with the same mode (they hold the lecturer key too)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.parent.chmod(0o700)
    os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
    for kept in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if kept.exists():  # a file left by an older studio, made before this rule
            kept.chmod(0o600)


class SQLiteStore:
    """``ClassStore`` in one SQLite file (write-ahead log: readers never wait for a writer)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        _private_file(self.path)
        self._lock = threading.Lock()  # one connection, shared by the server's threads
        self._pages: dict[str, tuple[float, bool]] = {}
        self._lecturer_seen: float | None = None
        self._pruned = 0.0
        self._db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, check_same_thread=False,
                                   isolation_level=None)  # autocommit: each statement is its own transaction
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("CREATE TABLE IF NOT EXISTS answers (poll TEXT NOT NULL, id TEXT NOT NULL, "
                         "browser TEXT NOT NULL, at REAL NOT NULL, payload TEXT NOT NULL, PRIMARY KEY (poll, id))")
        self._db.execute("CREATE TABLE IF NOT EXISTS state (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        self._db.execute("CREATE TABLE IF NOT EXISTS studios (id TEXT PRIMARY KEY, at REAL NOT NULL)")

    def _run(self, sql: str, args: tuple = ()) -> sqlite3.Cursor:
        with self._lock:
            try:
                return self._db.execute(sql, args)
            except sqlite3.OperationalError as exc:  # "database is locked" after BUSY_TIMEOUT_S
                raise StoreBusy(str(exc)) from exc

    def add_answer(self, poll: str, answer_id: str, browser: str, payload: dict) -> bool:
        cursor = self._run("INSERT OR IGNORE INTO answers VALUES (?, ?, ?, ?, ?)",
                           (poll, answer_id, browser, time.time(), json.dumps(payload)))
        return cursor.rowcount == 1

    def answers_since(self, poll: str, generation: int, cursor: int) -> tuple[int, list[dict], int]:
        with self._lock:
            row = self._db.execute("SELECT value FROM state WHERE key = ?", (f"generation:{poll}",)).fetchone()
            now = 0 if row is None else json.loads(row[0])
            start = cursor if now == generation else 0
            rows = self._db.execute("SELECT rowid, id, browser, at, payload FROM answers WHERE poll = ? AND "
                                    "rowid > ? ORDER BY rowid", (poll, start)).fetchall()
        kept = [{**json.loads(payload), "id": id_, "browser": browser, "at": at} for _, id_, browser, at, payload in rows]
        return now, kept, rows[-1][0] if rows else start

    def clear(self, poll: str) -> None:
        with self._lock:
            try:
                self._db.execute("BEGIN IMMEDIATE")
                self._db.execute("DELETE FROM answers WHERE poll = ?", (poll,))
                row = self._db.execute("SELECT value FROM state WHERE key = ?", (f"generation:{poll}",)).fetchone()
                self._db.execute("INSERT OR REPLACE INTO state VALUES (?, ?)",
                                 (f"generation:{poll}", json.dumps((0 if row is None else json.loads(row[0])) + 1)))
                self._db.execute("COMMIT")
            except sqlite3.OperationalError as exc:
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                raise StoreBusy(str(exc)) from exc

    def get(self, key: str, default=None):
        with self._lock:
            row = self._db.execute("SELECT value FROM state WHERE key = ?", (key,)).fetchone()
        return default if row is None else json.loads(row[0])

    def put(self, key: str, value) -> None:
        self._run("INSERT OR REPLACE INTO state VALUES (?, ?)", (key, json.dumps(value)))

    def put_if_absent(self, key: str, value):
        self._run("INSERT OR IGNORE INTO state VALUES (?, ?)", (key, json.dumps(value)))
        return self.get(key)

    # Presence changes every second and matters only while the pages are open: one studio keeps it in
    # its memory rather than writing the file thirty times a second, pruned and capped.
    def poll(self, pages: dict[str, bool], lecturer: bool, online_s: float) -> dict:
        now = time.time()
        with self._lock:
            if lecturer:
                self._lecturer_seen = now
            for browser, following in pages.items():
                self._pages[browser] = (now, following)
            if pages and (len(self._pages) > MAX_PAGES or now - self._pruned > STALE_S / 4):
                self._prune(now)
            counts = None
            if lecturer:
                live = [f for seen, f in self._pages.values() if now - seen < online_s]
                counts = (len(live), sum(live))
            lecturer_seen = self._lecturer_seen
            rows = dict(self._db.execute("SELECT key, value FROM state WHERE key IN ('class', 'shown')").fetchall())
        return {"class": json.loads(rows["class"]) if "class" in rows else None,
                "shown": json.loads(rows["shown"]) if "shown" in rows else None,
                "lecturer_seen": lecturer_seen, "counts": counts}

    def _prune(self, now: float) -> None:
        """Drop pages gone for a minute; past ``MAX_PAGES``, the longest unseen. Under ``self._lock``."""
        self._pruned = now
        self._pages = {b: v for b, v in self._pages.items() if now - v[0] < STALE_S}
        if len(self._pages) > MAX_PAGES:
            newest = sorted(self._pages.items(), key=lambda item: item[1][0])[-MAX_PAGES:]
            self._pages = dict(newest)

    def beat(self, studio: str) -> None:
        self._run("INSERT OR REPLACE INTO studios VALUES (?, ?)", (studio, time.time()))

    def live_studios(self, within_s: float) -> list[str]:
        with self._lock:
            rows = self._db.execute("SELECT id FROM studios WHERE at > ?", (time.time() - within_s,)).fetchall()
        return [row[0] for row in rows]

    def close(self) -> None:
        """Close the file (tests reopen it as a restarted studio would)."""
        with self._lock:
            self._db.close()
