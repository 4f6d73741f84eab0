"""The pixel tab's service on the shipped histograms (no data set needed) and on retraining."""

import numpy as np
import pytest

from conftest import counting_quality, events_until_final
from service_checks import check_refusal
from studio import paths
from studio.bundles import registry
from studio.techniques.pixel.service import PixelService


@pytest.fixture
def service():
    return PixelService()


def test_shipped_bundle_covers_both_datasets(service):
    assert service.datasets() == ["mnist", "fashion"]
    assert service.status()["source"] == registry.SHIPPED


def test_samples_grid_is_deterministic_by_seed(service):
    a = service.samples("mnist", 0, 0.0, 20, seed=5)
    b = service.samples("mnist", 0, 0.0, 20, seed=5)
    c = service.samples("mnist", 0, 0.0, 20, seed=6)
    assert a.dtype == np.uint8 and a.shape == (2 * 84 + 3 * 2, 10 * 84 + 11 * 2)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_samples_look_like_the_class_on_average(service):
    # Mean brightness of many "1" samples in the centre column is high, at the border it is zero.
    probs = service.probabilities("mnist", 1, 0.0)
    from studio.techniques.pixel import model as pixel
    draws = pixel.sample(probs, 500, 0)
    assert draws[:, 8:20, 14].mean() > 100 and draws[:, :, 0].max() == 0


def test_the_readout_measures_the_model_once_and_judges_the_shown_samples(service):
    from studio.techniques.pixel.model import Sampler
    from studio.techniques.pixel.service import FID_SAMPLES

    quality = counting_quality()
    first = service.readout(quality, "mnist", 3, 0.5, 12, seed=5)
    second = service.readout(quality, "mnist", 3, 0.5, 12, seed=6)
    assert quality.calls == [FID_SAMPLES, 12, 12] and first.model is second.model and first.model.requested == 3
    shown = Sampler(service.probabilities("mnist", 3, 0.5)).draw(12, 6)  # the grid's samples of seed 6
    assert np.array_equal(second.shown, quality.classify("mnist", shown))
    service.readout(quality, "mnist", 3, 1.0, 12, seed=5)  # another smoothing is another model
    assert quality.model_reports_computed == 2


@pytest.mark.parametrize("call, words", [
    (lambda s: s.samples("mnist", 0, 0.0, 0, 1), "between 1 and"),
    (lambda s: s.samples("mnist", 0, 0.0, 5, "abc"), "whole number"),
    (lambda s: s.samples("mnist", 0, 0.0, 5, -3), "zero or positive"),
    (lambda s: s.samples("cifar", 0, 0.0, 5, 1), "do not cover"),
])
def test_bad_sample_requests_are_explained(service, call, words):
    check_refusal(service, call, words)


def test_likelihood_is_infinite_without_smoothing_and_finite_with_it(service):
    raw = service.likelihood("mnist", 0, 0.0)
    smoothed = service.likelihood("mnist", 0, 0.1)
    assert not raw.report.finite and raw.report.impossible_pixels > 0
    assert 0.5 < smoothed.report.bits_per_pixel < 8
    assert smoothed.train_images == 5923 and smoothed.report.images == 980  # Program 10-1's zeros


def test_pictures_have_sane_shapes_and_extreme_pixels_are_clamped(service):
    mean = service.mean_picture("fashion", None, 99, -5)  # slider values out of range are clamped
    assert mean.shape == (224, 224, 3) and mean.dtype == np.uint8
    assert tuple(mean[27 * 8, 0]) == (230, 30, 30)  # red marker at row 27, column 0
    for picture in (service.entropy_picture("mnist", 3, 0.0, 14, 8),
                    service.histogram_picture("mnist", 3, 2.0, 0, 27)):
        assert picture.ndim == 3 and picture.shape[2] == 3 and picture.std() > 0
    assert service.click_to_pixel(23, 200) == (25, 2)


def test_the_pixel_figures_speak_the_interface_language(service):
    from studio.media import plots

    for draw in (service.entropy_picture, service.histogram_picture):
        english, korean = draw("mnist", 3, 0.5, 14, 8, "en"), draw("mnist", 3, 0.5, 14, 8, "ko")
        differ = english.shape != korean.shape or not np.array_equal(english, korean)
        assert differ == plots.HANGUL_READY


def test_retrain_goes_to_the_user_cache_and_can_be_undone(service, tiny_data_dir):
    from studio.training.jobs import TrainingJobs

    paths.set_data_dir(tiny_data_dir)
    shipped_nll = service.likelihood("mnist", 0, 1.0).report.bits_per_pixel
    spec = service.training_job(5)
    assert spec.command == "python -m studio.train pixel --limit-per-class 5 --to user"  # defaults left out
    assert spec.request.options.datasets == ("mnist", "fashion")
    events = events_until_final(TrainingJobs().submit(spec))
    assert events[-1][0] == "done"
    assert [e[1] for e in events if e[0] == "progress"][-1] == 1.0
    status = service.status()  # the server's cache noticed the worker's new weights
    assert status["source"] == registry.USER and status["limit_per_class"]["mnist"] == 5
    assert service.likelihood("mnist", 0, 1.0).train_images == 5  # the new counts are in use
    assert service.use_shipped()["source"] == registry.SHIPPED
    assert service.likelihood("mnist", 0, 1.0).report.bits_per_pixel == shipped_nll


def test_stopped_retrain_leaves_the_weights_alone(service, tiny_data_dir):
    from studio.training.jobs import TrainingJobs

    paths.set_data_dir(tiny_data_dir)
    jobs = TrainingJobs()
    ticket = jobs.submit(service.training_job(None))
    jobs.leave(ticket)  # Stop at once: out of the line, or stopped before its first class
    assert events_until_final(ticket)[-1] in [("left",), ("stopped", False)]
    assert service.status()["source"] == registry.SHIPPED
    assert not registry.exists("pixel", registry.USER)
