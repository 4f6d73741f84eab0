"""The registry: round trip, checksums, atomic replacement, and the active-weights switch."""

import json

import numpy as np
import pytest

from studio.bundles import registry


@pytest.fixture
def shipped_dir(tmp_path, monkeypatch):
    folder = tmp_path / "pretrained"
    monkeypatch.setenv("STUDIO_PRETRAINED_DIR", str(folder))
    return folder


def _save(name="demo", value=1.0, source=registry.SHIPPED):
    array = np.full((3, 4), value, np.float32)
    writer = {"weights.npz": lambda path: np.savez(path, w=array)}
    return registry.save(name, {"width": 4}, writer, {"metrics": {"loss": value}}, source=source)


def test_round_trip_records_config_metadata_and_checksums(shipped_dir):
    bundle = _save(value=2.5)
    assert bundle.directory == shipped_dir / "demo"
    loaded = registry.load("demo", registry.SHIPPED)
    assert loaded.config == {"width": 4}
    assert loaded.metadata["metrics"] == {"loss": 2.5}
    assert set(loaded.metadata["files"]) == {"config.json", "weights.npz"}
    assert loaded.metadata["versions"]["numpy"] == np.__version__
    with np.load(loaded.path("weights.npz")) as f:
        assert float(f["w"][0, 0]) == 2.5
    assert not [p for p in shipped_dir.iterdir() if p.name.startswith(".")]  # no temp folders left


def test_changed_file_fails_the_checksum(shipped_dir):
    _save()
    path = shipped_dir / "demo" / "weights.npz"
    content = bytearray(path.read_bytes())
    content[-1] ^= 0xFF  # one flipped byte
    path.write_bytes(bytes(content))
    with pytest.raises(registry.WeightsUnavailableError, match="corrupt.*sha256"):
        registry.load("demo", registry.SHIPPED)


def test_missing_bundle_and_missing_file_say_how_to_fix(shipped_dir):
    with pytest.raises(registry.WeightsUnavailableError, match="python -m studio.train demo"):
        registry.load("demo", registry.SHIPPED)
    _save()
    (shipped_dir / "demo" / "weights.npz").unlink()
    with pytest.raises(registry.WeightsUnavailableError, match="lack weights.npz"):
        registry.load("demo", registry.SHIPPED)


def test_damaged_metadata_is_reported(shipped_dir):
    _save()
    (shipped_dir / "demo" / "metadata.json").write_text("{ not json", encoding="utf-8")
    with pytest.raises(registry.WeightsUnavailableError, match="damaged"):
        registry.load("demo", registry.SHIPPED)


def test_interrupted_save_keeps_the_previous_bundle(shipped_dir):
    _save(value=1.0)

    def broken_writer(path):
        path.write_bytes(b"half a file")
        raise KeyboardInterrupt  # the user pressed Ctrl+C in the middle of writing

    with pytest.raises(KeyboardInterrupt):
        registry.save("demo", {"width": 4}, {"weights.npz": broken_writer}, {"metrics": {"loss": 9.0}})
    loaded = registry.load("demo", registry.SHIPPED)
    assert loaded.metadata["metrics"] == {"loss": 1.0}
    assert [p.name for p in shipped_dir.iterdir()] == ["demo"]


def test_saving_again_replaces_the_bundle_whole(shipped_dir):
    _save(value=1.0)
    _save(value=3.0)
    assert registry.load("demo").metadata["metrics"] == {"loss": 3.0}
    assert json.loads((shipped_dir / "demo" / "config.json").read_text()) == {"width": 4}


def test_user_weights_become_active_and_can_be_switched_back(shipped_dir):
    _save(value=1.0)
    assert registry.active_source("demo") == registry.SHIPPED
    before = registry.version_key("demo")
    _save(value=7.0, source=registry.USER)
    assert registry.active_source("demo") == registry.USER
    assert registry.load("demo").metadata["metrics"] == {"loss": 7.0}
    assert registry.version_key("demo") != before
    registry.set_active("demo", registry.SHIPPED)
    assert registry.load("demo").metadata["metrics"] == {"loss": 1.0}
    assert registry.exists("demo", registry.USER)  # nothing was deleted


def test_fingerprint_follows_the_files(shipped_dir):
    first = _save(value=1.0).fingerprint
    assert _save(value=1.0).fingerprint == first
    assert _save(value=2.0).fingerprint != first


def test_resaving_with_new_metrics_keeps_every_file_byte_for_byte(shipped_dir):
    bundle = _save(value=2.5)
    before = bundle.path("weights.npz").read_bytes()
    again = registry.resave_with_metrics(bundle, {"loss": 2.0, "fid": 9.5}, "python -m studio.train demo --assess-only")
    assert again.path("weights.npz").read_bytes() == before
    assert again.metadata["files"]["weights.npz"] == bundle.metadata["files"]["weights.npz"]
    assert again.metadata["metrics"] == {"loss": 2.0, "fid": 9.5}
    assert again.metadata["metrics_command"] == "python -m studio.train demo --assess-only"
    assert again.metadata["trained"] == bundle.metadata["created"]
    assert again.config == bundle.config


def test_studio_weights_shipped_pins_the_shipped_bundle_over_a_retrain(shipped_dir, monkeypatch):
    """What the benchmarks do unless --active: measure pretrained/, not a user's retrain."""
    _save(value=1.0)
    _save(value=7.0, source=registry.USER)
    assert registry.active_source("demo") == registry.USER
    monkeypatch.setenv(registry.WEIGHTS_ENV, "shipped")
    assert registry.active_source("demo") == registry.SHIPPED
    assert registry.load("demo").metadata["metrics"] == {"loss": 1.0}
    assert registry.loaded_bundles()["demo"][0] == registry.SHIPPED
