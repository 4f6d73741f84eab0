"""The VAE tab's work (Keras book 12.4): the decoded grid, the latent map, walks, concept vectors,
the AE-vs-VAE comparison, samples from the prior, and retraining."""

from __future__ import annotations

import time

import numpy as np

from studio import data
from studio.media import imaging, plots
from studio.bundles import registry
from studio.bundles.cache import BundleCache, RecentDraws
from studio.checks import UserError
from studio.techniques.autoencoder.model import (
    interpolation_codes,  # the same walk as the autoencoder, to compare
)
from studio.techniques.vae import model as vae
from studio.techniques.vae.presets import NAME, load_inference
from studio.training.jobs import JobSpec, estimate_from_shipped
from studio.training.request import request

MAX_GRID = 40  # 40 x 40 = 1,600 decoded digits: a 1,120 px square picture
STEPS = 12  # frames of a walk
MAP_ZOOM = 6
MAX_RANGE = 100.0  # the grid's window; codes from N(0, I) lie within ±4, so this is generous
PRIOR_FOR_FID = 1000  # the model's readout (FID, class spread) uses this many prior samples of one seed


class VAEService:
    """Loads the VAE lazily (cached until its weights change); uses the autoencoder service for
    the shipped test digits and the zdim-2 autoencoder of the comparison."""

    def __init__(self, autoencoders) -> None:
        self.autoencoders = autoencoders
        self._models = BundleCache()
        self._draws = RecentDraws(size=64)  # a class's prior samples, for the readouts after them
        self._grids = RecentDraws(size=32)
        self._maps: dict[tuple, tuple[np.ndarray, plots.MapFrame]] = {}

    def model(self) -> vae.VAEInference:
        """The compiled inference wrapper of the active VAE weights."""
        return self._models.get(NAME, load_inference)

    def metadata(self) -> dict:
        """The active bundle's metadata."""
        return registry.load(NAME).metadata

    # --- code 12-29: the decoded grid --------------------------------------------------------------
    @staticmethod
    def grid_window(n: int, low: float, high: float, quantiles: bool) -> tuple[np.ndarray, np.ndarray]:
        """Validated grid coordinates (see ``vae.grid_coordinates``)."""
        n = int(n)
        if not 2 <= n <= MAX_GRID:
            raise UserError(f"The grid size must be between 2 and {MAX_GRID}.")
        if not quantiles and not float(low) < float(high):
            raise UserError("The range's lower end must be below its upper end.")
        if not quantiles and max(abs(float(low)), abs(float(high))) > MAX_RANGE:
            raise UserError(f"Keep the range within ±{MAX_RANGE:g}: the prior puts almost every code within ±3.")
        return vae.grid_coordinates(n, float(low), float(high), bool(quantiles))

    def decoded_grid(self, n: int, low: float, high: float, quantiles: bool) -> np.ndarray:
        """The n x n digits decoded over the window, in one batched call (uint8 picture)."""
        grid_x, grid_y = self.grid_window(n, low, high, quantiles)
        model = self.model()
        images = model.decode(vae.grid_points(grid_x, grid_y))
        return imaging.grid(images, cols=int(n), pad=0)

    def remembered_grid(self, n: int, low: float, high: float, quantiles: bool) -> tuple[np.ndarray, float]:
        """``decoded_grid`` and the milliseconds its decoding took, remembered per window and weights.

        A class asks for the same few grids again and again (every page load draws the default one,
        and a 30 x 30 grid is 900 decodes), so the tab reuses a recent answer with its measured time.
        """
        self.grid_window(n, low, high, quantiles)  # a bad window is refused before the cache

        def decode() -> tuple[np.ndarray, float]:
            start = time.perf_counter()
            picture = self.decoded_grid(n, low, high, quantiles)
            return picture, (time.perf_counter() - start) * 1e3

        return self._grids.get(NAME, (int(n), float(low), float(high), bool(quantiles)), decode)

    # --- the latent map ----------------------------------------------------------------------------
    def latent_codes(self) -> tuple[np.ndarray, np.ndarray]:
        """z_mean of the 1,000 shipped test digits, and their labels."""
        x, y = self.autoencoders.digits()
        return self.model().encode(x)[0], y

    def latent_map(self, window: tuple[tuple[float, float], tuple[float, float]] | None,
                   point: tuple[float, float] | None) -> tuple[np.ndarray, plots.MapFrame]:
        """Scatter of the test digits' z_mean by class, the grid's window outlined, ``point`` marked."""
        key = registry.version_key(NAME)
        if key not in self._maps:
            z, labels = self.latent_codes()
            limit = float(max(3.0, np.abs(z).max() * 1.05))
            self._maps = {key: plots.latent_scatter(z, labels, data.CLASS_NAMES["mnist"], (-limit, limit),
                                                    (-limit, limit))}
        picture, frame = self._maps[key]
        if window is not None:
            picture = plots.outline(picture, frame, *window)
        if point is not None:
            picture = plots.mark(picture, *frame.to_pixels(*point))
        return picture, frame

    def decode_point(self, z1: float, z2: float) -> np.ndarray:
        """One decoded point, enlarged."""
        image = self.model().decode(np.array([[z1, z2]], np.float32))[0]
        return image.repeat(MAP_ZOOM, axis=0).repeat(MAP_ZOOM, axis=1)

    # --- walks -------------------------------------------------------------------------------------
    def walk(self, index_a: int, index_b: int) -> tuple[np.ndarray, np.ndarray]:
        """Decoded frames on the line between two test digits' z_mean; (picture, frames)."""
        a, b = self.autoencoders.digit(index_a), self.autoencoders.digit(index_b)
        model = self.model()
        z = model.encode(np.stack([a, b]))[0]
        codes, alphas = interpolation_codes(z[0], z[1], STEPS)
        frames = model.decode(codes)
        return imaging.labelled_grid(frames, [f"alpha={t:.2f}" for t in alphas], cols=STEPS), frames

    def compare_with_autoencoder(self, index_a: int, index_b: int) -> np.ndarray:
        """The same interpolation decoded by the zdim-2 autoencoder (top) and by the VAE (bottom)."""
        a, b = self.autoencoders.digit(index_a), self.autoencoders.digit(index_b)
        ae_model = self.autoencoders.model("z2")
        z_ae = ae_model.encode(np.stack([a, b]))
        ae_frames = ae_model.decode(interpolation_codes(z_ae[0], z_ae[1], STEPS)[0])
        vae_frames = self.walk(index_a, index_b)[1]
        captions = [f"AE {t:.2f}" for t in np.arange(STEPS) / (STEPS - 1)]
        captions += [f"VAE {t:.2f}" for t in np.arange(STEPS) / (STEPS - 1)]
        return imaging.labelled_grid(np.concatenate([ae_frames, vae_frames]), captions, cols=STEPS)

    def concept_vector(self, class_from: int, class_to: int) -> np.ndarray:
        """mean z of class ``class_to`` minus mean z of class ``class_from`` over the shipped test digits."""
        z, labels = self.latent_codes()
        for k in (class_from, class_to):
            if not 0 <= int(k) <= 9:
                raise UserError("Classes are the digits 0 to 9.")
        return z[labels == int(class_to)].mean(axis=0) - z[labels == int(class_from)].mean(axis=0)

    def concept_walk(self, index: int, class_from: int, class_to: int, strength: float) -> tuple[np.ndarray, np.ndarray]:
        """Digit ``index`` pushed along the concept vector, z + t * v for t from 0 to ``strength``."""
        direction = self.concept_vector(class_from, class_to)
        model = self.model()
        z = model.encode(self.autoencoders.digit(index)[None])[0][0]
        steps = np.linspace(0.0, float(strength), STEPS)
        frames = model.decode(z[None, :] + steps[:, None] * direction[None, :])
        return imaging.labelled_grid(frames, [f"t={t:.2f}" for t in steps], cols=STEPS), frames

    # --- the prior ---------------------------------------------------------------------------------
    def prior_samples(self, n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
        """``n`` digits from z ~ N(0, I) as a grid, and those samples (the first ``n`` of ``seed``)."""
        n, seed = self._prior_request(n, seed)
        # kept for the judge's readout right after the click
        images = self._draws.get(NAME, (n, seed), lambda: self.model().sample_prior(n, seed))
        return imaging.grid(images, cols=10, scale=2), images

    @staticmethod
    def _prior_request(n, seed) -> tuple[int, int]:
        n, seed = int(n), int(seed)
        if not 1 <= n <= 100:
            raise UserError("Ask for between 1 and 100 samples.")
        if seed < 0:
            raise UserError("The seed must be zero or positive.")
        return n, seed

    def prior_readout(self, quality, n: int, seed: int):
        """The judge's readout after a click (a ``quality.Readout``): the model's FID and class spread
        over PRIOR_FOR_FID prior samples of the fixed seed ``quality.MODEL_SEED``, computed once per
        weights version for everyone, and the judge's classes of the ``n`` samples of ``seed`` shown.
        ``quality`` is a QualityService."""
        n, seed = self._prior_request(n, seed)
        _, shown = self.prior_samples(n, seed)
        return quality.readout(NAME, (), "mnist", None, shown, seed,
                               lambda s: self.model().sample_prior(PRIOR_FOR_FID, s))

    # --- training ----------------------------------------------------------------------------------
    def status(self) -> dict:
        """Which weights are in use and what they measured."""
        bundle = registry.load(NAME)
        return {"source": bundle.source, "created": bundle.metadata.get("created", "?"),
                "command": bundle.metadata.get("command", "?"), "metrics": bundle.metadata.get("metrics", {})}

    def training_job(self, epochs: int, keep_on_stop: bool) -> JobSpec:
        """The training job of the tab's Train button: ``epochs`` of the book's VAE into the user cache."""
        return JobSpec(request("vae", epochs=int(epochs)), f"VAE · {int(epochs)} epochs",
                       estimate_from_shipped(NAME, "epochs", int(epochs)), keep_on_stop)

    def use_shipped(self) -> dict:
        """Return to the shipped weights."""
        registry.set_active(NAME, registry.SHIPPED)
        return self.status()
