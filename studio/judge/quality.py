"""The judge's verdict on generated samples: used by the recipes (metrics.json) and by every tab
that makes images, so it lives below both.

``QualityService.assess(dataset, images, requested)`` loads the data set's judge (lazily, once),
classifies the images and compares their features with the shipped test-set statistics.

``QualityService.readout(...)`` is what a Generate click's readout costs: the model's report (many
samples of one fixed seed, ``MODEL_SEED``) is computed once per weights version and shared by every
student, and each click only classifies the few samples that student was shown.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from studio import data
from studio.judge import metrics
from studio.bundles import registry
from studio.bundles.cache import BundleCache
from studio.judge.presets import LoadedJudge, bundle_name, load_judge
from studio.serving.results import SharedResults

MIN_FID_SAMPLES = 50  # below this a 128x128 covariance is too noisy to be worth a number
MODEL_SEED = 0  # the model's readout (FID, coverage, agreement) is measured on samples of this seed, for everyone


@dataclass(frozen=True)
class QualityReport:
    """What the judge says about a set of samples."""

    dataset: str
    samples: int
    judged: np.ndarray  # (N,) judged class per sample
    requested: int | None  # the class the samples should be, for conditional models
    agreement: float | None  # share judged as ``requested``
    coverage: metrics.Coverage
    fid: float | None  # Fréchet distance in judge features to the test set (of ``requested``, else all)
    fid_floor: float | None  # the same distance for real training images at a comparable sample size

    def count_of(self, label: int) -> int:
        """How many samples the judge reads as ``label``."""
        return int(np.sum(self.judged == label))


@dataclass(frozen=True)
class Readout:
    """The judge's readout after one click: the model's report, measured on samples of ``model_seed``
    (the same for every student, computed once per weights version), and the judge's classes of
    the samples this student was shown (the first ``len(shown)`` of ``seed``)."""

    model: QualityReport
    shown: np.ndarray  # (n,) judged class per shown sample
    seed: int  # the student's seed
    model_seed: int
    accuracy: float  # the judge's recorded test accuracy

    def shown_hits(self) -> int | None:
        """How many shown samples the judge reads as the requested class (None when unconditional)."""
        requested = self.model.requested
        return None if requested is None else int(np.sum(self.shown == requested))


class QualityService:
    """Loads the judges on first use (TensorFlow included) and answers ``assess`` calls."""

    def __init__(self) -> None:
        self._loaded = BundleCache()
        # The models' reports, by (bundle, its version, parameters, judge version): one computation
        # per key even when a class asks at once; a retrain is a new key.
        self._model_reports = SharedResults(max_entries=256)

    def _judge(self, dataset: str) -> LoadedJudge:
        return self._loaded.get(bundle_name(dataset), load_judge)

    def available(self, dataset: str) -> bool:
        """Whether a judge bundle exists for ``dataset`` (without loading it)."""
        return registry.installed(bundle_name(dataset))

    def test_accuracy(self, dataset: str) -> float:
        """The judge's recorded test-set accuracy."""
        return float(self._judge(dataset).metadata["metrics"]["test_accuracy"])

    def features(self, dataset: str, images: np.ndarray) -> np.ndarray:
        """The judge's 128 penultimate features of uint8 images (N, 28, 28), for a Fréchet distance
        between two sets of samples (e.g. translated vs real shoes) rather than against the test set."""
        return self._judge(dataset).judge(np.asarray(images))[1]

    def classify(self, dataset: str, images: np.ndarray) -> np.ndarray:
        """The judge's class of each uint8 image (N, 28, 28): no FID, no coverage (the few samples shown)."""
        images = np.asarray(images)
        if images.dtype != np.uint8:
            raise ValueError("classify() takes uint8 images; convert with imaging.to_uint8 first.")
        return self._judge(dataset).judge(images)[0].argmax(axis=1)

    def model_report(self, bundle: str, params: tuple, dataset: str, requested: int | None,
                     draw: Callable[[int], np.ndarray]) -> QualityReport:
        """The report on ``draw(MODEL_SEED)`` (uint8 samples of the bundle's active weights with
        ``params``), computed once per weights version of ``bundle`` and of the judge, and shared by
        every caller (callers asking at the same moment wait for the one computation)."""
        key = (bundle, registry.version_key(bundle), tuple(params), dataset, requested,
               registry.version_key(bundle_name(dataset)))
        return self._model_reports.get(key, lambda: self.assess(dataset, draw(MODEL_SEED), requested))

    @property
    def model_reports_computed(self) -> int:
        """How many model reports were computed (not served from the cache), for tests and benchmarks."""
        return self._model_reports.computed

    def readout(self, bundle: str, params: tuple, dataset: str, requested: int | None, shown: np.ndarray,
                seed: int, draw: Callable[[int], np.ndarray]) -> Readout:
        """A click's readout: the model's report (``model_report``, shared) and the judge's classes of
        the ``shown`` samples of ``seed`` (the only per-click work)."""
        model = self.model_report(bundle, params, dataset, requested, draw)
        return Readout(model, self.classify(dataset, shown), int(seed), MODEL_SEED, self.test_accuracy(dataset))

    def assess(self, dataset: str, images: np.ndarray, requested: int | None = None) -> QualityReport:
        """Judge uint8 images (N, 28, 28): classes, agreement with ``requested``, coverage, FID."""
        images = np.asarray(images)
        if images.dtype != np.uint8:
            raise ValueError("assess() takes uint8 images; convert with imaging.to_uint8 first.")
        loaded = self._judge(dataset)
        probs, features = loaded.judge(images)
        judged = probs.argmax(axis=1)
        fid = floor = None
        if len(images) >= MIN_FID_SAMPLES:
            reference = loaded.stats[requested if requested is not None else -1]
            fid = metrics.frechet_distance(metrics.GaussianStats.of(features), reference)
            floor = self._floor(loaded.metadata["metrics"], requested, len(images))
        return QualityReport(dataset, len(images), judged, requested,
                             None if requested is None else metrics.label_agreement(judged, requested),
                             metrics.class_coverage(judged), fid, floor)

    @staticmethod
    def _floor(recorded: dict, requested: int | None, n: int) -> float | None:
        # The recorded floor at the sample size closest to n (FID shrinks as n grows).
        if requested is not None:
            # by sample size; older judges recorded one size, as "fid_floor_per_class_500"
            floors = recorded.get("fid_floor_per_class") or {
                k.rsplit("_", 1)[1]: v for k, v in recorded.items() if k.startswith("fid_floor_per_class_")}
            floors = {size: per_class[requested] for size, per_class in floors.items()}
        else:
            floors = recorded.get("fid_floor_train_vs_test", {})
        if not floors:
            return None
        size = min(floors, key=lambda s: abs(np.log(int(s) / n)))
        return float(floors[size])


def class_name(dataset: str, label: int, lang: str = "en") -> str:
    """The display name of a class in ``lang``, e.g. "7", "Ankle boot" or "앵클부츠"."""
    return data.class_names(dataset, lang)[label]
