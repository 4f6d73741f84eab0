"""Recipes: what made a picture, written into the PNG or GIF a student downloads, and read back.

A recipe names the technique (``"vae.grid"``), its parameters (the seed among them), the model
bundles it used with the sha256 of their files, and the studio version. It travels three ways:

- inside the exported file: PNG text chunks (``studio-recipe`` holds the whole JSON; ``technique``,
  ``seed``, ``parameters``, ``models``, ``studio-version`` repeat it for image viewers), the GIF
  comment, or the first line of a text result (``save_text``: generated words, as a UTF-8 .txt);
- as one line of text under a result (``Recipe.line()``), which a student can copy;
- back into the studio: ``parse(text)`` accepts that line (or the JSON), ``read(path)`` a file, and
  ``studio.ui.kit.exports`` runs the technique again with the same parameters.

Numpy and Pillow only: no Gradio, no TensorFlow, no registry.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image, PngImagePlugin

from studio import __version__
from studio.media import imaging

PREFIX = "studio-recipe:"
KEY = "studio-recipe"


class RecipeError(ValueError):
    """Text or a file that holds no readable recipe; the message says what was expected."""


@dataclass(frozen=True)
class Recipe:
    """What made one picture. ``models`` maps bundle name -> {"source", "sha256": {file: digest}}."""

    technique: str
    params: dict
    models: dict = field(default_factory=dict)
    version: str = __version__

    @property
    def seed(self):
        """The seed among the parameters, if the technique takes one."""
        return self.params.get("seed")

    def to_json(self) -> str:
        """Compact, key-sorted JSON: the same recipe always gives the same text (and file bytes)."""
        return json.dumps({"technique": self.technique, "params": self.params, "seed": self.seed,
                           "models": self.models, "version": self.version},
                          sort_keys=True, ensure_ascii=False, separators=(",", ":"))

    def line(self) -> str:
        """The one-line form shown under a result and pasted back to reproduce it."""
        return f"{PREFIX} {self.to_json()}"

    def weights_match(self, models: dict) -> bool:
        """Whether ``models`` (as recorded now) are the same weights this recipe was made with."""
        return all(models.get(name, {}).get("sha256") == info.get("sha256") for name, info in self.models.items())


def parse(text: str) -> Recipe:
    """A recipe from its line or its JSON. (Never from a path typed in: a shared studio must not
    open files a visitor names; ``read`` takes the uploaded file instead.)"""
    text = (text or "").strip()
    if not text:
        raise RecipeError("Paste a recipe line (it starts with 'studio-recipe:') or drop an exported PNG/GIF.")
    start = text.find("{")
    try:  # NaN / Infinity are JSON to Python but never a studio parameter
        record = json.loads(text[start:], parse_constant=_no_constants) if start >= 0 else None
    except ValueError:
        record = None
    if not isinstance(record, dict) or not isinstance(record.get("technique"), str) or \
            not isinstance(record.get("params"), dict):
        raise RecipeError("This is not a studio recipe: copy the whole line that starts with 'studio-recipe:'.")
    return Recipe(record["technique"], record["params"], record.get("models") or {},
                  record.get("version") or "?")


def _no_constants(name: str):
    raise ValueError(f"{name} is not a parameter value")


def read(path: str | Path) -> Recipe:
    """The recipe inside an exported PNG (text chunk), GIF (comment) or text result (first line)."""
    try:
        with Image.open(path, formats=("PNG", "GIF")) as image:
            text = getattr(image, "text", {}).get(KEY) or image.info.get(KEY)
            comment = image.info.get("comment")
    except Exception as exc:  # noqa: BLE001 - any unreadable file gets the same sentence
        line = _first_line(path)
        if line is None:
            raise RecipeError("That file is not a PNG or GIF (or .txt) exported by the studio.") from exc
        return parse(line)
    if text is None and comment:
        text = comment.decode("utf-8", "replace") if isinstance(comment, bytes) else str(comment)
    if not text:
        raise RecipeError("That picture carries no studio recipe (was it exported by the studio?).")
    return parse(text)


# A text result's recipe line is short next to this (its longest parameter is a 2,000-character prompt).
MAX_RECIPE_LINE = 64_000


def _first_line(path: str | Path) -> str | None:
    """The recipe line heading a text result written by ``save_text``, or None for any other file."""
    try:
        with open(path, "rb") as f:
            head = f.read(MAX_RECIPE_LINE)
    except OSError:
        return None
    line = head.split(b"\n", 1)[0].decode("utf-8", "replace")
    return line if line.startswith(PREFIX) else None


def save_text(body: str, recipe: Recipe, path: str | Path | None = None) -> str:
    """Write a text result (e.g. generated words) as UTF-8: the recipe line, a blank line, then ``body``.
    A fresh content-named file in the export folder when ``path`` is None. Returns the path."""
    data = f"{recipe.line()}\n\n{body}".encode("utf-8")
    if path is None:
        return imaging.export_file(f"{_file_stem(recipe)}.txt", lambda f: f.write(data))
    Path(path).write_bytes(data)
    return str(path)


def text_body(path: str | Path) -> str:
    """The result in a text file written by ``save_text`` (what follows the recipe line)."""
    return Path(path).read_text(encoding="utf-8").split("\n", 2)[-1]


def png_info(recipe: Recipe) -> PngImagePlugin.PngInfo:
    """PNG text chunks: the whole recipe, and its fields one by one for image viewers."""
    info = PngImagePlugin.PngInfo()
    info.add_itxt(KEY, recipe.to_json())
    info.add_itxt("technique", recipe.technique)
    info.add_itxt("seed", json.dumps(recipe.seed))
    info.add_itxt("parameters", json.dumps(recipe.params, sort_keys=True, ensure_ascii=False))
    info.add_itxt("models", json.dumps(recipe.models, sort_keys=True))
    info.add_itxt("studio-version", recipe.version)
    info.add_text("Software", f"Generative Studio {recipe.version}")
    return info


# zlib level 3 writes a 30 x 30 digit grid in half the time of the default 6, about 6% larger:
# every picture a tab shows is written once, so this is server CPU a class shares.
PNG_COMPRESSION = 3


def save_png(image, recipe: Recipe, path: str | Path | None = None) -> str:
    """Write ``image`` (uint8 array or PIL) as a PNG carrying ``recipe``; a fresh temporary file
    named after the technique when ``path`` is None. Returns the path."""
    picture = image if isinstance(image, Image.Image) else Image.fromarray(np.asarray(image))
    if path is None:  # a download: content-named in the studio's export folder (see imaging.export_file)
        return imaging.export_file(f"{_file_stem(recipe)}.png",
                                   lambda f: picture.save(f, format="PNG", pnginfo=png_info(recipe),
                                                          compress_level=PNG_COMPRESSION))
    picture.save(path, format="PNG", pnginfo=png_info(recipe), compress_level=PNG_COMPRESSION)
    return str(path)


def gif_comment(recipe: Recipe) -> bytes:
    """The GIF comment extension for ``recipe`` (GIF has no text chunks; its comment holds the line)."""
    return recipe.line().encode("utf-8")


def _file_stem(recipe: Recipe) -> str:
    seed = f"_seed{recipe.seed}" if recipe.seed is not None and len(str(recipe.seed)) <= 20 else ""
    return recipe.technique.replace(".", "_") + seed
