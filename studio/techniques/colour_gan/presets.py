"""The colour DCGAN's bundle (Deep Learning with Python 12.5): its name, its weight file, how training
is counted, and how to load one."""

from __future__ import annotations

from studio.bundles import registry, weight_files
from studio.serving import runtime
from studio.techniques.colour_gan.model import (
    ColourGANConfig,
    build_generator,
    generate,
)

BUNDLE = "gan_colour"  # the shipped emoji faces, and (in the user's folder) a student's own pictures
WEIGHTS_FILE = "generator.weights.npz"  # float16 (``weight_files``)
ROUND = 100  # steps between two previews / loss points
MIN_PICTURES = 64  # fewer than this and D learns them by heart within minutes


def load_generator(bundle: registry.Bundle):
    """(generator, config) of a saved colour DCGAN bundle, traced once."""
    runtime.import_tensorflow()
    generator, config = weight_files.built_from(bundle, ColourGANConfig, build_generator, WEIGHTS_FILE)
    generate(generator, config, 1, 0)  # trace now, not on a student's first click
    return generator, config
