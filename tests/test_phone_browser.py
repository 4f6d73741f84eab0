"""A student on a phone: Debian's Chromium at 390 x 844 px (touch, mobile), its CPU slowed 4x through the
DevTools protocol, opens the studio. No sideways scroll, a first picture (its time printed; within 15 s), the tab
names in one or two lines, and on every tab its main button within the first two screens."""

import shutil
import time

import pytest

from conftest import ARTIFACTS
from test_browser import ARGS, CHROMIUM, MAIN_ACTION_SUBTAB, slowed, switch_language

sync_api = pytest.importorskip("playwright.sync_api")

pytestmark = [pytest.mark.browser, pytest.mark.server,
              pytest.mark.skipif(shutil.which("chromium") is None,
                                 reason="Debian's chromium is not installed (apt-get install chromium)")]

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}
PHONE_SLOWDOWN = 4
# With the phone's CPU slowed 4x, the first picture is drawn by a slowed Chromium working through Gradio's
# page of 638 blocks: under 5 s on earlier session machines, 5.9 s on CI and 8-11 s on
# this session's (2026-12-06, at 08258e6 as after). The bound is for a page that never draws, not a speed target.
FIRST_PICTURE_S = 15.0

# The time from navigation to the first picture of the first tab that has finished loading, in the page's clock.
_FIRST_PICTURE = """() => {
    const img = [...document.querySelectorAll('#studio-techniques img')]
        .find(i => i.complete && i.naturalWidth > 0 && i.getBoundingClientRect().width > 0);
    return img ? performance.now() : null;
}"""
_SIDEWAYS = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
_TAB_ROW_HEIGHT = "() => document.querySelector('#studio-techniques > .tab-wrapper').getBoundingClientRect().height"
# How far down the page the visible main button of the open tab is, in screens.
_MAIN_BUTTON_SCREENS = """() => {
    const button = [...document.querySelectorAll('.studio-main-action')].find(b => b.offsetParent !== null);
    if (!button) return null;
    return (button.getBoundingClientRect().bottom + window.scrollY) / window.innerHeight;
}"""


def open_sub_tab(page, k: int) -> None:
    """Open the open tab's k-th sub-tab: from the row, or from Gradio's "More tabs" menu where a phone's
    narrow row has moved it."""
    panel = page.locator("#studio-techniques [role=tabpanel]:visible").first
    name = panel.locator(".tab-container.visually-hidden button").nth(k).inner_text()
    in_row = panel.locator("[role=tablist] [role=tab]", has_text=name)
    if in_row.count() and in_row.first.is_visible():
        in_row.first.click()
        return
    panel.locator(".overflow-menu button[aria-label='More tabs']").first.click()
    panel.locator(".overflow-dropdown button", has_text=name).first.click()


def test_a_phone_gets_a_page_it_can_use(studio_server):
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        try:
            # The lecturer's page came first: the studio has computed its first results (as in a class).
            lecturer = browser.new_page()
            lecturer.goto(studio_server)
            lecturer.wait_for_function(_FIRST_PICTURE, polling=100, timeout=120_000)
            lecturer.close()
            page = slowed(browser.new_context(**PHONE).new_page(), PHONE_SLOWDOWN)
            started = time.monotonic()
            page.goto(studio_server)
            first_picture = page.wait_for_function(_FIRST_PICTURE, polling=50, timeout=60_000).json_value() / 1000
            print(f"phone (390 px, CPU slowed {PHONE_SLOWDOWN}x): first picture after {first_picture:.2f} s "
                  f"(the test's clock: {time.monotonic() - started:.2f} s)")
            assert first_picture < FIRST_PICTURE_S, f"the first picture took {first_picture:.1f} s"
            switch_language(page, "한국어")
            page.wait_for_timeout(1500)
            assert page.evaluate(_SIDEWAYS) <= 1, "the page scrolls sideways on a phone"
            row = page.evaluate(_TAB_ROW_HEIGHT)
            assert row < 2 * 56, f"the tab names take {row:.0f} px of a 844 px screen"
            tabs = page.locator("#studio-techniques > .tab-wrapper [role=tab]")
            far = {}
            for i in range(tabs.count()):
                tabs.nth(i).click()
                if i in MAIN_ACTION_SUBTAB:
                    open_sub_tab(page, MAIN_ACTION_SUBTAB[i])
                page.locator(".studio-main-action:visible").first.wait_for(timeout=60_000)
                page.wait_for_timeout(2500)  # the tab's pictures have arrived (a gallery once widened the page)
                page.evaluate("() => window.scrollTo(0, 0)")
                screens = page.evaluate(_MAIN_BUTTON_SCREENS)
                page.screenshot(path=str(ARTIFACTS / f"phone_tab{i + 1}.png"), full_page=False)
                assert page.evaluate(_SIDEWAYS) <= 1, f"tab {i + 1} scrolls sideways on a phone"
                if screens is None or screens > 2:
                    far[tabs.nth(i).inner_text()] = screens
            print("main buttons, in screens from the top:", far or "all within two")
            assert not far, f"main buttons below the first two screens: {far}"
        finally:
            browser.close()
