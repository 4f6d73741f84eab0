"""The DeepDream and style tabs' ready examples: made by ``python -m studio.train examples`` from the
shipped example pictures, so those tabs show a result at load. Recipe only, no tab of its own."""

from studio.technique import Recipe, Technique

TECHNIQUE = Technique("examples", recipes=(Recipe("examples", f"{__name__}.recipe"),))
