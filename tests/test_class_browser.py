"""A class in real browsers: a lecturer and two students (Debian's Chromium, driven by Playwright).

The students follow the lecturer's tab change, one leaves "follow" and is not moved, both play a round
of "which is real?", and the lecturer's projector counts exactly their two answers, none before they
answer. The lecturer key works only from the lecturer's address, and leaves the address bar.
"""

import json
import re
import shutil
import sqlite3
import time
import urllib.error
import urllib.request

import pytest

from class_pages import answers_on_projector, play_a_round
from conftest import ARTIFACTS, running_studio

sync_api = pytest.importorskip("playwright.sync_api")
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]

pytestmark = [pytest.mark.browser, pytest.mark.server,
              pytest.mark.skipif(shutil.which("chromium") is None,
                                 reason="Debian's chromium is not installed (apt-get install chromium)")]

SELECTED_TAB = "#studio-techniques > .tab-wrapper [role=tab][aria-selected=true]"


@pytest.fixture(scope="module")
def class_studio(tmp_path_factory):
    """A studio started with ``--class --new-class``: (url, lecturer key, class code)."""
    folder = tmp_path_factory.mktemp("class")
    with running_studio(folder, args=("--class", "--new-class", "--plan", "000")) as url:
        log = (folder / "studio.log").read_text()
        key = re.search(r"\?key=([A-Za-z0-9_-]+)", log).group(1)
        code = re.search(r"^Class ([A-Z0-9]+)\.", log, re.M).group(1)
        yield url, key, code, folder / "cache" / "class.sqlite3"


def stored_answers(store) -> int:
    """The game answers in the studio's own store (read-only), whatever the projector shows yet."""
    with sqlite3.connect(f"file:{store}?mode=ro", uri=True) as db:
        return db.execute("SELECT COUNT(*) FROM answers WHERE poll = 'game'").fetchone()[0]


def class_version(url) -> int:
    with urllib.request.urlopen(f"{url}studio-class/state", timeout=10) as answer:
        return json.loads(answer.read())["version"]


# A page's script keeps the state it heard in ``window.studioClass``: ``seen`` is the version it has applied.
HEARD = "v => window.studioClass && window.studioClass.state && window.studioClass.state.version >= v"


def test_a_lecturer_and_two_students(class_studio):
    url, key, code, store = class_studio
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        try:
            lecturer = browser.new_context(viewport={"width": 1300, "height": 1400}).new_page()
            lecturer.goto(f"{url}?key={key}")
            assert "key" not in lecturer.url  # the key left the address bar (and the projector)
            students = [browser.new_context(viewport={"width": 1100, "height": 1200}).new_page() for _ in range(2)]
            for student in students:
                student.goto(f"{url}?class={code}")
            follower, explorer = students
            for page in (lecturer, *students):
                page.locator("#studio-class-bar").wait_for(timeout=90_000)
            # 180 s: in a loaded run of the suite (-n 2 with a core busy beside it) the projector's first words
            # took over 90 s twice, the studio still warming up its plan's steps and every tab's first results
            sync_api.expect(lecturer.locator("#studio-class-game-summary")).to_contain_text("0 answers",
                                                                                           timeout=180_000)
            sync_api.expect(lecturer.locator("#studio-class-bar")).to_contain_text("connected 2", timeout=30_000)
            # Opening the lecturer's page moved nobody (Gradio "selects" each first tab as it draws it).
            with urllib.request.urlopen(f"{url}studio-class/state", timeout=10) as answer:
                assert json.loads(answer.read())["version"] == 0
            sync_api.expect(follower.locator("#studio-class-bar")).to_contain_text("Following the lecturer")
            assert follower.locator("#studio-class-game-summary").count() == 0 or \
                not follower.locator("#studio-class-game-summary").is_visible()  # the panel is the lecturer's

            explorer.locator("#studio-class-toggle").click()  # "Explore alone"
            sync_api.expect(explorer.locator("#studio-class-bar")).to_contain_text("Exploring alone")
            before = explorer.locator(SELECTED_TAB).inner_text()
            sync_api.expect(lecturer.locator("#studio-class-bar")).to_contain_text("following 1", timeout=30_000)

            asked = []  # the follower's requests to Gradio's events
            follower.on("request", lambda r: asked.append(r.url) if "/gradio_api/" in r.url and
                        ("/run/" in r.url or "/queue/join" in r.url) else None)
            started = time.monotonic()
            lecturer.get_by_role("tab", name="④ GAN").click()
            sync_api.expect(follower.locator(SELECTED_TAB)).to_have_text("④ GAN", timeout=30_000)
            followed_s = time.monotonic() - started
            assert follower.evaluate("() => window.studioClass.seen") == class_version(url)  # it applied the move
            assert asked == [], asked  # issue 51: a tab move is the page's own, no event to the server
            # The lecturer's result: the follower gets the same settings and the very same picture file.
            lecturer.locator("#gan-seed input").fill("77")
            lecturer.locator("#gan-seed input").blur()
            grid_before = follower.locator("#gan-grid img").get_attribute("src")
            lecturer.locator("#gan-sample").click()
            sync_api.expect(follower.locator("#gan-seed input")).to_have_value("77", timeout=30_000)
            sync_api.expect(follower.locator("#gan-grid img")).not_to_have_attribute("src", grid_before or "",
                                                                                timeout=30_000)
            sync_api.expect(lecturer.locator("#gan-grid img")).to_have_attribute(
                "src", follower.locator("#gan-grid img").get_attribute("src"), timeout=30_000)
            assert [url for url in asked if "/run/" in url] and len(asked) <= 2, asked  # its result's one event
            lecturer.get_by_role("tab", name="Which is real?", exact=True).click()
            sync_api.expect(follower.get_by_role("button", name="New round")).to_be_visible(timeout=30_000)
            explorer.wait_for_function(HEARD, arg=class_version(url), timeout=30_000)  # it heard the newest state
            assert explorer.locator(SELECTED_TAB).inner_text() == before  # ... and was not moved

            explorer.get_by_role("tab", name="④ GAN").click()
            explorer.get_by_role("tab", name="Which is real?", exact=True).click()
            follower.get_by_role("button", name="New round").click()
            follower.locator("#gan-game img").wait_for(state="visible", timeout=60_000)
            assert stored_answers(store) == 0  # a round shown is not an answer: none is kept
            assert answers_on_projector(lecturer) == 0
            follower.get_by_label("1", exact=True).check()
            follower.get_by_role("button", name="Check", exact=True).click()
            sync_api.expect(follower.get_by_text("The class so far")).to_be_visible(timeout=30_000)
            assert "The class so far" in play_a_round(explorer)
            sync_api.expect(lecturer.locator("#studio-class-game-summary")).to_contain_text("2 answers",
                                                                                           timeout=30_000)
            lecturer.get_by_role("tab", name="Which is real? (Fig. 10-9)").scroll_into_view_if_needed()
            lecturer.screenshot(path=str(ARTIFACTS / "class_projector.png"))

            # The wall: a student's Generate puts their picture on the projector's wall.
            explorer.get_by_role("tab", name="Samples", exact=True).click()
            explorer.locator("#gan-seed input").fill("31")
            explorer.locator("#gan-sample").click()
            lecturer.get_by_role("tab", name="Wall of samples").click()
            sync_api.expect(lecturer.locator("#studio-class-wall-summary")).to_contain_text("1 in all", timeout=30_000)
            sync_api.expect(lecturer.locator("#studio-class-wall img")).to_be_visible()

            # The temperature poll: generate at a temperature, answer, and the projector counts it.
            explorer.get_by_role("tab", name="⑨ Text generation (transformer)").click()
            explorer.get_by_role("tab", name="🗳 Temperature poll (class)").click()
            explorer.locator("#text-poll-generate").click()
            sync_api.expect(explorer.locator("#text-poll-verdict")).to_contain_text("Does this read", timeout=60_000)
            explorer.locator("#text-poll-yes").click()
            explorer.locator("#text-poll-yes").click()  # a double click counts once
            sync_api.expect(explorer.locator("#text-poll-verdict")).to_contain_text("The class so far", timeout=30_000)
            lecturer.get_by_role("tab", name="Temperature poll").click()
            sync_api.expect(lecturer.locator("#studio-class-temperature-summary")).to_contain_text("1 answers",
                                                                                                  timeout=30_000)
            assert followed_s < 10, followed_s  # the benchmark holds the 2 s target; a loaded CI is slower
        finally:
            browser.close()


# Whether a page shows step n: its plan says so, and a result step's link is the one it showed.
STEP_SHOWN = """([link, n]) => {
    const S = window.studioClass, P = window.studioPlan;
    return !!(P && P.step && P.step.n === n && (!link || (S.shown && S.shown.link === link)));
}"""


def wait_until_step_shown(page, link: str | None, n: int) -> None:
    """Wait until ``page`` shows step ``n`` (its bar's words come a moment before the step's result)."""
    page.wait_for_function(STEP_SHOWN, arg=[link, n], timeout=30_000)


def test_the_lecturer_steps_lecture_000_with_a_clicker_and_the_class_follows(class_studio):
    """Issue 53: PageDown (a presenter's clicker) through three steps of lecture 000's plan, two students
    following each; one goes back to step 1 while exploring alone; PageUp goes back for the class."""
    url, key, code, _ = class_studio
    with urllib.request.urlopen(f"{url}studio-class/plan", timeout=10) as answer:
        plan = json.loads(answer.read())["plan"]
    assert plan["name"] == "000" and len(plan["steps"]) >= 10  # --plan 000: the class's plan from the start
    steps = plan["steps"]
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        try:
            lecturer = browser.new_context(viewport={"width": 1300, "height": 1100}).new_page()
            lecturer.goto(f"{url}?key={key}")
            students = [browser.new_context(viewport={"width": 1000, "height": 1100}).new_page() for _ in range(2)]
            for student in students:
                student.goto(f"{url}?class={code}")
            follower, wanderer = students
            sync_api.expect(lecturer.locator("#studio-plan-bar")).to_contain_text("Step 1 of", timeout=90_000)
            for page in students:
                page.locator("#studio-class-bar").wait_for(timeout=90_000)
                page.wait_for_function("() => window.studioClass && window.studioClass.ready", timeout=90_000)
            lecturer.locator("body").click(position={"x": 5, "y": 5})  # the page has the keys, no field has
            for n in (1, 2, 3):
                lecturer.keyboard.press("PageDown")
                words = f"Step {n} of {len(steps)}: {steps[n - 1]['title']}"
                sync_api.expect(lecturer.locator("#studio-plan-bar")).to_contain_text(words, timeout=30_000)
                if n < len(steps):
                    sync_api.expect(lecturer.locator("#studio-plan-bar")).to_contain_text(steps[n]["title"])
                for page in students:
                    sync_api.expect(page.locator("#studio-class-bar")).to_contain_text(words, timeout=30_000)
                    wait_until_step_shown(page, steps[n - 1].get("link"), n)
                # every page, the lecturer's too, shows the step's own tab
                for page in (lecturer, *students):
                    page.wait_for_function(f"ids => ids.includes(document.querySelector('{SELECTED_TAB}')"
                                           ".dataset.tabId)", arg=list(steps[n - 1]["tabs"].values()), timeout=30_000)
            if steps[2].get("notes_en"):
                sync_api.expect(lecturer.locator("#studio-plan-bar")).to_contain_text(steps[2]["notes_en"][:30])
            lecturer.evaluate("document.querySelector('#studio-techniques').scrollIntoView()")  # the step's result
            lecturer.screenshot(path=str(ARTIFACTS / "plan_lecturer.png"))
            follower.screenshot(path=str(ARTIFACTS / "plan_student.png"))

            wanderer.locator("#studio-class-toggle").click()  # explore alone, then open step 1 again
            wanderer.locator("#studio-plan-pick").select_option("1")
            wanderer.wait_for_function("link => !link || (window.studioClass.shown && window.studioClass.shown.link "
                                       "=== link)", arg=steps[0].get("link"), timeout=30_000)
            lecturer.keyboard.press("PageUp")  # the class goes back one step; the wanderer stays on its own
            back = f"Step 2 of {len(steps)}"
            sync_api.expect(follower.locator("#studio-class-bar")).to_contain_text(back, timeout=30_000)
            wait_until_step_shown(follower, steps[1].get("link"), 2)
            assert wanderer.evaluate("() => window.studioClass.following") is False
            assert wanderer.evaluate("() => window.studioClass.shown && window.studioClass.shown.link") == \
                steps[0].get("link")
        finally:
            browser.close()


def test_a_plan_started_from_the_panel_presses_its_training_steps_train(class_studio):
    """Issue 53: the panel's plan tab starts lecture 001 (step 1 at once); its step 3 trains the GAN with the
    classroom schedule, so the lecturer's page presses that panel's Train as the lecturer would (this studio
    has no data: the Train click answers with its one sentence, which is the proof of the press)."""
    url, key, _, _ = class_studio
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        try:
            lecturer = browser.new_context(viewport={"width": 1300, "height": 1100}).new_page()
            lecturer.goto(f"{url}?key={key}")
            lecturer.get_by_role("tab", name="Lecture plan").click(timeout=90_000)
            lecturer.locator("#studio-plan-choice input").click()
            lecturer.get_by_role("option", name=re.compile("^001")).click()
            lecturer.locator("#studio-plan-start").click()
            sync_api.expect(lecturer.locator("#studio-plan-said")).to_contain_text("Step 1 went to the class",
                                                                                   timeout=30_000)
            sync_api.expect(lecturer.locator("#studio-plan-bar")).to_contain_text("Step 1 of 7", timeout=30_000)
            lecturer.evaluate("() => document.activeElement && document.activeElement.blur()")
            for n in (2, 3):
                lecturer.keyboard.press("PageDown")
                sync_api.expect(lecturer.locator("#studio-plan-bar")).to_contain_text(f"Step {n} of 7", timeout=30_000)
            sync_api.expect(lecturer.locator(".toast-body").first).to_contain_text("could not be loaded",
                                                                                    timeout=60_000)
        finally:
            browser.close()


def test_a_student_cannot_act_as_the_lecturer(class_studio):
    url, key, code, _ = class_studio
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{url}?key=not-{key}", timeout=10)
    assert refused.value.code == 403 and b"not the key" in refused.value.read()
    port = url.rstrip("/").rsplit(":", 1)[1]
    forged = urllib.request.Request(f"{url}studio-class/state?class={code}",
                                    headers={"Cookie": f"studio_lecturer_{port}={key}; studio_lecturer=not-{key}"})
    with urllib.request.urlopen(forged, timeout=10) as answer:
        state = answer.read().decode()
    assert '"lecturer":false' in state and key not in state and "connected" not in state


def test_a_forged_forwarded_host_does_not_change_the_page_later_students_get(class_studio):
    """Issue 50: one request with a forged X-Forwarded-Host used to become every later student's page."""
    url, _, code, _ = class_studio
    forged = urllib.request.Request(f"{url}?class={code}", headers={"X-Forwarded-Host": "attacker.invalid:8000",
                                                                    "Accept-Encoding": "identity"})
    urllib.request.urlopen(forged, timeout=30).read()
    for path in (f"?class={code}", "", "config"):
        plain = urllib.request.Request(url + path, headers={"Accept-Encoding": "identity"})
        with urllib.request.urlopen(plain, timeout=30) as answer:
            assert b"attacker.invalid" not in answer.read(), path


def test_a_lecturer_on_a_shared_pc_leaves_lecturer_mode(class_studio):
    """Issue 50: the lecturer's page holds a session (not the key), and "Leave lecturer mode" ends it: the
    page comes back as a student's, and the old cookie drives nothing."""
    url, key, _, _ = class_studio
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        try:
            context = browser.new_context(viewport={"width": 1200, "height": 1200})
            page = context.new_page()
            page.goto(f"{url}?key={key}")
            sync_api.expect(page.locator("#studio-class-bar")).to_contain_text("Lecturer", timeout=90_000)
            session_cookie = next(c for c in context.cookies() if c["name"].startswith("studio_lecturer"))
            assert key not in session_cookie["value"] and session_cookie["httpOnly"]
            page.locator("#studio-class-leave").click(timeout=90_000)
            sync_api.expect(page.locator("#studio-class-bar")).not_to_contain_text("Lecturer", timeout=30_000)
            assert not any(c["name"].startswith("studio_lecturer") for c in context.cookies())
            replayed = urllib.request.Request(f"{url}studio-class/state", headers={
                "Cookie": f"{session_cookie['name']}={session_cookie['value']}"})
            with urllib.request.urlopen(replayed, timeout=10) as answer:
                assert json.loads(answer.read())["lecturer"] is False
        finally:
            browser.close()
