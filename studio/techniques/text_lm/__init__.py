"""Text generation (Keras book 12.1): a language model sampled at a temperature, on IMDB reviews or your own text."""

from studio.technique import Recipe, Technique

TECHNIQUE = Technique("text_lm", tab=f"{__name__}.tab:build", recipes=(
    Recipe("text", f"{__name__}.recipe"),
    Recipe("text-own", f"{__name__}.recipe", help="OWN_HELP", options="OwnOptions", run="run_own"),
))
