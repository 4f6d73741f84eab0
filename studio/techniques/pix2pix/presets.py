"""The Pix2Pix bundles (edges -> shoes, outline -> emoji; lecture 004): presets and loading (``weight_files``)."""

from __future__ import annotations

import numpy as np

from studio.bundles import registry, weight_files
from studio.serving import runtime
from studio.techniques.pix2pix import model as p2p

DEFAULT_EPOCHS = {"emoji": 30, "fashion": 10}
DESCRIPTIONS = {
    "unet": "U-Net generator (skip connections), PatchGAN, loss GAN + 100 * L1 (the paper's choice)",
    "encdec": "encoder-decoder generator (the same network without skips), PatchGAN, loss GAN + 100 * L1",
    "l1": "U-Net generator trained on L1 alone (no discriminator)",
}


def bundle_name(variant: str, dataset: str = "fashion") -> str:
    """The registry name of a variant's bundle: ``pix2pix_unet`` (the shoes), ``pix2pix_emoji_unet``."""
    if variant not in p2p.VARIANTS:
        raise ValueError(f"Unknown Pix2Pix variant {variant!r}; choose one of {p2p.VARIANTS}.")
    if dataset not in p2p.DATASETS:
        raise ValueError(f"Unknown Pix2Pix data set {dataset!r}; choose one of {p2p.DATASETS}.")
    return f"pix2pix_{variant}" if dataset == "fashion" else f"pix2pix_{dataset}_{variant}"


def load_inference(bundle: registry.Bundle) -> p2p.Pix2PixInference:
    """The traced generator (and, where shipped, the PatchGAN) of a saved Pix2Pix bundle."""
    runtime.import_tensorflow()
    generator, config = weight_files.built_from(bundle, p2p.Pix2PixConfig, p2p.build_generator, "generator.npz")
    discriminator = None
    if "discriminator.npz" in bundle.metadata.get("files", {}):
        discriminator = p2p.build_discriminator(config)
        weight_files.load_weights(discriminator, bundle.path("discriminator.npz"))
    inference = p2p.Pix2PixInference(generator, discriminator)
    blank = np.full((1, config.size, config.size), 255, np.uint8)
    shoe = inference.translate(blank)  # trace now, not on a student's first sketch
    if discriminator is not None:
        inference.patch_scores(blank, shoe)
    return inference
