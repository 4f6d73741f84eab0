"""InfoGAN for a tab (lecture 000, Fig. 10-11): one sample answering c1, c2, c3 live, the figure's
code grids (rows c1, columns one continuous code from -2 to 2) with a GIF, and the matched digits."""

from __future__ import annotations

import numpy as np

from studio import imaging, registry
from studio.bundles.cache import BundleCache
from studio.bundles.infogan import CODE_RANGE, NAME, load_inference
from studio.services import UserError
from studio.services.gan import check_seed  # one rule for seeds in the GAN tab and its InfoGAN part

LIVE_ZOOM = 8  # one 28x28 sample drawn at 224 px
GRID_STEPS = 9  # columns of a code grid, from -2 to 2
def _code_value(value, name: str) -> float:
    low, high = CODE_RANGE
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise UserError(f"{name} must be a number between {low:g} and {high:g}.") from None
    if not low <= v <= high:  # NaN fails this too
        raise UserError(f"{name} must be a number between {low:g} and {high:g}.")
    return v


class InfoGANService:
    """Loads the InfoGAN generator lazily (cached until its weights change)."""

    def __init__(self) -> None:
        self._models = BundleCache()

    @staticmethod
    def available() -> bool:
        """Whether InfoGAN weights exist (shipped or trained): the tab shows only then."""
        return registry.exists(NAME, registry.active_source(NAME))

    def model(self):
        """The traced generator of the active weights."""
        return self._models.get(NAME, load_inference)

    def _category(self, category) -> int:
        k = self.model().config.categories
        try:
            value = int(category)
        except (TypeError, ValueError):
            raise UserError(f"c1 must be one of 0 to {k - 1}.") from None
        if not 0 <= value < k or value != category:
            raise UserError(f"c1 must be one of 0 to {k - 1}.")
        return value

    def live(self, category, c2, c3, seed) -> np.ndarray:
        """One sample for code (c1, c2, c3) and the noise of ``seed``, enlarged for the projector."""
        model = self.model()
        rng = np.random.default_rng(check_seed(seed))
        noise = rng.standard_normal((1, model.config.noise_dim)).astype(np.float32)
        continuous = np.zeros((1, model.config.continuous), np.float32)
        for i, value in enumerate((c2, c3)[: model.config.continuous]):
            continuous[0, i] = _code_value(value, f"c{i + 2}")
        image = model.decode(noise, self._category(category), continuous)[0]
        return imaging.grid(image[None], cols=1, pad=0, scale=LIVE_ZOOM)

    def code_grid(self, code: str, seed) -> tuple[np.ndarray, np.ndarray]:
        """Fig. 10-11's grid for ``code`` ("c2" or "c3"): rows c1 = 0..9, columns the code from -2 to 2,
        one noise vector (``seed``). Returns (picture, frames (GRID_STEPS, rows, 28, 28) for a GIF)."""
        model = self.model()
        names = [f"c{i + 2}" for i in range(model.config.continuous)]
        if code not in names:
            raise UserError(f"Choose one of the continuous codes: {', '.join(names)}.")
        values = np.linspace(*CODE_RANGE, GRID_STEPS)
        images = model.code_grid(names.index(code), values, check_seed(seed))  # (rows, steps, 28, 28)
        picture = imaging.grid(images.reshape(-1, 28, 28), cols=GRID_STEPS, scale=2)
        return picture, images.transpose(1, 0, 2, 3)

    def matched_digits(self) -> dict:
        """The recorded naming of c1 values as digits and what the codes were measured to mean."""
        bundle = registry.load(NAME)
        return {"source": bundle.source, "command": bundle.metadata.get("command", "?"),
                "metrics": bundle.metadata.get("metrics", {})}
