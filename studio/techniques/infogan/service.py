"""InfoGAN for a tab (lecture 000, Fig. 10-11): one sample answering c1, c2, c3 live, the figure's
code grids (rows c1, columns one continuous code from -2 to 2) with a GIF, and the matched digits."""

from __future__ import annotations

import numpy as np

from studio.training import epoch_jobs
from studio.media import imaging
from studio.bundles import registry
from studio.bundles.cache import BundleCache
from studio.checks import UserError, check_seed
from studio.training.epoch_jobs import epoch_job
from studio.techniques.infogan.presets import (
    BATCH_SIZE,
    CLASSROOM,
    CODE_RANGE,
    NAME,
    load_inference,
)
from studio.training.jobs import JobSpec

LIVE_ZOOM = 8  # one 28x28 sample drawn at 224 px
GRID_STEPS = 9  # columns of a code grid, from -2 to 2
GRID_ZOOM = 2
MAX_EPOCHS = 50


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
        return registry.installed(NAME)

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

    def digit_order(self) -> list[int]:
        """The c1 values sorted by the digit the judge matched them to (as Fig. 10-11's rows read 0 to 9)."""
        return self.matched_digits()["order"]

    def code_grid(self, code: str, seed) -> tuple[np.ndarray, np.ndarray]:
        """Fig. 10-11's grid for ``code`` ("c2" or "c3"): rows are the c1 values (in the order of their
        matched digits), columns the code from -2 to 2, one noise vector (``seed``).

        Returns (the grid picture, GIF frames (GRID_STEPS, H, W): at each code value, every c1 value's
        sample side by side, so the animation shows all digits leaning or thickening together)."""
        model = self.model()
        names = [f"c{i + 2}" for i in range(model.config.continuous)]
        if code not in names:
            raise UserError(f"Choose one of the continuous codes: {', '.join(names)}.")
        values = np.linspace(*CODE_RANGE, GRID_STEPS)
        images = model.code_grid(names.index(code), values, check_seed(seed))[self.digit_order()]  # (rows, steps, 28, 28)
        picture = imaging.grid(images.reshape(-1, 28, 28), cols=GRID_STEPS, scale=GRID_ZOOM)
        frames = np.stack([imaging.grid(images[:, step], cols=len(images)) for step in range(GRID_STEPS)])
        return picture, frames

    def matched_digits(self) -> dict:
        """The weights in use, the recorded naming of c1 values as digits, what the codes were measured to
        mean, and ``order``: the c1 values sorted by their matched digit (their own order when no matching
        was recorded). One verified read of the bundle (no TensorFlow) serves all of it."""
        bundle = registry.load(NAME)
        metrics = bundle.metadata.get("metrics", {})
        k = int(bundle.config.get("categories", 10))
        matched = metrics.get("c1_matched_digits")
        order = list(range(k)) if not matched or len(matched) != k else \
            sorted(range(k), key=lambda value: (matched[value] < 0, matched[value], value))
        return {"source": bundle.source, "command": bundle.metadata.get("command", "?"),
                "created": bundle.metadata.get("created", "?"), "metrics": metrics,
                "history": bundle.metadata.get("training", {}).get("history", {}), "order": order}

    # --- training ----------------------------------------------------------------------------------
    @staticmethod
    def training_job(epochs, keep_on_stop: bool, schedule: str = "lecture") -> JobSpec:
        """The Train button's job: ``epochs`` passes over MNIST with the paper's settings, or with
        ``schedule`` "classroom" the quick schedule (its own length; ``epochs`` unused)."""
        return epoch_job(NAME, "InfoGAN", epochs, keep_on_stop, schedule, CLASSROOM, BATCH_SIZE, MAX_EPOCHS)

    @staticmethod
    def use_shipped() -> None:
        """Return to the shipped InfoGAN weights."""
        epoch_jobs.use_shipped(NAME, "InfoGAN")
