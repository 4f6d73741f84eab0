"""Input checks shared by every technique's service: one rule for seeds and counts, one error type.

A service knows nothing of Gradio: it raises ``UserError`` (or data / weights errors) with a
sentence for the student, and the app turns those into ``gr.Error`` pop-ups.
"""

import math

import numpy as np
from PIL import Image

from studio.media import imaging
from studio.training.schedules import SCHEDULES

# TensorFlow's stateless samplers take int32 seeds; every tab takes the same range.
MAX_SEED = 2**31 - 1


class UserError(ValueError):
    """Bad input from the user; the message is shown as it is."""


def quoted(text: str, limit: int = 40) -> str:
    """``text`` in quotes for an error message, cut to ``limit`` characters (a pasted novel must not
    come back as a 100,000-character pop-up)."""
    text = str(text)
    return f"'{text}'" if len(text) <= limit else f"'{text[:limit]}…' ({len(text):,} characters)"


def check_seed(seed) -> int:
    """A seed from a widget (int, float or string) as a whole number from 0 to MAX_SEED."""
    try:
        value = float(seed)
    except (TypeError, ValueError):
        raise UserError("The seed must be a whole number.") from None
    if not math.isfinite(value) or value < 0 or value != int(value):
        raise UserError("The seed must be a whole number, zero or more.")
    if value > MAX_SEED:
        raise UserError(f"The seed must be at most {MAX_SEED:,}.")
    return int(value)


def check_schedule(schedule) -> str:
    """A Train button's settings, "classroom" or "lecture" (``studio.training.schedules.SCHEDULES``), for every tab."""
    if schedule not in SCHEDULES:
        raise UserError(f"Unknown training settings {schedule!r}; choose one of {', '.join(SCHEDULES)}.")
    return schedule


def check_count(n, low: int, high: int, what: str) -> int:
    """A count between ``low`` and ``high`` (``what`` names it in the message: "samples")."""
    try:
        value = float(n)
    except (TypeError, ValueError):
        raise UserError(f"The number of {what} must be a whole number.") from None
    if not math.isfinite(value) or not low <= value <= high:
        raise UserError(f"Ask for between {low} and {high} {what}.")
    return int(value)


PHOTO_SIDE_LIMIT = 1024  # the largest working size a photo tab offers


def prepared_photo(image, max_side: int, limit: int = PHOTO_SIDE_LIMIT) -> np.ndarray:
    """Any picture (PIL or array; grey, RGBA, CMYK, palette; rotated by EXIF) as uint8 RGB whose longer
    side is at most ``max_side`` (itself between 64 and ``limit``), or a UserError; for the tabs that
    work on photos (DeepDream, style transfer)."""
    if image is None:
        raise UserError("Upload a picture or choose the example first.")
    max_side = int(max_side)
    if not 64 <= max_side <= limit:
        raise UserError(f"The working size must be between 64 and {limit} pixels.")
    try:
        picture = imaging.read_picture(image if isinstance(image, Image.Image) else
                                       Image.fromarray(np.asarray(image)), max_side)
    except imaging.UnreadableImage as exc:
        raise UserError(str(exc)) from None
    picture = imaging.on_white(picture)
    rgb = np.asarray(picture.convert("RGB"))
    if min(rgb.shape[:2]) < 32:
        raise UserError("The picture is too small: it needs at least 32 pixels on each side.")
    return rgb
