"""How fast `python studio.py` is up and warm, and every tab's first click after that, in one run.

    python benchmarks/startup.py [--runs 3]

For each fresh `python studio.py`: the seconds until the page answers HTTP 200 (target within 10 s on
a 2-core CPU), until the device line is shown (it waits for the background warm-up of every tab:
their models loaded, their functions traced), and then, once, the latency of each tab's main action
as a student's first click (target < 1 s each). Streaming actions (DeepDream, style transfer) count
until their first computed picture. The reference is the bare cost of `import gradio`. Last line:
``summary: http200_s=S first_click_max_s=S first_click_slowest=TAB``.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from timing import summary

ROOT = Path(__file__).resolve().parent.parent
PICTURE = "picture"  # stands for an uploaded example picture in FIRST_CLICKS

# (tab, endpoint, inputs, results to skip before the answer counts). Inputs differ from the page
# load's defaults, so no answer comes from a cache of recent results.
FIRST_CLICKS = [
    ("pixel", "pixel_sample", ["mnist", "3", 0.0, 20, 7], 0),
    ("autoencoder", "ae_noise_walk", ["en", 3, 1.0], 0),
    ("vae", "vae_grid", ["en", 25, -1.5, 1.5, False], 0),
    ("gan", "gan_walk", ["dcgan_mnist", 5, 6, 8], 0),
    ("cgan", "cgan_samples", ["conv", 1.0, "7", 10, 3], 0),
    ("pix2pix", "p2p_example", ["en", "emoji", 5], 0),
    # the first streamed result echoes the prepared input; the second is the first computed frame
    ("deepdream", "dream", ["en", PICTURE, "mobilenet_v2", "features_7_out=1", 3, 1.4, 30, 20, 15, 400], 1),
    ("style", "style_transfer", ["en", PICTURE, PICTURE, "vgg16", 100, 0.1, 200, 256, "adam", False], 1),
    ("text", "text_generate", ["en", "A film that", 20, ["0.5", "1.0"], 1, 0, 1.0], 0),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def time_import_gradio() -> float:
    """Seconds for a fresh interpreter to import Gradio (the floor of any Gradio app's start)."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import gradio"], check=True)
    return time.perf_counter() - start


def upload(url: str, path: str) -> dict:
    """Upload a file as the page does; the FileData to pass as an input."""
    import httpx

    with open(path, "rb") as f:
        response = httpx.post(f"{url}gradio_api/upload", files={"files": (Path(path).name, f)}, timeout=60)
    response.raise_for_status()
    return {"path": response.json()[0], "meta": {"_type": "gradio.FileData"}}


def first_answer(url: str, endpoint: str, inputs: list, skip: int) -> float:
    """Seconds from the POST to the first result after ``skip`` streamed ones (Gradio's HTTP API)."""
    request = urllib.request.Request(f"{url}gradio_api/call/{endpoint}", data=json.dumps({"data": inputs}).encode(),
                                     headers={"Content-Type": "application/json"})
    start = time.perf_counter()
    with urllib.request.urlopen(request, timeout=300) as response:
        event_id = json.load(response)["event_id"]
    event, seen = None, 0
    with urllib.request.urlopen(f"{url}gradio_api/call/{endpoint}/{event_id}", timeout=300) as stream:
        for raw in stream:
            line = raw.decode("utf-8").strip()
            if line.startswith("event:"):
                event = line[len("event:"):].strip()
            elif line.startswith("data:") and event == "error":
                raise RuntimeError(f"/{endpoint} answered with an error: {line[:200]}")
            elif line.startswith("data:") and event in ("generating", "complete"):
                if seen >= skip or event == "complete":
                    return time.perf_counter() - start
                seen += 1
    raise RuntimeError(f"/{endpoint}: the stream ended without an answer")


def time_studio() -> tuple[float, float, dict[str, float]]:
    """One fresh `python studio.py`: (seconds to HTTP 200, seconds to the device line, first click per tab)."""
    from matplotlib import cbook

    port = _free_port()
    # a fresh cache folder: the server uses the shipped weights, whatever this user retrained
    env = {**os.environ, "GRADIO_ANALYTICS_ENABLED": "False", "STUDIO_NO_DOWNLOAD": "1",
           "STUDIO_CACHE_DIR": tempfile.mkdtemp(prefix="studio-startup-")}
    start = time.perf_counter()
    process = subprocess.Popen([sys.executable, "studio.py", "--port", str(port), "--lang", "en"], cwd=ROOT,
                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/"
    try:
        while True:
            try:
                with urllib.request.urlopen(url, timeout=1) as response:
                    if response.status == 200:
                        break
            except OSError:
                time.sleep(0.05)
        up = time.perf_counter() - start
        first_answer(url, "device", ["en"], 0)  # answers once the warm-up is done
        warm = time.perf_counter() - start
        picture = upload(url, cbook.get_sample_data("grace_hopper.jpg", asfileobj=False))
        clicks = {}
        for tab, endpoint, inputs, skip in FIRST_CLICKS:
            clicks[tab] = first_answer(url, endpoint, [picture if v == PICTURE else v for v in inputs], skip)
    finally:
        process.terminate()
        process.wait(timeout=15)
    return up, warm, clicks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    gradio_s = statistics.median(time_import_gradio() for _ in range(args.runs))
    results = [time_studio() for _ in range(args.runs)]
    up = statistics.median(r[0] for r in results)
    warm = statistics.median(r[1] for r in results)
    clicks = {tab: statistics.median(r[2][tab] for r in results) for tab, *_ in FIRST_CLICKS}
    print(f"median of {args.runs} runs")
    print(f"import gradio (reference)         {gradio_s:6.2f} s")
    print(f"python studio.py -> HTTP 200      {up:6.2f} s   ({up / gradio_s:.2f}x import gradio; target < 10 s)")
    print(f"  -> device line (every tab warm) {warm:6.2f} s   ({warm / gradio_s:.2f}x import gradio)")
    print("first click of each tab after that (target < 1 s):")
    for tab, seconds in clicks.items():
        print(f"  {tab:12s} {seconds:6.2f} s" + ("" if seconds < 1 else "   (over 1 s)"))
    slowest = max(clicks, key=clicks.get)
    summary(http200_s=up, first_click_max_s=clicks[slowest], first_click_slowest=slowest)


if __name__ == "__main__":
    main()
