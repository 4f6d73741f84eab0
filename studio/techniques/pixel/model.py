"""The per-pixel probabilistic generative model of lecture 000, Program 10-1, vectorised.

The model keeps, for every pixel (r, c), a 256-bin histogram of its grey level over the training
images of one class, and samples a new image by drawing every pixel independently from its own
histogram. It reproduces the "0"-ness of the average image but not the strokes, because the
pixels of a real digit are strongly correlated and this model ignores that.

The lecture's code counts with a triple Python loop and samples with ``np.random.choice`` per
pixel; here the counting is one ``np.bincount`` and the sampling one ``np.searchsorted`` over all
pixels at once (see ``benchmarks/pixel.py`` for the speed-up).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

LEVELS = 256  # grey levels of a uint8 pixel
_BLOCK = 16  # pixels counted per bincount call in fit_counts


@dataclass(frozen=True)
class PixelConfig:
    """What a fitted histogram bundle holds: per-class counts of each of ``datasets``."""

    datasets: tuple[str, ...] = ("mnist", "fashion")
    num_classes: int = 10
    height: int = 28
    width: int = 28


def fit_counts(images: np.ndarray) -> np.ndarray:
    """Count grey levels per pixel: uint8 (N, H, W) -> int64 (H, W, 256), as Program 10-1 lines 9-14.

    One ``np.bincount`` per block of 16 pixels (index = pixel-in-block * 256 + level): a block's
    4,096 bins stay in the CPU cache, which makes this 2.5x faster than a single bincount over
    all H*W*256 bins (measured in benchmarks/pixel.py's setting).
    """
    images = np.asarray(images)
    if images.ndim != 3 or images.dtype != np.uint8:
        raise ValueError(f"fit_counts() needs uint8 images (N, H, W), got {images.dtype} {images.shape}.")
    n, h, w = images.shape
    flat = images.reshape(n, h * w)
    counts = np.empty((h * w, LEVELS), np.int64)
    offsets = np.arange(_BLOCK, dtype=np.intp) * LEVELS
    for start in range(0, h * w, _BLOCK):
        block = flat[:, start:start + _BLOCK].astype(np.intp) + offsets[:min(_BLOCK, h * w - start)]
        counts[start:start + _BLOCK] = np.bincount(block.ravel(), minlength=block.shape[1] * LEVELS
                                                   ).reshape(-1, LEVELS)
    return counts.reshape(h, w, LEVELS)


def fit_counts_by_class(images: np.ndarray, labels: np.ndarray, num_classes: int = 10) -> np.ndarray:
    """Per-class counts: (num_classes, H, W, 256), stored as uint32 (a class never exceeds 2^32 images)."""
    labels = np.asarray(labels)
    return np.stack([fit_counts(images[labels == k]) for k in range(num_classes)]).astype(np.uint32)


def probabilities(counts: np.ndarray, smoothing: float = 0.0) -> np.ndarray:
    """Turn counts (H, W, 256) into per-pixel distributions, with optional Laplace smoothing.

    ``smoothing`` = alpha adds alpha pseudo-counts to every grey level, so a level never seen in
    training keeps a small probability. Without it (alpha = 0, the lecture's choice) a single test
    pixel with an unseen level has probability 0, and the test log-likelihood becomes -infinity.
    """
    if smoothing < 0:
        raise ValueError("The smoothing (pseudo-count) cannot be negative.")
    counts = np.asarray(counts, dtype=np.float64)
    totals = counts.sum(axis=-1, keepdims=True)
    if np.any(totals + LEVELS * smoothing <= 0):
        raise ValueError("No training images to fit: every pixel's histogram is empty.")
    return (counts + smoothing) / (totals + LEVELS * smoothing)


class Sampler:
    """Draws images from per-pixel distributions; build it once, draw many times.

    Inverse-CDF sampling for all pixels in one ``searchsorted``: pixel p's CDF is shifted by p, so
    the flat array of all CDFs is sorted and a uniform draw shifted by p lands in pixel p's row.
    """

    def __init__(self, probs: np.ndarray) -> None:
        self.shape = probs.shape[:2]
        pixels, levels = self.shape[0] * self.shape[1], probs.shape[2]
        cdf = np.cumsum(probs.reshape(pixels, levels), axis=1)
        cdf /= cdf[:, -1:]  # rows end at exactly 1.0 (x / x), so shifted rows never overlap
        self._shift = np.arange(pixels, dtype=np.float64)
        cdf += self._shift[:, None]
        self._flat_cdf = cdf.ravel()
        self._row_start = np.arange(pixels, dtype=np.intp) * levels
        self._levels = levels

    def draw(self, n: int, seed: int) -> np.ndarray:
        """``n`` images, every pixel independent -> uint8 (n, H, W); the same seed, the same images."""
        if n < 1:
            raise ValueError("Ask for at least one sample.")
        u = np.random.default_rng(seed).random((n, len(self._shift)))
        u += self._shift
        index = np.searchsorted(self._flat_cdf, u, side="right")
        index -= self._row_start
        return np.clip(index, 0, self._levels - 1).astype(np.uint8).reshape(n, *self.shape)


def sample(probs: np.ndarray, n: int, seed: int) -> np.ndarray:
    """Draw ``n`` images from ``probs`` (H, W, 256) -> uint8 (n, H, W) (Program 10-1 lines 16-21)."""
    return Sampler(probs).draw(n, seed)


def mean_image(probs: np.ndarray) -> np.ndarray:
    """The expected grey level of every pixel, float (H, W) in [0, 255]."""
    return probs @ np.arange(probs.shape[-1], dtype=np.float64)


def entropy_bits(probs: np.ndarray) -> np.ndarray:
    """Per-pixel entropy in bits, float (H, W): 0 for a pixel that is always the same, up to 8."""
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(probs > 0, -probs * np.log2(probs), 0.0)
    return terms.sum(axis=-1)


@dataclass(frozen=True)
class LikelihoodReport:
    """How well a fitted model explains held-out images."""

    bits_per_pixel: float  # average negative log2-likelihood per pixel; inf when a pixel is impossible
    images: int  # number of held-out images
    impossible_pixels: int  # held-out pixel values whose training count (plus smoothing) is zero

    @property
    def finite(self) -> bool:
        """Whether every held-out pixel had a non-zero probability."""
        return np.isfinite(self.bits_per_pixel)


def likelihood_from_counts(probs: np.ndarray, test_counts: np.ndarray) -> LikelihoodReport:
    """Test-set negative log-likelihood in bits per pixel, computed from the test set's counts.

    sum over images and pixels of log2 P[pixel, value] equals sum over (pixel, level) of
    count_test[pixel, level] * log2 P[pixel, level], so the counts of the test images are all that
    is needed; this lets the studio report it without shipping the test set itself.
    """
    test_counts = np.asarray(test_counts, dtype=np.float64)
    n_images = int(round(test_counts[0, 0].sum()))
    if n_images == 0:
        raise ValueError("No held-out images to evaluate on.")
    zero = probs <= 0
    impossible = int(test_counts[zero].sum())
    with np.errstate(divide="ignore"):
        logp = np.where(zero, 0.0, np.log2(np.where(zero, 1.0, probs)))
    total_bits = -(test_counts * logp).sum()
    pixels = n_images * probs.shape[0] * probs.shape[1]
    bpp = float("inf") if impossible else float(total_bits / pixels)
    return LikelihoodReport(bpp, n_images, impossible)


def class_counts(per_class: np.ndarray, label: int | None) -> np.ndarray:
    """Counts (H, W, 256) of one class from per-class counts (K, H, W, 256); None means all classes."""
    if label is None:
        return per_class.sum(axis=0, dtype=np.int64)
    if not 0 <= label < len(per_class):
        raise ValueError(f"Class {label} does not exist; choose 0 to {len(per_class) - 1}.")
    return per_class[label].astype(np.int64)
