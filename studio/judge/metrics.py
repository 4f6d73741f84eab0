"""Sample-quality metrics: numpy in, numbers out. Used with the judge's outputs by every tab.

- ``frechet_distance``: between two Gaussians fitted to feature vectors (FID when the features
  are Inception's; here they are the judge's, so the numbers are *not* comparable to Inception FIDs).
- ``label_agreement``: the share of samples judged to be the requested class.
- ``class_coverage``: how the judged classes spread over the samples, with a mode-collapse warning.
- ``nearest_train_distance``: each sample's mean absolute difference to its closest training image,
  as Program 10-5(b), vectorised.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class GaussianStats:
    """Mean and covariance of a set of feature vectors."""

    mean: np.ndarray  # (D,)
    cov: np.ndarray  # (D, D)
    count: int

    @classmethod
    def of(cls, features: np.ndarray) -> GaussianStats:
        """Fit to features (N, D); needs at least two vectors."""
        features = np.asarray(features, dtype=np.float64)
        if features.ndim != 2 or len(features) < 2:
            raise ValueError("Fréchet distance needs at least two samples.")
        return cls(features.mean(axis=0), np.cov(features, rowvar=False), len(features))


def frechet_distance(a: GaussianStats, b: GaussianStats) -> float:
    """||mu_a - mu_b||^2 + tr(S_a + S_b - 2 (S_a S_b)^(1/2)).

    The trace of the matrix square root is computed from the symmetric form
    S_a^(1/2) S_b S_a^(1/2), whose eigenvalues are those of S_a S_b; ``eigh`` on symmetric
    matrices is stable where a general ``sqrtm`` can return complex noise.
    """
    diff = a.mean - b.mean
    values, vectors = np.linalg.eigh(a.cov)
    root_a = (vectors * np.sqrt(np.clip(values, 0, None))) @ vectors.T
    middle = root_a @ b.cov @ root_a
    trace_root = np.sqrt(np.clip(np.linalg.eigvalsh((middle + middle.T) / 2), 0, None)).sum()
    distance = diff @ diff + np.trace(a.cov) + np.trace(b.cov) - 2 * trace_root
    return float(max(distance, 0.0))


def label_agreement(judged: np.ndarray, requested: int | np.ndarray) -> float:
    """The share of samples whose judged class equals the requested class (one or one per sample)."""
    judged = np.asarray(judged)
    if judged.size == 0:
        raise ValueError("No samples to judge.")
    return float(np.mean(judged == np.asarray(requested)))


@dataclass(frozen=True)
class Coverage:
    """How the judged classes of N samples are spread."""

    shares: np.ndarray  # (K,) fraction of samples judged as each class
    entropy_ratio: float  # entropy of ``shares`` / log(K): 1 = perfectly even, 0 = one class only
    missing: tuple[int, ...]  # classes no sample was judged as
    dominant: int | None  # a class holding more than ``dominant_share`` of the samples

    @property
    def collapsed(self) -> bool:
        """The mode-collapse warning: a class missing or one class dominating."""
        return bool(self.missing) or self.dominant is not None


def class_coverage(judged: np.ndarray, num_classes: int = 10, dominant_share: float = 0.3) -> Coverage:
    """Spread of judged classes; warns when a class is missing or one exceeds ``dominant_share``.

    With ten classes a fair generator gives each about 10%; 30% for one class is three times its
    fair share, which for N of a few hundred is far outside sampling noise.
    """
    judged = np.asarray(judged, dtype=np.int64)
    if judged.size == 0:
        raise ValueError("No samples to judge.")
    shares = np.bincount(judged, minlength=num_classes)[:num_classes] / judged.size
    nonzero = shares[shares > 0]
    entropy_ratio = max(0.0, float(-(nonzero * np.log(nonzero)).sum() / np.log(num_classes)))  # no "-0.00"
    missing = tuple(int(k) for k in np.flatnonzero(shares == 0))
    top = int(shares.argmax())
    return Coverage(shares, entropy_ratio, missing, top if shares[top] > dominant_share else None)


def nearest_train_distance(samples: np.ndarray, train: np.ndarray, batch: int = 512) -> tuple[np.ndarray, np.ndarray]:
    """For each sample, the index of its nearest training image and their mean absolute difference.

    Program 10-5(b), exact; see ``TrainIndex`` (keep one when searching the same images often).
    Returns (indices, distances on the [0, 1] scale for uint8 images).
    """
    return TrainIndex(train).nearest(samples, batch)


class TrainIndex:
    """Training images prepared for repeated nearest-neighbour queries (Program 10-5(b)).

    The lecture loops over every training image per sample in Python. This search is exact too,
    but prunes: with pixel differences d in [-1, 1], sum |d| >= max(||d||, ||d||^2), and all squared
    Euclidean distances come from one matrix product. The training images with the smallest bounds
    are checked exactly first; the rest only when their bound does not rule them out. uint8 images
    are compared on the [0, 1] scale; float images in their own range (outside [0, 1] the bound is
    not valid, and every image is compared).
    """

    def __init__(self, train: np.ndarray) -> None:
        train = np.asarray(train)
        if len(train) == 0:
            raise ValueError("A nearest-neighbour search needs at least one training image.")
        self.uint8 = train.dtype == np.uint8
        flat = train.reshape(len(train), -1).astype(np.float32)
        self.images = flat / np.float32(255.0) if self.uint8 else flat
        self.norms = np.einsum("ij,ij->i", self.images, self.images)
        self.in_unit_range = bool(self.images.min() >= 0 and self.images.max() <= 1)

    def nearest(self, samples: np.ndarray, batch: int = 512) -> tuple[np.ndarray, np.ndarray]:
        """(index of the nearest training image, mean absolute difference) for each sample."""
        samples = np.asarray(samples)
        s = samples.reshape(len(samples), -1).astype(np.float32)
        if samples.dtype == np.uint8:
            s /= np.float32(255.0)
        t = self.images
        if s.shape[1] != t.shape[1]:
            raise ValueError(f"Samples have {s.shape[1]} pixels, the training images {t.shape[1]}.")
        usable = self.in_unit_range and (len(s) == 0 or (s.min() >= 0 and s.max() <= 1))
        index = np.zeros(len(s), np.int64)
        best = np.full(len(s), np.inf)
        batch = max(1, min(batch, len(t)))
        for first in range(0, len(s), 64):  # 64 samples x 60,000 bounds = 15 MB at a time
            block = s[first:first + 64]
            if usable:
                s_norms = np.einsum("ij,ij->i", block, block)
                total = self.norms[None, :] + s_norms[:, None]
                squared = np.maximum(total - 2.0 * (block @ t.T), 0.0)
                # float32 rounding of the product: loosen the bound a little so it stays a bound
                bounds = np.maximum(np.sqrt(squared), squared) - 1e-3 * total - 1e-3
            else:
                bounds = np.full((len(block), len(t)), -np.inf, np.float32)
            for k, (sample, bound) in enumerate(zip(block, bounds)):
                i = first + k
                # Usually the nearest image is among the `batch` smallest bounds: check those first...
                head = np.argpartition(bound, batch - 1)[:batch] if len(t) > batch else np.arange(len(t))
                best[i], index[i] = _closest(t, sample, head)
                if len(t) > batch and np.partition(bound, batch)[batch] < best[i]:
                    # ...and the others only while their bound cannot rule them out, in bound order.
                    order = np.argsort(bound)[batch:]
                    for start in range(0, len(order), batch):
                        if bound[order[start]] >= best[i]:
                            break
                        d, j = _closest(t, sample, order[start:start + batch])
                        if d < best[i]:
                            best[i], index[i] = d, j
        return index, best / t.shape[1]


def _closest(train: np.ndarray, sample: np.ndarray, picked: np.ndarray) -> tuple[float, int]:
    """The smallest summed absolute difference between ``sample`` and ``train[picked]``, and its index."""
    distances = np.abs(train[picked] - sample).sum(axis=1, dtype=np.float64)
    j = int(distances.argmin())
    return float(distances[j]), int(picked[j])
