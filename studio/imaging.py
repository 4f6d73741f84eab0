"""Image helpers on numpy and Pillow only: uint8 conversion, grids, bounded resizing, exports.

Models hand back float or uint8 arrays; the tabs show PIL images. Everything that turns one into
the other lives here so every tab scales, tiles and exports pictures the same way.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, ImageOps

# Uploads are cut down to this many pixels on the long side before any model sees them.
MAX_SIDE = 1024


def to_uint8(images: np.ndarray, value_range: tuple[float, float] = (0.0, 1.0)) -> np.ndarray:
    """Map floats in ``value_range`` (e.g. (-1, 1) for tanh outputs) to uint8, clipping outliers.

    uint8 input is returned unchanged.
    """
    images = np.asarray(images)
    if images.dtype == np.uint8:
        return images
    lo, hi = value_range
    scaled = (images.astype(np.float32) - lo) * (255.0 / (hi - lo))
    return np.clip(np.rint(scaled), 0, 255).astype(np.uint8)


def grid(images: np.ndarray, cols: int, pad: int = 2, pad_value: int = 255, scale: int = 1) -> np.ndarray:
    """Tile ``images`` (N, H, W) or (N, H, W, C) uint8 into one picture of ``cols`` columns.

    Missing cells of the last row stay ``pad_value``; ``scale`` enlarges each pixel to a block
    (nearest neighbour), which keeps 28x28 digits crisp on a projector.
    """
    images = np.asarray(images)
    if images.ndim == 3:
        images = images[..., None]
    if images.ndim != 4 or len(images) == 0:
        raise ValueError(f"grid() needs a non-empty stack of images, got shape {images.shape}.")
    if scale > 1:
        images = images.repeat(scale, axis=1).repeat(scale, axis=2)
    n, h, w, c = images.shape
    cols = max(1, min(cols, n))
    rows = -(-n // cols)
    out = np.full((rows * h + (rows + 1) * pad, cols * w + (cols + 1) * pad, c), pad_value, np.uint8)
    for k in range(n):
        r, q = divmod(k, cols)
        y, x = pad + r * (h + pad), pad + q * (w + pad)
        out[y:y + h, x:x + w] = images[k]
    return out[..., 0] if c == 1 else out


def bounded(image: Image.Image, max_side: int = MAX_SIDE) -> Image.Image:
    """Shrink ``image`` so its long side is at most ``max_side`` (never enlarges), honouring EXIF rotation."""
    image = ImageOps.exif_transpose(image)
    if max(image.size) > max_side:
        image = image.copy()
        image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    return image


def save_png(image: np.ndarray, path: str | Path) -> Path:
    """Write a uint8 array as PNG and return the path."""
    path = Path(path)
    Image.fromarray(np.asarray(image)).save(path, format="PNG")
    return path


def save_gif(frames: np.ndarray, path: str | Path, duration_ms: int = 120, loop: bool = True) -> Path:
    """Write uint8 frames (N, H, W[, C]) as an animated GIF, e.g. a latent walk."""
    path = Path(path)
    pictures = [Image.fromarray(np.asarray(f)) for f in frames]
    if not pictures:
        raise ValueError("save_gif() needs at least one frame.")
    pictures[0].save(path, format="GIF", save_all=True, append_images=pictures[1:],
                     duration=duration_ms, loop=0 if loop else 1)
    return path
