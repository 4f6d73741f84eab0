"""What InfoGAN's codes came to mean, measured on its samples (textbook 10.5.1): how its categorical code
agrees with the judge's digits, and whether a continuous code moves the slant or the ink of a digit
one way. Numpy in, numbers out; only InfoGAN's recipe uses them, so they live in its folder.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import linear_sum_assignment


def matched_agreement(codes: np.ndarray, judged: np.ndarray, num_classes: int = 10) -> tuple[float, np.ndarray]:
    """How well an unsupervised categorical code agrees with the judge, after the best one-to-one
    naming of code values as classes (Hungarian matching, ``scipy.optimize.linear_sum_assignment``).

    Returns (share of samples whose judged class is the one matched to their code value, the
    matched class of each code value). Nobody told the model which value means which digit, so the
    naming is chosen to agree best; one-to-one, so two values cannot both claim the 1s.
    """
    codes, judged = np.asarray(codes, int), np.asarray(judged, int)
    values = int(max(codes.max(initial=0) + 1, 1))
    counts = np.zeros((values, num_classes), np.int64)
    np.add.at(counts, (codes, judged), 1)
    rows, cols = linear_sum_assignment(counts, maximize=True)
    matched = np.full(values, -1)
    matched[rows] = cols
    return float(counts[rows, cols].sum() / max(len(codes), 1)), matched


def ink_slant(images: np.ndarray) -> np.ndarray:
    """The slant of each uint8 image (N, 28, 28) from its second moments of ink: mu11 / mu02, the
    horizontal shift per row down the image (positive: the top leans left, as in MNIST's deskewing)."""
    ink = np.asarray(images, np.float64) / 255.0
    rows, cols = np.mgrid[: ink.shape[1], : ink.shape[2]]
    mass = ink.sum(axis=(1, 2)) + 1e-9
    r0 = (ink * rows).sum(axis=(1, 2)) / mass
    c0 = (ink * cols).sum(axis=(1, 2)) / mass
    dr = rows[None] - r0[:, None, None]
    dc = cols[None] - c0[:, None, None]
    mu11 = (ink * dr * dc).sum(axis=(1, 2)) / mass
    mu02 = (ink * dr * dr).sum(axis=(1, 2)) / mass
    return mu11 / (mu02 + 1e-9)


def ink_mass(images: np.ndarray) -> np.ndarray:
    """The ink of each uint8 image (N, 28, 28): its summed intensity in [0, 1] units (thicker strokes, more ink)."""
    return np.asarray(images, np.float64).sum(axis=(1, 2)) / 255.0


def monotonic_share(series: np.ndarray) -> float:
    """Of the rows of ``series`` (N, steps: one measure as a code moves over its range), the share that
    change monotonically in the direction most rows take (one direction: a code that thickens some
    digits and thins others does not mean "thickness")."""
    steps = np.diff(np.asarray(series, np.float64), axis=1)
    rising, falling = np.all(steps > 0, axis=1), np.all(steps < 0, axis=1)
    return float(max(rising.mean(), falling.mean())) if len(steps) else 0.0
