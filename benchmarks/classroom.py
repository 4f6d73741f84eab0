"""The first minute of a class: N students open the studio's link at the same moment, in real browsers.

    python benchmarks/classroom.py [--students 10] [--lang ko]

Starts the studio on its own (shipped weights, a private cache) and waits until its device line says
every tab is warm. Then, with headless Chromium (Playwright driving Debian's ``chromium``, one browser
context per student, all on this machine's cores):

1. one page alone, as a reference;
2. N students open the page at the same moment: each page's seconds until every page-load result has
   arrived (every queued event the page started has completed, and every picture it points to is
   downloaded), and the server's CPU seconds per page (its process and children, from /proc);
3. one student switches the language: the server's CPU seconds for it;
4. every student presses the GAN tab's Generate at the same moment, each with a different seed: each
   click's seconds until its new picture has arrived.

A page counts its events in the browser: a wrapper around ``fetch`` counts the events it joins
(``queue/join``) and reads the ``process_completed`` messages of Gradio's event stream. Last line:
``summary: students=N page_cpu_s=S page_p50_s=S page_max_s=S switch_cpu_s=S click_p95_s=S``
(targets for N=10 on 2 cores: page_cpu_s <= 0.5, page_max_s <= 20, switch_cpu_s <= 1, click_p95_s <= 3).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"]
QUIET_S = 1.5  # a page is complete once nothing new has started or finished for this long
PAGE_TIMEOUT_S = 300

# Counts the page's queued events in the page itself: joins, and completions read from the stream.
COUNT_EVENTS = """
(() => {
  const s = window.__studio = {joined: 0, completed: 0, lastChange: 0, completions: []};
  const now = () => performance.now();
  const original = window.fetch.bind(window);
  window.fetch = async (input, init) => {
    const url = typeof input === 'string' ? input : (input && input.url) || String(input);
    const response = await original(input, init);
    if (url.includes('/queue/join') && response.ok) { s.joined += 1; s.lastChange = now(); }
    if (url.includes('/queue/data') && response.body) {
      const [mine, theirs] = response.body.tee();
      (async () => {
        const reader = mine.getReader(); const decoder = new TextDecoder(); let buffer = '';
        for (;;) {
          const {value, done} = await reader.read();
          if (done) break;
          buffer += decoder.decode(value, {stream: true});
          let cut;
          while ((cut = buffer.indexOf('\\n')) >= 0) {
            const line = buffer.slice(0, cut); buffer = buffer.slice(cut + 1);
            if (line.startsWith('data:') && line.includes('"process_completed"')) {
              s.completed += 1; s.lastChange = now(); s.completions.push(s.lastChange);
            }
          }
        }
      })();
      return new Response(theirs, {status: response.status, statusText: response.statusText,
                                   headers: response.headers});
    }
    return response;
  };
})();
"""

# Settled: every joined event completed, nothing new for QUIET_S, and every picture on the page loaded.
SETTLED = """
(quiet) => {
  const s = window.__studio;
  if (!s || s.joined === 0 || s.completed < s.joined) return null;
  if (performance.now() - s.lastChange < quiet) return null;
  const images = Array.from(document.querySelectorAll('img'));
  if (images.some(img => img.src && !img.complete)) return null;
  const files = performance.getEntriesByType('resource').filter(e => e.name.includes('/file='));
  const lastFile = files.reduce((m, e) => Math.max(m, e.responseEnd), 0);
  return {done: Math.max(s.lastChange, lastFile), joined: s.joined, completed: s.completed};
}
"""

# Presses Generate and resolves, without polling, once the grid shows a new, fully loaded picture:
# [time of the click, time the picture was shown] in the page's clock.
CLICK_AND_WAIT = """
(before) => new Promise(resolve => {
  const clicked = performance.now();
  const shown = () => {
    const img = document.querySelector('#gan-grid img');
    if (!img || img.src === before) return false;
    if (img.complete && img.naturalWidth > 0) { resolve([clicked, performance.now()]); return true; }
    img.addEventListener('load', () => resolve([clicked, performance.now()]), {once: true});
    return true;
  };
  const watch = new MutationObserver(() => { if (shown()) watch.disconnect(); });
  watch.observe(document.body, {subtree: true, childList: true, attributes: true, attributeFilter: ['src']});
  document.querySelector('#gan-sample').click();
})
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def process_tree_cpu_s(pid: int) -> float:
    """User + system CPU seconds of ``pid`` and its living descendants (and the children it reaped)."""
    tick = os.sysconf("SC_CLK_TCK")
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry.name)] = int(fields[1])
        times[int(entry.name)] = sum(int(f) for f in fields[11:15]) / tick  # utime stime cutime cstime
    total, todo = 0.0, [pid]
    while todo:
        current = todo.pop()
        total += times.get(current, 0.0)
        todo.extend(child for child, parent in parents.items() if parent == current)
    return total


def browsers_cpu_s() -> float:
    """CPU seconds of every Chromium process on the machine (the students' browsers)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and "chrom" in (entry / "comm").read_text():
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                total += sum(int(f) for f in fields[11:15]) / tick
        except OSError:
            continue
    return total


def start_studio(folder: Path, lang: str, log_path: str | None = None) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**os.environ, "STUDIO_CACHE_DIR": str(folder / "cache"), "STUDIO_NO_DOWNLOAD": "1",
           "GRADIO_ANALYTICS_ENABLED": "False", "GRADIO_TEMP_DIR": str(folder / "gradio")}
    log = open(log_path or folder / "studio.log", "w")
    process = subprocess.Popen([sys.executable, "studio.py", "--port", str(port), "--lang", lang], cwd=ROOT,
                               env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    started = time.monotonic()
    while time.monotonic() - started < 120:
        if process.poll() is not None:
            raise SystemExit(f"studio.py exited with {process.returncode}; see {log.name}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return process, url
        except OSError:
            time.sleep(0.25)
    process.kill()
    raise SystemExit("studio.py did not answer within 120 s")


async def start_profiler(prefix: str | None, phase: str, pid: int, gil: bool = False):
    """py-spy recording the server into PREFIX.PHASE (collapsed stacks), when asked for; with ``gil``, only
    the thread holding Python's lock in each sample (where a GIL-bound server spends its CPU)."""
    if not prefix:
        return None
    profiler = subprocess.Popen(["py-spy", "record", "--pid", str(pid), "--format", "raw", "--rate", "50",
                                 *(["--gil"] if gil else []), "--output", f"{prefix}.{phase}"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    await asyncio.sleep(2.0)  # attached
    return profiler


def stop_profiler(profiler) -> None:
    if profiler is not None:
        profiler.send_signal(signal.SIGINT)  # py-spy writes its file and stops
        profiler.wait(timeout=60)


async def open_page(browser, url: str):
    """A fresh student (browser context) on the studio; returns (context, page)."""
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    await context.add_init_script(COUNT_EVENTS)
    page = await context.new_page()
    return context, page


async def settle(page) -> dict:
    """Wait until the page's events are done (checked inside the page, four times a second); the
    seconds from the page's navigation to the last of them."""
    handle = await page.wait_for_function(SETTLED, arg=QUIET_S * 1000, polling=250, timeout=PAGE_TIMEOUT_S * 1000)
    state = await handle.json_value()
    return {**state, "seconds": state["done"] / 1000}


async def load_page(browser, url: str, start: asyncio.Event | None = None):
    context, page = await open_page(browser, url)
    if start is not None:
        await start.wait()
    await page.goto(url, wait_until="commit", timeout=PAGE_TIMEOUT_S * 1000)
    state = await settle(page)  # the page clock starts at navigation
    return context, page, state


async def wait_warm(page) -> None:
    """The device line replaces its 'pending' text once every tab is warm."""
    await page.wait_for_function(
        "() => { const d = document.querySelector('#studio-device'); return d && /CPU|GPU/.test(d.innerText); }",
        timeout=300_000)


async def click_generate(page, seed: int, start: asyncio.Event, ready: asyncio.Queue | None = None) -> float:
    """Press the GAN tab's Generate with ``seed`` once ``start`` is set; seconds until the new grid
    picture has loaded (and until the server's answer reached the page). Puts the page in ``ready``
    once its tab is drawn and its seed typed."""
    await page.locator("#studio-techniques button[role=tab]").filter(has_text="GAN").first.click()
    grid = page.locator("#gan-grid img")
    await grid.wait_for(state="visible", timeout=120_000)  # the tab is drawn with its first samples
    seed_box = page.locator("#gan-seed input")
    for _ in range(20):  # a busy page may draw the box again after a fill: until the value stays
        await seed_box.fill(str(seed))
        await seed_box.blur()
        await asyncio.sleep(0.5)
        if await seed_box.input_value() == str(seed):
            break
    else:
        raise RuntimeError(f"the seed box would not keep {seed}")
    before = await grid.get_attribute("src")
    if ready is not None:
        ready.put_nowait(page)
    await start.wait()
    # The click and the wait happen inside the page, as a student's click does: no polling from here.
    clicked, shown = await page.evaluate(CLICK_AND_WAIT, before)
    answered = await page.evaluate("(t) => window.__studio.completions.find(c => c > t) || null", clicked)
    return (shown - clicked) / 1000, ((answered or shown) - clicked) / 1000


async def main_async(args) -> None:
    from playwright.async_api import async_playwright

    from studio.serving import runtime

    print(f"device: {runtime.cpu_model()}, {os.cpu_count()} cores; students={args.students}, lang={args.lang}")
    with tempfile.TemporaryDirectory() as tmp:
        process, url = start_studio(Path(tmp), args.lang, args.log)
        try:
            async with async_playwright() as p:
                browser = await p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
                # The lecturer's own page first: it waits for the warm-up, as the timings did.
                context, page, _ = await load_page(browser, url)
                await wait_warm(page)
                await context.close()

                cpu0 = process_tree_cpu_s(process.pid)
                context, page, alone = await load_page(browser, url)
                alone_cpu = process_tree_cpu_s(process.pid) - cpu0
                await context.close()
                print(f"one page alone: complete in {alone['seconds']:.2f} s, {alone['joined']} events, "
                      f"server CPU {alone_cpu:.2f} s")

                profiler = await start_profiler(args.profile, "pages", process.pid)
                start = asyncio.Event()
                cpu0, browsers0 = process_tree_cpu_s(process.pid), browsers_cpu_s()
                loads = [asyncio.create_task(load_page(browser, url, start)) for _ in range(args.students)]
                await asyncio.sleep(1.0)  # every context ready, then all at once
                start.set()
                results = await asyncio.gather(*loads)
                # each page's clock starts at its own navigation, all within milliseconds of each other
                pages = sorted(r[2]["seconds"] for r in results)
                page_cpu = (process_tree_cpu_s(process.pid) - cpu0) / args.students
                browser_cpu = (browsers_cpu_s() - browsers0) / args.students
                stop_profiler(profiler)
                print(f"{args.students} pages at once: complete after {', '.join(f'{s:.1f}' for s in pages)} s; "
                      f"server CPU per page {page_cpu:.2f} s; the browsers' CPU per page {browser_cpu:.2f} s")

                other = "en" if args.lang == "ko" else "ko"
                student = results[0][1]
                await asyncio.sleep(QUIET_S)
                profiler = await start_profiler(args.profile, "switch", process.pid)
                cpu0 = process_tree_cpu_s(process.pid)
                before = await student.evaluate("window.__studio.completed")
                await student.locator(f"#studio-language input[value={other}]").check()
                await student.wait_for_function("(n) => window.__studio.completed > n", arg=before, timeout=120_000)
                switched = await settle(student)
                switch_cpu = process_tree_cpu_s(process.pid) - cpu0
                stop_profiler(profiler)
                print(f"language switch to {other}: server CPU {switch_cpu:.2f} s "
                      f"({switched['completed'] - before} events)")
                await student.locator(f"#studio-language input[value={args.lang}]").check()
                await settle(student)

                start, ready = asyncio.Event(), asyncio.Queue()
                clicks = [asyncio.create_task(click_generate(r[1], 100 + k, start, ready))
                          for k, r in enumerate(results)]
                for _ in results:  # every student on the GAN tab with a seed typed, then a quiet moment
                    await settle(await ready.get())
                profiler = await start_profiler(args.profile, "clicks", process.pid)
                cpu0, browsers0 = process_tree_cpu_s(process.pid), browsers_cpu_s()
                start.set()
                click_times = await asyncio.gather(*clicks)
                click_cpu = process_tree_cpu_s(process.pid) - cpu0
                click_browsers = browsers_cpu_s() - browsers0
                click_s = sorted(shown for shown, _ in click_times)
                stop_profiler(profiler)
                print(f"{args.students} Generate clicks at once (GAN tab, seeds 100-{99 + args.students}): "
                      f"{', '.join(f'{s:.2f}' for s in click_s)} s (the server's answer reached the page after "
                      f"{', '.join(f'{a:.2f}' for _, a in sorted(click_times))} s); server CPU {click_cpu:.1f} s, "
                      f"the browsers' CPU {click_browsers:.1f} s")
                await browser.close()
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
    p95 = click_s[min(len(click_s) - 1, round(0.95 * (len(click_s) - 1)))]
    print(f"summary: students={args.students} page_cpu_s={page_cpu:.2f} page_p50_s={statistics.median(pages):.1f} "
          f"page_max_s={max(pages):.1f} switch_cpu_s={switch_cpu:.2f} click_p95_s={p95:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=10)
    parser.add_argument("--lang", choices=["ko", "en"], default="ko")
    parser.add_argument("--log", metavar="FILE", help="keep the studio's log in FILE")
    parser.add_argument("--profile", metavar="PREFIX", help="record the server with py-spy (collapsed stacks) "
                                                            "in each phase: PREFIX.pages, PREFIX.switch, PREFIX.clicks")
    asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    main()
