"""The autoencoder tab's work: reconstruction, the two experiments of Program 10-2(b), the 2-D
latent map of Program 10-3, denoising, and retraining; all from shipped weights and shipped digits."""

from __future__ import annotations

import threading

import numpy as np

from studio import data
from studio.media import imaging, plots
from studio.bundles import registry
from studio.bundles.cache import BundleCache
from studio.checks import UserError
from studio.samples.presets import NAME as SAMPLES
from studio.techniques.autoencoder import model as ae
from studio.techniques.autoencoder.presets import VARIANTS, bundle_name, load_inference
from studio.texts import picture_text
from studio.training.jobs import JobSpec, estimate_from_shipped
from studio.training.request import request

STEPS = 20  # frames of the noise walk and of the interpolation, as the lecture
MAX_MAP_POINTS = 1000  # the shipped test digits
MAP_ZOOM = 6  # a decoded point is shown 6x enlarged


class AutoencoderService:
    """Loads each variant lazily (cached until its weights change) and answers the tab."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._models = BundleCache()
        self._digits: tuple[np.ndarray, np.ndarray] | None = None
        self._maps: dict[tuple, tuple[np.ndarray, plots.MapFrame]] = {}

    # --- weights and data ----------------------------------------------------------------------
    def model(self, variant: str) -> ae.AEInference:
        """The compiled inference wrapper of ``variant`` ("z32", "z2", "denoise", "denoise_dense")."""
        if variant not in VARIANTS:
            raise UserError(f"Unknown autoencoder {variant!r}.")
        return self._models.get(bundle_name(variant), load_inference)

    def metadata(self, variant: str) -> dict:
        """The active bundle's metadata (metrics, training record)."""
        return registry.load(bundle_name(variant)).metadata

    def digits(self) -> tuple[np.ndarray, np.ndarray]:
        """The shipped MNIST test digits (1000, 28, 28) and their labels."""
        with self._lock:
            if self._digits is None:
                bundle = registry.load(SAMPLES)
                with np.load(bundle.path("test_images.npz")) as f:
                    self._digits = (f["mnist_x"], f["mnist_y"])
            return self._digits

    def digit(self, index) -> np.ndarray:
        """Test digit ``index`` (x_test[index]), with a clear message when out of range."""
        x, _ = self.digits()
        try:
            i = int(index)
        except (TypeError, ValueError):
            raise UserError("A test-digit index must be a whole number.") from None
        if not 0 <= i < len(x):
            raise UserError(f"Test-digit index {i} is out of range: choose 0 to {len(x) - 1}.")
        return x[i]

    def label(self, index: int) -> int:
        """The true class of test digit ``index``."""
        return int(self.digits()[1][int(index)])

    # --- reconstruction --------------------------------------------------------------------------
    def reconstruct(self, indices: list[int], drawn: np.ndarray | None = None) -> tuple[np.ndarray, list[float]]:
        """Originals (top row) above their zdim-32 reconstructions (bottom row), and each MSE.

        ``drawn`` (an MNIST-style uint8 digit from the sketchpad) is added as the last column.
        """
        if not indices and drawn is None:
            raise UserError("Choose at least one test digit or draw one.")
        if len(indices) > 20:
            raise UserError("Show at most 20 digits at once.")
        originals = [self.digit(i) for i in indices] + ([drawn] if drawn is not None else [])
        originals = np.stack(originals)
        rebuilt, mse = self.model("z32").reconstruct(originals)
        picture = imaging.grid(np.concatenate([originals, rebuilt]), cols=len(originals), scale=3)
        return picture, [float(m) for m in mse]

    # --- Program 10-2(b) --------------------------------------------------------------------------
    def noise_walk(self, index: int, scale: float, variant: str = "z32",
                   lang: str = "en") -> tuple[np.ndarray, np.ndarray]:
        """Experiment 1: decode z + (i-10)/10 * scale for 20 steps; (picture captioned in ``lang``, frames)."""
        model = self.model(variant)
        z = model.encode(self.digit(index)[None])[0]
        codes, noises = ae.noise_walk_codes(z, float(scale), STEPS)
        frames = model.decode(codes)
        captions = [picture_text("ae.fig_noise", lang, noise=n) for n in noises]
        return imaging.labelled_grid(frames, captions, cols=10), frames

    def interpolation(self, index_a: int, index_b: int, variant: str = "z32") -> tuple[np.ndarray, np.ndarray]:
        """Experiment 2: decode the line between two digits' codes; (captioned picture, frames)."""
        model = self.model(variant)
        z = model.encode(np.stack([self.digit(index_a), self.digit(index_b)]))
        codes, alphas = ae.interpolation_codes(z[0], z[1], STEPS)
        frames = model.decode(codes)
        captions = [f"alpha={a:.3f}" for a in alphas]
        return imaging.labelled_grid(frames, captions, cols=10), frames

    @staticmethod
    def gif(frames: np.ndarray, name: str = "walk") -> str:
        """Write frames (enlarged 4x) to an animated GIF in the temp folder; returns its path."""
        return imaging.temp_gif(frames, name, duration_ms=150, scale=4)

    # --- Program 10-3: the 2-D latent map ---------------------------------------------------------
    def latent_points(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        """zdim-2 codes of the first ``n`` shipped test digits and their labels."""
        n = int(n)
        if not 10 <= n <= MAX_MAP_POINTS:
            raise UserError(f"Show between 10 and {MAX_MAP_POINTS} digits on the map.")
        x, y = self.digits()
        return self.model("z2").encode(x[:n]), y[:n]

    def latent_map(self, n: int, point: tuple[float, float] | None) -> tuple[np.ndarray, plots.MapFrame]:
        """The scatter of Program 10-3 (cached per n and weights) with ``point`` marked."""
        model_key = registry.version_key(bundle_name("z2"))
        key = (model_key, int(n))
        if key not in self._maps:
            z, labels = self.latent_points(n)
            pad = 0.08 * (z.max(axis=0) - z.min(axis=0))
            lo, hi = z.min(axis=0) - pad, z.max(axis=0) + pad
            self._maps[key] = plots.latent_scatter(z, labels, data.CLASS_NAMES["mnist"],
                                                   (float(lo[0]), float(hi[0])), (float(lo[1]), float(hi[1])))
        picture, frame = self._maps[key]
        if point is not None:
            picture = plots.mark(picture, *frame.to_pixels(*point))
        return picture, frame

    def decode_point(self, z1: float, z2: float) -> np.ndarray:
        """Decode one point of the 2-D latent plane, enlarged."""
        image = self.model("z2").decode(np.array([[z1, z2]], np.float32))[0]
        return image.repeat(MAP_ZOOM, axis=0).repeat(MAP_ZOOM, axis=1)

    # --- denoising -----------------------------------------------------------------------------
    def denoise(self, indices: list[int], noise_factor: float, seed: int) -> tuple[np.ndarray, dict]:
        """Rows: noisy input, conv denoiser, dense denoiser, clean digit; MSE of each against clean."""
        if not indices:
            raise UserError("Choose at least one test digit.")
        clean = np.stack([self.digit(i) for i in indices])
        noisy = ae.add_noise(clean, float(noise_factor), int(seed))
        conv = self.model("denoise").denoise(noisy)
        dense = self.model("denoise_dense").denoise(noisy)
        target = clean.astype(np.float32) / 255
        shown_noisy = imaging.to_uint8(np.clip(noisy, 0, 1))
        errors = {name: float(np.mean((rows.astype(np.float32) / 255 - target) ** 2))
                  for name, rows in (("noisy", shown_noisy), ("conv", conv), ("dense", dense))}
        picture = imaging.grid(np.concatenate([shown_noisy, conv, dense, clean]), cols=len(clean), scale=3)
        return picture, errors

    # --- training ------------------------------------------------------------------------------
    def status(self, variant: str) -> dict:
        """Which weights ``variant`` uses and what they measured."""
        bundle = registry.load(bundle_name(variant))
        return {"source": bundle.source, "created": bundle.metadata.get("created", "?"),
                "command": bundle.metadata.get("command", "?"), "metrics": bundle.metadata.get("metrics", {}),
                "epochs": bundle.metadata.get("training", {}).get("epochs_completed")}

    def training_job(self, variant: str, epochs: int, keep_on_stop: bool) -> JobSpec:
        """The training job of the tab's Train button: ``variant`` for ``epochs`` into the user cache."""
        if variant not in VARIANTS:
            raise UserError(f"Unknown autoencoder {variant!r}.")
        return JobSpec(request("autoencoder", variant=variant, epochs=int(epochs)),
                       f"autoencoder {variant} · {int(epochs)} epochs",
                       estimate_from_shipped(bundle_name(variant), "epochs", int(epochs)), keep_on_stop)

    def use_shipped(self, variant: str) -> dict:
        """Return ``variant`` to the shipped weights."""
        registry.set_active(bundle_name(variant), registry.SHIPPED)
        return self.status(variant)
