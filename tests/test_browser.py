"""A real browser: Debian's Chromium, driven by Playwright, opens the studio and samples."""

import contextlib
import os
import shutil
import sys

import pytest

from conftest import ARTIFACTS, ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))
from classroom import COUNT_EVENTS, SETTLED  # noqa: E402  (the page's own count of its events)

sync_api = pytest.importorskip("playwright.sync_api")
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

pytestmark = [pytest.mark.browser, pytest.mark.server,
              pytest.mark.skipif(shutil.which("chromium") is None,
                                 reason="Debian's chromium is not installed (apt-get install chromium)")]

# As root in a container Chromium needs --no-sandbox; the rest keep it off the closed network.
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]


# A student's laptop is slower than this machine, and CI's machine is busy: the page's CPU is slowed this many
# times through the DevTools protocol (STUDIO_BROWSER_SLOWDOWN=1 runs it at full speed).
SLOWDOWN = float(os.environ.get("STUDIO_BROWSER_SLOWDOWN", "4"))


def slowed(page, rate: float = SLOWDOWN):
    """``page`` with its CPU slowed ``rate`` times (Chromium's DevTools protocol)."""
    if rate > 1:
        page.context.new_cdp_session(page).send("Emulation.setCPUThrottlingRate", {"rate": rate})
    return page


@contextlib.contextmanager
def studio_page(url: str, width: int, height: int):
    """Debian's Chromium on the studio at ``url`` in a window of width x height; closed afterwards."""
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            slowed(page)
            page.goto(url)
            yield page
        finally:
            browser.close()


def switch_language(page, name: str) -> None:
    """Choose ``name`` ("English", "한국어") on the page's language radio: unless it is the page's language
    already, the page loads again in that language (studio.ui.frame.page_language)."""
    choice = page.get_by_label(name, exact=True)
    if choice.is_checked():
        return
    with page.expect_navigation(timeout=60_000):
        choice.click()
    try:
        sync_api.expect(page.get_by_label(name, exact=True)).to_be_checked(timeout=60_000)
    except AssertionError as error:  # what the page asked for, to tell a wrong cookie from a wrong page
        raise AssertionError(f"{error}\npage {page.url}, cookies {page.evaluate('document.cookie')!r}") from None


_NEW_PICTURE = ("before => { const img = document.querySelector('#pixel-samples img');"
                " return img && img.src !== before && img.complete && img.naturalWidth > 0; }")


def test_switch_language_and_sample_in_the_browser(studio_server):
    """A student samples seed 7 in English and switches to Korean: the page comes back in Korean with
    seed 7's samples still in sight (the result's link), and samples again."""
    with studio_page(studio_server, 1300, 1700) as page:
        page.get_by_role("tab", name="① Pixel probability model").click()
        samples = page.locator("#pixel-samples img")
        samples.wait_for(state="visible", timeout=30_000)  # the shipped weights answer on load
        page.wait_for_function(_IDLE, timeout=120_000)  # the page's own results cannot overwrite ours
        before = samples.get_attribute("src")
        page.locator("#pixel-seed input").fill("7")
        page.locator("#pixel-seed input").press("Tab")
        page.locator("#pixel-sample-button").click()
        page.wait_for_function(_NEW_PICTURE, arg=before, timeout=30_000)
        seed_7 = samples.get_attribute("src")

        switch_language(page, "한국어")  # the page loads again in Korean, on the result in sight
        assert "r=" in page.url
        sample_button = page.locator("#pixel-sample-button")
        sync_api.expect(sample_button).to_have_text("샘플 생성", timeout=15_000)
        # the link's values come after every tab's own page-load results (slow beside a loaded suite)
        sync_api.expect(page.locator("#pixel-seed input")).to_have_value("7", timeout=150_000)
        sync_api.expect(page.locator("#pixel-likelihood")).to_contain_text("테스트 음의 로그 우도",
                                                                            timeout=90_000)  # slow on a busy CI
        page.wait_for_function(_IDLE, timeout=120_000)
        assert samples.get_attribute("src") == seed_7  # the same picture file: seed 7's samples

        page.locator("#pixel-seed input").fill("8")
        page.locator("#pixel-seed input").press("Tab")
        sample_button.click()
        page.wait_for_function(_NEW_PICTURE, arg=seed_7, timeout=30_000)
        assert samples.evaluate("img => img.naturalWidth") == 862
        sync_api.expect(page.get_by_text("생성 모델 스튜디오")).to_be_visible()
        page.screenshot(path=str(ARTIFACTS / "pixel_tab.png"), full_page=True)

        page.get_by_role("tab", name="② 오토인코더").click()
        page.get_by_role("tab", name="2차원 잠복 공간").click()
        latent_map = page.locator("#ae-latent-map img")
        latent_map.wait_for(state="visible", timeout=60_000)
        assert latent_map.evaluate("img => img.naturalWidth") == 640
        page.screenshot(path=str(ARTIFACTS / "autoencoder_tab.png"), full_page=True)
    assert (ARTIFACTS / "pixel_tab.png").stat().st_size > 10_000


def technique_tabs() -> int:
    """The lectures' nine tabs, and the diffusion tab once its weights are shipped."""
    from studio.techniques.diffusion.service import DiffusionService

    return 9 + DiffusionService.available()


def test_every_technique_tab_is_in_sight_at_1280_px_and_recipes_are_folded(studio_server):
    """No technique behind an overflow menu, in either language; DeepDream and style transfer open
    with their ready examples; no raw recipe line on the page."""
    with studio_page(studio_server, 1280, 900) as page:
        tabs = page.locator("#studio-techniques > .tab-wrapper [role=tab]")
        for language in ("English", "한국어"):
            switch_language(page, language)
            sync_api.expect(tabs).to_have_count(technique_tabs(), timeout=30_000)
            for i in range(technique_tabs()):
                box = tabs.nth(i).bounding_box()
                assert tabs.nth(i).is_visible() and box and box["x"] + box["width"] <= 1280, \
                    (language, tabs.nth(i).inner_text(), box)
        for tab, output in (("⑦ 딥드림", "#dream-output img"), ("⑧ 신경 스타일 전이", "#style-output img")):
            page.get_by_role("tab", name=tab).click()  # the ready example is there without a click
            page.locator(output).wait_for(state="visible", timeout=60_000)
            assert page.locator(output).evaluate("img => img.naturalWidth") > 200
        page.screenshot(path=str(ARTIFACTS / "style_tab_ready_example.png"), full_page=True)
        page.get_by_role("tab", name="⑤ 조건부 GAN (cGAN)").click()
        folded = page.locator("details.studio-recipe:visible").first
        folded.wait_for(state="attached", timeout=60_000)
        assert not folded.locator("pre").is_visible()  # one click away, not in the way
        folded.locator("summary").click()
        sync_api.expect(folded.locator("pre")).to_contain_text("studio-recipe:")


# Marks the page while any Gradio event runs: an output's status tracker (a ``.wrap`` that is "full" or
# "minimal" and not "hide") shows, or an output is "generating" (a stream). ``window.__studioBusySeen``
# turns true once the page has been busy, even for a moment: a class's old value counts, since a quick
# answer shows and hides its tracker between two looks.
_BUSY = ".wrap.full:not(.hide), .wrap.minimal:not(.hide), .wrap.pending:not(.hide), .generating"
_WATCH_BUSY = """() => {
    const active = v => (/\\bwrap\\b/.test(v) && /\\b(full|minimal|pending)\\b/.test(v) && !/\\bhide\\b/.test(v))
                        || /\\bgenerating\\b/.test(v);
    const busy = () => document.querySelector('%s') !== null;
    window.__studioBusySeen = busy();
    if (window.__studioBusyWatch) window.__studioBusyWatch.disconnect();
    window.__studioBusyWatch = new MutationObserver(records => {
        if (busy() || records.some(r => active(r.oldValue || '') || active(String(r.target.className || ''))))
            window.__studioBusySeen = true;
    });
    window.__studioBusyWatch.observe(document.body, {attributes: true, attributeFilter: ['class'],
                                                     attributeOldValue: true, subtree: true});
}""" % _BUSY
_IDLE_AFTER_BUSY = f"() => window.__studioBusySeen && document.querySelector('{_BUSY}') === null"
_IDLE = f"() => document.querySelector('{_BUSY}') === null"
# Gradio's Sketchpad draws with PixiJS (its ImageEditor); once, in CI on a busy machine, its first draw
# failed with "Cannot read properties of undefined (reading 'addRenderable')" (PixiJS found no render pipe
# for a shape) and the page went on working. Not reproduced since in the slowed test, nor at 6-8x with the
# machine loaded. That one error, and only from PixiJS's code in Gradio's bundle, is written to
# test-artifacts/known_frontend_errors.txt instead of failing the test; any other page error still fails it.
KNOWN_PIXI_RACE = "reading 'addRenderable'"


def noted(problems: list[str], message: str, stack: str | None) -> None:
    """Add a page error to ``problems``, unless it is the known PixiJS race (then it is recorded)."""
    if KNOWN_PIXI_RACE in message and "/assets/" in (stack or ""):
        ARTIFACTS.mkdir(exist_ok=True)
        with open(ARTIFACTS / "known_frontend_errors.txt", "a", encoding="utf-8") as log:
            log.write(f"{message}\n{stack}\n\n")
        return
    problems.append(message)


# The sub-tab (by position) holding a tab's main action when it is not the first: the VAE's walk.
MAIN_ACTION_SUBTAB = {2: 2}


def test_every_tabs_main_action_answers_in_both_languages_without_an_error(studio_server):
    """Each technique tab, in English and in Korean: press its main action, wait for the answer, save a
    screenshot. No Gradio error toast and no browser console error on the way."""
    problems: list[str] = []
    with studio_page(studio_server, 1280, 900) as page:
        page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
        page.on("pageerror", lambda e: noted(problems, f"page error: {e}", e.stack))
        tabs = page.locator("#studio-techniques > .tab-wrapper [role=tab]")
        for language, lang in (("English", "en"), ("한국어", "ko")):
            switch_language(page, language)
            for i in range(tabs.count()):
                tabs.nth(i).click()
                if i in MAIN_ACTION_SUBTAB:
                    page.locator("#studio-techniques [role=tabpanel]:visible [role=tab]").nth(
                        MAIN_ACTION_SUBTAB[i]).click()
                action = page.locator(".studio-main-action:visible")
                sync_api.expect(action).to_have_count(1, timeout=30_000)
                name = f"{lang}, tab {i + 1} ({tabs.nth(i).inner_text()}), {action.inner_text()!r}"
                page.wait_for_function(_IDLE, timeout=120_000)  # the tab's page-load results first
                page.evaluate(_WATCH_BUSY)
                action.click()
                page.wait_for_function(_IDLE_AFTER_BUSY, timeout=180_000)
                errors = page.locator(".toast-body.error")
                if errors.count():
                    problems.append(f"{name}: error toast {errors.first.inner_text()!r}")
                page.screenshot(path=str(ARTIFACTS / f"tab{i + 1}_{lang}.png"), full_page=True)
        assert tabs.count() == technique_tabs()
    assert not problems, "\n".join(problems)
    assert all((ARTIFACTS / f"tab{i + 1}_{lang}.png").stat().st_size > 20_000 for i in range(technique_tabs())
               for lang in ("en", "ko"))


# The interface's own words in the technique tabs: tab names, buttons, labels and legends (not the results'
# words, which a loaded machine may still be drawing on one page while another has them).
_INTERFACE_WORDS = """el => [...el.querySelectorAll('[role=tab], button, label, legend')]
    .map(e => e.innerText.trim()).filter(Boolean).join(' | ')"""


def _settled_text(page) -> str:
    """The page's interface words once every event it started has finished (counted in the page itself)."""
    handle = page.wait_for_function(SETTLED, arg=1000, polling=250, timeout=120_000)
    assert handle.json_value()["joined"] > 0
    return page.locator("#studio-techniques").evaluate(_INTERFACE_WORDS)


def test_a_language_switch_gives_the_words_of_a_fresh_page(studio_server):
    """A switch to Korean gives the interface words of a page opened in Korean (?lang=ko), and the next page
    this browser opens is Korean too (its cookie); the switch back gives those of a fresh English page."""
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        try:
            words = {}
            for name, address in (("fresh", studio_server), ("fresh_korean", studio_server + "?lang=ko")):
                context = browser.new_context(viewport={"width": 1300, "height": 1500})
                context.add_init_script(COUNT_EVENTS)
                page = context.new_page()
                page.goto(address)
                words[name] = _settled_text(page)
                context.close()
            context = browser.new_context(viewport={"width": 1300, "height": 1500})
            context.add_init_script(COUNT_EVENTS)
            switching = context.new_page()
            switching.goto(studio_server)
            _settled_text(switching)
            switch_language(switching, "한국어")
            words["switched"] = _settled_text(switching)
            again = context.new_page()  # the same browser, later: its cookie chooses Korean
            again.goto(studio_server)
            words["next_page"] = _settled_text(again)
            switch_language(again, "English")
            words["back"] = _settled_text(again)
        finally:
            browser.close()
    assert "Pixel probability model" in words["fresh"] and "화소 확률 모델" in words["fresh_korean"]
    assert words["switched"] == words["next_page"] == words["fresh_korean"]
    assert words["back"] == words["fresh"]


def test_a_refused_number_outside_the_queue_says_why_in_a_pop_up(studio_server):
    """The GAN's seed at -5 and Enter: its sampler runs outside Gradio's queue, whose errors Gradio 6's
    page did not show (gradio_fixes.ClientPatch); the student reads one sentence naming the control.
    In Korean too (the page of another language, studio.ui.frame.page_language)."""
    with studio_page(studio_server, 1280, 900) as page:
        page.wait_for_function(_IDLE, timeout=120_000)  # a loaded CI machine: the page's own loads first
        switch_language(page, "한국어")
        page.wait_for_function(_IDLE, timeout=120_000)  # the Korean page's own loads
        page.get_by_role("tab", name="④ GAN (생성 적대 신경망)").click()
        seed = page.locator("#gan-seed input")
        seed.fill("-5")
        seed.press("Enter")
        toast = page.locator(".toast-body.error")
        sync_api.expect(toast).to_contain_text("must be at least 0, not -5.", timeout=30_000)
        assert "'시드" in toast.inner_text()


# Counts the page's animation frames: those Gradio's status tracker asks for itself, those the
# page's early script asks for on its behalf (its callback is named "serve"), and the rest.
COUNT_FRAMES = """
(() => {
  const frames = window.__frames = {tracker: 0, served: 0, other: 0};
  const request = window.requestAnimationFrame.bind(window);
  window.requestAnimationFrame = (callback) => {
    const kind = callback.name === 'serve' ? 'served'
      : (new Error().stack || '').includes('/statustracker') ? 'tracker' : 'other';
    frames[kind] += 1;
    return request(callback);
  };
})();
"""


def test_an_idle_page_does_not_draw_sixty_frames_a_second(studio_server):
    """Gradio 6.31's status tracker keeps an elapsed-time loop running on every open page; the studio
    spaces it to 5 frames a second (gradio_fixes.EarlyScript), so ten idle pages leave the cores alone."""
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            context.add_init_script(COUNT_EVENTS)
            context.add_init_script(COUNT_FRAMES)
            page = context.new_page()
            page.goto(studio_server)
            page.wait_for_function(SETTLED, arg=1500, polling=250, timeout=120_000)
            page.evaluate("() => { for (const kind in window.__frames) window.__frames[kind] = 0; }")
            page.wait_for_timeout(3000)
            frames = page.evaluate("window.__frames")
        finally:
            browser.close()
    assert frames["tracker"] == 0, frames  # 60 a second for each stuck loop without the fix
    assert frames["served"] <= 3 * 6, frames  # all of them, 5 times a second


# The first link under a result whose recipe has this parameter value (links carry base64url JSON: {"p": params}).
FIND_LINK = """
([key, value]) => Array.from(document.querySelectorAll('a[href^="?r="]')).map(a => a.href).find(href => {
  const encoded = new URL(href).searchParams.get('r') || '';
  const padded = encoded.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - encoded.length % 4) % 4);
  try { return JSON.parse(atob(padded)).p[key] === value; } catch (e) { return false; }
}) || null
"""
SELECTED_TAB = "() => document.querySelector('#studio-techniques button[role=tab][aria-selected=true]').innerText"


def _picture_bytes(page, selector: str) -> bytes:
    src = page.locator(selector).get_attribute("src")
    return page.request.get(src).body()


def _open_tab(page, name: str) -> None:
    page.locator("#studio-techniques button[role=tab]").filter(has_text=name).first.click()


def _changed(page, selector: str, before, timeout: int = 120_000) -> None:
    """Wait until the picture at ``selector`` is a new one, loaded."""
    page.wait_for_function("([s, b]) => { const i = document.querySelector(s); return i && i.src !== b && i.complete; }",
                           arg=[selector, before], timeout=timeout)


def _link(page, key: str, value) -> str:
    return page.wait_for_function(FIND_LINK, arg=[key, value], timeout=120_000, polling=250).json_value()


def _opened(browser, href: str):
    """A fresh browser context on ``href``, once the page says it was opened from a link. If it never does,
    the failure says what the page showed: its note, its errors and the answers of its events."""
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    seen: list[str] = []
    page.on("console", lambda m: seen.append(f"console {m.type}: {m.text}") if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: seen.append(f"page error: {e}"))
    page.on("response", lambda r: seen.append(f"{r.status} {r.url[-80:]}") if "/gradio_api/" in r.url else None)
    page.goto(href)
    try:
        sync_api.expect(page.locator("#studio-link-note")).to_contain_text("Opened from a link", timeout=120_000)
    except AssertionError as exc:
        note = page.locator("#studio-link-note")
        shown = note.inner_text() if note.count() else "(no note)"
        raise AssertionError(f"{href} opened no link after 120 s; its note: {shown!r}; "
                             f"the page's events and errors: {seen[-40:]}") from exc
    return page


def test_a_results_link_opens_the_same_result_on_its_tab_in_a_fresh_browser(studio_server):
    """Three results (GAN samples with seed 7, the VAE grid at quantiles, text with seed 3 at the book's
    temperatures, 1.5 among them): their links (relative: the browser completes them with the address it
    uses) open a new page on the result's tab, with the controls at the link's values and the same bytes.
    The copy button shows the whole address; a broken link says so and the page still works."""
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        try:
            page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
            page.goto(studio_server.replace("127.0.0.1", "localhost"))
            _open_tab(page, "GAN")
            grid = page.locator("#gan-grid img")
            grid.wait_for(state="visible", timeout=120_000)
            before = grid.get_attribute("src")
            page.locator("#gan-seed input").fill("7")
            page.locator("#gan-seed input").press("Tab")
            page.locator("#gan-sample").click()
            _changed(page, "#gan-grid img", before, 60_000)
            # The readout under the samples carries the link; made absolute by the browser, it names
            # the host the page was opened with.
            href = _link(page, "seed", 7)
            assert href.startswith("http://localhost:") and "?r=" in href
            original = _picture_bytes(page, "#gan-grid img")
            copy = page.locator("a[href^='?r='] + button.studio-copy-link:visible").first
            copy.click()
            assert page.locator("input.studio-link-address:visible").first.input_value().startswith("http://localhost:")

            fresh = _opened(browser, href)
            assert fresh.evaluate(SELECTED_TAB).strip().endswith("GAN")
            sync_api.expect(fresh.locator("#gan-seed input")).to_have_value("7")
            fresh.wait_for_function("() => document.querySelector('#gan-grid img')?.complete", timeout=60_000)
            assert _picture_bytes(fresh, "#gan-grid img") == original

            _open_tab(page, "VAE")
            before = page.locator("#vae-grid img").get_attribute("src")
            page.locator("#vae-quantiles input").check()
            _changed(page, "#vae-grid img", before)
            href = _link(page, "quantiles", True)
            original = _picture_bytes(page, "#vae-grid img")
            fresh = _opened(browser, href)
            assert "VAE" in fresh.evaluate(SELECTED_TAB)
            sync_api.expect(fresh.locator("#vae-quantiles input")).to_be_checked()
            assert _picture_bytes(fresh, "#vae-grid img") == original

            _open_tab(page, "Text")
            page.locator("#text-seed input").fill("3")
            page.locator("#text-seed input").press("Tab")
            page.locator("#text-generate").click()
            href = _link(page, "seed", 3)
            written = page.locator("#text-cards").inner_text()
            assert "1.5" in written
            fresh = _opened(browser, href)
            sync_api.expect(fresh.locator("#text-seed input")).to_have_value("3")
            assert fresh.locator("#text-cards").inner_text() == written

            broken = browser.new_context().new_page()
            broken.goto(href[:-6])
            sync_api.expect(broken.locator("#studio-link-note")).to_contain_text("could not be opened",
                                                                                timeout=120_000)
            sync_api.expect(broken.locator("#pixel-samples img")).to_be_visible(timeout=60_000)  # opened normally

            # A link to the "which is real?" game opens a new round of the page's own on the game's sub-tab.
            from studio import links
            from studio.bundles.provenance import Recipe

            game = _opened(browser, links.link_of(Recipe("gan.game", {"name": "dcgan_mnist"}, {}), studio_server))
            sync_api.expect(game.locator("#gan-game img")).to_be_visible(timeout=60_000)
            assert game.evaluate(SELECTED_TAB).strip().endswith("GAN")
        finally:
            browser.close()
