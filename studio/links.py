"""A result as a link: the recipe of a result in a URL's query, compact, and read back with checks.

``?r=`` holds URL-safe base64 (no padding) of the recipe's compact JSON: technique, parameters,
studio version and a short digest of the weights (``w``: 12 hex characters of a sha256 over the
recipe's file digests), not the file digests themselves, so a link stays short. Reading a link
gives one clear sentence for a truncated or edited link, and never runs anything: the caller runs
the registered function of the technique, with the parameters checked as a click's are.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

from studio import __version__
from studio.bundles.provenance import Recipe, RecipeError

QUERY_KEY = "r"
MAX_LINK_CHARS = 8_000  # browsers and chat programs cut longer links; a 2,000-character prompt fits


def weights_digest(models: dict) -> str:
    """12 hex characters naming the weights a recipe was made with (bundle names and file digests)."""
    summary = json.dumps({name: info.get("sha256", {}) for name, info in sorted(models.items())}, sort_keys=True)
    return hashlib.sha256(summary.encode()).hexdigest()[:12]


def query_of(recipe: Recipe) -> str:
    """The ``r=...`` query part that carries ``recipe``."""
    return query_for(recipe.technique, recipe.params, weights_digest(recipe.models), recipe.version)


def query_for(technique: str, params: dict, weights: str, version: str = __version__) -> str:
    """The ``r=...`` query part of a result named by its parts (a lecture plan's step keeps them as words)."""
    record = {"t": technique, "p": params, "v": version, "w": weights}
    packed = json.dumps(record, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()
    return urlencode({QUERY_KEY: base64.urlsafe_b64encode(packed).decode().rstrip("=")})


def link_of(recipe: Recipe, page_url: str) -> str:
    """The link to ``recipe`` on the page at ``page_url`` (the address the browser is using, so a link
    made through a share link or a LAN address works from there); any query or fragment is replaced."""
    scheme, host, path, _, _ = urlsplit(page_url)
    return urlunsplit((scheme, host, path or "/", query_of(recipe), ""))


class LinkedRecipe:
    """What a link asks for: the technique, its parameters, the studio version and weights digest."""

    def __init__(self, technique: str, params: dict, version: str, weights: str) -> None:
        self.technique, self.params, self.version, self.weights = technique, params, version, weights

    def same_weights(self, models: dict) -> bool:
        """Whether ``models`` (the recipe of the result made now) are the weights the link was made with."""
        return weights_digest(models) == self.weights


def is_link(text: str) -> bool:
    """Whether ``text`` is meant as a link (an address, or a query with the result in it)."""
    text = text.strip()
    return "://" in text.split("{", 1)[0] or text.startswith(("?", QUERY_KEY + "="))


def read_link(text: str) -> LinkedRecipe:
    """The recipe in a link (the whole URL, or its query); a ``RecipeError`` with one sentence if it
    is not one, or was cut or edited."""
    text = (text or "").strip()
    if len(text) > MAX_LINK_CHARS:
        raise RecipeError(f"This link is longer than a studio link can be ({len(text):,} characters).")
    query = urlsplit(text).query if "://" in text else text.lstrip("?")
    values = parse_qs(query).get(QUERY_KEY)
    if not values:
        raise RecipeError("This link holds no studio result (its address has no '?r=' part).")
    encoded = values[0]
    try:
        record = json.loads(base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise RecipeError("This link was cut short or changed: copy the whole link again.") from None
    if not (isinstance(record, dict) and isinstance(record.get("t"), str) and isinstance(record.get("p"), dict)
            and isinstance(record.get("w"), str)):
        raise RecipeError("This link was cut short or changed: copy the whole link again.")
    return LinkedRecipe(record["t"], record["p"], str(record.get("v", "?")), record["w"])
