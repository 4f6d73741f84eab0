"""GANs (Program 10-4/10-5, lecture 8): DCGAN and the dense GAN; samples, walks, nearest neighbours,
"which is real?"."""

from studio.technique import Recipe, Technique

TECHNIQUE = Technique("gan", recipes=(Recipe("gan", f"{__name__}.recipe"),), tab=f"{__name__}.tab:build")
