"""How fast `python studio.py` is up, next to the bare cost of importing Gradio, in one run.

    python benchmarks/startup.py [--runs 3]

Prints the seconds until the page answers HTTP 200 and until the pixel tab's first sample
arrives (target: HTTP 200 within 10 s on a 2-core CPU), and their ratio to `import gradio`.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from timing import summary

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def time_import_gradio() -> float:
    """Seconds for a fresh interpreter to import Gradio (the floor of any Gradio app's start)."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import gradio"], check=True)
    return time.perf_counter() - start


def time_studio() -> tuple[float, float]:
    """Seconds to HTTP 200 and to the first pixel sample, for one fresh `python studio.py`."""
    from gradio_client import Client

    port = _free_port()
    env = {**os.environ, "GRADIO_ANALYTICS_ENABLED": "False"}
    start = time.perf_counter()
    process = subprocess.Popen([sys.executable, "studio.py", "--port", str(port)], cwd=ROOT, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
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
        Client(url, verbose=False).predict("mnist", "0", 0.0, 20, 0, api_name="/pixel_sample")
        first = time.perf_counter() - start
    finally:
        process.terminate()
        process.wait(timeout=15)
    return up, first


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    gradio_s = statistics.median(time_import_gradio() for _ in range(args.runs))
    results = [time_studio() for _ in range(args.runs)]
    up = statistics.median(r[0] for r in results)
    first = statistics.median(r[1] for r in results)
    print(f"median of {args.runs} runs")
    print(f"import gradio (reference)         {gradio_s:6.2f} s")
    print(f"python studio.py -> HTTP 200      {up:6.2f} s   ({up / gradio_s:.2f}x import gradio; target < 10 s)")
    print(f"  -> first pixel sample received  {first:6.2f} s   ({first / gradio_s:.2f}x import gradio)")
    summary(import_gradio_s=gradio_s, http200_s=up, first_pixel_sample_s=first)


if __name__ == "__main__":
    main()
