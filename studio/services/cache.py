"""One cache for everything a service builds from a bundle (a Keras model, a table of counts)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

from studio import registry

T = TypeVar("T")


class BundleCache:
    """Objects built from registry bundles, rebuilt when the active weights of that name change
    (a retrain from the UI, or the switch back to the shipped weights)."""

    def __init__(self) -> None:
        self._lock = threading.RLock()  # a builder may itself use the cache
        self._items: dict[str, tuple[tuple, object]] = {}

    def get(self, name: str, build: Callable[[registry.Bundle], T]) -> T:
        """The object built by ``build(bundle)`` for the active bundle ``name``, built once per version."""
        version = registry.version_key(name)
        with self._lock:
            cached = self._items.get(name)
            if cached is None or cached[0] != version:
                cached = (version, build(registry.load(name)))
                self._items[name] = cached
            return cached[1]
