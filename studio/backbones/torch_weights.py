"""Read PyTorch ``.pth`` state dicts into numpy without PyTorch and without running foreign code.

Both of PyTorch's formats are handled: the zip format (``archive/data.pkl`` plus one file per
storage) and the legacy stream (five pickles, then the raw storages, as torchvision's 2018-2020
``mobilenet_v2-b0353104.pth`` is written). The unpickler is restricted: it resolves only an
ordered dict, PyTorch's tensor-rebuild function and its storage types, each mapped to a harmless
stand-in here, and refuses everything else, so a malicious file cannot execute code.
"""

from __future__ import annotations

import collections
import io
import pickle
import struct
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

LEGACY_MAGIC = 0x1950A86A20F9469CFC6C

_STORAGE_DTYPES = {
    "FloatStorage": np.float32, "DoubleStorage": np.float64, "HalfStorage": np.float16,
    "LongStorage": np.int64, "IntStorage": np.int32, "ShortStorage": np.int16,
    "CharStorage": np.int8, "ByteStorage": np.uint8, "BoolStorage": np.bool_,
}


@dataclass(frozen=True)
class _StorageType:
    dtype: type


@dataclass
class _Storage:
    dtype: type
    data: np.ndarray | None = None


@dataclass(frozen=True)
class _LazyTensor:
    storage: _Storage
    offset: int
    shape: tuple
    stride: tuple

    def materialise(self) -> np.ndarray:
        flat = self.storage.data
        if not self.shape:
            return np.array(flat[self.offset])
        item = flat.itemsize
        view = np.lib.stride_tricks.as_strided(flat[self.offset:], shape=self.shape,
                                               strides=tuple(s * item for s in self.stride))
        return np.array(view)


def _rebuild_tensor_v2(storage, offset, size, stride, *unused):
    return _LazyTensor(storage, int(offset), tuple(size), tuple(stride))


class _RestrictedUnpickler(pickle.Unpickler):
    """Resolves only the few globals a state dict needs; persistent ids become storages."""

    def __init__(self, file, storages: dict[str, _Storage], zip_file: zipfile.ZipFile | None = None,
                 prefix: str = "") -> None:
        super().__init__(file)
        self.storages = storages
        self.zip_file = zip_file
        self.prefix = prefix

    def find_class(self, module: str, name: str):
        if (module, name) == ("collections", "OrderedDict"):
            return collections.OrderedDict
        if (module, name) == ("torch._utils", "_rebuild_tensor_v2"):
            return _rebuild_tensor_v2
        if module == "torch" and name in _STORAGE_DTYPES:
            return _StorageType(_STORAGE_DTYPES[name])
        raise pickle.UnpicklingError(f"Refusing to load {module}.{name} from a weights file.")

    def persistent_load(self, saved_id):
        kind, storage_type, key = saved_id[0], saved_id[1], str(saved_id[2])
        if kind != "storage" or not isinstance(storage_type, _StorageType):
            raise pickle.UnpicklingError(f"Unexpected persistent id {saved_id[:2]!r}.")
        if key not in self.storages:
            storage = _Storage(storage_type.dtype)
            if self.zip_file is not None:  # zip format: the storage is a file of its own
                raw = self.zip_file.read(f"{self.prefix}data/{key}")
                storage.data = np.frombuffer(raw, dtype=storage_type.dtype)
            self.storages[key] = storage
        return self.storages[key]


def load_state_dict(path: str | Path) -> dict[str, np.ndarray]:
    """The tensors of a ``.pth`` state dict as numpy arrays, by name."""
    path = Path(path)
    storages: dict[str, _Storage] = {}
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            pickle_name = next(n for n in archive.namelist() if n.endswith("data.pkl"))
            prefix = pickle_name[: -len("data.pkl")]
            state = _RestrictedUnpickler(io.BytesIO(archive.read(pickle_name)), storages, archive, prefix).load()
    else:
        with open(path, "rb") as f:
            if _RestrictedUnpickler(f, storages).load() != LEGACY_MAGIC:
                raise ValueError(f"{path} is neither a zip nor a legacy PyTorch file.")
            _RestrictedUnpickler(f, storages).load()  # protocol version
            _RestrictedUnpickler(f, storages).load()  # system info (endianness, sizes)
            state = _RestrictedUnpickler(f, storages).load()
            keys = _RestrictedUnpickler(f, storages).load()
            for key in keys:  # each storage: int64 element count, then the raw little-endian data
                (count,) = struct.unpack("<q", f.read(8))
                storage = storages[str(key)]
                storage.data = np.frombuffer(f.read(count * np.dtype(storage.dtype).itemsize), dtype=storage.dtype)
    return {name: value.materialise() for name, value in state.items() if isinstance(value, _LazyTensor)}
