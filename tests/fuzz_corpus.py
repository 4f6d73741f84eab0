"""A fuzz corpus made on the fly (no stored binaries): awkward uploads, numbers and strings.

Used by tests/test_fuzz.py; each maker writes one file into a folder and returns its path.
"""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import numpy as np
from PIL import Image


def _gradient(size=(96, 80), mode="RGB") -> Image.Image:
    w, h = size
    x = np.linspace(0, 255, w, dtype=np.float32)[None, :].repeat(h, 0)
    y = np.linspace(0, 255, h, dtype=np.float32)[:, None].repeat(w, 1)
    rgb = np.stack([x, y, 255 - x], axis=-1).astype(np.uint8)
    return Image.fromarray(rgb).convert(mode)


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def huge_png(width: int, height: int) -> bytes:
    """A valid greyscale PNG of width x height black pixels, a few hundred kB however large it is:
    every row is the same, so zlib squeezes it (10000x10000 -> ~100 kB)."""
    compressor = zlib.compressobj(9)
    row = b"\x00" + b"\x00" * width  # filter byte + black pixels
    parts = [compressor.compress(row) for _ in range(height)]
    parts.append(compressor.flush())
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header) + _png_chunk(b"IDAT", b"".join(parts)) + \
        _png_chunk(b"IEND", b"")


def bomb_png(width: int = 100_000, height: int = 100_000) -> bytes:
    """A PNG whose header declares 10 gigapixels and whose data is a few bytes: the classic bomb."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header) + \
        _png_chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + _png_chunk(b"IEND", b"")


def _save(image: Image.Image, fmt: str, **kwargs) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **kwargs)
    return buffer.getvalue()


def _truncate(data: bytes) -> bytes:
    return data[:len(data) // 2]  # a download cut off halfway: the header is fine, the pixels stop


def _animated_gif() -> bytes:
    frames = [_gradient((64, 64)).rotate(angle).convert("P") for angle in (0, 90, 180)]
    buffer = io.BytesIO()
    frames[0].save(buffer, format="GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    return buffer.getvalue()


def _sixteen_bit_png() -> bytes:
    grey = (np.linspace(0, 65535, 80 * 96).reshape(80, 96)).astype(np.uint16)
    return _save(Image.fromarray(grey), "PNG")  # mode I;16


def _rgba_png() -> bytes:
    image = _gradient((96, 80), "RGBA")
    alpha = np.zeros((80, 96), np.uint8)
    alpha[20:60, 20:70] = 255  # mostly transparent
    image.putalpha(Image.fromarray(alpha))
    return _save(image, "PNG")


# name -> (file name, bytes maker). Names double as pytest ids.
UPLOADS = {
    "zero_bytes": ("empty.png", lambda: b""),
    "truncated_png": ("truncated.png", lambda: _truncate(_save(_gradient(), "PNG"))),
    "truncated_jpeg": ("truncated.jpg", lambda: _truncate(_save(_gradient((256, 256)), "JPEG"))),
    "random_bytes": ("noise.jpg", lambda: np.random.default_rng(0).bytes(4096)),
    "text_as_png": ("notes.png", lambda: ("just some text, not a picture\n" * 20).encode()),
    "bomb_10_gigapixels": ("bomb.png", bomb_png),
    "postscript": ("figure.eps", lambda: _save(_gradient(), "EPS")),  # Pillow would run Ghostscript on it
    "one_pixel": ("dot.png", lambda: _save(Image.new("RGB", (1, 1), (200, 30, 30)), "PNG")),
    "huge_10000px": ("huge.png", lambda: huge_png(10_000, 10_000)),
    "png_16_bit": ("deep.png", _sixteen_bit_png),
    "cmyk_jpeg": ("cmyk.jpg", lambda: _save(_gradient(mode="CMYK"), "JPEG")),
    "palette_gif": ("palette.gif", lambda: _save(_gradient().convert("P"), "GIF")),
    "animated_gif": ("animated.gif", _animated_gif),
    "rgba_png": ("rgba.png", _rgba_png),
    "tiff": ("scan.tiff", lambda: _save(_gradient(), "TIFF")),
    "webp": ("photo.webp", lambda: _save(_gradient(), "WEBP")),
    "greyscale_png": ("grey.png", lambda: _save(_gradient(mode="L"), "PNG")),
}


# Files that are not usable pictures at all: every tab must refuse them with a sentence.
BROKEN = ("zero_bytes", "truncated_png", "truncated_jpeg", "random_bytes", "text_as_png", "bomb_10_gigapixels",
          "postscript")


def write_uploads(folder: Path) -> dict[str, Path]:
    """Write every corpus file into ``folder``; returns name -> path."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name, (filename, make) in UPLOADS.items():
        path = folder / filename
        path.write_bytes(make())
        paths[name] = path
    return paths


# Strings for textboxes and text-like inputs.
LONG = "7" * 100_000
STRINGS = {
    "empty": "",
    "blank": "   \n\t ",
    "long_100k": LONG,
    "unicode": "ᄀ각 😀 \u202e\u0000 ﷽ 𝔘𝔫𝔦 \ud7ff e\u0301 Ω≈ç√",
    "nan": "nan",
    "inf": "-inf",
    "injection": "'; DROP TABLE x; -- {0} %s ${HOME} ../../etc/passwd",
    "path": "/etc/passwd",
    # A recipe line with every parameter wrong (for the recipe box; any other text box just refuses it).
    "bad_recipe": 'studio-recipe: {"technique":"pixel.sample","params":{"dataset":"mnist","label":"x",'
                  '"smoothing":"a","n":1000000000,"seed":-1,"extra":[1,2]},"models":{}}',
    "recipe_huge_grid": 'studio-recipe: {"technique":"vae.grid","params":{"n":100000,"low":-1e308,"high":1e308,'
                        '"quantiles":false}}',
}

# Numbers for number inputs that are not sliders (sliders get their own bounds and beyond).
NUMBERS = {"nan": float("nan"), "inf": float("inf"), "-inf": float("-inf"), "huge": 1e308, "negative": -1,
           "fraction": 0.5, "big_int": 2**63, "text": "seven", "boolean": True}
