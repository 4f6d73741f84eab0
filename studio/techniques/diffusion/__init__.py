"""A small diffusion model: noise to digits step by step, with a scrubber over the steps."""

from studio.technique import Recipe, Technique

TECHNIQUE = Technique("diffusion", recipes=(Recipe("diffusion", f"{__name__}.recipe"),),
                      tab=f"{__name__}.tab:build")
