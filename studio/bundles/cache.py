"""One cache for everything built from a bundle (a Keras model, a table of counts)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

from studio import registry

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
