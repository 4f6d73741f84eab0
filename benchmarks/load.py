"""A classroom in miniature: N simulated students against one locally launched studio.

    python benchmarks/load.py [--students 10] [--seconds 60] [--heavy 2]
    python benchmarks/load.py --with-training [--rounds 4] [--data-dir ../shared/data]

Each student (a thread speaking Gradio's HTTP API as a browser page does: POST the inputs, read the
event stream, download the pictures) repeats light actions across the tabs (pixel
samples, autoencoder walks and map, VAE grid and map, cGAN rows, GAN walks, Pix2Pix examples, text
distributions) with a short think time. ``--heavy`` more students run small DeepDreams back to
back. Prints requests served, errors (target 0), and the p50 / p95 latency of light actions
(target on 2 cores: p95 under 1.5 s).

``--with-training`` measures the lecturer who trains live: one DCGAN-MNIST training job of
``--rounds`` rounds of 100 steps (from the GAN tab, so in the studio's worker process) first alone,
then again while the students work for its whole duration, in the same run, with the server's
``--inference-threads 1`` (the README's setting for that; ``--inference-threads 2`` shows the
default's). Training speed is
read from the tab's stream (one curve point per round), so the judge's final reading is not
counted. Last line:
``summary: errors=N light_p50=S light_p95=S train_alone_steps_per_s=X train_loaded_steps_per_s=X
train_ratio=R peak_rss_gb=G`` (targets: 0 errors, p95 < 1.5 s, ratio >= 0.7, server + worker < 4 GB).
"""

from __future__ import annotations

import argparse
import json
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
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ROUND = 100  # steps per round of the GAN tab (studio.techniques.gan.presets.ROUND)

LIGHT = [
    ("/pixel_sample", lambda r: ("mnist", str(r.randrange(10)), 0.0, 20, r.randrange(1000))),
    ("/ae_noise_walk", lambda r: ("en", r.randrange(1000), round(r.uniform(0.2, 2.0), 2))),
    ("/ae_map", lambda r: (1000, round(r.uniform(-3, 3), 2), round(r.uniform(-3, 3), 2))),
    ("/vae_grid", lambda r: ("en", r.choice([10, 20, 30]), -1.0, 1.0, r.random() < 0.5)),
    ("/vae_map", lambda r: (30, -1.0, 1.0, False, round(r.uniform(-2, 2), 2), round(r.uniform(-2, 2), 2))),
]
# With --with-training the students also use the tabs of the models being trained and the rest.
EVERY_TAB = LIGHT + [
    ("/gan_walk", lambda r: ("dcgan_mnist", r.randrange(1000), r.randrange(1000), 8)),
    ("/cgan_samples", lambda r: ("conv", 1.0, str(r.randrange(10)), 10, r.randrange(1000))),
    ("/p2p_example", lambda r: ("en", "emoji", r.randrange(100))),
    ("/text_distribution", lambda r: ("en", "This movie was", 0.7, 10)),
]


class HttpStudent:
    """One browser, as cheap for this machine as a browser on another machine would be.

    ``gradio_client`` costs about 0.1 s of CPU per call on this 2-core machine, as much as the
    server's own work, and the students' browsers do not run on the lecturer's laptop; plain
    ``urllib`` calls of Gradio's HTTP API cost about 2 ms. Like a page, it downloads every picture
    an answer points to. Like a page, it keeps one session for all its calls: Gradio holds the
    pending messages of its last 2,000 sessions only (``queueing.pending_messages_per_session`` is
    an ``LRUCache(2000)``), so a new session per call would, after 2,000 calls, evict the session of
    a long training stream and end it with a 404.
    """

    def __init__(self, url: str) -> None:
        self.url = url.rstrip("/")
        self.session_hash = uuid.uuid4().hex[:11]  # one per page, as the browser's

    def predict(self, *inputs, api_name: str):
        """POST ``inputs`` to ``api_name``, wait for the answer on the event stream, fetch its files."""
        name = api_name.strip("/")
        body = json.dumps({"data": inputs, "session_hash": self.session_hash}).encode()
        request = urllib.request.Request(f"{self.url}/gradio_api/call/{name}", data=body,
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=300) as response:
            event_id = json.load(response)["event_id"]
        event = None
        with urllib.request.urlopen(f"{self.url}/gradio_api/call/{name}/{event_id}", timeout=300) as stream:
            for raw in stream:
                line = raw.decode("utf-8").strip()
                if line.startswith("event:"):
                    event = line[len("event:"):].strip()
                elif line.startswith("data:") and event in ("complete", "error"):
                    outputs = json.loads(line[len("data:"):])
                    if event == "error":
                        raise RuntimeError(f"{api_name} answered with an error: {outputs}")
                    for item in outputs:
                        if isinstance(item, dict) and item.get("url"):
                            with urllib.request.urlopen(item["url"], timeout=60) as picture:
                                picture.read()
                    return outputs
        raise RuntimeError(f"{api_name}: the event stream ended without an answer")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _tree_rss_gb(pid: int) -> float:
    """Resident memory of a process and all its descendants (the training worker), in GB."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            with open(f"/proc/{current}/status") as f:
                total += next(int(line.split()[1]) for line in f if line.startswith("VmRSS:")) * 1024
            with open(f"/proc/{current}/task/{current}/children") as f:
                todo += [int(c) for c in f.read().split()]
        except (OSError, StopIteration):
            continue
    return total / 1e9


class RssWatch:
    """Samples the server's (and its worker's) memory every half second; keeps the peak."""

    def __init__(self, pid: int) -> None:
        self.peak = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(pid,), daemon=True)
        self._thread.start()

    def _run(self, pid: int) -> None:
        while not self._stop.wait(0.5):
            self.peak = max(self.peak, _tree_rss_gb(pid))

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        return self.peak


def train_rate(client, rounds: int) -> tuple[float, float]:
    """Run a GAN-tab job of ``rounds`` x 100 steps; (steps per second between its first and last
    curve point, total seconds). Every curve point is a round of ROUND steps."""
    job = client.submit("en", rounds, False, "dcgan_mnist", api_name="/gan_train")
    started = time.perf_counter()
    stamps, last_curve = [], None
    while not job.done():
        outputs = job.outputs()
        if outputs:
            curve = outputs[-1][2]
            if curve is not None and curve != last_curve:
                last_curve = curve
                stamps.append(time.perf_counter())
        time.sleep(0.1)
    job.result()  # raises if the job failed
    if len(stamps) < 2:
        raise RuntimeError(f"the training job gave {len(stamps)} curve points; ask for more --rounds")
    return (len(stamps) - 1) * ROUND / (stamps[-1] - stamps[0]), time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--heavy", type=int, default=2)
    parser.add_argument("--with-training", action="store_true",
                        help="students work while a GAN training job runs (instead of DeepDreams)")
    parser.add_argument("--rounds", type=int, default=4, help="rounds of 100 steps of the training job")
    parser.add_argument("--inference-threads", type=int, default=None,
                        help="the server's --inference-threads (default: 1 with --with-training, as the README "
                             "advises for training live on 2 cores; otherwise TensorFlow's)")
    parser.add_argument("--data-dir", default=str(ROOT.parent / "shared" / "data"),
                        help="MNIST for the training job (default: ../shared/data)")
    args = parser.parse_args()
    from gradio_client import Client, handle_file
    from matplotlib import cbook

    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    port = _free_port()
    env = {**os.environ, "GRADIO_ANALYTICS_ENABLED": "False", "STUDIO_NO_DOWNLOAD": "1",
           "STUDIO_CACHE_DIR": tempfile.mkdtemp(prefix="studio-load-cache-")}
    flags = ["--data-dir", args.data_dir] if args.with_training else ["--no-training"]
    threads = args.inference_threads or (1 if args.with_training else None)
    if threads:
        flags += ["--inference-threads", str(threads)]
    print(f"server: python studio.py {' '.join(flags)}")
    server_log = tempfile.NamedTemporaryFile(prefix="studio-load-server-", suffix=".log", delete=False)
    print(f"server log: {server_log.name}")
    server = subprocess.Popen([sys.executable, "studio.py", "--port", str(port), "--lang", "en", *flags],
                              cwd=ROOT, env=env, stdout=server_log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    latencies: list[float] = []
    errors: list[str] = []
    heavy_done = [0]
    lock = threading.Lock()
    rss = None
    alone = loaded = None
    try:
        while True:
            try:
                urllib.request.urlopen(url, timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        rss = RssWatch(server.pid)
        warm = Client(url, verbose=False)
        actions = EVERY_TAB if args.with_training else LIGHT
        rng = random.Random(0)
        for endpoint, make_args in actions:  # every model loaded once, as the page loads do
            warm.predict(*make_args(rng), api_name=endpoint)
        if args.with_training:
            alone, alone_s = train_rate(warm, args.rounds)
            print(f"training alone: {alone:.2f} steps/s ({args.rounds} rounds in {alone_s:.0f} s with the judge)")
        stop = threading.Event()
        stop_at = time.monotonic() + args.seconds

        def over() -> bool:
            return stop.is_set() or (not args.with_training and time.monotonic() >= stop_at)

        def student(seed: int) -> None:
            rng = random.Random(seed)
            client = HttpStudent(url)
            while not over():
                endpoint, make_args = rng.choice(actions)
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
            while not over():
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
        if not args.with_training:
            threads += [threading.Thread(target=dreamer) for _ in range(args.heavy)]
        for t in threads:
            t.start()
        if args.with_training:
            try:
                loaded, loaded_s = train_rate(warm, args.rounds)  # the students work the whole time
                print(f"training with {args.students} students: {loaded:.2f} steps/s ({loaded_s:.0f} s)")
            finally:
                stop.set()
        for t in threads:
            t.join()
    finally:
        peak = rss.stop() if rss else float("nan")
        server.terminate()
        server.wait(timeout=15)

    ordered = sorted(latencies)
    p50 = statistics.median(ordered) if ordered else float("nan")
    p95 = ordered[int(0.95 * (len(ordered) - 1))] if ordered else float("nan")
    what = "a GAN training job" if args.with_training else f"{args.heavy} dreaming"
    print(f"{args.students} students + {what} on {os.cpu_count()} cores")
    print(f"light requests served {len(latencies)}, dreams finished {heavy_done[0]}, errors {len(errors)}")
    print(f"light latency p50 {p50:.2f} s, p95 {p95:.2f} s (target p95 < 1.5 s)")
    print(f"peak memory of the server and its training worker: {peak:.2f} GB (target < 4 GB)")
    for line in errors[:5]:
        print("  error:", line)
    print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    summary = f"summary: errors={len(errors)} light_p50={p50:.3f} light_p95={p95:.3f}"
    if args.with_training:
        summary += (f" train_alone_steps_per_s={alone:.3f} train_loaded_steps_per_s={loaded:.3f}"
                    f" train_ratio={loaded / alone:.3f}")
    print(summary + f" peak_rss_gb={peak:.2f}")


if __name__ == "__main__":
    main()
