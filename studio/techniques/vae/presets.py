"""The VAE bundle of the Keras book, section 12.4: name, defaults and loading."""

from __future__ import annotations

import numpy as np

from studio import registry, runtime

NAME = "vae"
DEFAULT_EPOCHS = 30
WEIGHTS_FILE = "model.weights.h5"


def load_inference(bundle: registry.Bundle):
    """The traced encoder / decoder (``VAEInference``) of a saved VAE bundle."""
    from studio.techniques.vae import model as vae

    runtime.import_tensorflow()
    model = vae.make_vae(vae.VAEConfig(**bundle.config))
    model.load_weights(bundle.path(WEIGHTS_FILE))
    inference = vae.VAEInference(model)
    inference.decode(np.zeros((1, inference.latent_dim)))  # trace now, not on a student's first grid
    return inference
