"""Quality metrics on inputs with known answers."""

import numpy as np
import pytest

from studio.judge import metrics


def test_identical_sets_have_zero_frechet_distance():
    features = np.random.default_rng(0).normal(size=(2000, 8))
    stats = metrics.GaussianStats.of(features)
    assert metrics.frechet_distance(stats, stats) == pytest.approx(0.0, abs=1e-8)


def test_frechet_distance_matches_the_analytic_value_for_gaussians():
    # Diagonal covariances: FD = |mu_a - mu_b|^2 + sum (sigma_a - sigma_b)^2.
    a = metrics.GaussianStats(np.zeros(3), np.diag([1.0, 4.0, 9.0]), 100)
    b = metrics.GaussianStats(np.array([1.0, 2.0, 0.0]), np.diag([4.0, 4.0, 1.0]), 100)
    expected = (1 + 4 + 0) + ((1 - 2) ** 2 + 0 + (3 - 1) ** 2)
    assert metrics.frechet_distance(a, b) == pytest.approx(expected)
    assert metrics.frechet_distance(b, a) == pytest.approx(expected)


def test_frechet_distance_of_sampled_shifted_gaussians():
    rng = np.random.default_rng(1)
    a = metrics.GaussianStats.of(rng.normal(0, 1, size=(20000, 4)))
    b = metrics.GaussianStats.of(rng.normal(0.5, 2, size=(20000, 4)))
    assert metrics.frechet_distance(a, b) == pytest.approx(4 * 0.25 + 4 * 1.0, rel=0.05)


def test_frechet_needs_two_samples():
    with pytest.raises(ValueError, match="at least two"):
        metrics.GaussianStats.of(np.zeros((1, 4)))


def test_label_agreement():
    assert metrics.label_agreement(np.array([3, 3, 1, 3]), 3) == 0.75
    assert metrics.label_agreement(np.array([0, 1, 2]), np.array([0, 1, 0])) == pytest.approx(2 / 3)


def test_even_coverage_has_no_warning():
    coverage = metrics.class_coverage(np.arange(1000) % 10)
    assert coverage.entropy_ratio == pytest.approx(1.0)
    assert not coverage.collapsed and coverage.missing == ()


def test_collapsed_set_triggers_the_warning():
    judged = np.array([7] * 60 + list(range(7)) * 5 + [8] * 5)  # no 9, and 7 dominates
    coverage = metrics.class_coverage(judged)
    assert coverage.collapsed and coverage.missing == (9,) and coverage.dominant == 7
    assert coverage.entropy_ratio < 0.8
    assert metrics.class_coverage(np.zeros(50, int)).entropy_ratio == 0.0


def test_nearest_train_distance_finds_the_copy():
    rng = np.random.default_rng(2)
    train = rng.integers(0, 256, size=(300, 28, 28)).astype(np.uint8)
    samples = train[[17, 250]].copy()
    samples[1, 0, 0] ^= 0xFF  # almost a copy of image 250
    index, distance = metrics.nearest_train_distance(samples, train, batch=64)
    assert index.tolist() == [17, 250]
    assert distance[0] == 0 and 0 < distance[1] < 0.01
    # Against the lecture's loop (Program 10-5(b)) on float images.
    floats = rng.random((40, 5, 5)).astype(np.float32)
    query = rng.random((3, 5, 5)).astype(np.float32)
    reference = [min(range(40), key=lambda j: np.mean(np.abs(floats[j] - q))) for q in query]
    assert metrics.nearest_train_distance(query, floats, batch=7)[0].tolist() == reference


def test_pruned_search_matches_brute_force_on_digit_like_images():
    # Sparse near-binary images (like digits), where the bound prunes most of the candidates.
    rng = np.random.default_rng(3)
    train = (rng.random((2000, 12, 12)) < 0.2).astype(np.uint8) * rng.integers(150, 256, (2000, 12, 12)).astype(np.uint8)
    samples = (rng.random((20, 12, 12)) < 0.2).astype(np.uint8) * 255
    index, distance = metrics.TrainIndex(train).nearest(samples, batch=16)
    brute = np.abs(train.reshape(2000, 1, -1).astype(np.int32) - samples.reshape(1, 20, -1)).sum(axis=2)
    assert index.tolist() == brute.argmin(axis=0).tolist()
    np.testing.assert_allclose(distance, brute.min(axis=0) / (144 * 255), rtol=1e-6)


def test_train_index_refuses_mismatched_sizes():
    with pytest.raises(ValueError, match="pixels"):
        metrics.TrainIndex(np.zeros((3, 4, 4), np.uint8)).nearest(np.zeros((1, 5, 5), np.uint8))
