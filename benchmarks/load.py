"""A classroom in miniature: N simulated students against one locally launched studio.

    python benchmarks/load.py [--students 10] [--seconds 60] [--heavy 2]

Each student (a gradio_client in its own thread) repeats light actions across the tabs (pixel
samples, autoencoder walks and map, VAE grid and map) with a short think time; ``--heavy`` more
students run small DeepDreams back to back. Prints requests served, errors (target 0), and the
p50 / p95 latency of light actions while heavy ones run (target on 2 cores: p95 under 1.5 s).
"""

from __future__ import annotations

import argparse
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

LIGHT = [
    ("/pixel_sample", lambda r: ("mnist", str(r.randrange(10)), 0.0, 20, r.randrange(1000))),
    ("/ae_noise_walk", lambda r: ("en", r.randrange(1000), round(r.uniform(0.2, 2.0), 2))),
    ("/ae_map", lambda r: (1000, round(r.uniform(-3, 3), 2), round(r.uniform(-3, 3), 2))),
    ("/vae_grid", lambda r: ("en", r.choice([10, 20, 30]), -1.0, 1.0, r.random() < 0.5)),
    ("/vae_map", lambda r: (30, -1.0, 1.0, False, round(r.uniform(-2, 2), 2), round(r.uniform(-2, 2), 2))),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--heavy", type=int, default=2)
    args = parser.parse_args()
    from gradio_client import Client, handle_file
    from matplotlib import cbook

    port = _free_port()
    env = {**os.environ, "GRADIO_ANALYTICS_ENABLED": "False", "STUDIO_NO_DOWNLOAD": "1"}
    server = subprocess.Popen([sys.executable, "studio.py", "--port", str(port), "--lang", "en", "--no-training"],
                              cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/"
    try:
        while True:
            try:
                urllib.request.urlopen(url, timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        Client(url, verbose=False).predict("en", 0, 1.0, api_name="/ae_noise_walk")  # load models once
        latencies: list[float] = []
        errors: list[str] = []
        heavy_done = [0]
        lock = threading.Lock()
        stop_at = time.monotonic() + args.seconds

        def student(seed: int) -> None:
            rng = random.Random(seed)
            # Each student its own download folder, as each browser has: two clients saving the same
            # picture into one folder at once would truncate each other's copy (a client-side artefact).
            client = Client(url, verbose=False, download_files=tempfile.mkdtemp(prefix="studio-load-"))
            while time.monotonic() < stop_at:
                endpoint, make_args = rng.choice(LIGHT)
                start = time.perf_counter()
                try:
                    client.predict(*make_args(rng), api_name=endpoint)
                    with lock:
                        latencies.append(time.perf_counter() - start)
                except Exception as exc:  # counted, not raised: the run goes on
                    with lock:
                        errors.append(f"{endpoint}: {type(exc).__name__}: {str(exc)[:80]}")
                time.sleep(rng.uniform(0.5, 2.0))  # a student looks at the answer

        def dreamer() -> None:
            client = Client(url, verbose=False, download_files=tempfile.mkdtemp(prefix="studio-load-"))
            picture = handle_file(cbook.get_sample_data("grace_hopper.jpg", asfileobj=False))
            while time.monotonic() < stop_at:
                try:
                    job = client.submit("en", picture, "mobilenet_v2", "features_7_out=1", 2, 1.4, 10, 20, 15, 256,
                                        api_name="/dream")
                    list(job)
                    with lock:
                        heavy_done[0] += 1
                except Exception as exc:
                    with lock:
                        errors.append(f"/dream: {type(exc).__name__}: {str(exc)[:80]}")

        threads = [threading.Thread(target=student, args=(i,)) for i in range(args.students)]
        threads += [threading.Thread(target=dreamer) for _ in range(args.heavy)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        server.terminate()
        server.wait(timeout=15)

    ordered = sorted(latencies)
    p95 = ordered[int(0.95 * (len(ordered) - 1))] if ordered else float("nan")
    print(f"{args.students} students + {args.heavy} dreaming for {args.seconds:.0f} s on {os.cpu_count()} cores")
    print(f"light requests served {len(latencies)}, dreams finished {heavy_done[0]}, errors {len(errors)}")
    if ordered:
        print(f"light latency p50 {statistics.median(ordered):.2f} s, p95 {p95:.2f} s (target p95 < 1.5 s)")
    for line in errors[:5]:
        print("  error:", line)


if __name__ == "__main__":
    main()
