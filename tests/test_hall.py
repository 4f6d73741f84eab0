"""A hall of 200 (issue 51), in-process: a follower's tab move is no event at all, and a lecturer's result
reaches a follower as plain values through that result's own event, with no component built for its page.

The lecturer's tab clicks are posted to ``studio-class/move`` by the page's script (only the lecturer's
session moves the class, only to a tab of the page); the real pages are in tests/test_class_browser.py.
"""

from __future__ import annotations

import asyncio
import json

import gradio as gr
import pytest
from gradio.state_holder import SessionState
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.responses import JSONResponse, PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from studio import links
from studio.bundles import provenance
from studio.classroom.session import ClassSession
from studio.classroom.store import SQLiteStore
from studio.classroom.web import ClassRoutes


@pytest.fixture(scope="module")
def hall(tmp_path_factory):
    """A studio page with a class: (demo, session, lecturer token)."""
    from studio.ui import app

    session = ClassSession.open(SQLiteStore(tmp_path_factory.mktemp("hall") / "class.sqlite3"), new=True)
    demo = app.build_app(lang="en", allow_training=False, classroom=session)
    return demo, session, session.sign_in(session.key)


def _route_client(session, places):
    """The class routes in front of a page, as the studio stacks them, through a test client."""
    page = Starlette(routes=[Route("/", lambda request: PlainTextResponse("page"))],
                     middleware=[Middleware(ClassRoutes, session=session, places=places)])
    return TestClient(page, base_url="http://127.0.0.1")


def test_only_the_lecturers_tab_click_moves_the_class_and_only_to_a_tab_of_the_page(tmp_path):
    session = ClassSession.open(SQLiteStore(tmp_path / "class.sqlite3"), new=True)
    lecturer = _route_client(session, {"gan": "7", "gan-game": "9"})
    lecturer.get(f"/?key={session.key}", follow_redirects=False)  # the lecturer's session cookie
    student = _route_client(session, {"gan": "7"})
    assert student.post("/studio-class/move?tab=gan").status_code == 403
    assert session.shown()["version"] == 0
    assert lecturer.post("/studio-class/move?tab=nowhere").status_code == 400
    moved = lecturer.post("/studio-class/move?tab=gan")
    assert moved.status_code == 200 and moved.json()["version"] == 1
    lecturer.post("/studio-class/move?tab=gan-game")
    state = student.get("/studio-class/state").json()
    assert state["tabs"] == {"7": "gan", "9": "gan-game"} and state["link"] is None and state["version"] == 2


def test_a_tab_click_is_no_event_and_every_result_has_its_own_follow_event(hall):
    demo, session, _ = hall
    kit = demo.classroom
    config = demo.get_config_file()
    kinds = {c["id"]: c["type"] for c in config["components"]}
    assert not [d for d in config["dependencies"] if any(kinds.get(t[0]) == "tabitem" for t in d["targets"])]
    assert kit.tab_places["gan"] == kit.tab_places["cgan"] and "gan-game" in kit.tab_places
    from studio.ui.panels.class_panel import follow_id

    by_elem = {c["props"].get("elem_id"): c["id"] for c in config["components"]}
    for target in demo.link_targets:
        button = by_elem[follow_id(target.recipe)]
        event = next(d for d in config["dependencies"] if d["targets"] and d["targets"][0][0] == button)
        assert event["outputs"] == [c._id for c in target.followed()], target.recipe  # its own widgets alone
        assert not any(isinstance(c, (gr.Tabs, gr.Tab)) for c in target.followed())


def _follow(demo, session_state, recipe: str, shown: dict):
    """The follow event of ``recipe`` as Gradio runs it for one page: (its answer's data, the event)."""
    from studio.ui.panels.class_panel import follow_id

    button = next(b for b in demo.blocks.values() if getattr(b, "elem_id", None) == follow_id(recipe))
    fn = next(f for f in demo.fns.values() if f.targets and f.targets[0][0] == button._id)
    answer = asyncio.run(demo.process_api(fn, ["en", json.dumps(shown)], state=session_state))
    return answer["data"], fn


def test_a_lecturers_result_reaches_a_follower_as_plain_values_and_builds_nothing_for_its_page(hall):
    demo, session, token = hall
    from studio.ui.kit import exports

    grid = exports._TECHNIQUES["gan.samples"][0]
    path = grid("dcgan_mnist", 12, 77)  # the lecturer's Generate
    link = "?" + links.query_of(provenance.read(path))
    shown = session.show(token, tabs={}, link=link, result="gan.samples")
    page = SessionState(demo)
    data, fn = _follow(demo, page, "gan.samples", shown)
    names = [getattr(c, "label", None) for c in fn.outputs]
    assert len(data) == len(fn.outputs) == 4, names  # the variant, the count, the seed, the grid
    assert data[:3] == ["dcgan_mnist", 12, 77]
    assert data[3]["path"].endswith(".png") and "__type__" not in data[3]  # the picture as a file, not an update
    assert all(page.blocks_config.blocks[c._id] is c for c in fn.outputs)  # no component built for this page
    # the same file for every follower: Gradio's cache names it by its content
    assert _follow(demo, SessionState(demo), "gan.samples", shown)[0][3]["path"] == data[3]["path"]


def test_a_follow_event_for_another_result_or_a_bad_link_changes_nothing(hall):
    demo, session, token = hall
    page = SessionState(demo)
    other = {"version": 9, "tabs": {}, "link": "?r=not-a-link", "result": "gan.samples"}
    data, fn = _follow(demo, page, "gan.samples", other)
    assert data == [{"__type__": "update"}] * len(fn.outputs)
    walk = session.show(token, link="?r=" + "e30", result="gan.walk")  # "{}": not a studio link either
    assert _follow(demo, page, "gan.samples", walk)[0] == [{"__type__": "update"}] * len(fn.outputs)


def test_a_shared_events_answer_is_post_processed_once_for_every_page_that_sends_the_same_inputs():
    from studio.ui.frame.response_cache import ResponseCache

    calls = []

    async def predict(request):
        asked = await request.json()
        calls.append(asked["fn_index"])
        data = [{"__type__": "update"}] if asked["data"] == ["nothing"] else [f"value of {asked['data'][0]}"]
        return JSONResponse({"data": data, "is_generating": False})

    page = Starlette(routes=[Route("/gradio_api/run/predict", predict, methods=["POST"])],
                     middleware=[Middleware(ResponseCache, shared_events={7})])
    http = TestClient(page, base_url="http://127.0.0.1")

    def ask(fn_index, data, session, cookies=None):
        http.cookies.clear()
        answer = http.post("/gradio_api/run/predict", json={"fn_index": fn_index, "data": data,
                                                            "session_hash": session}, cookies=cookies)
        assert answer.status_code == 200
        return answer.json()["data"]

    assert [ask(7, ["a"], f"page{k}") for k in range(5)] == [["value of a"]] * 5
    assert calls == [7]  # five pages, one post-processing
    assert ask(7, ["b"], "page0") == ["value of b"] and calls == [7, 7]  # other inputs, its own answer
    ask(8, ["a"], "page0"), ask(8, ["a"], "page1")
    assert calls == [7, 7, 8, 8]  # an event that is not shared is always the app's
    ask(7, ["nothing"], "page0"), ask(7, ["nothing"], "page1")
    assert calls == [7, 7, 8, 8, 7, 7]  # an answer that changes nothing is not kept
    ask(7, ["a"], "page6", cookies={"studio_browser": "x.sig", "studio_route": "2"})
    assert calls == [7, 7, 8, 8, 7, 7]  # the class's own cookies change nothing: shared
    ask(7, ["a"], "page7", cookies={"access-token": "someone-logged-in"})
    assert calls == [7, 7, 8, 8, 7, 7, 7]  # a login is the app's to check (--auth): never answered from another's


def test_pages_asking_for_a_shared_answer_at_once_wait_for_the_first_one_to_be_made():
    import httpx

    from studio.ui.frame.response_cache import ResponseCache

    calls = []

    async def predict(request):
        calls.append((await request.json())["fn_index"])
        await asyncio.sleep(0.2)  # the first answer is being made while the other pages ask
        return JSONResponse({"data": ["the lecturer's result"], "is_generating": False})

    page = Starlette(routes=[Route("/gradio_api/run/predict", predict, methods=["POST"])],
                     middleware=[Middleware(ResponseCache, shared_events={3})])

    async def hall():
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=page), base_url="http://127.0.0.1") as http:
            return await asyncio.gather(*(http.post("/gradio_api/run/predict", json={
                "fn_index": 3, "data": ["en", "state"], "session_hash": f"page{k}"}) for k in range(20)))

    answers = asyncio.run(hall())
    assert [a.json()["data"] for a in answers] == [["the lecturer's result"]] * 20
    assert calls == [3]  # twenty pages, one answer made
