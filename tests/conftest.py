"""Shared fixtures: every test runs offline, with its own empty caches."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

import file_schedule
from studio import techniques

# The studio declares the techniques' class polls as it starts (``studio.techniques.load``): so do the tests,
# whose classes take game and temperature answers without building the app.
techniques.load()

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = ROOT.parent / "shared" / "data"
ARTIFACTS = ROOT / "test-artifacts"


@pytest.fixture(autouse=True)
def offline_and_isolated(tmp_path, monkeypatch):
    """No downloads, no user's Keras cache, a private studio cache, no data folder."""
    monkeypatch.setenv("STUDIO_NO_DOWNLOAD", "1")
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras_home"))
    monkeypatch.setenv("STUDIO_CACHE_DIR", str(tmp_path / "studio_cache"))
    monkeypatch.delenv("STUDIO_DATA_DIR", raising=False)
    from studio import data, paths

    paths.set_data_dir(None)
    data._load_cached.cache_clear()
    data._imdb_cached.cache_clear()
    yield
    paths.set_data_dir(None)
    data._load_cached.cache_clear()
    data._imdb_cached.cache_clear()


def synthetic_split(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Tiny MNIST-shaped images whose brightness depends on the label (so classes differ)."""
    rng = np.random.default_rng(seed)
    y = np.arange(n, dtype=np.uint8) % 10
    x = rng.integers(0, 40, size=(n, 28, 28)).astype(np.uint8)
    x[:, 10:18, 10:18] += (y * 20)[:, None, None].astype(np.uint8)
    return x, y


def write_tiny_data(folder: Path, train: int = 200, test: int = 50) -> Path:
    """Write small synthetic mnist.npz and fashion_mnist.npz (Keras's layout) into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, seed in (("mnist.npz", 0), ("fashion_mnist.npz", 1)):
        x_train, y_train = synthetic_split(train, seed)
        x_test, y_test = synthetic_split(test, seed + 10)
        np.savez(folder / name, x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test)
    return folder


@contextlib.contextmanager
def few_precise_bn_batches(batches: int = 2):
    """Re-estimate BatchNorm (``studio.training.weight_average``) on ``batches`` batches: for a recipe's whole
    run on a few examples, where a real run's 30-100 passes only cost time (its statistics are tested in
    tests/techniques/pix2pix)."""
    from studio.training import weight_average

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(weight_average, "MAX_BATCHES", batches)
        yield


@pytest.fixture
def quick_precise_bn():
    """``few_precise_bn_batches`` for one test."""
    with few_precise_bn_batches():
        yield


@pytest.fixture
def tiny_data_dir(tmp_path) -> Path:
    """A data folder with small synthetic mnist.npz and fashion_mnist.npz."""
    return write_tiny_data(tmp_path / "data")


@pytest.fixture
def shared_data_dir() -> Path:
    """The real data sets in ../shared/data; tests using it skip cleanly without it."""
    if not (SHARED_DATA / "mnist.npz").is_file():
        pytest.skip("../shared/data/mnist.npz is not available")
    return SHARED_DATA


# The subprocess of each running studio_server, by URL (tests read its memory use from /proc).
SERVER_PROCESSES: dict[str, subprocess.Popen] = {}
SERVER_LOGS: dict[str, Path] = {}  # and its log (stdout and stderr together)


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def running_studio(folder: Path, extra_env: dict | None = None, args: tuple = ()):
    """``python studio.py --port <free> --lang en`` in a subprocess with a private cache (and log) in
    ``folder`` and ``extra_env`` added; yields its URL; stops it after."""
    import urllib.request

    port = free_port()
    env = {**os.environ, "STUDIO_CACHE_DIR": str(folder / "cache"), "STUDIO_NO_DOWNLOAD": "1",
           "KERAS_HOME": str(folder / "keras_home"),  # no data in a developer's Keras cache: no real training
           "GRADIO_ANALYTICS_ENABLED": "False", **(extra_env or {})}
    env.pop("STUDIO_DATA_DIR", None)
    log = open(folder / "studio.log", "w")
    process = subprocess.Popen([sys.executable, "studio.py", "--port", str(port), "--lang", "en", *args],
                               cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    started = time.monotonic()
    try:
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"studio.py exited with {process.returncode}; see {log.name}")
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() - started > 90:
                raise RuntimeError(f"studio.py did not answer within 90 s; see {log.name}")
            time.sleep(0.25)
        SERVER_PROCESSES[url] = process
        SERVER_LOGS[url] = folder / "studio.log"
        yield url
    finally:
        SERVER_PROCESSES.pop(url, None)
        SERVER_LOGS.pop(url, None)
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


# For a studio that tests errors, logins or routes: no background warm-up (``STUDIO_WARM_UP``), so it does
# not spend a minute of CPU on every tab's first results while the other tests run.
COLD = {"STUDIO_WARM_UP": "0"}


@pytest.fixture(scope="session")
def studio_server(tmp_path_factory):
    """The studio with the checkout's pretrained/, shared by the end-to-end tests, once it is warm; yields its
    URL. Its ``/device`` answers when every tab's first results are made (or after two minutes): a browser
    test started on a studio still warming up waited out its 30 s for the first pictures on a loaded machine."""
    with running_studio(tmp_path_factory.mktemp("server")) as url:
        wait_until_warm(url)
        yield url


def wait_until_warm(url: str) -> None:
    """Return once the studio at ``url`` has made every tab's first results (its ``/device`` answers then,
    or after two minutes); at once without gradio_client."""
    with contextlib.suppress(ImportError):
        from gradio_client import Client

        Client(url, verbose=False).predict("en", api_name="/device")


@pytest.fixture(scope="module")
def client(studio_server):
    """A gradio_client on the shared studio (the end-to-end tests of every tab)."""
    gradio_client = pytest.importorskip("gradio_client")
    return gradio_client.Client(studio_server, verbose=False)


@pytest.fixture(scope="session")
def tiny_bundles(tmp_path_factory):
    """Samples, the four autoencoders and the VAE, trained one epoch on synthetic data, in a temporary
    pretrained/ folder: (pretrained folder, data folder)."""
    from studio import data, paths
    from studio.techniques.autoencoder.recipe import VARIANTS, train_autoencoder
    from studio.samples.recipe import save_samples
    from studio.techniques.vae.recipe import train_vae
    from training_requests import shipped_request

    root = tmp_path_factory.mktemp("ae")
    folder = write_tiny_data(root / "data", test=60)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("STUDIO_PRETRAINED_DIR", str(root / "pretrained"))
        mp.setenv("STUDIO_NO_DOWNLOAD", "1")
        paths.set_data_dir(folder)
        data._load_cached.cache_clear()
        data._imdb_cached.cache_clear()
        save_samples(shipped_request("samples", count=60))
        for variant in VARIANTS:
            train_autoencoder(shipped_request("autoencoder", variant=variant, epochs=1, batch_size=50))
        train_vae(shipped_request("vae", epochs=1, batch_size=50))
        paths.set_data_dir(None)
    return root / "pretrained", folder


def events_until_kind(ticket, kind: str | None = None, timeout: float = 240.0) -> list[tuple]:
    """A training job's events (``studio.training.jobs``) up to the first of ``kind``, or up to its
    final event when ``kind`` is None; fails if the job ends first or nothing comes in ``timeout`` s."""
    import queue

    from studio.training.jobs import FINAL_EVENTS

    events, deadline = [], time.monotonic() + timeout
    while True:
        try:
            event = ticket.events.get(timeout=max(0.1, deadline - time.monotonic()))
        except queue.Empty:
            raise AssertionError(f"no {kind or 'final'} event within {timeout} s; events so far: {events[-5:]}") \
                from None
        events.append(event)
        if event[0] == kind or kind is None and event[0] in FINAL_EVENTS:
            return events
        assert kind is None or event[0] not in FINAL_EVENTS, f"the job ended before a {kind!r} event: {events[-5:]}"


def events_until_final(ticket, timeout: float = 240.0) -> list[tuple]:
    """Every event of a training job's ticket up to its final one."""
    return events_until_kind(ticket, None, timeout)


# --- markers: `python -m pytest -m "not server and not browser and not slow"` is the fast loop ---------
# (registered in pyproject.toml; the README's test command still runs everything). Each test module
# or test carries its own markers; this check only keeps them honest.
SERVER_FIXTURES = {"studio_server", "client"}  # a real studio process behind them


def pytest_collection_modifyitems(config, items):
    """A test that starts a studio server (through its fixtures) must say so with ``server``, and its file
    must be one of ``file_schedule.SHARED_STUDIO_FILES`` (which keeps them on one worker)."""
    on_studio = [item for item in items if SERVER_FIXTURES & set(getattr(item, "fixturenames", ()))]
    unmarked = [item.nodeid for item in on_studio if item.get_closest_marker("server") is None]
    if unmarked:
        raise pytest.UsageError(f"Mark these tests @pytest.mark.server (they start a studio): {unmarked}")
    unlisted = sorted({item.nodeid.split("::", 1)[0] for item in on_studio} - set(file_schedule.SHARED_STUDIO_FILES))
    if unlisted:
        raise pytest.UsageError(f"Add these files to tests/file_schedule.py SHARED_STUDIO_FILES: {unlisted}")


if file_schedule.LoadFileScheduling is not None:
    def pytest_xdist_make_scheduler(config, log):
        """``--dist loadfile`` (the README's command): longest work first, the shared studio on one worker."""
        if config.getvalue("dist") == "loadfile":
            return file_schedule.LongestFirstFileScheduling(config, log)
        return None


def counting_quality():
    """A ``QualityService`` whose judges are a cheap stand-in (no bundle, no TensorFlow) that
    records how many images each call reads: ``service.calls`` lists the batch sizes."""
    from studio.judge import metrics
    from studio.judge.presets import LoadedJudge
    from studio.judge.quality import QualityService

    calls: list[int] = []

    def judge(images):
        calls.append(len(images))
        flat = np.asarray(images, np.float64).reshape(len(images), -1)
        probs = np.eye(10)[(flat.sum(axis=1) // 97).astype(int) % 10]  # a class from the brightness
        features = flat[:, :128] / 255.0 + np.linspace(0, 1e-3, 128)
        return probs, features

    stats = [metrics.GaussianStats(np.zeros(128), np.eye(128), 1000)] * 11
    loaded = LoadedJudge(judge, stats, {"metrics": {"test_accuracy": 0.99, "fid_floor_train_vs_test": {"1000": 1.0}}})

    class Counting(QualityService):
        def _judge(self, dataset):
            return loaded

    service = Counting()
    service.calls = calls
    return service
