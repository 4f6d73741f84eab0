"""A private redis-server for tests, on a free loopback port, with its data in a folder (append-only
file), so a test can stop it and start it again on the same data as a restarted Redis would."""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from conftest import free_port

REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"


@contextlib.contextmanager
def redis_server(folder: Path, port: int | None = None):
    """Run redis-server on 127.0.0.1 (skips the test without it); yields its URL; stops it after."""
    if not Path(REDIS_SERVER).exists():
        pytest.skip("Debian's redis-server is not installed (apt-get install redis-server)")
    import redis

    folder.mkdir(parents=True, exist_ok=True)
    port = port or free_port()
    process = subprocess.Popen([REDIS_SERVER, "--bind", "127.0.0.1", "--port", str(port), "--dir", str(folder),
                                "--appendonly", "yes", "--save", "", "--protected-mode", "yes"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                redis.Redis.from_url(url, socket_timeout=1).ping()
                break
            except redis.ConnectionError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("redis-server did not start") from None
                time.sleep(0.05)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)
