"""The variational autoencoder (Keras book 12.4): its latent grid, concept vectors and its comparison
with the autoencoders."""

from studio.technique import Recipe, Technique

TECHNIQUE = Technique("vae", recipes=(Recipe("vae", f"{__name__}.recipe"),), tab=f"{__name__}.tab:build")
