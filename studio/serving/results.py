"""Results computed once and served to everyone who asks for them.

A deterministic result is a pure function of (the function, its arguments including seed and
language, the weights in use). When a class opens the studio's link, every page asks for the same
results; ``SharedResults`` computes each once and hands the same value to every page and every click:

* **Bounded.** At most ``max_entries`` results, ``max_bytes`` of memory (arrays, words) and
  ``max_disk_bytes`` of the files they point to (stamped PNGs, GIFs); the least recently used go
  first.
* **One computation per key in flight.** When 30 students ask for the same thing in the same
  second, one computes and the others wait for its answer (an exception reaches every waiter, and
  nothing is kept).
* **Keyed by the weights.** The caller puts the weights' version into the key
  (``registry.weights_version()`` or the version of the bundles used), so a retrain or the switch
  back to the shipped weights is a different key, and the old result is never served again.
* **Files stay valid.** A result that names a file (an export that the export folder prunes after a
  while) is served only while that file exists, and touching it keeps it young.

Per-session results (the "which is real?" round, an upload, a training panel) must never go through
here: only a function of its arguments belongs in this cache.
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import os
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image

from studio.media import imaging
from studio.bundles import registry


def fingerprint(value) -> object:
    """A hashable, content-based stand-in for a handler's argument (arrays by their bytes)."""
    if isinstance(value, np.ndarray):
        digest = hashlib.sha256(np.ascontiguousarray(value).tobytes()).hexdigest()[:32]
        return ("ndarray", value.shape, str(value.dtype), digest)
    if isinstance(value, Image.Image):
        return ("image", value.mode, value.size, hashlib.sha256(value.tobytes()).hexdigest()[:32])
    if isinstance(value, dict):
        return ("dict", tuple(sorted((str(k), fingerprint(v)) for k, v in value.items())))
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, tuple(fingerprint(v) for v in value))
    if isinstance(value, np.generic):
        return value.item()
    if value is None or isinstance(value, (str, int, float, bool, bytes)):
        return value
    return (type(value).__qualname__, repr(value))


def _files_in(value) -> list[str]:
    """The export files a result names (paths in the studio's export folder)."""
    folder = str(imaging.export_folder())
    if isinstance(value, str):
        return [value] if value.startswith(folder) else []
    if isinstance(value, (list, tuple)):
        return [path for item in value for path in _files_in(item)]
    if isinstance(value, dict):
        return [path for item in value.values() for path in _files_in(item)]
    return []


def _memory_bytes(value) -> int:
    """A rough size of a result held in memory."""
    if isinstance(value, np.ndarray):
        return value.nbytes
    if isinstance(value, (str, bytes)):
        return len(value)
    if isinstance(value, (list, tuple)):
        return 64 + sum(_memory_bytes(item) for item in value)
    if isinstance(value, dict):
        return 64 + sum(_memory_bytes(item) for item in value.values())
    return 64


@dataclass
class _Entry:
    value: object
    memory: int
    files: list[str]
    disk: int


@dataclass
class _Flight:
    """One computation in progress; late askers wait on ``done``."""

    done: threading.Event = field(default_factory=threading.Event)
    value: object = None
    error: BaseException | None = None


class SharedResults:
    """A bounded, least-recently-used cache of results with one computation per key in flight."""

    def __init__(self, max_entries: int = 512, max_bytes: int = 256 << 20, max_disk_bytes: int = 512 << 20) -> None:
        self.max_entries, self.max_bytes, self.max_disk_bytes = max_entries, max_bytes, max_disk_bytes
        self._lock = threading.Lock()
        self._entries: OrderedDict[object, _Entry] = OrderedDict()  # oldest first
        self._flights: dict[object, _Flight] = {}
        self.memory = self.disk = 0
        self.computed = self.served = 0  # counts, for tests and benchmarks

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key, compute: Callable[[], object]):
        """The result of ``key``: kept, awaited from a computation in flight, or ``compute()`` now.

        ``compute`` may return a generator (a streaming handler): its last value is the result.
        """
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None and all(os.path.exists(path) for path in entry.files):
                self._entries.move_to_end(key)
                self.served += 1
                value = entry.value
                files = entry.files
            else:
                if entry is not None:  # a file it names was pruned: make it again
                    self._drop(key)
                flight = self._flights.get(key)
                mine = flight is None
                if mine:
                    flight = self._flights[key] = _Flight()
                value = files = None
        if files is not None:
            _touch(files)
            return _copy(value)
        if not mine:
            flight.done.wait()
            if flight.error is not None:
                raise flight.error
            with self._lock:
                self.served += 1
            return _copy(flight.value)
        try:
            flight.value = _last_value(compute())
        except BaseException as exc:
            flight.error = exc
            raise
        finally:
            with self._lock:
                self._flights.pop(key, None)
                if flight.error is None:
                    self.computed += 1
                    self._keep(key, flight.value)
            flight.done.set()
        return _copy(flight.value)

    def clear(self) -> None:
        """Forget every kept result (computations in flight finish and are kept)."""
        with self._lock:
            self._entries.clear()
            self.memory = self.disk = 0

    def _keep(self, key, value) -> None:
        files = _files_in(value)
        entry = _Entry(value, _memory_bytes(value), files, sum(_size(path) for path in files))
        if entry.memory > self.max_bytes or entry.disk > self.max_disk_bytes:
            return  # larger than the whole cache: served once, not kept
        if key in self._entries:
            self._drop(key)
        self._entries[key] = entry
        self.memory += entry.memory
        self.disk += entry.disk
        while (len(self._entries) > self.max_entries or self.memory > self.max_bytes
               or self.disk > self.max_disk_bytes):
            self._drop(next(iter(self._entries)))

    def _drop(self, key) -> None:
        entry = self._entries.pop(key)
        self.memory -= entry.memory
        self.disk -= entry.disk


def _copy(value):
    """A fresh copy of a result's containers (Gradio pops keys from the update dicts it is handed);
    arrays, words and paths are shared, since nobody writes into them."""
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    if isinstance(value, tuple):
        return tuple(_copy(v) for v in value)
    return value


def _last_value(result):
    if inspect.isgenerator(result):
        last = None
        for last in result:
            pass
        return last
    return result


def _size(path: str) -> int:
    try:
        return Path(path).stat().st_size
    except OSError:
        return 0


def _touch(paths: list[str]) -> None:
    """Keep served files young: the export folder prunes files by age."""
    for path in paths:
        try:
            os.utime(path)
        except OSError:
            pass


# The studio's one cache of shared results: page loads, judge readouts, figures and exports.
SHARED = SharedResults()


def shared(name: str, results: SharedResults | None = None) -> Callable[[Callable], Callable]:
    """Decorator for a deterministic handler (a judge's readout, a figure): calls with the same
    arguments and the same weights in use share one result (``SHARED``). ``name`` keeps the keys of
    different functions apart."""

    def decorate(fn: Callable) -> Callable:
        @functools.wraps(fn)
        def wrapper(*args):
            key = ("shared", name, fingerprint(args), registry.weights_version())
            return (results or SHARED).get(key, lambda: fn(*args))

        return wrapper

    return decorate
