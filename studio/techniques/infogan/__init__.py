"""InfoGAN (textbook 10.5): codes that control digit, slant and width; shown as a sub-tab of the GAN tab."""

from studio.technique import Recipe, Technique

TECHNIQUE = Technique("infogan", recipes=(Recipe("infogan", f"{__name__}.recipe"),), tab=f"{__name__}.tab:build",
                      parent="gan")
