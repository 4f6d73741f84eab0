"""Stop buttons for long jobs, one per browser session.

A job registers a CancelToken under its session's id; that session's Stop button cancels it.
Tokens cannot live in ``gr.State`` (Gradio deep-copies state values, and an Event cannot be copied),
so they are kept here, keyed by ``gr.Request.session_hash``.
"""

from __future__ import annotations

import threading

from studio.training import CancelToken


class SessionJobs:
    """The running job of each session, if any."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._tokens: dict[str, CancelToken] = {}

    def start(self, session: str) -> CancelToken:
        """Register a new job for ``session`` and return its token."""
        token = CancelToken()
        with self._lock:
            self._tokens[session] = token
        return token

    def cancel(self, session: str) -> bool:
        """Ask ``session``'s job to stop; False when it has none."""
        with self._lock:
            token = self._tokens.get(session)
        if token is None:
            return False
        token.cancel()
        return True

    def finish(self, session: str, token: CancelToken) -> None:
        """Forget ``token`` once its job ended (unless a newer job replaced it)."""
        with self._lock:
            if self._tokens.get(session) is token:
                del self._tokens[session]
