"""Lecture plans (issue 53), in-process: a plan file read and checked against the studio's tabs, its steps
stepped by the lecturer over HTTP and opened from their links, the shipped plans' every step, and a plan
recorded from the lecturer's results that loads back as the same steps. The browser test (the clicker's
keys, students following and going back) is in tests/test_class_browser.py."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
from gradio.context import LocalContext
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from studio import links
from studio.classroom import plans
from studio.classroom.plans import PlanError
from studio.classroom.session import ClassSession
from studio.classroom.store import SQLiteStore
from studio.classroom.web import ClassRoutes
from studio.ui.kit import exports

SAMPLES = {"name": "dcgan_mnist", "n": 16, "seed": 3}


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    """The studio's page with a class: (demo, session, the lecturer's session token)."""
    from studio.ui import app

    session = ClassSession.open(SQLiteStore(tmp_path_factory.mktemp("plans") / "class.sqlite3"), new=True)
    demo = app.build_app(lang="en", allow_training=True, classroom=session)
    return demo, session, session.sign_in(session.key)


def weights(recipe: str, params: dict) -> str:
    return links.weights_digest(exports.recipe_of(recipe, params).models)


def a_plan(**overrides) -> str:
    """A two-step plan file: the GAN's samples, then the VAE's tab with the game poll."""
    first = {"title": '"GAN samples"', "reference": '"Program 10-4"', "recipe": '"gan.samples"',
             "params": "{ name = \"dcgan_mnist\", n = 16, seed = 3 }",
             "weights": f'"{weights("gan.samples", SAMPLES)}"', **overrides}
    lines = [f"{name} = {value}" for name, value in first.items() if value is not None]
    return 'title = "A test lecture"\n\n[[steps]]\n' + "\n".join(lines) + \
        '\n\n[[steps]]\ntitle = "The VAE"\ntab = "vae"\npoll = "game"\n'


def one_sentence(error: Exception) -> str:
    words = str(error)
    assert "\n" not in words and "Traceback" not in words and words.endswith((".", ")")), words
    return words


@pytest.mark.parametrize("text, said", [
    ("title = \"x\"\n[[steps]\ntitle = 1", "is not TOML"),
    ('[[steps]]\ntitle = "a"\ntab = "vae"', "has no 'title'"),
    ('title = "x"\n[[steps]]\ntab = "vae"', "Step 1: the field 'title' is missing"),
    ('title = "x"\n[[steps]]\ntitle = "a"\ntab = "vae"\nrecipe = "gan.samples"', "Step 1 ('a'): a step shows either"),
    ('title = "x"\n[[steps]]\ntitle = "a"\ntab = "vae"\ncolour = "red"', "the field 'colour' is not one"),
    ('title = "x"\n[[steps]]\ntitle = "a"\nrecipe = "gan.samples"\nparams = 3\nweights = "0123456789ab"',
     "the field 'params' must be a table"),
    ('title = "x"\n[[steps]]\ntitle = "a"\nrecipe = "gan.samples"', "the field 'weights' is missing"),
    ('title = "x"\n[[steps]]\ntitle = "a"\ntab = "vae"\ntrain = "yes"', "the field 'train' must be"),
])
def test_a_plan_file_that_cannot_be_read_gets_one_sentence_naming_the_step_and_field(text, said):
    with pytest.raises(PlanError) as refused:
        plans.parse(text, "bad")
    assert said in one_sentence(refused.value)


def test_a_plan_is_checked_against_the_studio_one_sentence_each(page):
    steps = page[0].classroom.plan_steps
    assert steps.parse(a_plan(), "fine").steps[1].poll == "game"
    for overrides, said in [
        ({"recipe": '"gan.nonexistent"'}, "Step 1 ('GAN samples'): the field 'recipe' names 'gan.nonexistent'"),
        ({"weights": '"000000000000"'}, "the field 'weights' says 000000000000, but this studio's weights"),
        ({"params": "{ colour = 3 }"}, "the field 'params' does not fit gan.samples"),
    ]:
        with pytest.raises(PlanError) as refused:
            steps.parse(a_plan(**overrides), "bad")
        assert said in one_sentence(refused.value)
    with pytest.raises(PlanError, match="Step 2 \\('The VAE'\\): the field 'tab' names 'nowhere'"):
        steps.parse(a_plan().replace('tab = "vae"', 'tab = "nowhere"'), "bad")
    with pytest.raises(PlanError, match="There is no poll 'quiz'"):
        steps.parse(a_plan().replace('poll = "game"', 'poll = "quiz"'), "bad")
    with pytest.raises(PlanError, match="not text"):
        steps.parse(b"\xff\xfe\x00binary", "bad")
    with pytest.raises(PlanError, match="no lecture plan 'nope'"):
        steps.load("nope")


def test_a_plan_written_out_reads_back_as_the_same_plan(page):
    plan = page[0].classroom.plan_steps.parse(a_plan(notes_ko='"한국어 노트"', notes_en='"Notes"'), "again")
    assert plans.parse(plan.to_toml(), "again") == plan
    assert plan.steps[0].link() == "?" + links.query_for("gan.samples", SAMPLES, plan.steps[0].weights)


def class_client(demo, session):
    routes = [Route("/", lambda request: PlainTextResponse("page"))]
    app = Starlette(routes=routes, middleware=[Middleware(ClassRoutes, session=session, places=demo.classroom.tab_places,
                                                          plan_steps=demo.classroom.plan_steps)])
    return TestClient(app, base_url="http://127.0.0.1")


def test_the_lecturer_steps_the_plan_and_only_the_lecturer(page):
    demo, session, token = page
    http = class_client(demo, session)
    session.set_plan(token, demo.classroom.plan_steps.parse(a_plan(), "clicker"))
    lecturer = {"Cookie": f"studio_lecturer_testserver={token}; studio_lecturer_80={token}"}
    refused = http.post("/studio-class/step?to=1")
    assert refused.status_code == 403 and "Only the lecturer" in refused.json()["problem"]
    forged = {"Cookie": f"studio_lecturer_80={token[:-2]}xx; studio_lecturer_testserver={session.key}"}
    assert http.post("/studio-class/step?to=1", headers=forged).status_code == 403  # a forged session, the key itself
    assert "notes_en" not in str(http.get("/studio-class/plan", headers=forged).json())
    assert http.post("/studio-class/step?to=x", headers=lecturer).status_code == 400
    beyond = http.post("/studio-class/step?to=3", headers=lecturer)
    assert beyond.status_code == 400 and "steps 1 to 2, not step 3" in beyond.json()["problem"]
    first = http.post("/studio-class/step?to=1", headers=lecturer).json()["shown"]
    assert first["result"] == "gan.samples" and links.read_link(first["link"]).params == SAMPLES
    assert first["step"]["n"] == 1 and first["step"]["of"] == 2 and first["step"]["title"] == "GAN samples"
    session.pause(token, "game", True)
    second = http.post("/studio-class/step?to=2", headers=lecturer).json()["shown"]
    assert second["link"] is None and "vae" in second["tabs"].values() and second["step"]["at"] == second["version"]
    assert not session.paused("game")  # the step opened its poll
    state = http.get("/studio-class/state").json()  # every page hears the step's number and title
    assert state["step"]["n"] == 2 and state["step"]["title"] == "The VAE"
    student_plan = http.get("/studio-class/plan").json()["plan"]
    lecturer_plan = http.get("/studio-class/plan", headers=lecturer).json()["plan"]
    assert [s["title"] for s in student_plan["steps"]] == ["GAN samples", "The VAE"]
    assert "notes_en" not in student_plan["steps"][0] and "notes_en" in lecturer_plan["steps"][0]


def open_link(demo, query: dict):
    opener = next(fn.fn for fn in demo.fns.values() if fn.name == "open_link")
    return opener("en", SimpleNamespace(query_params=query))


def test_a_step_is_a_link_and_a_bad_one_is_one_sentence(page):
    demo, session, token = page
    session.set_plan(token, demo.classroom.plan_steps.parse(a_plan(), "linked"))
    opened = open_link(demo, {"plan": "linked", "step": "1"})
    texts = [getattr(value, "value", value) for value in opened.values()]
    assert any(isinstance(t, str) and "step 1 of 2" in t and "GAN samples" in t for t in texts)
    picture = next(t for t in texts if isinstance(t, str) and t.endswith(".png"))
    path, _, same = exports.reproduce(a_plan_link(demo))
    assert same and Path(picture).read_bytes() == Path(path).read_bytes()
    for query, reason in (({"plan": "linked", "step": "9"}, "has steps 1 to 2, not step 9."),
                          ({"plan": "no/such", "step": "1"}, "A plan's name is letters"),
                          ({"plan": "zzz"}, "There is no lecture plan 'zzz'")):
        (note,) = open_link(demo, query).values()  # the page opens as it is, with one sentence at its top
        assert note.value.startswith("The link could not be opened: ") and reason in note.value, query


def a_plan_link(demo) -> str:
    return demo.classroom.plan_steps.parse(a_plan(), "linked").steps[0].link()


def test_every_step_of_every_shipped_plan_opens_with_its_recipes_bytes(page):
    demo = page[0]
    names = plans.shipped_names()
    assert names == ["000", "001", "002", "003", "004"]
    for name in names:
        plan = demo.classroom.plan_steps.load(name)  # checked: every recipe known, the studio's weights
        assert len(plan.steps) >= (10 if name == "000" else 3)
        for number, step in enumerate(plan.steps, 1):
            opened = open_link(demo, {"plan": name, "step": str(number)})
            texts = [getattr(value, "value", value) for value in opened.values()]
            assert any(isinstance(t, str) and f"step {number} of {len(plan.steps)}" in t for t in texts), (name, number)
            if step.recipe is None or exports.opens_fresh(step.recipe):
                continue
            path, _, same = exports.reproduce(step.link())
            assert same, (name, number)
            made = [t for t in texts if isinstance(t, str) and t.endswith((".png", ".txt"))]
            assert any(Path(m).read_bytes() == Path(path).read_bytes() for m in made), (name, number, step.title)


def test_five_recorded_results_download_as_a_plan_that_loads_back_the_same_five_steps(page):
    demo, session, token = page
    request = SimpleNamespace(cookies={"studio_lecturer_7860": token}, query_params={}, headers={},
                              session_hash="lecturer")
    handler = {fn.name: fn.fn for fn in demo.fns.values()}
    made = [("gan.samples", {**SAMPLES, "seed": seed}) for seed in (1, 2)] + [
        ("gan.walk", {"name": "dcgan_mnist", "seed_a": 1, "seed_b": 2, "steps": 8}),
        ("vae.grid", {"n": 10, "low": -1.0, "high": 1.0, "quantiles": False}),
        ("cgan.samples", {"chosen": "conv", "noise_scale": 1.0, "digit": "3", "n": 10, "seed": 0})]
    context = LocalContext.request.set(request)
    try:
        handler["record"](True, "en", request)
        files = []
        for recipe, params in made:
            function = exports._TECHNIQUES[recipe][0]
            called = function(**params)  # as the tab's click calls it: the lecturer's result
            files.append(called[0] if isinstance(called, tuple) else called)
        handler["record"](False, "en", request)
        downloaded = handler["download_recorded"]("en", request)
    finally:
        LocalContext.request.reset(context)
    plan = demo.classroom.plan_steps.load(downloaded.value["path"])  # the file the lecturer downloads
    assert [step.recipe for step in plan.steps] == [recipe for recipe, _ in made]
    for step, file in zip(plan.steps, files):
        path, _, same = exports.reproduce(step.link())
        assert same and Path(path).read_bytes() == Path(file).read_bytes()
    with pytest.raises(Exception, match="Nothing is recorded"):
        session.set_recording(token, True)
        handler["download_recorded"]("en", request)


def test_the_command_line_refuses_a_plan_it_cannot_use_in_one_sentence(capsys):
    import studio as _  # noqa: F401 - the package, not studio.py
    import importlib.util

    spec = importlib.util.spec_from_file_location("studio_cli", Path(__file__).resolve().parent.parent / "studio.py")
    cli = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(cli)
    with pytest.raises(SystemExit):
        cli.parse_args(["--plan", "000"])  # a plan goes with a class
    assert "--plan go with --class" in capsys.readouterr().err
    assert cli.main(["--class", "--new-class", "--plan", "nope", "--port", "1"]) == 2
    assert "error: There is no lecture plan 'nope'" in capsys.readouterr().err


def test_restamping_gives_a_plan_of_other_weights_this_studios_and_keeps_its_words(page, tmp_path, capsys):
    from studio.ui.panels import lecture_plan

    steps = page[0].classroom.plan_steps
    stale = a_plan(weights='"000000000000"').replace('title = "A test lecture"', '# my notes\ntitle = "A test lecture"')
    (tmp_path / "mine.toml").write_text(stale, encoding="utf-8")
    with pytest.raises(PlanError, match="the field 'weights' says 000000000000"):
        steps.load(tmp_path / "mine.toml")
    assert lecture_plan.restamp_files(steps, [str(tmp_path / "mine.toml")]) == 0
    restamped = (tmp_path / "mine.toml").read_text(encoding="utf-8")
    assert restamped.startswith("# my notes\n") and steps.load(tmp_path / "mine.toml").steps[0].weights != "000000000000"
    (tmp_path / "broken.toml").write_text("title = ", encoding="utf-8")
    assert lecture_plan.restamp_files(steps, [str(tmp_path / "broken.toml")]) == 2
    assert "error: " in capsys.readouterr().err


def test_warming_a_plan_makes_each_result_and_its_readout_ahead(page, monkeypatch):
    import dataclasses

    steps = page[0].classroom.plan_steps
    read = []
    monkeypatch.setitem(steps.targets, "gan.samples", dataclasses.replace(
        steps.targets["gan.samples"], readout=lambda lang, **params: read.append((lang, params))))
    steps.warm(steps.parse(a_plan(), "warm"), "ko")
    assert read == [("ko", SAMPLES)]  # the GAN step's judge reading, with the step's own parameters


def test_the_lecturer_page_making_the_result_its_step_shows_moves_nobody_again(page):
    """A step sets the lecturer's own controls too, and a control's change event makes the same result there:
    that is no new result for the class (every page would follow the step twice)."""
    demo, session, token = page
    kit = demo.classroom
    session.set_plan(token, kit.plan_steps.parse(a_plan(), "twice"))
    shown = kit.plan_steps.go(token, 1)
    request = SimpleNamespace(cookies={"studio_lecturer_7860": token}, query_params={}, headers={})
    context = LocalContext.request.set(request)
    try:
        exports._TECHNIQUES["gan.samples"][0](**SAMPLES)  # the same result: the class stays where it is
        assert session.shown()["version"] == shown["version"]
        exports._TECHNIQUES["gan.samples"][0](**{**SAMPLES, "seed": 4})  # a new one: the class follows
        assert session.shown()["version"] == shown["version"] + 1
    finally:
        LocalContext.request.reset(context)
