"""The restricted .pth reader on small files written here in both PyTorch formats (no torch needed)."""

import collections
import io
import pickle
import struct
import sys
import types
import zipfile

import numpy as np
import pytest

from studio.backbones.torch_weights import LEGACY_MAGIC, load_state_dict


class _FakeStorage:
    def __init__(self, key, array):
        self.key, self.array = key, array


def _fake_torch(monkeypatch):
    """Just enough of a 'torch' module for pickle to name its globals as PyTorch does."""
    torch = types.ModuleType("torch")
    utils = types.ModuleType("torch._utils")

    class FloatStorage:
        pass

    FloatStorage.__module__, FloatStorage.__qualname__ = "torch", "FloatStorage"

    def _rebuild_tensor_v2(*args):
        raise AssertionError("never called while writing")

    _rebuild_tensor_v2.__module__, _rebuild_tensor_v2.__qualname__ = "torch._utils", "_rebuild_tensor_v2"
    torch.FloatStorage, utils._rebuild_tensor_v2, torch._utils = FloatStorage, _rebuild_tensor_v2, utils
    monkeypatch.setitem(sys.modules, "torch", torch)
    monkeypatch.setitem(sys.modules, "torch._utils", utils)
    return torch, utils


class _Tensor:
    def __init__(self, storage, shape, rebuild):
        self.storage, self.shape, self.rebuild = storage, shape, rebuild

    def __reduce__(self):
        stride = tuple(int(np.prod(self.shape[i + 1:])) for i in range(len(self.shape)))
        return self.rebuild, (self.storage, 0, self.shape, stride, False, collections.OrderedDict())


def _state(torch, utils):
    weights = {"conv.weight": np.arange(24, dtype=np.float32).reshape(2, 3, 2, 2),
               "bn.running_var": np.array([0.5, 2.0], np.float32)}
    storages = {name: _FakeStorage(str(i), a.ravel()) for i, (name, a) in enumerate(weights.items())}
    state = collections.OrderedDict((n, _Tensor(storages[n], weights[n].shape, utils._rebuild_tensor_v2))
                                    for n in weights)
    return weights, storages, state


def _pickler(buffer, torch):
    pickler = pickle.Pickler(buffer, protocol=2)
    pickler.persistent_id = lambda obj: (("storage", torch.FloatStorage, obj.key, "cpu", obj.array.size)
                                         if isinstance(obj, _FakeStorage) else None)
    return pickler


def test_reads_the_legacy_format(tmp_path, monkeypatch):
    torch, utils = _fake_torch(monkeypatch)
    weights, storages, state = _state(torch, utils)
    buffer = io.BytesIO()
    for header in (LEGACY_MAGIC, 1001, {"little_endian": True}):
        pickle.dump(header, buffer, protocol=2)
    _pickler(buffer, torch).dump(state)
    pickle.dump([s.key for s in storages.values()], buffer, protocol=2)
    for s in storages.values():
        buffer.write(struct.pack("<q", s.array.size) + s.array.tobytes())
    path = tmp_path / "legacy.pth"
    path.write_bytes(buffer.getvalue())
    loaded = load_state_dict(path)
    for name, array in weights.items():
        np.testing.assert_array_equal(loaded[name], array)


def test_reads_the_zip_format(tmp_path, monkeypatch):
    torch, utils = _fake_torch(monkeypatch)
    weights, storages, state = _state(torch, utils)
    buffer = io.BytesIO()
    _pickler(buffer, torch).dump(state)
    path = tmp_path / "modern.pth"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("archive/data.pkl", buffer.getvalue())
        for s in storages.values():
            archive.writestr(f"archive/data/{s.key}", s.array.tobytes())
    loaded = load_state_dict(path)
    assert loaded["conv.weight"].shape == (2, 3, 2, 2)
    np.testing.assert_array_equal(loaded["bn.running_var"], weights["bn.running_var"])


def test_refuses_code_in_the_pickle(tmp_path):
    class Evil:
        def __reduce__(self):
            import os
            return os.system, ("echo hacked",)

    path = tmp_path / "evil.pth"
    with open(path, "wb") as f:
        pickle.dump(LEGACY_MAGIC, f, protocol=2)
        pickle.dump(1001, f, protocol=2)
        pickle.dump({}, f, protocol=2)
        pickle.dump({"x": Evil()}, f, protocol=2)
    with pytest.raises(pickle.UnpicklingError, match="Refusing"):
        load_state_dict(path)
