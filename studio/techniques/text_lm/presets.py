"""The text bundles (Keras book 12.1): the IMDB word model and a student's own character model."""

from __future__ import annotations

import json

from studio.bundles import registry, weight_files
from studio.serving import runtime
from studio.techniques.text_lm import model as text_lm

NAME = "text_lm"
OWN_NAME = "text_own"
OWN_CONFIG = text_lm.TextLMConfig(vocab_size=2000, sequence_length=100, embed_dim=128, dense_dim=512,
                                  num_heads=2, level="char")
# How the weights may be stored (``--storage``): the ``int8_from`` of ``weight_files``. int8 stores the two
# vocabulary-sized matrices (token embedding, head kernel: 95% of the bytes) with a scale per word.
STORAGES = {"float16": None, "int8": 1_000_000}


def load_generator(bundle: registry.Bundle) -> text_lm.TextGenerator:
    """The compiled generator of a saved bundle (model + its vocabulary)."""
    runtime.import_tensorflow()
    config = text_lm.TextLMConfig(**bundle.config)
    vocabulary = json.loads(bundle.path("vocabulary.json").read_text(encoding="utf-8"))
    model = text_lm.make_language_model(config)
    weight_files.load_weights(model, bundle.path("model.weights.npz"))
    return text_lm.TextGenerator(model, text_lm.make_tokenizer(vocabulary, config.level))
