"""Pix2Pix (lecture notes on conditional generation): outline to picture, U-Net against encoder-decoder, PatchGAN."""

from studio.technique import Recipe, Technique

TECHNIQUE = Technique("pix2pix", recipes=(Recipe("pix2pix", f"{__name__}.recipe"),),
                      tab=f"{__name__}.tab:build")
