"""The DeepDream tab's work: backbones, input images of any kind, and the streamed dream."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from studio import data
from studio.media import imaging
from studio.serving import runtime
from studio.backbones import networks as backbones
from studio.backbones import presets as image_backbones
from studio.backbones.presets import (  # noqa: F401 - the tab's names
    DEFAULT_LAYERS,
    INCEPTION,
    LOW_LAYERS,
    MOBILENET,
)
from studio.backbones.presets import (
    NAME as MOBILENET_BUNDLE,  # noqa: F401 - the tab records it
)
from studio.backbones.presets import (
    example_photo as example_image,  # noqa: F401 - the tab's example
)
from studio.checks import PHOTO_SIDE_LIMIT, UserError, prepared_photo, quoted
from studio.techniques.deepdream.model import Dreamer, DreamSettings
from studio.training import CancelToken

MAX_SIDE_LIMIT = PHOTO_SIDE_LIMIT


@dataclass(frozen=True)
class DreamUpdate:
    """A frame for the screen: uint8 RGB, the fraction done and a progress line."""

    image: np.ndarray
    fraction: float
    message: str
    done: bool


class DeepDreamService:
    """Builds backbones lazily (cached), prepares inputs and runs dreams."""

    def __init__(self) -> None:
        self._lock = threading.RLock()  # _dreamer() builds the model while holding it
        self._models: dict[str, object] = {}
        self._dreamers: dict[tuple, Dreamer] = {}

    # --- backbones ----------------------------------------------------------------------------------
    def available(self) -> list[str]:
        """The backbones that can run now, offline: MobileNetV2 if shipped, InceptionV3 if cached."""
        return image_backbones.dream_backbones()

    def model(self, name: str):
        """The feature extractor ``name``, built on first use."""
        with self._lock:
            if name not in self._models:
                runtime.import_tensorflow()
                self._models[name] = self._build(name)
            return self._models[name]

    @staticmethod
    def _build(name: str):
        try:
            return image_backbones.build_dream_backbone(name)
        except FileNotFoundError as exc:
            raise UserError("InceptionV3's ImageNet weights are not on this computer; press "
                            "'Download InceptionV3' while online, or use MobileNetV2.") from exc
        except ValueError as exc:
            raise UserError(str(exc)) from None

    def download_inception(self) -> str:
        """Fetch InceptionV3's ImageNet weights through Keras (the explicit, online-only action)."""
        if data.downloads_disabled():
            raise UserError("Downloads are turned off here (STUDIO_NO_DOWNLOAD=1); MobileNetV2 works without a network.")
        try:
            runtime.import_tensorflow()
            backbones.build_inception_v3(download=True)
        except Exception as exc:  # no network, a proxy, a full disk: one message
            raise UserError(f"Could not download InceptionV3's weights ({type(exc).__name__}). This computer may "
                            "be offline; MobileNetV2 works without a network.") from exc
        return str(backbones.keras_cache_file(backbones.INCEPTION_WEIGHTS_FILE))

    def layer_names(self, name: str) -> list[str]:
        """The layers one may dream on, shallow to deep."""
        if name == MOBILENET:
            return [f"features_{i}_out" for i in range(1, 19)]
        return [f"mixed{i}" for i in range(11)]

    # --- inputs -------------------------------------------------------------------------------------
    @staticmethod
    def prepare(image, max_side: int) -> np.ndarray:
        """Any picture as uint8 RGB, bounded (``checks.prepared_photo``)."""
        return prepared_photo(image, max_side, MAX_SIDE_LIMIT)

    @staticmethod
    def parse_layers(spec: str, allowed: list[str]) -> dict[str, float]:
        """'features_7_out=1.0, features_10_out=1.5' -> {layer: weight}, with clear errors."""
        layers: dict[str, float] = {}
        for part in re.split(r"[,\n;]+", spec or ""):
            part = part.strip()
            if not part:
                continue
            match = re.fullmatch(r"([\w.]+)\s*[=:]\s*(-?[\d.]+)", part) or re.fullmatch(r"([\w.]+)", part)
            if not match:
                raise UserError(f"{quoted(part)} should look like layer=weight, e.g. {allowed[6]}=1.5.")
            name = match[1]
            if name not in allowed:
                raise UserError(f"{quoted(name)} is not a layer of this backbone; choose from {allowed[0]} … {allowed[-1]}.")
            try:
                layers[name] = float(match[2]) if match.lastindex == 2 else 1.0
            except ValueError:
                raise UserError(f"{quoted(match[2])} is not a number.") from None
        if not layers:
            raise UserError("Choose at least one layer.")
        return layers

    # --- the dream ----------------------------------------------------------------------------------
    def _dreamer(self, name: str, layers: dict[str, float]) -> Dreamer:
        key = (name, tuple(sorted(layers.items())))
        with self._lock:
            if key not in self._dreamers:
                if len(self._dreamers) > 8:
                    self._dreamers.clear()
                self._dreamers[key] = Dreamer(self.model(name), layers)
            return self._dreamers[key]

    _to_input = staticmethod(image_backbones.dream_input)
    _to_rgb = staticmethod(image_backbones.dream_rgb)

    def dream(self, rgb: np.ndarray, name: str, layers: dict[str, float], settings: DreamSettings,
              cancel: CancelToken | None = None, report_every: int = 5) -> Iterator[DreamUpdate]:
        """Stream the dream of a prepared picture; on Stop, the last frame is final."""
        if name not in self.available():
            raise UserError(f"The backbone {name} is not available here.")
        if not 1 <= settings.steps <= 200 or not 1 <= settings.octaves <= 6:
            raise UserError("Use 1-6 octaves and 1-200 steps per octave.")
        cancel = cancel or CancelToken()
        report_every = max(1, min(report_every, settings.steps // 3))  # a few frames per octave, even when short
        dreamer = self._dreamer(name, layers)
        total = settings.octaves * settings.steps
        frame = None
        for frame in dreamer.dream(self._to_input(name, rgb), settings, report_every):
            done_steps = frame.octave * settings.steps + frame.step
            message = (f"octave {frame.octave + 1}/{settings.octaves} · step {frame.step}/{settings.steps} · "
                       f"loss {frame.loss:.2f}")
            yield DreamUpdate(self._to_rgb(name, frame.image), done_steps / total, message, frame.done)
            if cancel.cancelled:
                return

    @staticmethod
    def gif(frames: list[np.ndarray], name: str = "dream") -> str:
        """The progression as an animated GIF (every frame scaled to the final size)."""
        if not frames:
            raise UserError("Nothing to animate yet: run a dream first.")
        return imaging.temp_gif(frames, name)
