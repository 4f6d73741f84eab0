"""A private redis-server for tests, on a free loopback port, with its data in a folder (append-only
file), so a test can stop it and start it again on the same data as a restarted Redis would.

The server itself is started by deploy/local_stack.py (shared with benchmarks/class_session.py);
here a missing redis-server skips the test."""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path

import pytest

from conftest import ROOT

sys.path.insert(0, str(ROOT / "deploy"))
import local_stack  # noqa: E402  (shared with benchmarks/class_session.py)

REDIS_SERVER = local_stack.REDIS_SERVER


@contextlib.contextmanager
def redis_server(folder: Path, port: int | None = None):
    """Run redis-server on 127.0.0.1 (skips the test without it); yields its URL; stops it after."""
    if not Path(REDIS_SERVER).exists():
        pytest.skip("Debian's redis-server is not installed (apt-get install redis-server)")
    with local_stack.redis_server(folder, port=port) as url:
        yield url
