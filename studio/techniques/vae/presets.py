"""The VAE bundle of the Keras book, section 12.4: name, defaults and loading."""

from __future__ import annotations

import numpy as np

from studio.bundles import registry, weight_files
from studio.serving import runtime
from studio.techniques.vae import model as vae

NAME = "vae"
DEFAULT_EPOCHS = 30
WEIGHTS_FILE = "model.weights.h5"


def load_inference(bundle: registry.Bundle):
    """The traced encoder / decoder (``VAEInference``) of a saved VAE bundle."""
    runtime.import_tensorflow()
    model, _ = weight_files.built_from(bundle, vae.VAEConfig, vae.make_vae, WEIGHTS_FILE)
    inference = vae.VAEInference(model)
    inference.decode(np.zeros((1, inference.latent_dim)))  # trace now, not on a student's first grid
    return inference
