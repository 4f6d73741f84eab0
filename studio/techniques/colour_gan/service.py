"""The colour DCGAN's work (Deep Learning with Python 12.5): samples, the nearest training face, and
training on a student's own pictures."""

from __future__ import annotations

import secrets
import shutil

import numpy as np

from studio import paths
from studio.media import imaging, openmoji, picture_uploads
from studio.judge import metrics
from studio.bundles import registry
from studio.bundles.cache import BundleCache
from studio.checks import UserError, check_count, check_seed
from studio.techniques.colour_gan.model import generate
from studio.techniques.colour_gan.presets import (
    BUNDLE,
    MIN_PICTURES,
    ROUND,
    load_generator,
)
from studio.training.jobs import JobSpec, estimate_from_shipped
from studio.training.request import request

MAX_SAMPLES = 64
ZOOM = 2  # 64-px faces shown at 128 px
MAX_ROUNDS = 120  # of ROUND steps: about 50 minutes here
KEEP_UPLOADS = 5  # the newest upload folders kept; older ones are deleted when a new one arrives


class ColourGANService:
    """The active colour generator (the shipped emoji faces, or a student's own pictures)."""

    def __init__(self) -> None:
        self._models = BundleCache()
        self._train_index: metrics.TrainIndex | None = None

    @staticmethod
    def available() -> bool:
        """Whether colour weights are installed (shipped or trained by the user)."""
        return registry.installed(BUNDLE)

    def samples(self, n: int, seed: int) -> np.ndarray:
        """A grid of ``n`` pictures of ``seed`` (eight per row, at twice their size)."""
        n, seed = check_count(n, 1, MAX_SAMPLES, "samples"), check_seed(seed)
        generator, config = self._models.get(BUNDLE, load_generator)
        return imaging.grid(generate(generator, config, n, seed), cols=8, scale=ZOOM)

    def nearest(self, n: int, seed: int) -> np.ndarray:
        """The first ``n`` samples of ``seed``, each above its closest training face (shipped weights
        only: a student's own pictures are not kept), with the distance: not copies."""
        n, seed = check_count(n, 1, 16, "samples"), check_seed(seed)
        if self.status()["data"] != "openmoji_faces":
            raise UserError("The nearest training picture is shown for the shipped emoji faces; "
                                            "your own pictures are not kept after training.")
        generator, config = self._models.get(BUNDLE, load_generator)
        fakes = generate(generator, config, n, seed)
        train = openmoji.face_pictures(test=False)
        if self._train_index is None:
            self._train_index = metrics.TrainIndex(train)
        picked, distances = self._train_index.nearest(fakes)
        images = np.concatenate([fakes, train[picked]])
        captions = ["GAN"] * n + [f"d={d:.3f}" for d in distances]
        return imaging.labelled_grid(images, captions, cols=n, scale=ZOOM)

    @staticmethod
    def status() -> dict:
        """Which colour weights are in use: network (book / cpu), data, command and measurements."""
        bundle = registry.load(BUNDLE)
        meta, data = bundle.metadata, bundle.metadata.get("data", {})
        return {"source": bundle.source, "created": meta.get("created", "?"), "command": meta.get("command", "?"),
                "network": meta.get("network", "cpu"),
                "widths": "/".join(str(w) for w in bundle.config.get("generator_widths", ())),
                "data": next(iter(data), "?"), "train_images": next(iter(data.values()), {}).get("train_images", "?"),
                "metrics": meta.get("metrics", {}), "history": meta.get("training", {}).get("history", {})}

    @staticmethod
    def training_job(uploads, rounds: int, keep_on_stop: bool) -> JobSpec:
        """The Train button's job: the CPU network on the uploaded pictures (a .zip and / or picture
        files), ``rounds`` x ROUND steps, into the user cache. The pictures are checked now, so a bad
        upload is refused before the job waits in line."""
        rounds = check_count(rounds, 1, MAX_ROUNDS, "rounds")
        folder = _new_upload_folder()
        try:
            count = picture_uploads.collect_pictures(uploads if isinstance(uploads, list) else [uploads], folder,
                                                     MIN_PICTURES)
        except Exception:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        steps = int(rounds) * ROUND
        return JobSpec(request("colour-gan", images_dir=str(folder), steps=steps),
                       f"colour DCGAN · your {count} pictures · {steps:,} steps",
                       estimate_from_shipped(BUNDLE, "steps", steps), keep_on_stop)

    def use_shipped(self) -> dict:
        """Return to the shipped emoji faces."""
        registry.set_active(BUNDLE, registry.SHIPPED)
        return self.status()


def _new_upload_folder():
    """A fresh folder for one upload's pictures in the user cache; the oldest beyond KEEP_UPLOADS go."""
    root = paths.user_cache_dir() / "own_pictures"
    root.mkdir(parents=True, exist_ok=True)
    for old in sorted(root.iterdir(), key=lambda p: p.stat().st_mtime)[:-KEEP_UPLOADS + 1 or None]:
        shutil.rmtree(old, ignore_errors=True)
    folder = root / secrets.token_hex(8)
    folder.mkdir()
    return folder
