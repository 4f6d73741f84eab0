"""The conditional GAN (lecture notes on conditional generation): a digit chosen by its label."""

from studio.technique import Recipe, Technique

TECHNIQUE = Technique("cgan", recipes=(Recipe("cgan", f"{__name__}.recipe"),), tab=f"{__name__}.tab:build")
