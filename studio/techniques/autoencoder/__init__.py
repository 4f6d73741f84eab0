"""Autoencoders (Program 10-2/10-3; lecture notes ch. 12): dense, convolutional and denoising, and
their latent space."""

from studio.technique import Recipe, Technique

TECHNIQUE = Technique("autoencoder", recipes=(Recipe("autoencoder", f"{__name__}.recipe"),),
                      tab=f"{__name__}.tab:build")
