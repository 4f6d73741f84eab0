"""The class session without a browser: the store, the lecturer key and code, the pooled answers,
the address students join, and the HTTP routes (through Starlette's test client, in-process)."""

from __future__ import annotations

import sqlite3
import threading

import numpy as np
import pytest

from studio.checks import UserError
from studio.classroom import join, pools
from studio.techniques.gan import poll as game_poll
from studio.techniques.text_lm import poll as temperature_poll
from studio.classroom.session import ClassSession, NotLecturer, open_store
from studio.classroom.store import SQLiteStore, StoreBusy


@pytest.fixture(params=["sqlite", "redis"])
def store(request, tmp_path):
    """Each store the class can use: the embedded SQLite file, and Redis (skipped without redis-server)."""
    if request.param == "sqlite":
        kept = SQLiteStore(tmp_path / "class.sqlite3")
    else:
        kept = open_store(request.getfixturevalue("redis_url"))
    yield kept
    kept.close()


@pytest.fixture
def redis_url(tmp_path):
    """A private redis-server on a free loopback port for this test; its URL."""
    from redis_server import redis_server

    with redis_server(tmp_path / "redis") as url:
        yield url


@pytest.fixture
def session(store):
    return ClassSession.open(store, new=True)


@pytest.fixture
def lecturer(session):
    """A lecturer session of ``session``'s class (what the lecturer's cookie holds)."""
    return session.sign_in(session.key)


def test_an_answer_is_counted_once_whatever_is_sent_again(session):
    payload = {"generator": "dcgan_mnist", "label": "DCGAN", "correct": 6, "total": 8}
    assert session.answer("game", "browser-a", "round-1", payload) is True
    assert session.answer("game", "browser-a", "round-1", payload) is False  # a double click, a retry
    assert session.answer("game", "browser-a", "round-2", payload) is True
    assert [a["id"] for a in session.answers("game")] == ["round-1", "round-2"]


def test_answers_written_from_many_threads_at_once_are_all_kept(session):
    def send(k: int) -> None:
        for r in range(10):
            session.answer("game", f"browser-{k}", f"{k}-{r}", {"generator": "g", "correct": 1, "total": 8})

    threads = [threading.Thread(target=send, args=(k,)) for k in range(30)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(session.answers("game")) == 300


@pytest.mark.parametrize("kind", ["sqlite", "redis"])
def test_the_class_and_its_answers_survive_a_restart(tmp_path, kind, request):
    path = tmp_path / "class.sqlite3" if kind == "sqlite" else request.getfixturevalue("redis_url")
    first_store = open_store(path)
    first = ClassSession.open(first_store)
    first.answer("temperature", "b", "text-1", {"temperature": 1.5, "yes": False, "distinct": 0.9, "repeated": 0})
    first.show(first.sign_in(first.key), tabs={"1": "text"})
    first_store.close()

    again = ClassSession.open(open_store(path))  # the studio started again with --class
    assert (again.key, again.code) == (first.key, first.code)
    assert [a["id"] for a in again.answers("temperature")] == ["text-1"]
    assert again.shown()["tabs"] == {"1": "text"}
    fresh = ClassSession.open(open_store(path), new=True)  # --new-class
    assert fresh.code != first.code and fresh.key != first.key
    assert fresh.answers("temperature") == [] and fresh.shown()["version"] == 0  # nothing of the last class


def test_a_busy_store_waits_instead_of_losing_the_answer(tmp_path):
    path = tmp_path / "class.sqlite3"
    kept = SQLiteStore(path)
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")  # another process holds the write lock for a moment
    threading.Timer(0.5, lambda: other.execute("COMMIT")).start()
    assert kept.add_answer("game", "r1", "b", {"correct": 1}) is True  # waited, then written
    assert len(kept.answers_since("game", 0, 0)[1]) == 1
    other.close()


def test_two_studios_starting_one_class_together_agree_on_its_key_code_and_shared_keys(store):
    first, second = ClassSession.open(store), ClassSession.open(store)
    assert (first.key, first.code) == (second.key, second.code)
    first.show(first.sign_in(first.key), tabs={"1": "gan"})
    assert second.shown()["tabs"] == {"1": "gan"}  # the lecturer on one studio, a student on the other
    # a tab's tokens (a game round) signed on one studio are read on the other; each purpose its own key
    assert first.shared_key("gan-game-round") == second.shared_key("gan-game-round") != first.shared_key("other")
    assert len(first.shared_key("gan-game-round")) == 32


def test_redis_down_refuses_an_answer_with_one_sentence_and_back_up_keeps_them_all(tmp_path):
    from redis_server import redis_server

    with redis_server(tmp_path / "redis") as url:
        session = ClassSession.open(open_store(url))
        assert session.answer("game", "b", "r1", {"generator": "g", "correct": 1, "total": 8})
    with pytest.raises(StoreBusy):  # the page shows "not counted: send it once more"
        session.answer("game", "b", "r2", {"generator": "g", "correct": 1, "total": 8})
    with redis_server(tmp_path / "redis", port=int(url.rsplit(":", 1)[1].split("/")[0])):  # back, same data
        assert session.answer("game", "b", "r2", {"generator": "g", "correct": 1, "total": 8})
        assert session.answer("game", "b", "r1", {"generator": "g", "correct": 1, "total": 8}) is False
        assert [a["id"] for a in session.answers("game")] == ["r1", "r2"]


def test_only_a_lecturer_session_drives_pauses_and_resets(session, lecturer):
    near = lecturer[:-1] + ("a" if lecturer[-1] != "a" else "b")
    for forged in (None, "", "x" * 32, near, session.key):  # the key itself is no session: it is only exchanged

        assert not session.is_lecturer(forged)
        with pytest.raises(NotLecturer, match="lecturer address"):
            session.show(forged, tabs={"1": "gan"})
        with pytest.raises(NotLecturer):
            session.pause(forged, "game", True)
        with pytest.raises(NotLecturer):
            session.reset(forged, "game")
    assert session.shown()["version"] == 0  # nothing a forged key sent was taken


def test_a_paused_poll_a_flood_and_an_unknown_poll_get_one_sentence_and_count_nothing(session, lecturer):
    session.pause(lecturer, "game", True)
    with pytest.raises(UserError, match="paused"):
        session.answer("game", "b", "r", {"generator": "g", "correct": 1, "total": 8})
    session.pause(lecturer, "game", False)
    for k in range(20):
        session.answer("game", "flood", f"r{k}", {"generator": "g", "correct": 1, "total": 8})
    with pytest.raises(UserError, match="Too many answers"):
        session.answer("game", "flood", "r-too-many", {"generator": "g", "correct": 1, "total": 8})
    session.answer("game", "calm", "r-calm", {"generator": "g", "correct": 1, "total": 8})  # others go on
    with pytest.raises(UserError, match="no poll"):
        session.answer("votes", "b", "x", {})
    assert len(session.answers("game")) == 21
    session.reset(lecturer, "game")
    assert session.answers("game") == []


def test_the_lecturer_hands_temperatures_out_across_the_room(session, lecturer):
    from studio.techniques.text_lm import TEMPERATURE_POLL
    from studio.techniques.text_lm.poll import HANDED_TEMPERATURES

    def handed(browser):
        return session.spread(browser, HANDED_TEMPERATURES) if session.switch(TEMPERATURE_POLL.name) else None

    assert handed("b1") is None  # each student picks their own
    with pytest.raises(NotLecturer):
        session.set_switch("forged", TEMPERATURE_POLL.name, True)
    session.set_switch(lecturer, TEMPERATURE_POLL.name, True)
    room = [handed(f"browser-{k}") for k in range(200)]
    assert set(room) == set(HANDED_TEMPERATURES)  # the room gets every temperature
    assert handed("browser-7") == room[7]  # and a browser keeps its own


def test_a_wrong_or_old_class_code_gets_one_sentence(session):
    session.check_code(None)
    session.check_code(session.code.lower())  # typed on a phone
    with pytest.raises(UserError, match="not the class running now"):
        session.check_code("OLD123")


def test_the_lecturer_state_moves_forward_and_keeps_the_tabs(session, lecturer):
    first = session.show(lecturer, tabs={"10": "gan"})
    second = session.show(lecturer, tabs={"20": "gan-game"})
    assert second["version"] == first["version"] + 1
    assert second["tabs"] == {"10": "gan", "20": "gan-game"} and second["link"] is None
    third = session.show(lecturer, tabs={"10": "cgan"}, link="?r=abc")
    assert third["link"] == "?r=abc" and third["tabs"]["10"] == "cgan"


def test_presence_counts_students_and_who_follows(session):
    session.poll("a", following=True)
    session.poll("b", following=False)
    assert not session.poll("a", following=True)["lecturer_online"]
    asked = session.poll(None, following=False, lecturer=True)
    assert asked["lecturer_online"] and asked["counts"] == (2, 1)
    assert session.poll(None, following=True)["counts"] is None  # only the lecturer hears the room's counts


# --- the address students join ----------------------------------------------------------------------
def test_students_join_at_the_share_link_or_the_network_address_never_at_loopback():
    assert join.student_address("127.0.0.1", 7860, "ABC234").problem == join.LOCAL_ONLY
    assert "--host 0.0.0.0" in join.LOCAL_ONLY and "--share" in join.LOCAL_ONLY
    assert join.student_address("0.0.0.0", 7860, "ABC234", addresses=["192.168.0.12"], container=False).url == \
        "http://192.168.0.12:7860/?class=ABC234"
    assert join.student_address("0.0.0.0", 7860, "ABC234", addresses=[]).problem == join.NO_NETWORK
    shared = join.student_address("0.0.0.0", 7860, "ABC234", share_url="https://abc.gradio.live")
    assert shared.url == "https://abc.gradio.live/?class=ABC234"


def test_the_machines_addresses_are_listed_without_loopback():
    """Loopback, link-local, IPv6 and container bridges are left out, the Wi-Fi kept (a made-up machine, so
    that the test holds where this one has no network); then the real machine's list has no loopback."""
    import ipaddress
    from types import SimpleNamespace

    def adapter(name, *ips):
        return SimpleNamespace(name=name, ips=[SimpleNamespace(ip=ip) for ip in ips])

    machine = [adapter("lo", "127.0.0.1", ("::1", 0, 0)), adapter("docker0", "172.17.0.1"),
               adapter("wlan0", "169.254.3.4", "192.168.0.23", ("fe80::1", 0, 2)), adapter("veth1a2b", "10.9.9.9")]
    assert join.lan_addresses(machine, default_interface="wlan0") == ["192.168.0.23"]
    assert all(not ipaddress.ip_address(address).is_loopback for address in join.lan_addresses())


def test_the_qr_code_is_a_large_black_and_white_square_with_its_quiet_zone():
    picture = join.qr_picture("http://192.168.0.12:7860/?class=ABC234", scale=10)
    assert picture.shape[0] == picture.shape[1] and picture.shape[0] >= 250
    assert set(np.unique(picture)) == {0, 255}
    assert (picture[:40] == 255).all() and (picture[:, :40] == 255).all()  # four white modules around it


# --- the pictures and the CSV ------------------------------------------------------------------------------
def test_game_scores_and_picture_per_generator():
    answers = [{"generator": "dcgan", "label": "DCGAN", "correct": 4, "total": 8},
               {"generator": "dense", "label": "Dense", "correct": 8, "total": 8},
               {"generator": "dcgan", "label": "DCGAN", "correct": 5, "total": 8}]
    scores = game_poll.game_scores(answers)
    assert [(s.generator, s.rounds, s.correct, s.total) for s in scores] == [("dcgan", 2, 9, 16), ("dense", 1, 8, 8)]
    assert scores[1].share == 1.0
    for lang in ("ko", "en"):
        picture = game_poll.game_picture(answers, lang)
        assert picture.ndim == 3 and picture.dtype == np.uint8 and picture.std() > 10


def test_temperature_rows_and_picture():
    answers = [{"temperature": 0.5, "yes": True, "distinct": 0.6, "repeated": 0.2},
               {"temperature": 0.5, "yes": False, "distinct": 0.8, "repeated": 0.0},
               {"temperature": 2.0, "yes": False, "distinct": 1.0, "repeated": 0.0}]
    rows = temperature_poll.temperature_rows(answers)
    assert [(r.temperature, r.answers, r.yes_share) for r in rows] == [(0.5, 2, 0.5), (2.0, 1, 0.0)]
    assert temperature_poll.temperature_picture(answers, "ko").shape[2] == 3
    assert temperature_poll.temperature_picture([], "en").std() > 0  # "no answers yet", not a blank


def test_the_wall_keeps_each_picture_and_the_csv_leaves_pictures_out():
    digit = np.random.default_rng(0).integers(0, 256, (28, 28)).astype(np.uint8)
    field = pools.picture_field(digit)
    assert np.array_equal(pools.picture_of(field), digit)
    answers = [{"id": f"b{k}", "browser": f"b{k}", "at": k, "technique": "gan" if k % 2 else "cgan",
                "params": {"seed": k}, "caption": str(k), "picture": field} for k in range(5)]
    assert [e["caption"] for e in pools.wall_entries(answers, "gan")] == ["3", "1"]  # newest first
    wall = pools.wall_picture(np.stack([digit] * 3), ["1", "2", "3"])
    assert wall.shape[2] == 3
    table = pools.csv_of(answers)
    assert "picture" not in table.splitlines()[0] and table.count("\n") == 6


def test_the_wall_draws_and_judges_each_pin_once_from_its_recipe():
    from studio.ui.kit.class_kit import ClassKit

    drawn, judged = [], []

    class Judge:
        def classify(self, dataset, pictures):
            judged.append(len(pictures))
            return np.full(len(pictures), 7)

    kit = ClassKit(None, Judge())
    kit.wall_drawer("gan", lambda params: drawn.append(params["seed"]) or np.full((28, 28), params["seed"], np.uint8))
    entries = [{"id": f"e{k}", "technique": "gan", "params": {"seed": k}, "dataset": "mnist", "asked": 7 if k else 3}
               for k in range(3)]
    pictures, classes, hits = kit.wall_cells(entries)
    assert pictures.shape == (3, 28, 28) and classes == [("mnist", 7)] * 3 and hits == [False, True, True]
    kit.wall_cells(entries + [{"id": "e3", "technique": "gan", "params": {"seed": 3}, "dataset": "mnist",
                               "asked": None}])
    assert drawn == [0, 1, 2, 3] and judged == [3, 1]  # the new pin only
    assert "67%" in kit.wall_reading("en", classes, hits)
    assert "앵클부츠×2" in kit.wall_reading("ko", [("fashion", 9), ("fashion", 9)], [True, True])


# --- over HTTP (in-process) -----------------------------------------------------------------------
@pytest.fixture
def http(session):
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route
    from starlette.testclient import TestClient

    from studio.classroom.web import ClassRoutes

    page = Starlette(routes=[Route("/", lambda request: PlainTextResponse("the studio's page"))],
                     middleware=[Middleware(ClassRoutes, session=session)])
    return TestClient(page, base_url="http://127.0.0.1")


def test_the_lecturer_key_leaves_the_address_for_a_session_cookie_that_is_not_the_key(http, session):
    answer = http.get(f"/?key={session.key}", follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/"
    cookie = answer.headers["set-cookie"]
    assert cookie.startswith("studio_lecturer_80=") and "HttpOnly" in cookie and "SameSite=strict" in cookie
    assert session.key not in cookie and "Secure" not in cookie  # a random session; plain http here
    state = http.get("/studio-class/state").json()  # the client keeps the cookie, as the browser does
    assert state["lecturer"] is True and "connected" in state


def test_a_forged_key_gets_one_sentence_and_no_cookie(http, session):
    answer = http.get("/?key=forged", follow_redirects=False)
    assert answer.status_code == 403 and "not the key" in answer.text
    assert "set-cookie" not in answer.headers
    for forged in ("forged", session.key):  # the key in a cookie is no lecturer session either
        http.cookies.set("studio_lecturer_80", forged)
        state = http.get("/studio-class/state").json()
        assert state["lecturer"] is False and "connected" not in state


def test_a_student_gets_a_signed_id_and_the_lecturers_state_without_secrets(http, session, lecturer):
    session.show(lecturer, tabs={"7": "cgan"}, link="?r=abc")
    state = http.get(f"/studio-class/state?class={session.code}").json()
    assert state["tabs"] == {"7": "cgan"} and state["link"] == "?r=abc" and "problem" not in state
    assert session.browser_of(http.cookies["studio_browser"]) is not None
    assert session.key not in str(state) and "key" not in state
    assert http.get("/studio-class/state?class=OLD999").json()["problem"].startswith("The class code")
    assert http.get("/").text == "the studio's page"  # everything else is the studio's
