"""Recipe for the ready examples: ``python -m studio.train examples``.

DeepDream and style transfer optimise a picture on request (seconds to a minute), so without help
their tabs open empty. This recipe makes one result of each from the shipped example pictures
(Grace Hopper's portrait; The Scream as the style) with the settings below, and ships them small,
with those settings and the time they took in ``metadata.json``.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass

import numpy as np
from PIL import Image

from studio.bundles import registry
from studio.serving import runtime
from studio.backbones import presets as image_backbones
from studio.bundles.writer import write_bundle
from studio.techniques.deepdream.model import (  # the ready examples are a dream ...
    Dreamer,
    DreamSettings,
)
from studio.techniques.examples.presets import FILES, NAME, prepared
from studio.techniques.style.model import (  # ... and a style transfer
    DEFAULT,
    DEFAULT_SIDE,
    StyleSettings,
    stylise,
)
from studio.training import RunContext
from studio.training.request import TrainingRequest

DREAM_BACKBONE = image_backbones.MOBILENET
DREAM_SIDE = 400
DREAM = DreamSettings(layers=image_backbones.DEFAULT_LAYERS[DREAM_BACKBONE])  # the book's octaves and steps
STYLE_BACKBONE = image_backbones.VGG16
STYLE_SIDE = DEFAULT_SIDE  # the tab's default: its first Run makes the same picture
STYLE = DEFAULT
BOOK = StyleSettings()
# the tab's sliders: multiples of the book's weights
STYLE_STRENGTH, STYLE_SMOOTHNESS = STYLE.style_weight / BOOK.style_weight, STYLE.tv_weight / BOOK.tv_weight


def make_examples(request: TrainingRequest[Options], ctx: RunContext = RunContext()) -> registry.Bundle:
    """Dream and stylise the example pictures; save both PNGs with their settings."""
    on_progress = ctx.on_progress
    runtime.import_tensorflow()
    on_progress(0.0, "DeepDream on the example portrait")
    started = time.perf_counter()
    photo = prepared(image_backbones.example_photo(), DREAM_SIDE)
    dreamer = Dreamer(image_backbones.build_dream_backbone(DREAM_BACKBONE), DREAM.layers)
    frames = list(dreamer.dream(image_backbones.dream_input(DREAM_BACKBONE, photo), DREAM, report_every=10**6))
    dream = image_backbones.dream_rgb(DREAM_BACKBONE, frames[-1].image)
    dream_s = time.perf_counter() - started

    on_progress(0.2, "style transfer: the portrait in the style of The Scream")
    started = time.perf_counter()
    content = prepared(image_backbones.example_photo(), STYLE_SIDE)
    height, width = content.shape[:2]
    # as the tab: the style picture scaled to the content's size
    style = np.asarray(Image.fromarray(prepared(image_backbones.scream(), 512)).resize((width, height),
                                                                                      Image.Resampling.LANCZOS))
    last = None
    for last in stylise(image_backbones.build_style_backbone(STYLE_BACKBONE), content, style, STYLE):
        on_progress(0.2 + 0.8 * last.step / STYLE.steps, f"style transfer step {last.step}/{STYLE.steps}")
    style_s = time.perf_counter() - started

    record = {
        "deepdream": {"input": "Grace Hopper (matplotlib's sample data, public domain)", "backbone": DREAM_BACKBONE,
                      "side": DREAM_SIDE, "layers": DREAM.layers, "octaves": DREAM.octaves,
                      "octave_scale": DREAM.octave_scale, "steps": DREAM.steps, "step_size": DREAM.step_size,
                      "max_loss": DREAM.max_loss, "seconds": round(dream_s, 1),
                      "device": runtime.device_info().label()},
        "style": {"content": "Grace Hopper (matplotlib's sample data, public domain)",
                  "style": "Edvard Munch, The Scream (public domain; studio/assets/scream.jpg)",
                  "backbone": STYLE_BACKBONE, "side": STYLE_SIDE, "strength": round(STYLE_STRENGTH, 4),
                  "smoothness": round(STYLE_SMOOTHNESS, 4), "steps": STYLE.steps, "optimizer": STYLE.optimizer,
                  "coarse_fraction": STYLE.coarse_fraction,
                  "losses": {k: round(v, 1) for k, v in last.losses.items()}, "seconds": round(style_s, 1),
                  "device": runtime.device_info().label()},
    }
    pictures = {"deepdream": dream, "style": last.image}
    files = {FILES[kind]: (lambda path, a=array: Image.fromarray(a).save(path, format="PNG", optimize=True))
             for kind, array in pictures.items()}
    config = {"deepdream": dataclasses.asdict(DREAM), "style": dataclasses.asdict(STYLE)}
    bundle = write_bundle(request, NAME, config, files, technique="examples", **record)
    on_progress(1.0, f"examples: dream {dream_s:.1f} s, style {style_s:.1f} s")
    return bundle


# --- python -m studio.train examples --------------------------------------------------------------------
HELP = "the ready DeepDream and style-transfer results the tabs open with (no training)"


@dataclass(frozen=True)
class Options:
    """``python -m studio.train examples``: no options of its own."""


def run(request: TrainingRequest[Options], ctx: RunContext) -> list[registry.Bundle]:
    """Make the examples, reporting through ``ctx``."""
    return [make_examples(request, ctx)]
