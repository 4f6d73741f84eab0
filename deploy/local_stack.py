"""deploy/ on one machine, on loopback only: a private redis-server and nginx with deploy/nginx.conf.

Shared by the deployment test (tests/test_deploy.py) and the class benchmark with several studios
(benchmarks/class_session.py --replicas N), so both run the same nginx file the same way. It is neither a
test nor a benchmark: both put deploy/ on their path to import it.

- ``redis_server(folder, port=None)``: redis-server on 127.0.0.1, append-only, its data in ``folder``
  (so it can be stopped and started again on the same data, as a restarted Redis would); yields its URL.
  Raises ``RedisMissing`` when Debian's redis-server is not installed (a test turns that into a skip).
- ``nginx_config(template, studios, port, folder)``: deploy/nginx.conf with these studios' addresses,
  this port and private temporary folders.
- ``running_nginx(studios, folder)``: nginx with that configuration in front of ``studios``; yields its URL.

While they run, ``NGINX_PROCESSES`` and ``REDIS_PROCESSES`` map each one's URL to its process (the
benchmark reads their CPU from /proc).
"""

from __future__ import annotations

import contextlib
import re
import shutil
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent  # the repository
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"
NGINX_PROCESSES: dict[str, subprocess.Popen] = {}  # URL -> the nginx master serving it
REDIS_PROCESSES: dict[str, subprocess.Popen] = {}  # URL -> the redis-server behind it


class RedisMissing(RuntimeError):
    """Debian's redis-server is not installed."""


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_until_up(process: subprocess.Popen, ready, what: str, errors: tuple[type[Exception], ...],
                   log: Path | None = None, every_s: float = 0.1) -> None:
    """Ask ``ready()`` until it answers (15 s at most); RuntimeError when ``process`` ends or time runs out."""
    deadline = time.monotonic() + 15
    while True:
        try:
            ready()
            return
        except errors:
            if time.monotonic() > deadline or process.poll() is not None:
                said = log.read_text()[-800:] if log is not None and log.exists() else ""
                raise RuntimeError(f"{what} did not start{': ' + said if said else ''}") from None
            time.sleep(every_s)


@contextlib.contextmanager
def _serving(process: subprocess.Popen, url: str, registry: dict[str, subprocess.Popen]):
    """``url`` while ``process`` serves it (listed in ``registry``); the process is stopped after."""
    try:
        registry[url] = process
        yield url
    finally:
        registry.pop(url, None)
        process.terminate()
        process.wait(timeout=10)


@contextlib.contextmanager
def redis_server(folder: Path, port: int | None = None):
    """Run redis-server on 127.0.0.1 with its append-only file in ``folder``; yields its URL; stops it after."""
    if not Path(REDIS_SERVER).exists():
        raise RedisMissing("Debian's redis-server is not installed (apt-get install redis-server)")
    import redis  # the optional client, only where a Redis is started

    folder.mkdir(parents=True, exist_ok=True)
    port = port or free_port()
    process = subprocess.Popen([REDIS_SERVER, "--bind", "127.0.0.1", "--port", str(port), "--dir", str(folder),
                                "--appendonly", "yes", "--save", "", "--protected-mode", "yes"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    with contextlib.ExitStack() as stop:
        stop.callback(lambda: (process.terminate(), process.wait(timeout=10)) if process.poll() is None else None)
        _wait_until_up(process, lambda: redis.Redis.from_url(url, socket_timeout=1).ping(), "redis-server",
                       (redis.ConnectionError,), every_s=0.05)
        stop.pop_all()
    with _serving(process, url, REDIS_PROCESSES):
        yield url


def nginx_config(template: str, studios: list[str], port: int, folder: Path) -> str:
    """deploy/nginx.conf with these studios' addresses, this port and private temporary folders."""
    servers = "".join(f"        server {address} max_fails=1 fail_timeout=15s;\n" for address in studios)
    config = re.sub(r"(# STUDIOS[^\n]*\n)(\s*server [^\n]*\n)+", lambda m: m.group(1) + servers, template)
    config = config.replace("listen 8080;", f"listen 127.0.0.1:{port};")
    config = config.replace("/tmp/nginx", str(folder / "nginx"))
    return "user root;\n" + config  # the test runs as root; the container's nginx runs as its own user


@contextlib.contextmanager
def running_nginx(studios: list[str], folder: Path):
    """nginx with deploy/nginx.conf in front of ``studios`` (``host:port`` each); yields its URL."""
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    config = folder / "nginx.conf"
    config.write_text(nginx_config((ROOT / "deploy" / "nginx.conf").read_text(), studios, port, folder))
    process = subprocess.Popen([NGINX, "-c", str(config), "-p", str(folder), "-e", str(folder / "error.log"),
                                "-g", "daemon off;"], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    with contextlib.ExitStack() as stop:
        stop.callback(lambda: (process.terminate(), process.wait(timeout=10)) if process.poll() is None else None)
        _wait_until_up(process, lambda: urllib.request.urlopen(url + "studio-class/state", timeout=5).read(), "nginx",
                       (OSError,), log=folder / "error.log", every_s=0.2)
        stop.pop_all()
    with _serving(process, url, NGINX_PROCESSES):
        yield url
