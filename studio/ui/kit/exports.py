"""Reproducible exports for every tab, with one decorator.

A tab decorates the function that draws a result picture::

    @exports.reproducible("vae.grid", models=["vae"])
    def grid_picture(n, low, high, quantiles):
        return service.decoded_grid(n, low, high, quantiles)      # a uint8 array

Calling ``grid_picture(...)`` then returns the path of a PNG carrying the recipe (technique, the
call's arguments by name, seed included, the bundles' sha256 and the studio version); give that path
to a ``gr.Image`` output and its download button hands out the stamped file. ``line_of(path)``
gives the recipe line to print under the result, ``gif(frames, name, path)`` stamps an animation
with the recipe of the picture it belongs to, and the app's recipe panel calls ``reproduce(text, file)``,
which runs the registered function again with the recorded arguments: for a seeded, deterministic
technique the PNG comes back byte for byte.

``models`` names the registry bundles the picture depends on, or is a function of the call's
arguments returning those names (e.g. the autoencoder variant chosen). Techniques whose input is an
upload (DeepDream, style transfer) use ``stamp(...)`` instead: their recipe records the upload's
sha256, and reproducing them needs the same picture, so they are not registered for ``reproduce``.

Results that are words, not pictures (the text tab's generations), use ``reproducible(..., text=True)``:
the function returns a string and the call returns the path of a UTF-8 ``.txt`` whose first line is
the recipe line (``provenance.save_text``); ``line_of``, ``reproduce`` and the recipe panel take it
like a PNG, and a seeded generation comes back byte for byte.
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import logging
import threading
from collections.abc import Callable, Sequence

import numpy as np

from studio import links
from studio.media import imaging
from studio.bundles import provenance, registry
from studio.serving import results
from studio.checks import UserError
from studio.bundles.provenance import Recipe, RecipeError

# technique -> (drawing function, models): filled as the tabs are built.
_TECHNIQUES: dict[str, tuple[Callable, object]] = {}
# bundle -> (registry.version_key, description): files are hashed once per version of the weights,
# not on every slider move.
_DESCRIBED: dict[str, tuple[tuple, dict]] = {}
_LOCK = threading.Lock()


def describe_models(names: Sequence[str]) -> dict:
    """{bundle: {"source": "shipped"|"user", "sha256": {file: digest}}} for the active weights."""
    described = {}
    for name in names:
        version = registry.version_key(name)
        with _LOCK:
            cached = _DESCRIBED.get(name)
        if cached is None or cached[0] != version:
            bundle = registry.load(name)  # verifies every file against its recorded sha256
            cached = (version, {"source": bundle.source, "sha256": bundle.metadata.get("files", {})})
            with _LOCK:
                _DESCRIBED[name] = cached
        described[name] = cached[1]
    return described


def _plain(value):
    if isinstance(value, np.generic):
        return value.item()
    return value


def reproducible(technique: str, models: Sequence[str] | Callable[..., Sequence[str]] = (), text: bool = False):
    """Decorator: the function's picture comes back as a recipe-carrying PNG path (a returned tuple
    ``(picture, *extras)`` comes back as ``(path, *extras)``), and ``reproduce`` can run it again.
    Its arguments must be JSON values (what Gradio hands a handler). With ``text=True`` the function
    returns a string instead of a picture, written as a recipe-headed ``.txt``."""
    save = provenance.save_text if text else provenance.save_png

    def decorate(fn: Callable) -> Callable:
        signature = inspect.signature(fn)

        def recipe(*args, **kwargs) -> Recipe:
            bound = signature.bind(*args, **kwargs)
            bound.apply_defaults()
            params = {name: _plain(value) for name, value in bound.arguments.items()}
            return Recipe(technique, params, describe_models(models(**params) if callable(models) else models))

        def draw(made: Recipe):
            result = fn(**made.params)
            if isinstance(result, tuple):  # (picture, extras...): extras (frames, errors) pass through
                return (save(result[0], made), *result[1:])
            return save(result, made)

        @functools.wraps(fn)
        def stamped(*args, **kwargs):
            made = recipe(*args, **kwargs)
            _made(technique, made)
            # A recipe is a pure function of its arguments and weights: every page, click and link
            # that asks for the same one is served the same file, made once.
            versions = tuple((name, registry.version_key(name)) for name in sorted(made.models))
            key = ("reproducible", technique, results.fingerprint(made.params), versions)
            return results.SHARED.get(key, lambda: draw(made))

        _TECHNIQUES[technique] = (stamped, models)
        stamped.technique = technique
        stamped.recipe = recipe  # the recipe of a call, without drawing (for a line under a result)
        return stamped

    return decorate


class UploadNeeded(UserError):
    """A link or recipe to a result made from an upload the studio does not have: the settings can be
    set on the result's tab (``recipe``), but the picture must come from the user."""

    def __init__(self, message: str, recipe: Recipe) -> None:
        super().__init__(message)
        self.recipe = recipe


# Results made from uploads (DeepDream, style transfer): technique -> rerun(params) giving the stamped
# result again when the recorded inputs are the studio's own example pictures, else None.
_FROM_EXAMPLES: dict[str, Callable[[dict], str | None]] = {}


def rerun_from_examples(technique: str, rerun: Callable[[dict], str | None]) -> None:
    """Let links and recipes of ``technique`` (made with ``stamp(..., uploads=...)``) re-run when their
    inputs' recorded sha256 are those of the studio's example pictures: ``rerun(params)`` returns the
    stamped result's path, or None when the inputs were the user's own."""
    _FROM_EXAMPLES[technique] = rerun


# Results that belong to one session (the "which is real?" round): a link to one opens a new one on its
# tab and never carries or shares the round itself.
_SESSION_LINKS: set[str] = set()


def session_link(technique: str) -> None:
    """Let links to ``technique`` open a fresh per-session result (its tab's ``LinkTarget``) rather than
    re-run a shared recipe."""
    _SESSION_LINKS.add(technique)


def opens_fresh(technique: str) -> bool:
    """Whether a link to ``technique`` opens a fresh per-session result (``session_link``)."""
    return technique in _SESSION_LINKS


def link_line(technique: str, params: dict) -> str:
    """The link line alone (no recipe: there is nothing to re-run), e.g. to a new round of a game."""
    recipe = Recipe(technique, params, {})
    _made(technique, recipe)
    return f"<span class=\"studio-link\">🔗 [링크 · link](?{links.query_of(recipe)})</span>"


# Told of every result as it is made, as (technique, its link "?r=..."): the class session, which
# sends the lecturer's results to the students' pages (studio.ui.kit.class_kit).
RESULT_LISTENERS: list[Callable[[str, str], None]] = []


def _made(technique: str, recipe: Recipe) -> None:
    for listener in RESULT_LISTENERS:
        try:
            listener(technique, "?" + links.query_of(recipe))
        except Exception:  # noqa: BLE001 - telling the class must never cost the lecturer the result
            logging.getLogger("studio").exception("A result could not be sent to the class")


def sha256_of(array) -> str:
    """The sha256 that ``stamp`` records for an input picture."""
    return hashlib.sha256(np.ascontiguousarray(array).tobytes()).hexdigest()


def stamp(picture, technique: str, params: dict, models: Sequence[str] = (), uploads: dict | None = None) -> str:
    """A recipe-carrying PNG for a picture that cannot be re-run from parameters alone (its input is
    an upload): ``uploads`` maps input names to arrays, recorded by sha256."""
    params = {k: _plain(v) for k, v in params.items()}
    for name, array in (uploads or {}).items():
        params[f"{name}_sha256"] = sha256_of(array)
    return provenance.save_png(picture, Recipe(technique, params, describe_models(models)))


def line_of(path_or_recipe) -> str:
    """The link to a stamped PNG's result (or a Recipe's) and its recipe, for the text under the result.

    The link comes first, on a small line of its own (the page adds a copy button beside it,
    ``studio.ui.frame.link_button``); the recipe line (to paste into the Reproduce panel) is folded away
    under a small "recipe" summary, so the result and its explanation come first.
    """
    recipe = path_or_recipe if isinstance(path_or_recipe, Recipe) else provenance.read(path_or_recipe)
    # The link is relative (?r=...): the browser completes it with the address it is using, so it
    # works through a share link or a LAN address alike.
    return (f"<span class=\"studio-link\">🔗 [링크 · link](?{links.query_of(recipe)})</span>\n\n"
            f"<details class=\"studio-recipe\"><summary>레시피 · recipe</summary>\n\n"
            f"```\n{recipe.line()}\n```\n\n</details>")


def gif(frames, name: str, picture_path: str, duration_ms: int = 200, scale: int = 1) -> str:
    """An animated GIF whose comment carries the recipe of the stamped picture it goes with."""
    comment = provenance.gif_comment(provenance.read(picture_path))
    return imaging.temp_gif(frames, name, duration_ms=duration_ms, scale=scale, comment=comment)


def reruns(technique: str) -> bool:
    """Whether ``technique``'s results re-run from their recipe alone (not a fresh per-session result such as a
    game round, nor one made from an upload or the studio's example pictures)."""
    return technique in _TECHNIQUES


def recipe_of(technique: str, params: dict) -> Recipe:
    """The recipe of a registered technique's call with ``params`` (defaults filled in), without drawing:
    its ``models`` say which weights it would use now. ``TypeError`` for parameters it does not take."""
    return _TECHNIQUES[technique][0].recipe(**params)


def parameters_of(technique: str) -> list[str]:
    """The parameter names of a registered technique's function (what its recipes and links carry)."""
    return list(inspect.signature(_TECHNIQUES[technique][0]).parameters)


def reproduce(text: str | None = None, file: str | None = None) -> tuple[str, Recipe, bool]:
    """Run the recipe in ``text`` (its line, its JSON, or a studio link) or in the uploaded exported
    ``file`` again.

    Returns (stamped PNG path, or .txt for a text result; the recipe; whether the weights in use are the
    recorded ones). For a link the recipe is that of the result made now (a link records only a
    digest of the weights).
    """
    text = (text or "").strip()
    try:
        if text and links.is_link(text):
            linked = links.read_link(text)
            path = _run(Recipe(linked.technique, linked.params, {}, linked.version))
            made = provenance.read(path)
            return path, made, linked.same_weights(made.models)
        recipe = provenance.read(file) if file and not text else provenance.parse(text)
    except RecipeError as exc:
        raise UserError(str(exc)) from None
    path = _run(recipe)
    return path, recipe, recipe.weights_match(provenance.read(path).models)


def _run(recipe: Recipe) -> str:
    """The registered function of ``recipe.technique`` called with its parameters: the result's path."""
    if recipe.technique in _FROM_EXAMPLES:
        path = _FROM_EXAMPLES[recipe.technique](dict(recipe.params))
        if path is None:
            raise UploadNeeded("This result was made from a picture of its maker's own, which a link does not "
                               "carry: its settings are set on its tab; upload the picture there to make it again.",
                               recipe)
        return path
    entry = _TECHNIQUES.get(recipe.technique)
    if entry is None:
        known = ", ".join(sorted(_TECHNIQUES)) or "none"
        raise UserError(f"The studio cannot re-run '{recipe.technique}' from a recipe (it needs its uploaded "
                        f"picture, or that tab is not here). Techniques it can re-run: {known}.")
    function, _ = entry
    try:
        path = function(**recipe.params)
    except UserError:
        raise
    except (TypeError, ValueError, OverflowError) as exc:  # parameters of another version, or edited
        raise UserError(f"This recipe's parameters do not fit '{recipe.technique}' of this studio version "
                        f"({exc}).") from None
    return path[0] if isinstance(path, tuple) else path
