"""The colour DCGAN (Deep Learning with Python 12.5): 64x64 colour pictures from noise, trained on
OpenMoji's faces or a student's own pictures; shown as a sub-tab of the GAN tab."""

from studio.technique import Recipe, Technique

TECHNIQUE = Technique("colour_gan", recipes=(Recipe("colour-gan", f"{__name__}.recipe"),), tab=f"{__name__}.tab:build",
                      parent="gan")
