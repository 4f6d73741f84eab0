"""The pixel model tab's work: load the shipped histograms, fit distributions, draw the pictures.

Everything here is numpy, so it runs without TensorFlow and without the data sets.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np

from studio import data
from studio.media import imaging, plots
from studio.bundles import registry
from studio.bundles.cache import BundleCache
from studio.checks import UserError
from studio.techniques.pixel import model as pixel
from studio.training.jobs import JobSpec
from studio.training.request import request

NAME = "pixel"
FID_SAMPLES = 1000  # the model's readout (FID, spread) is taken over this many samples of one fixed seed
MAX_SAMPLES = 200  # the sample slider's ceiling; more would only make an unreadable grid
ZOOM = 8  # the clickable mean image shows every pixel as an 8x8 block (28 -> 224 px)


@dataclass(frozen=True)
class PixelWeights:
    """The loaded bundle: per-class counts (10, 28, 28, 256) for each data set and split."""

    bundle: registry.Bundle
    train: dict[str, np.ndarray]
    test: dict[str, np.ndarray]


@dataclass(frozen=True)
class LikelihoodSummary:
    """The numbers the tab prints under the pictures."""

    report: pixel.LikelihoodReport
    train_images: int
    smoothing: float


class PixelService:
    """Loads the active histogram bundle once (and again after a retrain) and answers the tab."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._cache = BundleCache()
        # Samplers by (weights fingerprint, data set, class, smoothing): "Sample" clicks with new seeds
        # then skip rebuilding the 200,704-entry CDF table (0.6 ms instead of 2 ms per click).
        self._samplers: dict[tuple, pixel.Sampler] = {}

    # --- weights ---------------------------------------------------------------------------
    def weights(self) -> PixelWeights:
        """The active bundle's counts, loaded and verified on first use and after any change."""
        return self._cache.get(NAME, self._load)

    @staticmethod
    def _load(bundle: registry.Bundle) -> PixelWeights:
        with np.load(bundle.path("histograms.npz")) as f:
            arrays = {k: f[k] for k in f.files}
        names = bundle.config["datasets"]
        return PixelWeights(bundle, {n: arrays[f"{n}_train"] for n in names}, {n: arrays[f"{n}_test"] for n in names})

    def datasets(self) -> list[str]:
        """The data sets the active bundle covers, e.g. ["mnist", "fashion"]."""
        return list(self.weights().train)

    def status(self) -> dict:
        """Which weights are in use: source, creation time, the command that made them."""
        bundle = self.weights().bundle
        limits = {name: info.get("limit_per_class") for name, info in bundle.metadata.get("data", {}).items()}
        return {"source": bundle.source, "created": bundle.metadata.get("created", "?"),
                "command": bundle.metadata.get("command", "?"), "limit_per_class": limits,
                "user_weights_exist": registry.exists(NAME, registry.USER)}

    def training_job(self, limit_per_class: int | None) -> JobSpec:
        """The training job of the tab's Train button: refit every class into the user cache."""
        limit = {} if limit_per_class is None else {"limit_per_class": int(limit_per_class)}
        return JobSpec(request("pixel", datasets=list(self.datasets()), **limit), "pixel histograms", 10.0)

    def use_shipped(self) -> dict:
        """Go back to the shipped histograms (the user's own stay on disk)."""
        registry.set_active(NAME, registry.SHIPPED)
        return self.status()

    # --- the model ---------------------------------------------------------------------------
    def _counts(self, dataset: str, label: int | None, split: str) -> np.ndarray:
        weights = self.weights()
        table = weights.train if split == "train" else weights.test
        if dataset not in table:
            raise UserError(f"The loaded histograms do not cover the data set '{dataset}'.")
        return pixel.class_counts(table[dataset], label)

    def probabilities(self, dataset: str, label: int | None, smoothing: float) -> np.ndarray:
        """Per-pixel distributions (28, 28, 256) of one class (None: all classes)."""
        return pixel.probabilities(self._counts(dataset, label, "train"), max(0.0, float(smoothing)))

    def likelihood(self, dataset: str, label: int | None, smoothing: float) -> LikelihoodSummary:
        """Test-set negative log-likelihood of the class model on that class's test images."""
        counts = self._counts(dataset, label, "train")
        report = pixel.likelihood_from_counts(self.probabilities(dataset, label, smoothing),
                                              self._counts(dataset, label, "test"))
        return LikelihoodSummary(report, int(counts[0, 0].sum()), float(smoothing))

    def samples(self, dataset: str, label: int | None, smoothing: float, n: int, seed: int,
                cols: int = 10) -> np.ndarray:
        """A grid of ``n`` sampled images (Program 10-1 lines 16-21), 3x enlarged."""
        n = int(n)
        if not 1 <= n <= MAX_SAMPLES:
            raise UserError(f"Ask for between 1 and {MAX_SAMPLES} samples.")
        seed = _seed(seed)
        images = self._sampler(dataset, label, float(smoothing)).draw(n, seed)
        return imaging.grid(images, cols=cols, scale=3)

    def readout(self, quality, dataset: str, label: int | None, smoothing: float, n: int, seed: int):
        """The judge's readout (a ``quality.Readout``): the model's figures over FID_SAMPLES samples
        of the fixed seed ``quality.MODEL_SEED``, computed once per weights version, data set, class
        and smoothing for everyone, and the judge's classes of the ``n`` samples of ``seed`` shown
        (the same random stream as ``samples``). ``quality`` is a QualityService.
        """
        n, seed, smoothing = int(n), _seed(seed), float(smoothing)
        if not 1 <= n <= MAX_SAMPLES:
            raise UserError(f"Ask for between 1 and {MAX_SAMPLES} samples.")
        sampler = self._sampler(dataset, label, smoothing)
        return quality.readout(NAME, (dataset, label, smoothing), dataset, label, sampler.draw(n, seed), seed,
                               lambda s: sampler.draw(FID_SAMPLES, s))

    def _sampler(self, dataset: str, label: int | None, smoothing: float) -> pixel.Sampler:
        probs = self.probabilities(dataset, label, smoothing)  # also reloads changed weights
        key = (self.weights().bundle.fingerprint, dataset, label, smoothing)
        with self._lock:
            if key not in self._samplers:
                if len(self._samplers) >= 64:  # a slider sweep must not grow this without bound
                    self._samplers.clear()
                self._samplers[key] = pixel.Sampler(probs)
            return self._samplers[key]

    # --- pictures ----------------------------------------------------------------------------
    @staticmethod
    def class_names(dataset: str, lang: str = "en") -> list[str]:
        """Display names of the ten classes of ``dataset``, in ``lang``."""
        return data.class_names(dataset, lang)

    @staticmethod
    def click_to_pixel(x: int, y: int) -> tuple[int, int]:
        """Convert a click on the enlarged mean image (x, y in image pixels) to (row, column)."""
        return _pixel(y // ZOOM, x // ZOOM)

    def mean_picture(self, dataset: str, label: int | None, row: int, col: int) -> np.ndarray:
        """The mean image, enlarged, with the selected pixel outlined in red (click target)."""
        mean = pixel.mean_image(self.probabilities(dataset, label, 0.0))
        big = np.repeat(imaging.to_uint8(mean, (0, 255)), ZOOM, 0).repeat(ZOOM, 1)
        rgb = np.repeat(big[..., None], 3, axis=2)
        r, c = _pixel(row, col)
        y, x = r * ZOOM, c * ZOOM
        red = np.array([230, 30, 30], np.uint8)
        rgb[y:y + ZOOM, [x, x + ZOOM - 1]] = red
        rgb[[y, y + ZOOM - 1], x:x + ZOOM] = red
        return rgb

    def entropy_picture(self, dataset: str, label: int | None, smoothing: float,
                        row: int, col: int, lang: str = "en") -> np.ndarray:
        """Per-pixel entropy heat map (bits) with the selected pixel marked; its words in ``lang``."""
        bits = pixel.entropy_bits(self.probabilities(dataset, label, smoothing))
        return plots.heatmap(bits, "", cmap="magma", colorbar_label=plots.word("plots.bits", lang),
                             vmin=0, vmax=max(1.0, float(bits.max())), marker=_pixel(row, col))

    def histogram_picture(self, dataset: str, label: int | None, smoothing: float,
                          row: int, col: int, lang: str = "en") -> np.ndarray:
        """The 256-bin distribution of the selected pixel; its words in ``lang``."""
        r, c = _pixel(row, col)
        probs = self.probabilities(dataset, label, smoothing)[r, c]
        return plots.level_histogram(probs, plots.word("pixel.fig_pixel_at", lang, r=r, c=c), lang=lang)


def _pixel(row: int, col: int) -> tuple[int, int]:
    return int(np.clip(int(row), 0, 27)), int(np.clip(int(col), 0, 27))


def _seed(seed) -> int:
    try:
        value = int(seed)
    except (TypeError, ValueError):
        raise UserError("The seed must be a whole number.") from None
    if value < 0:
        raise UserError("The seed must be zero or positive.")
    return value
