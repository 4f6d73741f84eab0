"""A studio's copy of one poll's answers, read from the store only where it is new.

The projector redraws twice a second and every student's answer shows the class so far; reading every
answer each time made a semester's class slow (20,000 wall rows: 0.49 s a read, under the lock every
page's ask waits for). ``AnswerLog`` keeps what it read and asks the store only for what came after its
cursor; a reset anywhere (the poll's generation changed) makes it start again.
"""

from __future__ import annotations

import threading


class AnswerLog:
    """The answers of ``poll`` in ``store`` (``studio.classroom.store.ClassStore``), oldest first."""

    def __init__(self, store, poll: str) -> None:
        self.store = store
        self.poll = poll
        self._lock = threading.Lock()
        self._generation = -1  # nothing read yet: the first read starts from the beginning
        self._cursor = 0
        self._rows: list[dict] = []

    def read(self) -> list[dict]:
        """Every answer so far (a new list; the rows are shared, not to be changed)."""
        with self._lock:
            generation, new, cursor = self.store.answers_since(self.poll, self._generation, self._cursor)
            if generation != self._generation:
                self._rows = []
            self._rows.extend(new)
            self._generation, self._cursor = generation, cursor
            return list(self._rows)
