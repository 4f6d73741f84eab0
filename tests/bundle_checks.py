"""The one check every technique runs on its shipped bundles, in the spirit of keras-hub's
``run_preset_test``: the bundle loads from ``pretrained/`` with its checksums verified, makes a small
seeded result from its own files, makes the same bytes again, and its recorded command parses back to a
request of the technique's own recipe.

Each technique's ``tests/techniques/NAME/test_NAME_bundles.py`` declares ``BUNDLE_CHECKS``: bundle
name -> a function that makes a result from that bundle. ``tests/test_core_bundles.py`` makes sure that
every folder of ``pretrained/`` is claimed by exactly one technique.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from studio.bundles import registry
from studio.training.request import TrainingRequest, from_command


def check_shipped_bundle(name: str, make: Callable[[], object], recipes: tuple[str, ...]) -> TrainingRequest:
    """Load ``name`` from ``pretrained/``, make its result twice and compare, and parse its recorded
    command, which must name one of ``recipes``. Returns the parsed request."""
    bundle = registry.load(name, registry.SHIPPED)  # verifies every file's sha256
    first, second = np.asarray(make()), np.asarray(make())
    assert first.size > 0 and np.all(np.isfinite(first.astype(np.float64))), f"{name} made nothing usable"
    assert first.shape == second.shape and np.array_equal(first, second), f"{name} is not deterministic"
    request = from_command(bundle.metadata["command"])
    assert request.recipe in recipes, f"{name} was made by {request.recipe!r}, not by {recipes}"
    assert from_command(request.command()) == request  # the command as the studio writes it today, again
    return request


def check_recorded_command(bundle: registry.Bundle, request: TrainingRequest) -> None:
    """A bundle a test just trained records the exact request that made it."""
    assert bundle.metadata["command"] == request.command()
    assert from_command(bundle.metadata["command"]) == request
