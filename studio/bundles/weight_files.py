"""Shipped weights stored compactly in an .npz: the one file format of the GANs, cGANs, InfoGAN, Pix2Pix and text model.

A model's ``get_weights()`` list is stored in order under the keys ``w000, w001, ...`` as float16, which halves
a float32 file and changes no picture a student could see (each recipe measures and records the change). With
``int8_from``, every matrix of at least that many values is stored instead as ``qNNN`` (int8) with ``sNNN``
(float16): one scale per entry of its longer axis (a word of the text model's vocabulary, an output unit of
InfoGAN's wide dense layer), symmetric, so a weight is ``q * s`` with ``|q| <= 127``; that halves it again.

NumPy only: loading a model's weights with it needs no TensorFlow beyond the model itself.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np


def encode_weights(weights: list[np.ndarray], int8_from: int | None = None) -> dict[str, np.ndarray]:
    """The arrays to store for ``weights``: float16, and matrices of ``int8_from`` values or more as int8
    with a float16 scale per entry of the longer axis."""
    arrays = {}
    for i, w in enumerate(weights):
        w = np.asarray(w, np.float32)
        if int8_from is not None and w.ndim == 2 and w.size >= int8_from:
            axis = 1 if w.shape[0] > w.shape[1] else 0  # reduce over the shorter axis: a scale per long-axis entry
            scale = np.maximum(np.abs(w).max(axis=axis, keepdims=True), 1e-8) / 127.0
            arrays[f"q{i:03d}"] = np.round(w / scale).astype(np.int8)
            arrays[f"s{i:03d}"] = scale.astype(np.float16)
        else:
            arrays[f"w{i:03d}"] = w.astype(np.float16)
    return arrays


def decode_weights(arrays) -> list[np.ndarray]:
    """float32 weights back from ``encode_weights``'s arrays (any mapping of them), in order.

    Pix2Pix bundles written before 2026-12-04 hold ``np.savez``'s positional ``arr_0, arr_1, ...``
    (float16 as well); they are read as they are, so the same loader serves every bundle."""
    if any(name.startswith("arr_") for name in arrays):
        return [np.asarray(arrays[f"arr_{i}"], np.float32) for i in range(len(arrays))]
    count = len([name for name in arrays if name[0] in "wq"])
    return [np.asarray(arrays[f"w{i:03d}"], np.float32) if f"w{i:03d}" in arrays
            else arrays[f"q{i:03d}"].astype(np.float32) * arrays[f"s{i:03d}"].astype(np.float32)
            for i in range(count)]


def rounded_weights(weights: list[np.ndarray], int8_from: int | None = None) -> list[np.ndarray]:
    """The float32 weights a file written with ``int8_from`` gives back: what a recipe measures before shipping."""
    return decode_weights(encode_weights(weights, int8_from))


def save_weights(model, path, int8_from: int | None = None) -> None:
    """Write ``model``'s weights to ``path`` as ``encode_weights`` stores them."""
    with open(path, "wb") as f:
        np.savez(f, **encode_weights(model.get_weights(), int8_from))


def weights_writer(model, int8_from: int | None = None) -> Callable[[object], None]:
    """A registry file writer (``path -> None``) for ``save_weights(model, path, int8_from)``."""
    return lambda path: save_weights(model, path, int8_from)


def load_weights(model, path) -> None:
    """Load weights written by ``save_weights`` into a model of the same architecture."""
    with np.load(path, allow_pickle=False) as f:
        model.set_weights(decode_weights({name: f[name] for name in f.files}))


def built_from(bundle, config_class, build: Callable, weights_file: str) -> tuple[object, object]:
    """(model, config) of a saved bundle: ``config_class`` made from its config.json (through
    ``config_class.from_json`` where the class has one, for tuples stored as lists), ``build(config)``,
    then the weights of ``weights_file``: this module's .npz, or a Keras ``.weights.h5`` of older bundles.

    The one loader of the techniques' bundles: each adds only its own inference wrapper and warm-up.
    """
    from_json = getattr(config_class, "from_json", None)
    config = from_json(bundle.config) if from_json else config_class(**bundle.config)
    model = build(config)
    path = Path(bundle.path(weights_file))
    if path.suffix == ".npz":
        load_weights(model, path)
    else:
        model.load_weights(path)
    return model, config
