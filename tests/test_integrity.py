"""Nothing lost: damaged weights are reported clearly while the other tabs keep working, and a
training process killed while it saves leaves the previous weights loadable."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
import time

import pytest

from conftest import COLD, ROOT, running_studio, write_tiny_data
from studio.bundles import registry

pytestmark = pytest.mark.server

gradio_client = pytest.importorskip("gradio_client")


def _flip_bytes(path, offset_fraction=0.5, count=16):
    data = bytearray(path.read_bytes())
    start = int(len(data) * offset_fraction)
    for i in range(start, min(start + count, len(data))):
        data[i] ^= 0xFF
    path.write_bytes(bytes(data))


@pytest.fixture(scope="module")
def damaged_server(tmp_path_factory):
    """A studio whose pretrained/ is a copy with the zdim-32 autoencoder's weights flipped and the
    pixel model's metadata cut in half."""
    folder = tmp_path_factory.mktemp("damaged")
    pretrained = folder / "pretrained"
    shutil.copytree(ROOT / "pretrained", pretrained)
    _flip_bytes(pretrained / "autoencoder_z32" / "model.weights.h5")
    metadata = pretrained / "pixel" / "metadata.json"
    metadata.write_text(metadata.read_text()[:100])
    with running_studio(folder, {"STUDIO_PRETRAINED_DIR": str(pretrained), **COLD}) as url:
        yield url


def test_corrupt_weights_give_a_clear_message_and_other_tabs_keep_working(damaged_server):
    client = gradio_client.Client(damaged_server, verbose=False)
    AppError = gradio_client.exceptions.AppError
    with pytest.raises(AppError, match=r"corrupt: model\.weights\.h5 does not match the sha256.*"
                                       r"python -m studio\.train autoencoder --variant z32"):
        client.predict("en", "0-3", None, api_name="/ae_reconstruct")
    with pytest.raises(AppError, match=r"'pixel' .* are damaged .*python -m studio\.train pixel"):
        client.predict("mnist", "0", 0.0, 5, 0, api_name="/pixel_sample")
    # Every tab whose own weights are intact still answers.
    picture, _ = client.predict("en", 4, -1.0, 1.0, False, api_name="/vae_grid")
    assert picture
    assert client.predict("en", 0.5, 0, "0-3", api_name="/ae_denoise")[0]
    assert client.predict(4, 6, api_name="/vae_walk")[0]
    assert client.predict("en", api_name="/device").startswith("Device")
    # The damaged tab keeps explaining (no crash, no half-loaded model cached).
    with pytest.raises(AppError, match="corrupt"):
        client.predict("en", 0, 1.0, api_name="/ae_noise_walk")


KILLED_TRAINING = textwrap.dedent("""
    # A real `python -m studio.train pixel` whose file writer hangs halfway through the save.
    import runpy, sys, time
    from pathlib import Path
    import numpy as np

    ready, data_dir = Path(sys.argv[1]), sys.argv[2]

    def half_written(path, **arrays):
        with open(path, "wb") as f:
            f.write(b"PK\\x03\\x04 half of a zip")
            f.flush()
        ready.write_text("saving")
        time.sleep(300)  # killed here

    np.savez_compressed = half_written
    sys.argv = ["studio.train", "pixel", "--data-dir", data_dir, "--limit-per-class", "5"]
    runpy.run_module("studio.train", run_name="__main__")
""")


def test_a_training_killed_during_its_save_leaves_the_previous_weights(tmp_path, monkeypatch):
    pretrained = tmp_path / "pretrained"
    shutil.copytree(ROOT / "pretrained" / "pixel", pretrained / "pixel")
    before = registry.sha256_of(pretrained / "pixel" / "histograms.npz")
    monkeypatch.setenv("STUDIO_PRETRAINED_DIR", str(pretrained))
    ready = tmp_path / "ready"
    process = subprocess.Popen([sys.executable, "-c", KILLED_TRAINING, str(ready),
                                str(write_tiny_data(tmp_path / "data"))],
                               cwd=ROOT, env={**os.environ, "STUDIO_NO_DOWNLOAD": "1"})
    try:
        deadline = time.monotonic() + 120
        while not ready.exists():
            assert process.poll() is None, "the training ended before its save"
            assert time.monotonic() < deadline, "the training never reached its save"
            time.sleep(0.1)
        assert list(pretrained.glob(".pixel.*.tmp")), "the save should be staging beside the bundle"
    finally:
        process.kill()  # SIGKILL: no cleanup handler runs
        process.wait(timeout=30)

    bundle = registry.load("pixel", registry.SHIPPED)  # verifies every sha256
    assert registry.sha256_of(bundle.path("histograms.npz")) == before
    from studio.techniques.pixel.service import PixelService

    assert PixelService().samples("mnist", 3, 0.0, 4, 0).shape[0] > 28


def test_a_save_that_dies_between_its_renames_is_recovered(tmp_path, monkeypatch):
    monkeypatch.setenv("STUDIO_PRETRAINED_DIR", str(tmp_path))
    import numpy as np

    def save(value):
        return registry.save("demo", {"v": value}, {"w.npz": lambda p: np.savez(p, w=np.full(3, value))},
                             {"metrics": {"v": value}})

    save(1.0)
    real_replace, calls = registry.os.replace, []

    def dies_after_the_first_rename(src, dst):
        calls.append(dst)
        if len(calls) == 2:
            raise KeyboardInterrupt("killed between the renames")
        real_replace(src, dst)

    monkeypatch.setattr(registry.os, "replace", dies_after_the_first_rename)
    with pytest.raises(KeyboardInterrupt):
        save(2.0)
    monkeypatch.setattr(registry.os, "replace", real_replace)
    assert not (tmp_path / "demo").exists() and (tmp_path / ".demo.old").is_dir()
    assert registry.load("demo", registry.SHIPPED).metadata["metrics"] == {"v": 1.0}
    assert (tmp_path / "demo").is_dir()
