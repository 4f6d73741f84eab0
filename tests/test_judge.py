"""The quality judge: recipe end to end on tiny data, the shipped judges on real digits."""

import json

import numpy as np
import pytest

from conftest import ROOT, counting_quality
from studio import paths
from studio.bundles import registry
from studio.judge.recipe import train_judge
from studio.training import RunContext
from training_requests import shipped_request
from studio.judge.quality import QualityService


@pytest.fixture
def tiny_judge(tiny_data_dir, tmp_path, monkeypatch):
    """A judge trained for one epoch on 180 synthetic images into a temporary pretrained/."""
    monkeypatch.setenv("STUDIO_PRETRAINED_DIR", str(tmp_path / "pretrained"))
    paths.set_data_dir(tiny_data_dir)
    reports = []
    bundle = train_judge(shipped_request("judge", dataset="mnist", epochs=1, batch_size=32),
                         RunContext(on_progress=lambda f, m: reports.append((f, m))))
    return bundle, reports


def test_recipe_writes_a_complete_bundle(tiny_judge):
    bundle, reports = tiny_judge
    assert {"model.weights.h5", "stats.npz", "config.json"} <= set(bundle.metadata["files"])
    recorded = bundle.metadata["metrics"]
    assert 0.0 <= recorded["test_accuracy"] <= 1.0 and len(recorded["test_accuracy_per_class"]) == 10
    assert recorded["fid_floor_train_vs_test"]["100"] >= 0
    assert bundle.metadata["training"]["history"]["loss"]
    assert reports[-1][0] == 1.0 and any(m.startswith("✔") for _, m in reports)


def test_floors_only_rewrites_the_floors_and_keeps_the_weights(tiny_judge):
    from studio.judge.recipe import CLASS_FLOOR_SIZES, remeasure_floors

    bundle, _ = tiny_judge
    again = remeasure_floors(shipped_request("judge", dataset="mnist", floors_only=True))
    assert again.metadata["files"]["model.weights.h5"] == bundle.metadata["files"]["model.weights.h5"]
    assert set(again.metadata["metrics"]["fid_floor_per_class"]) == {str(n) for n in CLASS_FLOOR_SIZES}
    assert again.metadata["metrics"]["test_accuracy"] == bundle.metadata["metrics"]["test_accuracy"]
    assert again.metadata["metrics_command"].endswith("--floors-only")


def test_a_floor_is_the_one_recorded_at_the_closest_sample_size():
    recorded = {"fid_floor_train_vs_test": {"100": 30.0, "1000": 4.5, "10000": 1.1},
                "fid_floor_per_class": {"100": [9.0] * 10, "500": [3.0] * 10, "1000": [2.0] * 10}}
    assert QualityService._floor(recorded, None, 1000) == 4.5
    assert QualityService._floor(recorded, None, 3000) == 4.5 and QualityService._floor(recorded, None, 4000) == 1.1
    assert QualityService._floor(recorded, 9, 1000) == 2.0 and QualityService._floor(recorded, 9, 400) == 3.0
    older = {"fid_floor_per_class_500": [3.0] * 9 + [2.9]}  # judges saved before floors at several sizes
    assert QualityService._floor(older, 9, 1000) == 2.9
    assert QualityService._floor({}, 9, 1000) is None


def test_quality_service_assesses_with_the_tiny_judge(tiny_judge, tiny_data_dir):
    with np.load(tiny_data_dir / "mnist.npz") as f:
        images = f["x_train"]
    service = QualityService()
    report = service.assess("mnist", images[:60], requested=3)
    assert report.samples == 60 and report.judged.shape == (60,)
    assert 0.0 <= report.agreement <= 1.0 and report.fid is not None and report.fid >= 0
    assert service.assess("mnist", images[:10]).fid is None  # too few samples for a covariance
    with pytest.raises(ValueError, match="uint8"):
        service.assess("mnist", images[:10].astype(np.float32))


def test_a_readout_measures_the_model_once_and_judges_only_the_shown_samples(tmp_path, monkeypatch):
    """The model's figures come from one draw of the fixed seed per weights version, whichever
    seed a student picks; each click's own work is judging the samples it showed."""
    import os

    from studio.judge.quality import MODEL_SEED
    from studio.ui.kit.quality_text import readout_text

    monkeypatch.setenv("STUDIO_PRETRAINED_DIR", str(tmp_path / "pretrained"))
    (tmp_path / "pretrained" / "toy").mkdir(parents=True)
    (tmp_path / "pretrained" / "toy" / "metadata.json").write_text("{}")
    quality, drawn = counting_quality(), []

    def draw(seed):
        drawn.append(seed)
        return np.random.default_rng(seed).integers(0, 256, (200, 28, 28)).astype(np.uint8)

    shown = {seed: np.random.default_rng(seed).integers(0, 256, (7, 28, 28)).astype(np.uint8) for seed in (3, 4)}
    first = quality.readout("toy", (), "mnist", None, shown[3], 3, draw)
    second = quality.readout("toy", (), "mnist", None, shown[4], 4, draw)
    assert drawn == [MODEL_SEED] and quality.calls == [200, 7, 7] and quality.model_reports_computed == 1
    assert first.model is second.model and first.model.samples == 200 and first.model.fid is not None
    assert np.array_equal(second.shown, quality.classify("mnist", shown[4])) and len(second.shown) == 7
    words = readout_text(second, "en")
    assert "your 7 samples above (seed 4)" in words and f"200 samples of the fixed seed {MODEL_SEED}" in words
    assert "(시드 4)" in readout_text(second, "ko") and f"고정 시드 {MODEL_SEED}" in readout_text(second, "ko")
    conditional = quality.readout("toy", (), "mnist", 3, shown[3], 3, draw)  # another class: another report
    assert drawn == [MODEL_SEED] * 2 and conditional.shown_hits() == int(np.sum(conditional.shown == 3))
    assert "of your 7" in readout_text(conditional, "en")
    stamp = (tmp_path / "pretrained" / "toy" / "metadata.json").stat().st_mtime_ns + 10**9
    os.utime(tmp_path / "pretrained" / "toy" / "metadata.json", ns=(stamp, stamp))  # a retrain
    quality.readout("toy", (), "mnist", None, shown[3], 3, draw)
    assert drawn == [MODEL_SEED] * 3


def test_missing_judge_is_reported(tmp_path, monkeypatch):
    monkeypatch.setenv("STUDIO_PRETRAINED_DIR", str(tmp_path / "nothing"))
    with pytest.raises(registry.WeightsUnavailableError, match="judge_fashion.*python -m studio.train"):
        QualityService().assess("fashion", np.zeros((3, 28, 28), np.uint8))


@pytest.mark.parametrize("dataset, target", [("mnist", 0.993), ("fashion", 0.925)])
def test_shipped_judges_meet_their_accuracy_targets(dataset, target, shared_data_dir):
    """Measured here on the whole test set, and the same as recorded in metadata.json."""
    metadata = ROOT / "pretrained" / f"judge_{dataset}" / "metadata.json"
    if not metadata.is_file():
        pytest.skip(f"no shipped judge_{dataset}")
    paths.set_data_dir(shared_data_dir)
    from studio import data

    _, (x_test, y_test) = data.load_dataset(dataset)
    measured = float(np.mean(QualityService().classify(dataset, x_test) == y_test))
    assert measured >= target
    assert measured == pytest.approx(json.loads(metadata.read_text())["metrics"]["test_accuracy"], abs=0.002)


@pytest.mark.parametrize("dataset", ["mnist", "fashion"])
def test_shipped_judges_read_real_test_images(dataset, shared_data_dir):
    if not (ROOT / "pretrained" / f"judge_{dataset}").is_dir():
        pytest.skip(f"no shipped judge_{dataset}")
    paths.set_data_dir(shared_data_dir)
    from studio import data

    _, (x_test, y_test) = data.load_dataset(dataset)
    judged = QualityService().assess(dataset, x_test[:50]).judged
    assert np.mean(judged == y_test[:50]) >= 0.9
