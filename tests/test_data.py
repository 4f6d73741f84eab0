"""Data loading: data folder first, then Keras's cache, and one clear error otherwise."""

import gzip

import numpy as np
import pytest

from studio import data, paths


def test_loads_from_data_dir_in_keras_layout(tiny_data_dir):
    paths.set_data_dir(tiny_data_dir)
    (x_train, y_train), (x_test, y_test) = data.load_mnist()
    assert x_train.shape == (200, 28, 28) and x_train.dtype == np.uint8
    assert y_train.shape == (200,) and x_test.shape == (50, 28, 28) and y_test.dtype == np.uint8
    assert data.dataset_source("mnist").endswith("mnist.npz")
    (fx, _), _ = data.load_fashion_mnist()
    assert not np.array_equal(fx, x_train)  # the two files really are read separately


def test_env_var_selects_the_data_dir(tiny_data_dir, monkeypatch):
    monkeypatch.setenv("STUDIO_DATA_DIR", str(tiny_data_dir))
    (x_train, _), _ = data.load_mnist()
    assert len(x_train) == 200


def test_loaded_arrays_are_read_only(tiny_data_dir):
    paths.set_data_dir(tiny_data_dir)
    (x_train, _), _ = data.load_mnist()
    with pytest.raises(ValueError):
        x_train[0, 0, 0] = 1


def test_nothing_found_gives_one_error_naming_three_fixes(tmp_path):
    paths.set_data_dir(tmp_path / "empty")
    with pytest.raises(data.DataUnavailableError) as info:
        data.load_mnist()
    message = str(info.value)
    assert "--data-dir" in message and "STUDIO_DATA_DIR" in message
    assert "~/.keras/datasets" in message and "internet" in message
    assert "STUDIO_NO_DOWNLOAD" in message  # says why no download was tried


def test_reads_keras_cache_for_fashion_idx_files(tmp_path, monkeypatch):
    cache = tmp_path / "keras_home" / "datasets" / "fashion-mnist"
    cache.mkdir(parents=True)
    images = np.arange(3 * 28 * 28, dtype=np.uint32).reshape(3, 28, 28).astype(np.uint8)
    labels = np.array([9, 5, 7], np.uint8)

    def write_idx(name, array):
        header = bytes([0, 0, 8, array.ndim]) + b"".join(d.to_bytes(4, "big") for d in array.shape)
        with gzip.open(cache / name, "wb") as f:
            f.write(header + array.tobytes())

    for prefix in ("train", "t10k"):
        write_idx(f"{prefix}-images-idx3-ubyte.gz", images)
        write_idx(f"{prefix}-labels-idx1-ubyte.gz", labels)
    (x_train, y_train), _ = data.load_fashion_mnist()
    assert np.array_equal(x_train, images) and np.array_equal(y_train, labels)
    assert data.dataset_source("fashion") == "Keras cache"


def test_wrong_layout_is_reported(tmp_path):
    np.savez(tmp_path / "mnist.npz", x_train=np.zeros((4, 32, 32), np.uint8), y_train=np.zeros(4, np.uint8),
             x_test=np.zeros((2, 28, 28), np.uint8), y_test=np.zeros(2, np.uint8))
    paths.set_data_dir(tmp_path)
    with pytest.raises(data.DataUnavailableError, match="unexpected train layout"):
        data.load_mnist()


def test_unreadable_file_is_reported(tmp_path):
    (tmp_path / "mnist.npz").write_bytes(b"not a zip file")
    paths.set_data_dir(tmp_path)
    with pytest.raises(data.DataUnavailableError, match="not a readable data file"):
        data.load_mnist()


def test_unknown_dataset_name():
    with pytest.raises(ValueError, match="Unknown data set"):
        data.load_dataset("cifar")
