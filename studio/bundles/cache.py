"""One cache for everything built from a bundle (a Keras model, a table of counts)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

from studio.bundles import registry

T = TypeVar("T")


class BundleCache:
    """Objects built from registry bundles, rebuilt when the active weights of that name change
    (a training job saved new weights, or the switch back to the shipped weights).

    Building holds a lock of that bundle name only: Keras models must not be built from two threads
    at once, but a slow build of one model never delays a request for another, and using a built
    object needs no lock at all.
    """

    def __init__(self) -> None:
        self._guard = threading.Lock()  # protects the two dicts below
        self._build_locks: dict[str, threading.RLock] = {}  # re-entrant: a builder may use the cache
        self._items: dict[str, tuple[tuple, object]] = {}

    def _lock_of(self, name: str) -> threading.RLock:
        with self._guard:
            return self._build_locks.setdefault(name, threading.RLock())

    def get(self, name: str, build: Callable[[registry.Bundle], T]) -> T:
        """The object built by ``build(bundle)`` for the active bundle ``name``, built once per version."""
        version = registry.version_key(name)
        cached = self._items.get(name)
        if cached is not None and cached[0] == version:
            return cached[1]
        with self._lock_of(name):
            cached = self._items.get(name)  # another thread may have built it meanwhile
            if cached is None or cached[0] != version:
                cached = (version, build(registry.load(name)))
                with self._guard:
                    self._items[name] = cached
            return cached[1]


class RecentDraws:
    """The last few batches of samples a service drew, by (bundle version, parameters).

    A tab draws 1,000 samples to show the first few and then asks the judge about all 1,000; the
    judge's readout comes as a second request, which finds the same draw here instead of
    generating it again. A retrain changes the bundle's version, so a stale draw is never reused.
    """

    def __init__(self, size: int = 8) -> None:
        self._size = size
        self._lock = threading.Lock()
        self._draws: dict[tuple, object] = {}  # insertion order = age

    def get(self, bundle_name: str, params: tuple, draw: Callable[[], T]) -> T:
        """The draw of ``params`` from the active weights of ``bundle_name``, made by ``draw()`` once."""
        value = self.find(bundle_name, params)
        if value is None:
            value = draw()  # outside the lock: two different draws may run at once
            self.put(bundle_name, params, value)
        return value

    def find(self, bundle_name: str, params: tuple):
        """The kept draw of ``params`` from the active weights of ``bundle_name``, or None."""
        key = (bundle_name, registry.version_key(bundle_name), params)
        with self._lock:
            if key not in self._draws:
                return None
            self._draws[key] = self._draws.pop(key)  # most recent last
            return self._draws[key]

    def put(self, bundle_name: str, params: tuple, value) -> None:
        """Keep ``value`` as the draw of ``params`` (a draw made step by step, outside ``get``)."""
        key = (bundle_name, registry.version_key(bundle_name), params)
        with self._lock:
            self._draws[key] = value
            while len(self._draws) > self._size:
                self._draws.pop(next(iter(self._draws)))
