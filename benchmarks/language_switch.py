"""What a language switch leaves behind: every later click of that page, before and after the switch.

    python benchmarks/language_switch.py [--clicks 3] [--settle-s 30] [--slowdown 1]

Starts ``python studio.py`` (a private cache, shipped weights), waits until it is warm, and opens one page in
headless Chromium (its CPU slowed ``--slowdown`` times through the DevTools protocol, as the browser tests
do; 1: full speed). On the pixel tab it presses Sample ``--clicks`` times with a new seed each (the sampler,
then the judge's readout that follows it), switches the page to Korean (the page loads again, in Korean),
waits ``--settle-s``, and presses Sample again as often. For each click: the seconds until the new picture has loaded
in the page, the studio's CPU (its process tree, /proc) until the readout is in, and the page's main-thread
time (Chrome's ``Performance.getMetrics`` ``TaskDuration``: script, style, layout). The switch's own server
CPU is reported too.

Why: the switch used to return new words for about 380 components, and Gradio 6 built each of them anew for
that page's session (docs/gradio-upstream.md, items 3 and 5): every later click was 3 times slower. Now the
switch loads the Korean page (studio.ui.frame.page_language), and the ratio should be about 1. Last line: ``summary: clicks=N
click_wall_s_before=S click_wall_s_after=S server_cpu_ms_before=M server_cpu_ms_after=M page_ms_before=M
page_ms_after=M switch_cpu_s=S after_over_before=R`` (medians; the ratio is the page's wall time).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import urllib.request
from pathlib import Path

from class_session import launch_studio, stop_process, wait_studio_warm
from classroom import ARGS, CHROMIUM, process_tree_cpu_s
from timing import summary

# The pixel tab's words in each language: the seed box and the Sample button.
WORDS = {"en": ("Seed", "Sample"), "ko": ("시드", "샘플 생성")}
# True once the samples' picture differs from ``src`` and has loaded.
NEW_PICTURE = ("src => { const i = document.querySelector('#pixel-samples img'); "
               "return i && i.src !== src && i.complete; }")
BUSY = "() => document.querySelector('.progress-text, .eta-bar') === null"


def wait_answering(url: str, timeout_s: float = 120) -> None:
    """Until the studio at ``url`` answers HTTP."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def page_ms(cdp) -> float:
    """The page's main-thread time so far (ms: script, style, layout and the rest), from Chrome's metrics."""
    metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
    return metrics["TaskDuration"] * 1000


def click(page, cdp, pid: int, lang: str, seed: int) -> tuple[float, float, float]:
    """One Sample click with ``seed``: (seconds until the new picture shows, server CPU ms, page's main-thread
    ms)."""
    seed_label, button = WORDS[lang]
    src = page.locator("#pixel-samples img").get_attribute("src")
    page.get_by_label(seed_label).first.fill(str(seed))
    cpu0, page0, started = process_tree_cpu_s(pid), page_ms(cdp), time.monotonic()
    page.get_by_role("button", name=button, exact=True).first.click()
    page.wait_for_function(NEW_PICTURE, arg=src, timeout=120_000)
    shown = time.monotonic() - started
    page.wait_for_function(BUSY, timeout=120_000)
    time.sleep(1.0)  # the readout's event after the picture
    return shown, (process_tree_cpu_s(pid) - cpu0) * 1000, page_ms(cdp) - page0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clicks", type=int, default=3)
    parser.add_argument("--settle-s", type=float, default=30.0, help="the wait after the switch")
    parser.add_argument("--slowdown", type=float, default=1.0, help="the page's CPU slowed this many times")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as folder:
        process, url = launch_studio(Path(folder), "en", Path(folder) / "studio.log", [])
        try:
            wait_answering(url)
            print(f"studio warm after {wait_studio_warm(url, 'en'):.1f} s")
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
                page = browser.new_page(viewport={"width": 1280, "height": 900})
                cdp = page.context.new_cdp_session(page)
                cdp.send("Performance.enable")
                if args.slowdown > 1:
                    cdp.send("Emulation.setCPUThrottlingRate", {"rate": args.slowdown})
                page.goto(url)
                page.locator("#pixel-samples img").wait_for(timeout=120_000)
                page.wait_for_function(BUSY, timeout=120_000)
                time.sleep(3)
                before = [click(page, cdp, process.pid, "en", 100 + k) for k in range(args.clicks)]
                cpu0 = process_tree_cpu_s(process.pid)
                with page.expect_navigation(timeout=120_000):
                    page.get_by_label("한국어").click()
                page.locator("#pixel-samples img").wait_for(timeout=120_000)
                page.wait_for_function(BUSY, timeout=120_000)
                time.sleep(args.settle_s)
                switch_cpu = process_tree_cpu_s(process.pid) - cpu0
                after = [click(page, cdp, process.pid, "ko", 200 + k) for k in range(args.clicks)]
                browser.close()
        finally:
            stop_process(process)
    for name, rows in (("before the switch", before), ("after the switch", after)):
        for k, (shown, cpu, main_thread) in enumerate(rows):
            print(f"{name}, click {k + 1}: picture shown after {shown:.2f} s, server CPU {cpu:.0f} ms, "
                  f"page main thread {main_thread:.0f} ms")
    print(f"the switch itself: server CPU {switch_cpu:.2f} s (settled for {args.settle_s:.0f} s)")
    median = {name: [statistics.median(r[i] for r in rows) for i in range(3)]
              for name, rows in (("before", before), ("after", after))}
    summary(clicks=args.clicks, slowdown=args.slowdown, click_wall_s_before=median["before"][0],
            click_wall_s_after=median["after"][0], server_cpu_ms_before=median["before"][1],
            server_cpu_ms_after=median["after"][1], page_ms_before=median["before"][2],
            page_ms_after=median["after"][2], switch_cpu_s=switch_cpu,
            after_over_before=median["after"][0] / median["before"][0])


if __name__ == "__main__":
    main()
