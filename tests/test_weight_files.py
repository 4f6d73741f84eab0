"""The compact .npz weight format shared by the GAN, cGAN, InfoGAN and text bundles."""

import numpy as np
import pytest

from studio.bundles import weight_files


class Weights:
    """Just what ``save_weights`` / ``load_weights`` use of a Keras model."""

    def __init__(self, weights):
        self.weights = weights

    def get_weights(self):
        return self.weights

    def set_weights(self, weights):
        assert [w.shape for w in weights] == [w.shape for w in self.weights]
        self.weights = weights


def test_small_arrays_are_float16_and_large_matrices_int8_with_a_scale_per_long_axis_entry():
    rng = np.random.default_rng(0)
    wide, tall = rng.standard_normal((100, 12000)), rng.standard_normal((12000, 100))
    weights = [rng.standard_normal((3, 4)), wide.astype(np.float32), tall.astype(np.float32),
               rng.standard_normal((4, 4, 64, 64))]  # 65,536 values, but not a matrix
    stored = weight_files.encode_weights(weights, int8_from=1_000_000)
    assert stored["w000"].dtype == np.float16 and stored["w003"].dtype == np.float16
    assert stored["q001"].dtype == np.int8 and stored["s001"].shape == (1, 12000)  # a scale per output unit
    assert stored["q002"].dtype == np.int8 and stored["s002"].shape == (12000, 1)  # a scale per row (a word)
    back = weight_files.decode_weights(stored)
    assert [w.shape for w in back] == [w.shape for w in weights] and all(w.dtype == np.float32 for w in back)
    # int8: at most half a step of each scale, plus the float16 rounding of that scale
    assert np.all(np.abs(back[1] - wide) <= np.abs(wide).max(axis=0) / 127 * 0.6)
    assert np.all(np.abs(back[2] - tall) <= np.abs(tall).max(axis=1, keepdims=True) / 127 * 0.6)
    assert np.abs(back[0] - weights[0]).max() < 2e-3  # float16


def test_without_int8_everything_is_float16_and_a_saved_file_loads_back(tmp_path):
    rng = np.random.default_rng(1)
    weights = [rng.standard_normal((2000, 600)).astype(np.float32), rng.standard_normal(7).astype(np.float32)]
    assert set(weight_files.encode_weights(weights)) == {"w000", "w001"}
    weight_files.weights_writer(Weights(weights))(tmp_path / "w.npz")
    model = Weights([np.zeros_like(w) for w in weights])
    weight_files.load_weights(model, tmp_path / "w.npz")
    np.testing.assert_allclose(model.weights[0], weights[0], atol=4e-3)
    assert (tmp_path / "w.npz").stat().st_size < weights[0].nbytes * 0.51  # half of float32


def test_loading_into_a_different_architecture_fails_loudly(tmp_path):
    weight_files.save_weights(Weights([np.ones((2, 3), np.float32)]), tmp_path / "w.npz")
    with pytest.raises(AssertionError):
        weight_files.load_weights(Weights([np.ones((3, 2), np.float32)]), tmp_path / "w.npz")


def test_pix2pix_files_of_the_older_positional_layout_still_load(tmp_path):
    """Bundles saved before the one format (np.savez's arr_0, arr_1 ...) load with the same function."""
    weights = [np.arange(6, dtype=np.float32).reshape(2, 3), np.array([0.5, -1.25], np.float32)]
    path = tmp_path / "old.npz"
    np.savez(path, *[w.astype(np.float16) for w in weights])
    with np.load(path) as f:
        decoded = weight_files.decode_weights({name: f[name] for name in f.files})
    assert [d.dtype for d in decoded] == [np.float32, np.float32]
    for got, want in zip(decoded, weights):
        np.testing.assert_array_equal(got, want)
