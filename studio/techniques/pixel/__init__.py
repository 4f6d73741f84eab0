"""The per-pixel probabilistic model (textbook ch. 10, Program 10-1): a histogram per pixel, sampled independently."""

from studio.technique import Recipe, Technique

TECHNIQUE = Technique("pixel", recipes=(Recipe("pixel", f"{__name__}.recipe"),), tab=f"{__name__}.tab:build")
