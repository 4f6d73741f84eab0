"""The one place a recipe's bundle is written: its config, its files, and a metadata.json that records
the request's exact command, the data it learnt from, its training record and its metrics.

Every recipe ends with ``write_bundle(request, ...)`` (or ``rewrite_metrics(request, ...)`` for
``--assess-only``), so no recipe writes a command by hand, and a bundle's recorded command parses back
to the request that made it (``training_request.from_command``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

from studio.bundles import registry
from studio.training.request import TrainingRequest


def write_bundle(request: TrainingRequest, name: str, config, files: Mapping[str, registry.FileWriter], *,
                 technique: str, metrics: Mapping | None = None, training: Mapping | None = None,
                 data: Mapping | None = None, **record) -> registry.Bundle:
    """Write bundle ``name`` to the request's destination (``request.source``).

    ``config`` is the model's config dataclass (or a dict), ``files`` maps each file name to the function
    that writes it, ``data`` says where the training data came from (``provenance``), ``training`` is
    ``training.training_record(...)`` and ``record`` adds the technique's own entries (variant, what the
    bundle reproduces, a licence). ``command`` is always the request's.
    """
    metadata = {"technique": technique, **record, "command": request.command()}
    for key, value in (("data", data), ("training", training), ("metrics", metrics)):
        if value is not None:
            metadata[key] = dict(value)
    config = dataclasses.asdict(config) if dataclasses.is_dataclass(config) else dict(config)
    return registry.save(name, config, files, metadata, source=request.source)


def rewrite_metrics(request: TrainingRequest, bundle: registry.Bundle, metrics: Mapping,
                    restored: Mapping[str, registry.FileWriter] | None = None,
                    dropped: tuple[str, ...] = ()) -> registry.Bundle:
    """Save ``bundle`` again with new ``metrics``, recording the request (``--assess-only``) that measured
    them; its weights and training record stay (``registry.resave_with_metrics``)."""
    return registry.resave_with_metrics(bundle, metrics, request.command(), request.source, restored, dropped)
