"""The README's pictures, taken from the running studio: ``python docs/screenshots.py``.

Starts ``studio.py`` (Korean, training allowed, the shipped weights, a private cache) and drives
Debian's headless Chromium through Playwright, as the browser tests do. It waits for the device line
(every tab warm), then saves into ``docs/screenshots/``:

- ``studio.png``: the page with every tab in sight (the README's hero);
- ``gan.png``: the GAN tab with its samples and the judge's readout;
- ``diffusion.png``: the diffusion tab's scrubber stopped half-way from noise to digits;
- ``style.png``: the style tab with its two results (Gatys's optimisation and the one-pass network);
- ``pix2pix.png``: the Pix2Pix tab, a test emoji through the three generators;
- ``training.png``: the GAN tab's training panel streaming the classroom schedule (needs MNIST:
  ``--data-dir``, default ``../shared/data``).

Each picture is 1,360 pixels wide (a window, or a tab from its top to its result), reduced to 256 colours and
compressed (the whole set stays under about 1.5 MB). Run it again whenever a tab changes how it looks; it
ends with the line ``summary: pictures=N total_kb=KB``.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from studio.ui.kit import i18n  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
WIDTH, HEIGHT = 1360, 1000
MAX_HEIGHT = 1700
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]
LANG = "ko"


def label(key: str) -> str:
    """A Korean label of the page (a tab's name), from the studio's own texts."""
    return i18n.text(key, LANG)


@contextlib.contextmanager
def running_studio(data_dir: str):
    """``python studio.py`` on a free port with a private cache; yields its URL."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    folder = Path(tempfile.mkdtemp(prefix="studio-shots-"))
    env = {**os.environ, "STUDIO_CACHE_DIR": str(folder / "cache"), "STUDIO_NO_DOWNLOAD": "1",
           "STUDIO_DATA_DIR": data_dir, "GRADIO_ANALYTICS_ENABLED": "False"}
    log = open(folder / "studio.log", "w")
    process = subprocess.Popen([sys.executable, "studio.py", "--port", str(port), "--lang", LANG], cwd=ROOT, env=env,
                               stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    try:
        started = time.monotonic()
        while True:
            if process.poll() is not None:
                raise SystemExit(f"studio.py exited with {process.returncode}; see {log.name}")
            with contextlib.suppress(OSError):
                with urllib.request.urlopen(url, timeout=2) as response:
                    if response.status == 200:
                        break
            if time.monotonic() - started > 120:
                raise SystemExit(f"studio.py did not answer within 120 s; see {log.name}")
            time.sleep(0.5)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
        shutil.rmtree(folder, ignore_errors=True)


def compressed(png: bytes, path: Path) -> int:
    """Save a screenshot as a 256-colour optimised PNG; its size in bytes."""
    import io

    from PIL import Image

    with Image.open(io.BytesIO(png)) as picture:
        small = picture.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
        small.save(path, optimize=True)
    return path.stat().st_size


def open_tab(page, key: str) -> None:
    page.locator("#studio-techniques button[role=tab]").filter(has_text=label(key)).first.click()


def shoot(page, name: str, anchor: str | None = None, until: str | None = None) -> int:
    """A picture from ``anchor`` (a selector; the page's top without one) down to the bottom of
    ``until`` (one window's height without one, at most MAX_HEIGHT); its compressed size."""
    page.wait_for_timeout(600)  # images finish drawing
    top = page.locator(anchor).first.evaluate("e => e.getBoundingClientRect().top + scrollY - 12") if anchor else 0
    bottom = top + HEIGHT
    if until:
        bottom = page.locator(until).first.evaluate("e => e.getBoundingClientRect().bottom + scrollY + 12")
    clip = {"x": 0, "y": top, "width": WIDTH, "height": min(max(bottom - top, 200), MAX_HEIGHT)}
    size = compressed(page.screenshot(full_page=True, clip=clip), OUT / f"{name}.png")
    print(f"{name}.png  {size / 1024:6.0f} kB", flush=True)
    return size


def visible_image(page, selector: str, timeout: int = 180_000) -> None:
    page.wait_for_function(f"() => {{ const i = document.querySelector('{selector} img');"
                           " return i && i.complete && i.naturalWidth > 0; }", timeout=timeout)


def take(url: str, training: bool) -> list[int]:
    from playwright import sync_api

    sizes = []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium") or "/usr/bin/chromium", headless=True,
                                    args=ARGS)
        try:
            page = browser.new_page(viewport={"width": WIDTH, "height": HEIGHT}, device_scale_factor=1)
            page.goto(url)
            # The device line appears once every tab is warm: from then on every picture is at hand.
            sync_api.expect(page.locator("#studio-device")).not_to_contain_text(label("app.device_pending"),
                                                                                timeout=300_000)
            visible_image(page, "#pixel-samples")
            sizes.append(shoot(page, "studio"))

            open_tab(page, "gan.tab")
            visible_image(page, "#gan-grid")
            page.wait_for_timeout(2000)  # the judge's readout under the samples
            sizes.append(shoot(page, "gan", "#studio-techniques"))

            open_tab(page, "diffusion.tab")
            page.get_by_role("tab", name=label("diffusion.scrub_tab")).click()
            page.locator("#diffusion-scrub").click()
            visible_image(page, "#diffusion-scrub-frame")
            step = page.locator("#diffusion-scrub-step input[type=number]")
            middle = int(int(step.get_attribute("max") or 50) * 0.55)
            before = page.locator("#diffusion-scrub-frame img").get_attribute("src")
            step.fill(str(middle))
            step.press("Enter")
            page.wait_for_function("b => document.querySelector('#diffusion-scrub-frame img').src !== b", arg=before,
                                   timeout=60_000)
            sizes.append(shoot(page, "diffusion", "#studio-techniques"))

            open_tab(page, "style.tab")
            visible_image(page, "#style-output")
            visible_image(page, "#style-ff-output")
            sizes.append(shoot(page, "style", "#studio-techniques", until="#style-ff-output"))

            open_tab(page, "p2p.tab")
            visible_image(page, "#p2p-compare")
            sizes.append(shoot(page, "pix2pix", "#studio-techniques", until="#p2p-compare"))

            if training:
                open_tab(page, "gan.tab")
                page.locator("#gan-training").first.click()
                page.locator("#gan-train").click()
                visible_image(page, "#gan-train-preview", timeout=600_000)
                page.wait_for_timeout(15_000)  # a few more rounds: the curves fill in
                sizes.append(shoot(page, "training", "#gan-training"))
                page.locator("#gan-stop").click()
        finally:
            browser.close()
    return sizes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=str(ROOT.parent / "shared" / "data"),
                        help="MNIST for the training picture (default: ../shared/data)")
    parser.add_argument("--no-training", action="store_true", help="skip the training panel's picture")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    with running_studio(args.data_dir) as url:
        sizes = take(url, training=not args.no_training)
    print(f"summary: pictures={len(sizes)} total_kb={sum(sizes) / 1024:.0f}")


if __name__ == "__main__":
    main()
