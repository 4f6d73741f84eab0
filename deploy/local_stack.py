"""deploy/ on one machine, on loopback only: a private redis-server and nginx with deploy/nginx.conf.

Shared by the deployment test (tests/test_deploy.py) and the class benchmark with several studios
(benchmarks/class_session.py --replicas N), so both run the same nginx file the same way. It is neither a
test nor a benchmark: both put deploy/ on their path to import it.

- ``redis_server(folder, port=None)``: redis-server on 127.0.0.1, append-only, its data in ``folder``
  (so it can be stopped and started again on the same data, as a restarted Redis would); yields its URL.
  Raises ``RedisMissing`` when Debian's redis-server is not installed (a test turns that into a skip).
- ``self_signed_certificate(folder)``: a throwaway certificate for 127.0.0.1 (``studio.crt`` and
  ``studio.key`` in ``folder``, made with the openssl command line); ``OpensslMissing`` without it.
- ``nginx_config(template, studios, port, folder, tls_port=None)``: deploy/nginx.conf with these studios'
  addresses, ``port`` for its plain listener (8080) and private temporary folders. With ``tls_port``,
  https there (8443's listener, with the certificate of ``folder``) and the plain listener redirects to
  it, as in compose. Without, plain http only: the https listener, its certificate lines and the
  redirect are removed, so the same file serves over http (the two-studio test, the benchmark).
  Either way ``resolve`` and ``resolver`` are removed: the studios here are IP addresses, loopback has no
  Docker DNS (127.0.0.11), and Debian's nginx 1.22 does not know ``resolve`` (nginx >= 1.27.3 does);
  the shared-memory ``zone`` stays (1.22 has it).
- ``running_nginx(studios, folder, tls=False)``: nginx with that configuration in front of ``studios``;
  yields its URL: ``http://127.0.0.1:PORT/``, or with ``tls`` ``https://127.0.0.1:PORT/`` with a
  throwaway certificate in ``folder`` (``HTTP_URLS`` then maps it to the plain address that redirects
  to it). Its readiness check over https does not verify the certificate (loopback only).

While they run, ``NGINX_PROCESSES`` and ``REDIS_PROCESSES`` map each one's URL to its process (the
benchmark reads their CPU from /proc).
"""

from __future__ import annotations

import contextlib
import re
import shutil
import socket
import ssl
import subprocess
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent  # the repository
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"
OPENSSL = shutil.which("openssl") or "/usr/bin/openssl"
NGINX_PROCESSES: dict[str, subprocess.Popen] = {}  # URL -> the nginx master serving it
REDIS_PROCESSES: dict[str, subprocess.Popen] = {}  # URL -> the redis-server behind it
HTTP_URLS: dict[str, str] = {}  # an https URL -> the plain http address of the same nginx (a 301 to it)


class RedisMissing(RuntimeError):
    """Debian's redis-server is not installed."""


class OpensslMissing(RuntimeError):
    """The openssl command line is not installed."""


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


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    """A throwaway self-signed certificate for 127.0.0.1 (subjectAltName IP:127.0.0.1), valid two days:
    (``folder``/studio.crt, ``folder``/studio.key), the names compose mounts under /etc/nginx/certs."""
    if not Path(OPENSSL).exists():
        raise OpensslMissing("the openssl command line is not installed (apt-get install openssl)")
    folder.mkdir(parents=True, exist_ok=True)
    certificate, key = folder / "studio.crt", folder / "studio.key"
    subprocess.run([OPENSSL, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                    "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(certificate)],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return certificate, key


def _replace(pattern: str, replacement: str, text: str, what: str) -> str:
    """``re.sub`` that insists on a match: a changed deploy/nginx.conf fails here, not in a test later."""
    text, count = re.subn(pattern, replacement, text, flags=re.MULTILINE)
    if not count:
        raise ValueError(f"deploy/nginx.conf has no {what} ({pattern!r}) to rewrite")
    return text


def nginx_config(template: str, studios: list[str], port: int, folder: Path, tls_port: int | None = None) -> str:
    """deploy/nginx.conf with these studios' addresses, ``port`` for the plain listener and private
    temporary folders; https on ``tls_port`` with ``folder``'s certificate, or without it plain http only
    (see the module's docstring)."""
    servers = "".join(f"        server {address} max_fails=1 fail_timeout=15s;\n" for address in studios)
    config = _replace(r"(# STUDIOS[^\n]*\n)(\s*server [^\n]*\n)+", lambda m: m.group(1) + servers, template,
                      "list of studios")
    config = config.replace("/tmp/nginx", str(folder / "nginx"))  # before any path of ``folder`` goes in
    # No Docker DNS on loopback, and nginx < 1.27.3 refuses "resolve": IP addresses need neither.
    config = re.sub(r"^[ \t]*resolver(_timeout)?\s[^\n]*\n", "", config, flags=re.MULTILINE)
    config = re.sub(r"^([ \t]*server [^;\n]*?) resolve\b", r"\1", config, flags=re.MULTILINE)
    config = _replace(r"listen 8080;", f"listen 127.0.0.1:{port};", config, "plain listener")
    if tls_port is None:  # plain http: no https listener, no certificate, no redirect to https
        config = _replace(r"^[ \t]*listen 8443 ssl;[^\n]*\n", "", config, "https listener")
        config = _replace(r"^[ \t]*ssl_\w+ [^\n]*\n", "", config, "ssl_ lines")
        config = _replace(r"^[ \t]*if \(\$forwarded_proto = http\) \{ return 301 [^\n]*\n", "", config,
                          "redirect to https")
    else:
        config = _replace(r"listen 8443 ssl;", f"listen 127.0.0.1:{tls_port} ssl;", config, "https listener")
        config = _replace(r"https://\$host:8443\$request_uri", f"https://$host:{tls_port}$request_uri", config,
                          "redirect to https")
        config = _replace(r"/etc/nginx/certs/", f"{folder}/", config, "certificate")
    return "user root;\n" + config  # the test runs as root; the container's nginx runs as its own user


@contextlib.contextmanager
def running_nginx(studios: list[str], folder: Path, tls: bool = False):
    """nginx with deploy/nginx.conf in front of ``studios`` (``host:port`` each); yields its URL, over https
    with a throwaway certificate when ``tls`` (see the module's docstring)."""
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    tls_port = free_port() if tls else None
    while tls and tls_port == port:
        tls_port = free_port()
    if tls:
        self_signed_certificate(folder)
    config = folder / "nginx.conf"
    config.write_text(nginx_config((ROOT / "deploy" / "nginx.conf").read_text(), studios, port, folder, tls_port))
    process = subprocess.Popen([NGINX, "-c", str(config), "-p", str(folder), "-e", str(folder / "error.log"),
                                "-g", "daemon off;"], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    plain = f"http://127.0.0.1:{port}/"
    url = f"https://127.0.0.1:{tls_port}/" if tls else plain
    unverified = ssl.create_default_context()  # a throwaway certificate on loopback: readiness only
    unverified.check_hostname = False
    unverified.verify_mode = ssl.CERT_NONE
    with contextlib.ExitStack() as stop:
        stop.callback(lambda: (process.terminate(), process.wait(timeout=10)) if process.poll() is None else None)
        _wait_until_up(process, lambda: urllib.request.urlopen(url + "studio-class/state", timeout=5,
                                                               context=unverified if tls else None).read(),
                       "nginx", (OSError,), log=folder / "error.log", every_s=0.2)
        stop.pop_all()
    if tls:
        HTTP_URLS[url] = plain
    try:
        with _serving(process, url, NGINX_PROCESSES):
            yield url
    finally:
        HTTP_URLS.pop(url, None)
