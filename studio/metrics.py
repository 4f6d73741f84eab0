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


def nearest_train_distance(samples: np.ndarray, train: np.ndarray, chunk: int = 2048) -> tuple[np.ndarray, np.ndarray]:
    """For each sample, the index of its nearest training image and their mean absolute difference.

    Program 10-5(b) loops over every training image per sample in Python; here each sample is
    compared with a whole chunk of training images in one numpy expression. uint8 images are
    compared exactly in int16 (3x faster than float32) and the distance is reported on the [0, 1]
    scale; other inputs are compared as float32 in their own range. Returns (indices, distances).
    """
    samples, train = np.asarray(samples), np.asarray(train)
    exact = samples.dtype == np.uint8 and train.dtype == np.uint8
    work = np.int16 if exact else np.float32
    scale = 255.0 if exact else 1.0
    flat = samples.reshape(len(samples), -1).astype(work)
    best = np.full(len(samples), np.inf)
    index = np.zeros(len(samples), np.int64)
    for start in range(0, len(train), chunk):
        block = train[start:start + chunk].reshape(-1, flat.shape[1]).astype(work)
        for i, sample in enumerate(flat):  # per sample: memory stays at one chunk
            distances = np.abs(block - sample).sum(axis=1, dtype=np.int64 if exact else np.float64)
            j = int(distances.argmin())
            if distances[j] < best[i]:
                best[i], index[i] = distances[j], start + j
    return index, best / (flat.shape[1] * scale)
