"""Image helpers on numpy and Pillow only: uint8 conversion, grids, bounded resizing, exports.

Models hand back float or uint8 arrays; the tabs show PIL images. Everything that turns one into
the other lives here so every tab scales, tiles and exports pictures the same way.
"""

from __future__ import annotations

import functools
import hashlib
import io
import os
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont, ImageOps, UnidentifiedImageError

from studio import texts

# Uploads are cut down to this many pixels on the long side before any model sees them.
MAX_SIDE = 1024

# The most pixels an upload may decode to (a 48-megapixel phone photo fits; a 10000x10000 scan does
# not). Pillow's decompression-bomb guard refuses files declaring over twice this before reading any
# pixel data; read_picture() refuses anything over it with a sentence a student understands.
MAX_PIXELS = 64_000_000
Image.MAX_IMAGE_PIXELS = MAX_PIXELS

# The only file formats an upload may be: Pillow's plain raster decoders. Formats that hand the file
# to an outside program (EPS -> Ghostscript) or are rarely audited never see a student's upload.
UPLOAD_FORMATS = ("PNG", "JPEG", "GIF", "WEBP", "BMP", "TIFF")  # (a phone's MPO is read as JPEG)

# Modes every tab handles (and PNG stores); anything else is converted on reading.
_PLAIN_MODES = ("1", "L", "LA", "P", "RGB", "RGBA")


class UnreadableImage(ValueError):
    """An upload that is not a usable picture; the message tells the student why."""


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


def to_unit_batch(images: np.ndarray) -> np.ndarray:
    """uint8 images (N, H, W) (or one (H, W)) -> float32 (N, H, W, 1) in [0, 1], the networks' input."""
    images = np.asarray(images)
    if images.ndim == 2:
        images = images[None]
    return (images.astype(np.float32) / 255.0)[..., None]


def from_unit_batch(batch) -> np.ndarray:
    """A network's output (N, H, W, 1), nominally in [0, 1] -> uint8 (N, H, W), clipped first."""
    array = np.asarray(batch)[..., 0]
    return np.clip(np.rint(array * 255.0), 0, 255).astype(np.uint8)


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


def read_picture(source, max_side: int = MAX_SIDE) -> Image.Image:
    """Decode an uploaded picture safely: a path or a (lazily opened) PIL image -> a loaded PIL image
    no larger than ``max_side`` on its long side, EXIF rotation applied, in a plain mode (16-bit and
    float scans become 8-bit grey, CMYK/YCbCr become RGB; an animation gives its first frame).

    Raises UnreadableImage for files that are not pictures, are cut off, or are too large. JPEGs are
    decoded at reduced scale (Pillow's draft mode), so a big photo costs little memory.
    """
    Image.init()  # register every decoder once, so that UPLOAD_FORMATS can name them
    try:
        with warnings.catch_warnings():  # the size check below says it better than Pillow's warning
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = source if isinstance(source, Image.Image) else Image.open(source, formats=UPLOAD_FORMATS)
        if image.format not in (None, "MPO", *UPLOAD_FORMATS):  # None: made in memory, not read from a file
            raise UnidentifiedImageError(image.format)
        width, height = image.size
        if width * height > MAX_PIXELS:
            raise UnreadableImage(_too_big(width, height))
        image.draft(image.mode, (max_side, max_side))  # JPEG only: decode at 1/2 ... 1/8 scale
        image.load()
        image = bounded(image, max_side)
        if image.mode not in _PLAIN_MODES:
            image = _plain(image)
    except UnreadableImage:
        raise
    except Image.DecompressionBombError:
        raise UnreadableImage("This picture declares far more pixels than the studio reads "
                              f"({MAX_PIXELS // 1_000_000} megapixels at most).") from None
    except UnidentifiedImageError:
        raise UnreadableImage("This file is not a picture the studio can read: upload a PNG, JPEG, GIF, "
                              "WebP, BMP or TIFF image.") from None
    except (OSError, SyntaxError, ValueError, EOFError, IndexError) as exc:
        raise UnreadableImage("This picture file is damaged or cut off (it could not be decoded); "
                              "save it again or choose another one.") from exc
    return image


def _too_big(width: int, height: int) -> str:
    return (f"This picture is {width}×{height} pixels ({width * height / 1e6:.0f} megapixels); the studio "
            f"reads pictures up to {MAX_PIXELS // 1_000_000} megapixels. Shrink it first.")


def _plain(image: Image.Image) -> Image.Image:
    """16-bit / 32-bit / float greys -> 8-bit grey; other colour spaces -> RGB (RGBA if they carry alpha)."""
    if image.mode.startswith("I;16"):
        return Image.fromarray((np.asarray(image, np.uint32) >> 8).astype(np.uint8))
    if image.mode in ("I", "F"):
        values = np.asarray(image, np.float64)
        lo, hi = float(values.min()), float(values.max())
        return Image.fromarray(to_uint8(values, (lo, hi if hi > lo else lo + 1.0)))
    return image.convert("RGBA" if "A" in image.getbands() else "RGB")


def on_white(image: Image.Image) -> Image.Image:
    """Lay a picture with transparency (RGBA, LA, palette with a transparent colour) on white paper."""
    if image.mode in ("RGBA", "LA", "P") or "transparency" in image.info:
        paper = Image.new("RGBA", image.size, "white")
        return Image.alpha_composite(paper, image.convert("RGBA"))
    return image


def temp_gif(frames, name: str, duration_ms: int = 200, scale: int = 1, comment: bytes | None = None) -> str:
    """Write frames as an animated GIF in a fresh temporary folder (for a download); returns its path.

    Frames of different sizes (a dream's octaves) are scaled to the last frame's size; ``scale``
    enlarges every pixel to a block (keeps 28x28 digits crisp); ``comment`` is written into the GIF
    (a recipe, see studio.bundles.provenance).
    """
    frames = [np.asarray(f) for f in frames]
    if not frames:
        raise ValueError("Nothing to animate yet.")
    h, w = frames[-1].shape[:2]
    same = [f if f.shape[:2] == (h, w) else np.asarray(Image.fromarray(f).resize((w, h), Image.Resampling.BILINEAR))
            for f in frames]
    stack = np.stack(same)
    if scale > 1:
        stack = stack.repeat(scale, axis=1).repeat(scale, axis=2)
    return export_file(f"{name}.gif", lambda f: save_gif(stack, f, duration_ms=duration_ms, comment=comment))


# Downloads handed to Gradio live here, named by their content, and are deleted after this long
# (Gradio copies each into its own cache as the handler returns): a day of slider moves in a
# classroom must not fill /tmp with thousands of folders.
EXPORT_LIFETIME_S = 30 * 60
_last_prune = [0.0]


def export_folder() -> Path:
    """The folder of the studio's downloads (named by content, pruned by age)."""
    return Path(tempfile.gettempdir()) / "generative-studio-exports"


def export_file(filename: str, write) -> str:
    """Write a download (``write(binary_file)``) into the studio's export folder; returns its path.

    The name gets a hash of the content, so identical results share one file, written beside and
    renamed into place (a concurrent reader sees a whole file). Old exports are pruned.
    """
    buffer = io.BytesIO()
    write(buffer)
    data = buffer.getvalue()
    folder = export_folder()
    folder.mkdir(exist_ok=True)
    stem, suffix = Path(filename).stem, Path(filename).suffix
    final = folder / f"{stem}-{hashlib.sha256(data).hexdigest()[:16]}{suffix}"
    if final.is_file() and final.stat().st_size == len(data):
        try:  # reused: young again, or the prune below (by age) would delete what the caller gets
            os.utime(final)
        except OSError:  # pruned meanwhile by another process: write it anew below
            pass
    if not (final.is_file() and final.stat().st_size == len(data)):
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=".export-", suffix=".tmp")
        with os.fdopen(handle, "wb") as f:
            f.write(data)
        os.replace(temporary, final)
    _prune(folder)
    return str(final)


def _prune(folder: Path) -> None:
    now = time.time()
    if now - _last_prune[0] < 60:
        return
    _last_prune[0] = now
    for path in folder.iterdir():
        try:
            if now - path.stat().st_mtime > EXPORT_LIFETIME_S:
                path.unlink()
        except OSError:  # another studio process pruned it first
            pass


def save_png(image: np.ndarray, path: str | Path) -> Path:
    """Write a uint8 array as PNG and return the path."""
    path = Path(path)
    Image.fromarray(np.asarray(image)).save(path, format="PNG")
    return path


def save_gif(frames: np.ndarray, path: str | Path, duration_ms: int = 120, loop: bool = True,
             comment: bytes | None = None) -> Path:
    """Write uint8 frames (N, H, W[, C]) as an animated GIF (to a path or a binary file), e.g. a
    latent walk, with an optional comment."""
    path = path if hasattr(path, "write") else Path(path)
    pictures = [Image.fromarray(np.asarray(f)) for f in frames]
    if not pictures:
        raise ValueError("save_gif() needs at least one frame.")
    extra = {"comment": comment} if comment else {}
    pictures[0].save(path, format="GIF", save_all=True, append_images=pictures[1:],
                     duration=duration_ms, loop=0 if loop else 1, **extra)
    return path


def _hangul(text: str) -> bool:
    return any("\uac00" <= ch <= "\ud7a3" or "\u1100" <= ch <= "\u11ff" or "\u3130" <= ch <= "\u318f" for ch in text)


def caption_font(labels: list[str], size: int | None = 12):
    """The font for captions drawn with Pillow: its built-in font (Latin only), or NanumGothic
    (``texts.korean_font_file``) when a caption has Hangul; ``size`` None is Pillow's default 10 px."""
    korean = texts.korean_font_file()
    if korean is not None and any(_hangul(label) for label in labels):
        return _korean_font(str(korean), size or 11)
    return ImageFont.load_default(size=size) if size else ImageFont.load_default()


@functools.lru_cache(maxsize=4)
def _korean_font(path: str, size: int):
    return ImageFont.truetype(path, size)


def labelled_grid(images: np.ndarray, labels: list[str], cols: int, scale: int = 3, pad: int = 2) -> np.ndarray:
    """A grid of grey images with a caption above each (e.g. "noise=0.3" as Program 10-2(b)), RGB uint8.

    Drawn with Pillow's built-in font (NanumGothic for Korean captions, ``caption_font``): a few
    milliseconds, fast enough for every slider move. The captions come in the page's language (from the
    texts table, ``texts.picture_text``).
    """
    images = np.asarray(images)
    if len(labels) != len(images):
        raise ValueError("labelled_grid() needs one label per image.")
    if scale > 1:
        images = images.repeat(scale, axis=1).repeat(scale, axis=2)
    n, h, w = images.shape[:3]
    caption = 14
    cols = max(1, min(cols, n))
    rows = -(-n // cols)
    canvas = Image.new("RGB", (cols * w + (cols + 1) * pad, rows * (h + caption) + (rows + 1) * pad), "white")
    draw = ImageDraw.Draw(canvas)
    font = caption_font(labels, 12)  # the default 10 px leaves a 2 px space that reads as none
    for k in range(n):
        r, q = divmod(k, cols)
        x, y = pad + q * (w + pad), pad + r * (h + caption + pad)
        draw.text((x + w / 2, y + caption / 2), labels[k], fill=(40, 40, 60), font=font, anchor="mm")
        canvas.paste(Image.fromarray(images[k]).convert("RGB"), (x, y + caption))
    return np.asarray(canvas)


def ink_crop(image: Image.Image | np.ndarray, what: str = "a digit") -> np.ndarray:
    """The strokes of a drawing (any size and mode, dark or light background), cropped to their box.

    Returns float32 ink in [0, 255] (255 = strongest stroke), background 0. The picture is bounded
    first (a 6000x4000 phone photo costs no more than a sketch) and laid on white (a sketchpad's
    transparent layer). Raises ValueError naming ``what`` to draw when nothing was drawn.
    """
    picture = image if isinstance(image, Image.Image) else Image.fromarray(np.asarray(image))
    picture = on_white(bounded(picture))
    grey = np.asarray(picture.convert("L"), np.float32)
    # Strokes are whatever differs from the background, judged by the border's typical shade.
    border = np.concatenate([grey[0], grey[-1], grey[:, 0], grey[:, -1]])
    ink = 255 - grey if np.median(border) > 127 else grey
    ink = np.clip(ink - np.percentile(ink, 5), 0, None)
    if ink.max() < 32:
        raise ValueError(f"The drawing is empty: draw {what} first.")
    rows, cols = np.nonzero(ink > 0.2 * ink.max())
    crop = ink[rows.min():rows.max() + 1, cols.min():cols.max() + 1]
    return crop / crop.max() * 255


def fit_box(crop: np.ndarray, box: int) -> np.ndarray:
    """Scale a float picture so its long side is ``box`` pixels, keeping its shape (float32)."""
    h, w = crop.shape
    factor = box / max(h, w)
    size = (max(1, round(w * factor)), max(1, round(h * factor)))
    return np.asarray(Image.fromarray(crop.astype(np.uint8)).resize(size, Image.Resampling.LANCZOS), np.float32)


def to_mnist_digit(image: Image.Image | np.ndarray, box: int = 20) -> np.ndarray:
    """Turn a drawing (any size and mode, dark or light background) into an MNIST-style digit.

    As MNIST was made: strokes white on black, the drawing's bounding box scaled to fit
    ``box`` x ``box`` pixels, then centred by its centre of mass in a 28x28 frame -> uint8 (28, 28).
    Raises ValueError when nothing was drawn.
    """
    small = fit_box(ink_crop(image), box)
    frame = np.zeros((28, 28), np.float32)
    top, left = (28 - small.shape[0]) // 2, (28 - small.shape[1]) // 2
    frame[top:top + small.shape[0], left:left + small.shape[1]] = small
    # Shift so the centre of mass sits at the centre, as in MNIST.
    total = frame.sum()
    cy, cx = (np.indices(frame.shape) * frame).reshape(2, -1).sum(axis=1) / total
    frame = np.roll(frame, (int(round(13.5 - cy)), int(round(13.5 - cx))), axis=(0, 1))
    return np.clip(frame, 0, 255).astype(np.uint8)
