"""The autoencoder bundles of Programs 10-2(a), 10-3 and lecture 003: presets and loading."""

from __future__ import annotations

import numpy as np

from studio.bundles import registry, weight_files
from studio.serving import runtime
from studio.techniques.autoencoder import model as ae
from studio.techniques.autoencoder.model import AEConfig

VARIANTS = {
    "z32": (AEConfig("conv", 32), "Lecture 000, Program 10-2(a): conv autoencoder, zdim 32"),
    "z2": (AEConfig("conv", 2), "Lecture 000, Program 10-3: the same with a 2-D latent space"),
    "denoise": (AEConfig("conv", 32, 0.55), "Lecture 003's denoising autoencoder (noise factor 0.55), "
                                           "with Program 10-2(a)'s conv network"),
    "denoise_dense": (AEConfig("dense", 32, 0.55), "Lecture 003's denoising autoencoder as written: "
                                                   "784-32-784 dense, noise factor 0.55"),
}
DEFAULT_EPOCHS = {"z32": 10, "z2": 10, "denoise": 10, "denoise_dense": 30}
WEIGHTS_FILE = "model.weights.h5"


def bundle_name(variant: str) -> str:
    """The registry name of a variant, e.g. ``autoencoder_z32``."""
    return f"autoencoder_{variant}"


def load_inference(bundle: registry.Bundle):
    """The traced encoder and decoder (``AEInference``) of a saved autoencoder bundle."""
    runtime.import_tensorflow()
    model, _ = weight_files.built_from(bundle, AEConfig, ae.make_autoencoder, WEIGHTS_FILE)
    inference = ae.AEInference(model)
    inference.decode(inference.encode(np.zeros((1, 28, 28), np.uint8)))  # trace both graphs now
    return inference
