"""DeepDream (Keras book 12.2): a picture pushed to excite a pretrained network's layers."""

from studio.technique import Technique

TECHNIQUE = Technique("deepdream", recipes=(), tab=f"{__name__}.tab:build")
