"""A real browser: Debian's Chromium, driven by Playwright, opens the studio and samples."""

import contextlib
import shutil

import pytest

from conftest import ARTIFACTS

sync_api = pytest.importorskip("playwright.sync_api")
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

pytestmark = pytest.mark.skipif(shutil.which("chromium") is None,
                                reason="Debian's chromium is not installed (apt-get install chromium)")

# As root in a container Chromium needs --no-sandbox; the rest keep it off the closed network.
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]


@contextlib.contextmanager
def studio_page(url: str, width: int, height: int):
    """Debian's Chromium on the studio at ``url`` in a window of width x height; closed afterwards."""
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            page.goto(url)
            yield page
        finally:
            browser.close()


def test_switch_language_and_sample_in_the_browser(studio_server):
    with studio_page(studio_server, 1300, 1700) as page:
        page.get_by_role("tab", name="① Pixel probability model").click()
        samples = page.locator("#pixel-samples img")
        samples.wait_for(state="visible", timeout=30_000)  # the shipped weights answer on load
        before = samples.get_attribute("src")

        page.get_by_label("한국어").check()  # switch to Korean: the button text follows
        sample_button = page.locator("#pixel-sample-button")
        sync_api.expect(sample_button).to_have_text("샘플 생성", timeout=15_000)
        # The switch ends by refreshing the tab's results; wait for it so it cannot overwrite ours.
        sync_api.expect(page.locator("#pixel-likelihood")).to_contain_text("테스트 음의 로그 우도",
                                                                            timeout=30_000)

        page.locator("#pixel-seed input").fill("7")
        page.locator("#pixel-seed input").press("Tab")
        sample_button.click()
        page.wait_for_function(
            "before => { const img = document.querySelector('#pixel-samples img');"
            " return img && img.src !== before && img.complete && img.naturalWidth > 0; }",
            arg=before, timeout=30_000)
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


def test_every_technique_tab_is_in_sight_at_1280_px_and_recipes_are_folded(studio_server):
    """No technique behind an overflow menu, in either language; DeepDream and style transfer open
    with their ready examples; no raw recipe line on the page."""
    with studio_page(studio_server, 1280, 900) as page:
        tabs = page.locator("#studio-techniques > .tab-wrapper [role=tab]")
        for language in ("English", "한국어"):
            page.get_by_label(language).check()
            sync_api.expect(tabs).to_have_count(9, timeout=30_000)
            for i in range(9):
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
