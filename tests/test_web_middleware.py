"""The studio's two ASGI middlewares, on a small Starlette app: the page and frontend files kept and
compressed once (``ResponseCache``), and the early script put at the top of every HTML page
(``EarlyScript``); and the studio's patient start-up check (``patient_url_ok``)."""

import http.server
import socket
import threading
import time

import brotli
import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route
from starlette.testclient import TestClient

from studio.ui.frame.gradio_fixes import EARLY_SCRIPT, EarlyScript, patient_url_ok
from studio.ui.frame.response_cache import ResponseCache

PAGE = "<!doctype html><html><head><title>studio</title></head><body>" + "x" * 2000 + "</body></html>"


def make_app(*middleware):
    calls = {"page": 0, "config": 0, "login": 0, "missing": 0}

    def page(request):
        calls["page"] += 1
        return HTMLResponse(PAGE)

    def config(request):
        calls["config"] += 1
        return JSONResponse({"calls": calls["config"]})

    def login(request):
        calls["login"] += 1
        response = HTMLResponse(PAGE)
        response.set_cookie("session", f"visit-{calls['login']}")  # a new cookie each time
        return response

    def missing(request):
        calls["missing"] += 1
        return Response(f"no ({calls['missing']})", status_code=404)

    def result_file(request):
        calls["file"] = calls.get("file", 0) + 1
        size = 100 if "small" in request.url.path else 40 << 20  # a picture, and a 40 MB video
        return Response(b"\x89PNG" + b"\0" * size, media_type="image/png")

    app = Starlette(routes=[Route("/", page), Route("/config", config), Route("/assets/login.html", login),
                            Route("/assets/missing.js", missing),
                            Route("/gradio_api/file={path:path}", result_file)],
                    middleware=[Middleware(m) for m in middleware])
    return TestClient(app), calls


def test_the_early_script_is_the_first_thing_in_the_head_and_the_length_is_right():
    client, _ = make_app(EarlyScript)
    answer = client.get("/")
    assert answer.status_code == 200
    assert answer.text.startswith("<!doctype html><html><head>" + EARLY_SCRIPT + "<title>")
    assert int(answer.headers["content-length"]) == len(answer.content)
    assert answer.text.count("<script>") == 1


def test_the_early_script_leaves_other_answers_alone():
    client, _ = make_app(EarlyScript)
    assert client.get("/config").json() == {"calls": 1}
    assert client.post("/").status_code == 405


def test_the_page_is_built_once_and_every_student_gets_the_same_bytes():
    client, calls = make_app(ResponseCache, EarlyScript)
    first = client.get("/", headers={"accept-encoding": "br"})
    second = client.get("/", headers={"accept-encoding": "br"})
    assert calls["page"] == 1
    assert first.content == second.content
    assert first.headers["content-encoding"] == "br" and "accept-encoding" in first.headers["vary"].lower()
    assert EARLY_SCRIPT in first.text  # httpx decodes Brotli; the kept page has the script


def test_a_browser_without_brotli_gets_the_plain_page():
    client, calls = make_app(ResponseCache, EarlyScript)
    client.get("/", headers={"accept-encoding": "br"})
    plain = client.get("/", headers={"accept-encoding": "identity"})
    assert "content-encoding" not in plain.headers
    assert plain.text.startswith("<!doctype html><html><head>" + EARLY_SCRIPT)
    assert calls["page"] == 2  # a separate entry


@pytest.mark.parametrize("path", ["/assets/login.html", "/assets/missing.js"])
def test_answers_with_cookies_or_errors_are_not_kept(path):
    client, calls = make_app(ResponseCache)
    first, second = client.get(path), client.get(path)
    assert first.status_code == second.status_code
    if path.endswith("login.html"):  # built again, not replayed: the second visit has its own cookie
        assert "visit-1" in first.headers["set-cookie"] and "visit-2" in second.headers["set-cookie"]
        assert calls["login"] == 2
    else:
        assert (first.text, second.text) == ("no (1)", "no (2)") and calls["missing"] == 2


def test_only_fixed_paths_are_kept():
    client, calls = make_app(ResponseCache)
    assert client.get("/config").json() == {"calls": 1}
    assert client.get("/config").json() == {"calls": 2}


def test_the_compressed_body_is_brotli():
    client, _ = make_app(ResponseCache)
    streamed = client.send(client.build_request("GET", "/", headers={"accept-encoding": "br"}), stream=True)
    body = b"".join(streamed.iter_raw())  # the bytes as sent, before httpx decodes them
    assert brotli.decompress(body).startswith(b"<!doctype html>")


def test_the_class_and_route_cookies_share_the_kept_page_but_a_login_does_not():
    """Every student of a class (a random id, nginx's route) gets the one kept page; a login cookie
    (which may change the page) still gets its own."""
    client, calls = make_app(ResponseCache, EarlyScript)
    for k in range(3):
        client.get("/", headers={"cookie": f"studio_browser=b{k}; studio_route=r{k}"})
    client.get("/")
    assert calls["page"] == 1
    client.get("/", headers={"cookie": "studio_route=r9; access-token=someone"})
    assert calls["page"] == 2


def test_the_installed_gradios_client_shows_errors_answered_outside_the_queue():
    """``ClientPatch`` finds, in this Gradio's own client file, the status it builds for an error
    outside the queue, and adds the ``visible`` flag the page needs to show it (a newer Gradio
    without that code fails here: look at the fix again)."""
    from pathlib import Path

    import gradio

    from studio.ui.frame.gradio_fixes import CLIENT_FIX, ClientPatch

    assets = Path(gradio.__file__).parent / "templates" / "frontend" / "assets"
    clients = [path for path in assets.glob("index-*.js") if CLIENT_FIX.search(path.read_bytes())]
    assert len(clients) == 1
    script = clients[0].read_bytes()
    app = Starlette(routes=[Route(f"/assets/{clients[0].name}",
                                  lambda request: Response(script, media_type="text/javascript")),
                            Route("/assets/other.js", lambda request: Response(script, media_type="text/javascript"))],
                    middleware=[Middleware(ClientPatch)])
    client = TestClient(app)
    patched = client.get(f"/assets/{clients[0].name}").content
    assert b"queue:!1,visible:e.visible!==!1,duration:e.duration??10,_title:e.title" in patched
    assert len(patched) == len(script) + len(b",visible:e.visible!==!1,duration:e.duration??10,_title:e.title")
    assert client.get("/assets/other.js").content == script  # only Gradio's index-*.js files


def test_a_result_file_is_read_twice_for_a_whole_class_and_a_large_one_is_never_held():
    client, calls = make_app(ResponseCache)
    small = "/gradio_api/file=/tmp/gradio/0a1b2c/small.png"
    firsts = [client.get(small, cookies={"studio_browser": f"student{k}.sig"}) for k in range(5)]
    assert all(a.status_code == 200 and a.content == firsts[0].content for a in firsts)
    assert calls["file"] == 2  # 5 students: kept from the second read
    large = "/gradio_api/file=/tmp/gradio/3d4e5f/large.mp4"
    assert len(client.get(large).content) == len(client.get(large).content) == (40 << 20) + 4
    assert calls["file"] == 4  # too large to keep: each student's own read


def test_a_result_file_fetched_once_is_never_held():
    made = []

    class Watched(ResponseCache):
        def __init__(self, app):
            super().__init__(app)
            made.append(self)

    client, calls = make_app(Watched)
    for k in range(300):  # a class's game rounds: each picture its own page's
        assert client.get(f"/gradio_api/file=/tmp/gradio/{k:06x}/small.png").status_code == 200
    cache = made[-1]
    assert calls["file"] == 300 and cache._bytes == 0 and not cache._entries
    client.get("/gradio_api/file=/tmp/gradio/000001/small.png")
    assert calls["file"] == 301 and len(cache._entries) == 1  # a second fetch: kept from now on


def test_the_start_up_check_waits_for_a_slow_first_answer_and_still_refuses_no_answer():
    """Gradio's own check gives its address 3 s per ask and then refuses to start; a studio beside the test
    suite's other work took longer for its first page. The patient check waits, and still says no to nothing."""
    class SlowFirstAnswer(http.server.BaseHTTPRequestHandler):
        asked = 0

        def do_HEAD(self):  # noqa: N802 - http.server's name
            SlowFirstAnswer.asked += 1
            time.sleep(4.0 if SlowFirstAnswer.asked == 1 else 0.0)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), SlowFirstAnswer)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        assert patient_url_ok(f"http://127.0.0.1:{server.server_port}/", within_s=20)
    finally:
        server.shutdown()
        server.server_close()
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    started = time.monotonic()
    assert not patient_url_ok(f"http://127.0.0.1:{port}/", within_s=1.0)
    assert time.monotonic() - started < 5
