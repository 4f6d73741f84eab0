"""deploy/ on one machine, on loopback only: a private redis-server and nginx with deploy/nginx.conf.

Shared by the deployment test (tests/test_deploy.py) and the class benchmark with several studios
(benchmarks/class_session.py --replicas N), so both run the same nginx file the same way.

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

ROOT = Path(__file__).resolve().parent.parent
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


@contextlib.contextmanager
def redis_server(folder: Path, port: int | None = None):
    """Run redis-server on 127.0.0.1 with its append-only file in ``folder``; yields its URL; stops it after."""
    if not Path(REDIS_SERVER).exists():
        raise RedisMissing("Debian's redis-server is not installed (apt-get install redis-server)")
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
        REDIS_PROCESSES[url] = process
        yield url
    finally:
        REDIS_PROCESSES.pop(url, None)
        process.terminate()
        process.wait(timeout=10)


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
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                urllib.request.urlopen(url + "studio-class/state", timeout=5).read()
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError(f"nginx did not start: {(folder / 'error.log').read_text()[-800:]}") from None
                time.sleep(0.2)
        NGINX_PROCESSES[url] = process
        yield url
    finally:
        NGINX_PROCESSES.pop(url, None)
        process.terminate()
        process.wait(timeout=10)
