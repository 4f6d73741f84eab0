"""Where a class keeps what must outlive the studio: the class itself (code and lecturer key), what the
lecturer shows, and the students' pooled answers.

One small interface, ``ClassStore``; ``SQLiteStore`` is the embedded default (a file in the user
cache, Python's own ``sqlite3``, nothing to install). Every answer has an id made by the server
(a game round's id, a generated text's id, a student's seed on the wall), and the id is the table's
primary key: a double click, a retried request or a reload writes the same row again, which SQLite
ignores, so an answer is counted exactly once.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from pathlib import Path
from typing import Protocol


class StoreBusy(RuntimeError):
    """The store could not take a write in time (another process holds it); nothing was written."""


class ClassStore(Protocol):
    """What a class needs from its store."""

    def add_answer(self, poll: str, answer_id: str, browser: str, payload: dict) -> bool:
        """Keep one answer; False when ``answer_id`` was already kept (nothing changes)."""

    def answers(self, poll: str) -> list[dict]:
        """Every kept answer of ``poll``, oldest first: ``{"id", "browser", "at", **payload}``."""

    def clear(self, poll: str) -> None:
        """Forget every answer of ``poll``."""

    def get(self, key: str, default=None):
        """A small JSON value kept under ``key`` (the class, the lecturer's state, a pause)."""

    def put(self, key: str, value) -> None:
        """Keep the JSON ``value`` under ``key``."""

    def put_if_absent(self, key: str, value):
        """Keep ``value`` under ``key`` unless something is kept there already; the value kept now (two
        studios starting one class together agree on one key and code)."""

    def seen(self, browser: str, following: bool, lecturer: bool) -> None:
        """A page of ``browser`` asked for the class state now (its presence; not an answer)."""

    def present(self) -> tuple[dict[str, tuple[float, bool]], float | None]:
        """({browser: (last seen, following)}, when the lecturer's page was last seen), in ``time.time()``."""


# A write that finds the file locked waits this long before the student is told to send again.
BUSY_TIMEOUT_S = 10.0


class SQLiteStore:
    """``ClassStore`` in one SQLite file (write-ahead log: readers never wait for a writer)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()  # one connection, shared by the server's threads
        self._pages: dict[str, tuple[float, bool]] = {}
        self._lecturer_seen: float | None = None
        self._db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, check_same_thread=False,
                                   isolation_level=None)  # autocommit: each statement is its own transaction
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("CREATE TABLE IF NOT EXISTS answers (poll TEXT NOT NULL, id TEXT NOT NULL, "
                         "browser TEXT NOT NULL, at REAL NOT NULL, payload TEXT NOT NULL, PRIMARY KEY (poll, id))")
        self._db.execute("CREATE TABLE IF NOT EXISTS state (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        self.path.chmod(0o600)  # it holds the lecturer key

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

    def answers(self, poll: str) -> list[dict]:
        with self._lock:
            rows = self._db.execute("SELECT id, browser, at, payload FROM answers WHERE poll = ? ORDER BY rowid",
                                    (poll,)).fetchall()
        return [{**json.loads(payload), "id": id_, "browser": browser, "at": at} for id_, browser, at, payload in rows]

    def clear(self, poll: str) -> None:
        self._run("DELETE FROM answers WHERE poll = ?", (poll,))

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
    # its memory rather than writing the file thirty times a second.
    def seen(self, browser: str, following: bool, lecturer: bool) -> None:
        with self._lock:
            if lecturer:
                self._lecturer_seen = time.time()
            else:
                self._pages[browser] = (time.time(), following)

    def present(self) -> tuple[dict[str, tuple[float, bool]], float | None]:
        with self._lock:
            return dict(self._pages), self._lecturer_seen

    def close(self) -> None:
        """Close the file (tests reopen it as a restarted studio would)."""
        with self._lock:
            self._db.close()
