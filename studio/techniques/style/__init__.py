"""Neural style transfer (Keras book 12.3): the optimised transfer and a one-pass network."""

from studio.technique import Technique

TECHNIQUE = Technique("style", recipes=(), tab=f"{__name__}.tab:build")
