"""The compute device and TensorFlow's settings.

There is no studio-wide lock around model work: inference calls built models (safe from several
threads), building a model holds only the lock of its bundle (``bundles.cache.BundleCache``), and
training runs in a worker process (``studio.training.jobs``).

TensorFlow is imported lazily (it costs seconds); the app asks for `device_summary()` after its page
is up, and `warm_up_in_background()` pays the import while the first user is still reading.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class DeviceInfo:
    """What the studio computes on, as shown in the header."""

    kind: str  # "GPU" or "CPU"
    name: str  # GPU name, or "CPU, N threads"
    tensorflow_version: str
    keras_version: str

    def label(self) -> str:
        """One line for the header, e.g. ``CPU, 2 threads · TensorFlow 2.21.0 · Keras 3.15.1``."""
        return f"{self.name} · TensorFlow {self.tensorflow_version} · Keras {self.keras_version}"


def cpu_model(cpuinfo: str | None = None) -> str:
    """The CPU's model name and its widest matrix or vector instructions, e.g. ``AMD EPYC, AVX2``, from
    /proc/cpuinfo (or ``cpuinfo``'s text); "" where that cannot be read. Benchmarks print it because the
    machines differ: TensorFlow's training steps ran about 3.5x faster on a CPU with AMX than on one with
    only AVX2."""
    try:
        text = cpuinfo if cpuinfo is not None else open("/proc/cpuinfo", encoding="utf-8").read()
    except OSError:
        return ""
    fields = dict(line.split(":", 1) for line in text.splitlines()[:40] if ":" in line)
    fields = {key.strip(): value.strip() for key, value in fields.items()}
    flags = set(fields.get("flags", "").split())
    widest = next((name for flag, name in (("amx_tile", "AMX"), ("avx512f", "AVX-512"), ("avx2", "AVX2"))
                   if flag in flags), "")
    return ", ".join(part for part in (fields.get("model name", ""), widest) if part)


def cpu_threads() -> int:
    """The cores this process may use (honours CPU affinity and container limits)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def import_tensorflow():
    """Import TensorFlow once, quietly, with GPU memory growth on; returns the module."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # keep INFO chatter out of the console
    import tensorflow as tf  # lazy: seconds to import; the one place TensorFlow is first imported

    _enable_memory_growth(tf)
    _limit_threads(tf)
    return tf


# A classroom server may leave cores to its training worker: STUDIO_INFERENCE_THREADS=1 caps the
# server's TensorFlow thread pools (the worker drops the variable and keeps TensorFlow's defaults).
THREADS_VARIABLE = "STUDIO_INFERENCE_THREADS"


@functools.lru_cache(maxsize=1)
def _limit_threads(tf) -> None:
    threads = os.environ.get(THREADS_VARIABLE, "").strip()
    if threads.isdigit() and int(threads) > 0:
        with contextlib.suppress(RuntimeError):  # already initialised: too late to change
            tf.config.threading.set_intra_op_parallelism_threads(int(threads))
            tf.config.threading.set_inter_op_parallelism_threads(int(threads))


@functools.lru_cache(maxsize=1)
def _enable_memory_growth(tf) -> None:
    # Without memory growth TensorFlow grabs the whole GPU at the first op, which starves any
    # other process (or a second studio) on the same card.
    for gpu in tf.config.list_physical_devices("GPU"):
        with contextlib.suppress(RuntimeError):  # already initialised: nothing to change
            tf.config.experimental.set_memory_growth(gpu, True)


@functools.lru_cache(maxsize=1)
def device_info() -> DeviceInfo:
    """Detect the device TensorFlow will use (imports TensorFlow on first call)."""
    tf = import_tensorflow()
    import keras  # lazy: TensorFlow's seconds, paid only when the device line is asked for

    gpus = tf.config.list_physical_devices("GPU")
    if gpus:
        details = tf.config.experimental.get_device_details(gpus[0])
        name = details.get("device_name") or gpus[0].name
        if len(gpus) > 1:
            name += f" (+{len(gpus) - 1} more)"
        return DeviceInfo("GPU", f"GPU: {name}", tf.__version__, keras.__version__)
    model = cpu_model()
    return DeviceInfo("CPU", f"CPU{f' ({model})' if model else ''}, {cpu_threads()} threads", tf.__version__,
                      keras.__version__)


_log = logging.getLogger("studio.warm_up")
_WARM = threading.Event()


def warm_up_in_background(tasks: Sequence[Callable[[], object]] = ()) -> threading.Thread | None:
    """Import TensorFlow, then run ``tasks`` (each tab's models and traced functions, in tab order)
    in a daemon thread, so that no student's first click pays for them; ``wait_until_warm`` tells
    when that is done. A task that fails is logged and skipped: its tab reports the problem itself.

    ``STUDIO_WARM_UP=0`` skips it (no thread; the studio counts as warm at once): each tab then loads
    what it needs at its first click. For the tests of errors, logins and routes, whose studios would
    otherwise spend a minute of CPU on every tab's first results in both languages."""
    if os.environ.get("STUDIO_WARM_UP", "1") == "0":
        _WARM.set()
        return None

    def warm() -> None:
        try:
            device_info()
            for task in tasks:
                started = time.perf_counter()
                try:
                    task()
                except Exception as exc:  # noqa: BLE001 - a missing bundle must not stop the others
                    _log.warning("warm-up %s failed: %s", getattr(task, "__qualname__", task), exc)
                else:
                    _log.info("warm-up %s: %.1f s", getattr(task, "__qualname__", task), time.perf_counter() - started)
        finally:
            _WARM.set()

    thread = threading.Thread(target=warm, name="studio-warm-up", daemon=True)
    thread.start()
    return thread


def wait_until_warm(timeout: float | None = None) -> bool:
    """Block until the background warm-up finished (or ``timeout`` s passed); whether it finished."""
    return _WARM.wait(timeout)
