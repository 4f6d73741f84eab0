"""deploy/nginx.conf in front of real studios, on loopback only.

Two studios behind nginx sharing one class through Redis: a lecturer and two students in Chromium, the
students on different studios: they follow the lecturer across studios and their answers reach the
lecturer's projector, with no "Session not found". Then one studio is killed mid-class (SIGKILL), while
its student has a game round in sight: the round's Check lands on the other studio and counts, without a
reload; the student reloads, lands on the other studio and goes on, and every answer counted before is
still counted, none twice. Then Redis restarts: an answer sent while it is down is refused with one sentence
on the student's page, and counted once it is back.

TLS at nginx: one studio behind nginx over https (a throwaway certificate for 127.0.0.1): the studio
builds https addresses, a forged X-Forwarded-Host or X-Forwarded-Proto changes nothing, the lecturer's
cookie is Secure, and plain http answers a redirect to https (unless a TLS proxy in front says https).
"""

from __future__ import annotations

import contextlib
import http.client
import json
import re
import shutil
import signal
import ssl
import sys
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from class_pages import check_round, play_a_round, start_round
from conftest import COLD, ROOT, SERVER_PROCESSES, running_studio, wait_until_warm
from redis_server import redis_server

sys.path.insert(0, str(ROOT / "deploy"))
from local_stack import HTTP_URLS, NGINX, OPENSSL, running_nginx  # noqa: E402  (shared with the benchmark)

try:
    from playwright import sync_api
except ImportError:  # the TLS test needs no browser
    sync_api = None
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]
SELECTED_TAB = "#studio-techniques > .tab-wrapper [role=tab][aria-selected=true]"

pytestmark = [pytest.mark.server,
              pytest.mark.skipif(not Path(NGINX).exists(), reason="needs Debian's nginx (apt-get install nginx)")]


def served_by(url: str, route: str) -> str:
    """Which studio nginx sends a browser with this route cookie to."""
    ask = urllib.request.Request(url + "studio-class/state", headers={"Cookie": f"studio_route={route}"})
    with urllib.request.urlopen(ask, timeout=10) as answer:
        return json.loads(answer.read())["served_by"]


def routes_to_each_studio(url: str) -> list[str]:
    """Two route cookies that nginx sends to two different studios."""
    found: dict[str, str] = {}
    for k in range(64):
        found.setdefault(served_by(url, f"route-{k}"), f"route-{k}")
        if len(found) == 2:
            return list(found.values())
    raise AssertionError(f"nginx sent every route to one studio: {found}")


def page_on_route(browser, url: str, route: str, path: str, problems: list[str]):
    context = browser.new_context(viewport={"width": 1100, "height": 1200})
    context.add_cookies([{"name": "studio_route", "value": route, "url": url}])
    page = context.new_page()
    page.on("console", lambda m: problems.append(m.text) if "Session not found" in m.text else None)
    page.goto(url + path)
    return page


def open_game(page) -> None:
    page.get_by_role("tab", name="④ GAN").click()
    page.get_by_role("tab", name="Which is real?", exact=True).click()
    page.get_by_role("button", name="New round").wait_for(timeout=30_000)


@pytest.mark.browser
@pytest.mark.skipif(not (sync_api and shutil.which("chromium")),
                    reason="needs Playwright and Debian's chromium (apt-get install chromium)")
def test_two_studios_behind_nginx_one_class_a_studio_killed_and_redis_restarted(tmp_path):
    redis_folder = tmp_path / "redis"
    with contextlib.ExitStack() as stack:
        redis_url = stack.enter_context(redis_server(redis_folder))
        redis_port = int(redis_url.rsplit(":", 1)[1].split("/")[0])
        studio_args = ("--class", "--class-store", redis_url, "--no-training")
        for name in ("studio1", "studio2"):
            (tmp_path / name).mkdir()
        # warm studios, as a course runs them: on a cold one the three pages' loads make every tab's first
        # results at once, which took over two minutes in CI beside the other tests
        first = stack.enter_context(running_studio(tmp_path / "studio1", args=studio_args))
        second = stack.enter_context(running_studio(tmp_path / "studio2", args=studio_args))
        for studio in (first, second):
            wait_until_warm(studio)
        key = re.search(r"\?key=([A-Za-z0-9_-]+)", (tmp_path / "studio1" / "studio.log").read_text()).group(1)
        assert key in (tmp_path / "studio2" / "studio.log").read_text()  # one class, agreed through Redis
        url = stack.enter_context(running_nginx([first[7:-1], second[7:-1]], tmp_path / "nginx"))
        one, other = routes_to_each_studio(url)

        problems: list[str] = []
        p = stack.enter_context(sync_api.sync_playwright())
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        stack.callback(browser.close)
        lecturer = page_on_route(browser, url, one, f"?key={key}", problems)
        assert "key" not in lecturer.url
        near = page_on_route(browser, url, one, "", problems)  # a student on the lecturer's studio
        far = page_on_route(browser, url, other, "", problems)  # and one on the other studio
        sync_api.expect(lecturer.locator("#studio-class-game-summary")).to_contain_text("0 answers", timeout=120_000)
        sync_api.expect(lecturer.locator("#studio-class-bar")).to_contain_text("connected 2", timeout=60_000)

        lecturer.get_by_role("tab", name="④ GAN").click()
        lecturer.get_by_role("tab", name="Which is real?", exact=True).click()
        for student in (near, far):  # the change crossed studios through Redis
            sync_api.expect(student.get_by_role("button", name="New round")).to_be_visible(timeout=30_000)
            assert student.locator(SELECTED_TAB).inner_text() == "④ GAN"
        for student in (near, far):
            assert "The class so far" in play_a_round(student)
        sync_api.expect(lecturer.locator("#studio-class-game-summary")).to_contain_text("2 answers", timeout=30_000)

        # SIGKILL the studio of the far student mid-class, with a round in sight: its Check lands on the other
        # studio and counts (the round's token is signed with the class's key), without a reload. Then they
        # reload, land on the other studio, and play on.
        start_round(far)
        killed = SERVER_PROCESSES[second]
        killed.send_signal(signal.SIGKILL)
        killed.wait(timeout=10)
        assert "The class so far" in check_round(far)
        sync_api.expect(lecturer.locator("#studio-class-game-summary")).to_contain_text("3 answers", timeout=30_000)
        far.reload()
        sync_api.expect(far.locator("#studio-class-bar")).to_contain_text("Following the lecturer", timeout=120_000)
        open_game(far)
        assert "The class so far" in play_a_round(far)
        sync_api.expect(lecturer.locator("#studio-class-game-summary")).to_contain_text("4 answers", timeout=30_000)

        # Redis restarts: while it is down an answer is refused with one sentence, then counted once.
        _stop_redis(redis_port)
        refused = play_a_round(near)
        assert "Not counted for the class" in refused and "send it once more" in refused
        with redis_server(redis_folder, port=redis_port):
            assert "The class so far" in play_a_round(near)
            sync_api.expect(lecturer.locator("#studio-class-game-summary")).to_contain_text("5 answers",
                                                                                           timeout=30_000)
            import redis

            kept = redis.Redis.from_url(redis_url).llen("studio:class:order:game")
            assert kept == 5  # the four before the outage and the one after; none twice, none lost
        assert not problems, problems  # no "Session not found" on any page


def _stop_redis(port: int) -> None:
    """Stop the Redis on ``port`` (the fixture's process) as an outage would: SHUTDOWN, keeping its data."""
    import redis

    with contextlib.suppress(redis.ConnectionError):
        redis.Redis(host="127.0.0.1", port=port).shutdown(save=False)


def fetch(url: str, context: ssl.SSLContext | None = None, headers: dict | None = None):
    """One GET, redirects not followed: (status, response headers, body as text)."""
    parts = urlsplit(url)
    connection = (http.client.HTTPSConnection(parts.hostname, parts.port, timeout=30, context=context)
                  if parts.scheme == "https" else http.client.HTTPConnection(parts.hostname, parts.port, timeout=30))
    try:
        connection.request("GET", parts.path + (f"?{parts.query}" if parts.query else ""), headers=headers or {})
        answer = connection.getresponse()
        return answer.status, answer.headers, answer.read().decode("utf-8", "replace")
    finally:
        connection.close()


@pytest.mark.skipif(not Path(OPENSSL).exists(), reason="needs the openssl command line (apt-get install openssl)")
def test_tls_at_nginx_https_addresses_no_forged_host_and_a_secure_lecturer_cookie(tmp_path):
    (tmp_path / "studio").mkdir()
    with contextlib.ExitStack() as stack:
        studio = stack.enter_context(running_studio(tmp_path / "studio", COLD,
                                                    args=("--class", "--new-class", "--no-training")))
        key = re.search(r"\?key=([A-Za-z0-9_-]+)", (tmp_path / "studio" / "studio.log").read_text()).group(1)
        url = stack.enter_context(running_nginx([studio[7:-1]], tmp_path / "nginx", tls=True))
        origin = url.rstrip("/")
        assert origin.startswith("https://127.0.0.1:")
        # Verified against the throwaway certificate itself: it names 127.0.0.1 (subjectAltName IP).
        tls = ssl.create_default_context(cafile=str(tmp_path / "nginx" / "studio.crt"))

        # (a) Behind nginx over https, the studio builds https addresses: the config and the page's root.
        status, _, body = fetch(url + "config", tls)
        assert status == 200 and json.loads(body)["root"] == origin
        status, _, page = fetch(url, tls)
        assert status == 200 and f'"root":"{origin}"' in page.replace(" ", "")

        # (b) The class state through https: JSON of a class.
        status, _, body = fetch(url + "studio-class/state", tls)
        assert status == 200 and json.loads(body)["class"] is True

        # (c) A forged X-Forwarded-Host (and X-Forwarded-Proto: http) is overwritten by nginx.
        forged = {"X-Forwarded-Host": "attacker.invalid", "X-Forwarded-Proto": "http"}
        status, _, body = fetch(url + "config", tls, forged)
        assert status == 200 and json.loads(body)["root"] == origin
        status, _, page = fetch(url, tls, forged)
        assert status == 200 and "attacker.invalid" not in page and f'"root":"{origin}"' in page.replace(" ", "")

        # (d) The lecturer's address over https: a 303 to the plain address, its cookie Secure and HttpOnly.
        status, answer, _ = fetch(url + f"?key={key}", tls)
        assert status == 303 and key not in answer["Location"]
        cookies = answer.get_all("Set-Cookie") or []
        assert any("secure" in c.lower() and "httponly" in c.lower() for c in cookies), cookies

        # Plain http answers a 301 to the same address over https...
        plain = HTTP_URLS[url]
        status, answer, _ = fetch(plain + "?lang=en", None)
        assert status == 301 and answer["Location"] == url + "?lang=en"
        # ...unless a proxy in front ended TLS and says so: then it serves, and the addresses are https.
        status, _, body = fetch(plain + "config", None, {"X-Forwarded-Proto": "https"})
        assert status == 200 and json.loads(body)["root"] == "https://" + plain[len("http://"):].rstrip("/")
