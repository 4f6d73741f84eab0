"""The vectorised pixel model against the lecture's loops, and its sampling statistics."""

import numpy as np
import pytest
from scipy import stats

from studio.techniques.pixel import model as pixel


def lecture_fit(X):
    """Program 10-1 lines 9-15, verbatim apart from names."""
    P = np.zeros((X.shape[1], X.shape[2], 256))
    for k in range(X.shape[0]):
        for i in range(X.shape[1]):
            for j in range(X.shape[2]):
                P[i][j][X[k][i][j]] += 1
    return P / X.shape[0]


@pytest.fixture
def images():
    return np.random.default_rng(3).integers(0, 256, size=(40, 6, 5)).astype(np.uint8)


def test_fit_equals_the_lecture_triple_loop(images):
    counts = pixel.fit_counts(images)
    assert counts.shape == (6, 5, 256) and counts.sum() == 40 * 30
    np.testing.assert_allclose(pixel.probabilities(counts), lecture_fit(images))


def test_fit_by_class_splits_the_counts(images):
    labels = np.arange(40) % 10
    per_class = pixel.fit_counts_by_class(images, labels)
    assert per_class.shape == (10, 6, 5, 256)
    np.testing.assert_array_equal(per_class[3], pixel.fit_counts(images[labels == 3]))
    np.testing.assert_array_equal(pixel.class_counts(per_class, None), pixel.fit_counts(images))
    with pytest.raises(ValueError, match="does not exist"):
        pixel.class_counts(per_class, 10)


def test_fit_rejects_non_uint8():
    with pytest.raises(ValueError, match="uint8"):
        pixel.fit_counts(np.zeros((2, 4, 4), np.float32))


def test_smoothing_keeps_distributions_normalised_and_positive(images):
    probs = pixel.probabilities(pixel.fit_counts(images), smoothing=0.5)
    np.testing.assert_allclose(probs.sum(axis=-1), 1.0)
    assert probs.min() > 0
    with pytest.raises(ValueError):
        pixel.probabilities(pixel.fit_counts(images), smoothing=-1)
    with pytest.raises(ValueError, match="empty"):
        pixel.probabilities(np.zeros((2, 2, 256)))


def test_sampling_follows_each_pixels_histogram():
    # Two pixels with very different distributions; 20,000 draws each, chi-square test per pixel.
    probs = np.zeros((1, 2, 256))
    probs[0, 0, [0, 10, 255]] = [0.5, 0.3, 0.2]
    probs[0, 1] = np.linspace(1, 2, 256) / np.linspace(1, 2, 256).sum()
    draws = pixel.sample(probs, 20000, seed=1)
    assert draws.shape == (20000, 1, 2) and draws.dtype == np.uint8
    for p in range(2):
        observed = np.bincount(draws[:, 0, p], minlength=256)
        support = probs[0, p] > 0
        assert observed[~support].sum() == 0  # never a level of probability zero
        result = stats.chisquare(observed[support], probs[0, p][support] * 20000)
        assert result.pvalue > 1e-3


def test_same_seed_same_samples_other_seed_other_samples(images):
    probs = pixel.probabilities(pixel.fit_counts(images))
    a, b, c = (pixel.sample(probs, 20, s) for s in (7, 7, 8))
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_degenerate_pixels_sample_their_only_value():
    probs = np.zeros((3, 3, 256))
    probs[..., 0] = 1.0
    probs[1, 1] = 0
    probs[1, 1, 255] = 1.0
    out = pixel.sample(probs, 5, 0)
    assert (out[:, 1, 1] == 255).all() and out.sum() == 255 * 5


def test_likelihood_from_counts_equals_the_per_image_sum(images):
    train, test = images[:30], images[30:]
    probs = pixel.probabilities(pixel.fit_counts(train), smoothing=0.1)
    report = pixel.likelihood_from_counts(probs, pixel.fit_counts(test))
    rows, cols = np.indices((6, 5))
    direct = -np.mean([np.log2(probs[rows, cols, img]).mean() for img in test])
    assert report.finite and report.images == 10
    assert report.bits_per_pixel == pytest.approx(direct)


def test_unseen_test_values_make_the_likelihood_infinite(images):
    probs = pixel.probabilities(pixel.fit_counts(images[:5]))  # alpha = 0, little data
    report = pixel.likelihood_from_counts(probs, pixel.fit_counts(images[5:]))
    assert not report.finite and report.impossible_pixels > 0


def test_mean_and_entropy():
    probs = np.zeros((1, 2, 256))
    probs[0, 0, 100] = 1.0
    probs[0, 1] = 1 / 256
    assert pixel.mean_image(probs)[0, 0] == pytest.approx(100)
    assert pixel.entropy_bits(probs)[0].tolist() == pytest.approx([0.0, 8.0])
