"""The IMDB reviews the text model learns from (Keras book section 12.1), split into the reviews it trains
on and those it is measured on. Only the text recipe reads them, so the split lives here; ``studio.data``
finds the reviews (offline first) and cleans them."""

from __future__ import annotations

import numpy as np

from studio import data


def load_imdb_texts(validation: float = 0.1, seed: int = 0) -> tuple[list[str], list[str]]:
    """The 25,000 IMDB training reviews as (train texts, validation texts), ``<br />`` removed.

    The split is a fixed shuffle by ``seed``: the last ``validation`` share is held out, so the
    language model and its bigram baseline are measured on the same unseen reviews. Looks in the
    data folder (``imdb_reviews.tsv.gz``), then Keras's cache (``aclImdb/train/{pos,neg}/*.txt``),
    then downloads the book's archive through Keras (unless ``STUDIO_NO_DOWNLOAD=1``).
    """
    if not 0.0 < validation < 1.0:
        raise ValueError("The validation share must be between 0 and 1.")
    texts = list(data.imdb_reviews())
    order = np.random.default_rng(seed).permutation(len(texts))
    cut = len(texts) - max(1, round(len(texts) * validation))
    return [texts[i] for i in order[:cut]], [texts[i] for i in order[cut:]]
