"""The cGAN tab's work (lecture 004): samples of a chosen digit, the digit x noise table, label
morphs, the judge's verdict on each, and retraining."""

from __future__ import annotations

import math

import numpy as np

from studio.serving import batching, runtime
from studio.media import imaging
from studio.bundles import registry
from studio.bundles.cache import BundleCache, RecentDraws
from studio.checks import UserError, check_schedule, check_seed
from studio.techniques.cgan import model as cgan
from studio.techniques.cgan.presets import (
    CLASSROOM,
    NOISE_SCALE,
    VARIANTS,
    WEIGHTS_FILE,
    bundle_name,
    load_generator,
)
from studio.training.jobs import JobSpec, estimate_from_shipped
from studio.training.request import request

DEFAULT_VARIANT = "conv"  # the cDCGAN: it meets the 99% label-agreement target; "dense" is the lecture's
MAX_SAMPLES = 100
JUDGED_SAMPLES = 1000  # the model's readout (agreement, FID per digit) uses this many of one fixed seed
TABLE_COLS = 10
MORPH_STEPS = 11  # t = 0, 0.1, ... 1
SCALE = 2  # 28 px digits shown at 56 px
MIN_SCALE, MAX_SCALE = 0.0, 2.0  # z ~ N(0, scale^2 I); 0 = the mean noise for every sample


def checked_bundle(variant) -> str:
    """The registry name of ``variant`` ("conv" or "dense"); one sentence for any other name (a pasted
    recipe or a link is edited text)."""
    if variant not in VARIANTS:
        raise UserError(f"Unknown cGAN model {variant!r}; choose one of {', '.join(VARIANTS)}.")
    return bundle_name(variant)


def check_digit(value, what: str = "The digit") -> int:
    """A digit 0-9 from a widget value (int, float or string), or a UserError."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise UserError(f"{what} must be one of 0 to 9.") from None
    if not math.isfinite(number) or number != int(number) or not 0 <= number <= 9:
        raise UserError(f"{what} must be one of 0 to 9.")
    return int(number)


def check_blend(value) -> float:
    """A label blend t in [0, 1], or a UserError."""
    try:
        t = float(value)
    except (TypeError, ValueError):
        raise UserError("The blend must be a number between 0 and 1.") from None
    if not math.isfinite(t) or not 0.0 <= t <= 1.0:
        raise UserError("The blend must be between 0 (the first digit) and 1 (the second).")
    return t


def check_scale(value) -> float:
    """A noise scale in [MIN_SCALE, MAX_SCALE], or a UserError."""
    try:
        scale = float(value)
    except (TypeError, ValueError):
        raise UserError("The noise scale must be a number.") from None
    if not math.isfinite(scale) or not MIN_SCALE <= scale <= MAX_SCALE:
        raise UserError(f"The noise scale must be between {MIN_SCALE:g} and {MAX_SCALE:g}.")
    return scale


class CGANService:
    """Loads each variant's generator lazily (cached until its weights change) and answers the tab."""

    def __init__(self) -> None:
        self._models = BundleCache()
        # The samples of recent clicks, for the judge's readout that follows each click (a class's
        # clicks are all drawn before their readouts, so it keeps more than a class's worth).
        self._shown = RecentDraws(size=64)
        self._burst = batching.Coalescer()  # students sampling at the same moment share one call of the generator

    def model(self, variant: str = DEFAULT_VARIANT) -> cgan.CGANInference:
        """The compiled generator of ``variant`` ("conv" or "dense")."""
        return self._models.get(checked_bundle(variant), self._build)

    @staticmethod
    def _build(bundle: registry.Bundle) -> cgan.CGANInference:
        runtime.import_tensorflow()
        config = cgan.CGANConfig(**bundle.config)
        inference = cgan.CGANInference(load_generator(config, bundle.path(WEIGHTS_FILE)), config)
        inference.table(TABLE_COLS, 0)  # trace now, not on a student's first table
        return inference

    # --- a row of one digit (the lecture's last cell: number = 3, ten samples) ---------------------
    def samples(self, variant: str, digit, n, seed, noise_scale=NOISE_SCALE) -> tuple[np.ndarray, np.ndarray]:
        """``n`` samples of ``digit`` as a picture, and those samples.

        Noise is z ~ N(0, noise_scale^2 I); the shipped metrics use NOISE_SCALE (1, as in training) and 0.7.

        The shown samples are the first ``n`` of ``judged_draw`` of the same seed; the judge's readout
        (``readout``) reads these and reports the model's figures on a fixed seed.
        """
        digit, seed, scale = check_digit(digit), check_seed(seed), check_scale(noise_scale)
        n = int(n)
        if not 1 <= n <= MAX_SAMPLES:
            raise UserError(f"Ask for between 1 and {MAX_SAMPLES} samples.")
        # Students asking at the same moment are drawn in one call of the generator (the same bytes as alone).
        images = self._burst(variant, (digit, n, seed, scale), lambda requests: self._draw_many(variant, requests))
        self._shown.put(bundle_name(variant), (digit, n, seed, scale), images)
        return imaging.grid(images, cols=10, scale=SCALE), images

    def first_sample(self, variant: str, digit, seed, noise_scale=NOISE_SCALE) -> np.ndarray:
        """The first sample of ``digit`` and ``seed`` (the first of its grid), drawn at once rather than in
        the next burst: a class's wall must not wait behind thirty students' grids."""
        digit, seed, scale = check_digit(digit), check_seed(seed), check_scale(noise_scale)
        return self._draw_many(variant, [(digit, 1, seed, scale)])[0][0]

    def judged_draw(self, variant: str, digit, seed, noise_scale=NOISE_SCALE) -> np.ndarray:
        """The JUDGED_SAMPLES samples of ``digit`` and ``seed`` (the first ones are those ``samples``
        shows), in chunks that give way to clicks: what the model's readout measures, for the fixed
        seed only."""
        digit, seed, scale = check_digit(digit), check_seed(seed), check_scale(noise_scale)
        model = self.model(variant)
        noise = cgan.noise_vectors(JUDGED_SAMPLES, seed, model.config.noise_dim) * np.float32(scale)
        labels = cgan.one_hot(np.full(JUDGED_SAMPLES, digit), model.config.num_classes)
        # the same bytes as one call: each sample is decoded independently
        return np.concatenate(batching.in_chunks_after_samplers(
            lambda part: model.decode(noise[part], labels[part]), JUDGED_SAMPLES))

    def readout(self, quality, variant: str, digit, n, seed, noise_scale=NOISE_SCALE):
        """The judge's readout after a click (a ``quality.Readout``): the model's agreement and FID for
        ``digit`` over JUDGED_SAMPLES samples of the fixed seed ``quality.MODEL_SEED``, computed once
        per weights version for everyone, and the judge's classes of the ``n`` samples of ``seed``
        this click showed. ``quality`` is a QualityService."""
        digit, seed, scale = check_digit(digit), check_seed(seed), check_scale(noise_scale)
        n = int(n)
        if not 1 <= n <= MAX_SAMPLES:
            raise UserError(f"Ask for between 1 and {MAX_SAMPLES} samples.")
        self.model(variant)  # a clear message for an unknown variant
        name = bundle_name(variant)
        shown = self._shown.get(name, (digit, n, seed, scale),
                                lambda: self.samples(variant, digit, n, seed, scale)[1])
        return quality.readout(name, (digit, scale), "mnist", digit, shown, seed,
                               lambda s: self.judged_draw(variant, digit, s, scale))

    def _draw_many(self, variant: str, requests: list[tuple[int, int, int, float]]) -> list[np.ndarray]:
        """The first n samples of each (digit, n, seed, noise scale), in one call of the generator."""
        model = self.model(variant)
        dim, classes = model.config.noise_dim, model.config.num_classes
        noise = np.concatenate([cgan.noise_vectors(n, seed, dim) * np.float32(scale) for _, n, seed, scale in requests])
        labels = cgan.one_hot(np.concatenate([np.full(n, digit) for digit, n, _, _ in requests]), classes)
        return np.split(model.decode(noise, labels), np.cumsum([n for _, n, _, _ in requests])[:-1])

    # --- the digit x noise table -------------------------------------------------------------------
    def table(self, variant: str, seed, noise_scale=NOISE_SCALE) -> tuple[np.ndarray, np.ndarray]:
        """Row k = digit k, column j = noise vector j of ``seed``: (picture, images (100, 28, 28))."""
        seed, scale = check_seed(seed), check_scale(noise_scale)
        model = self.model(variant)
        images = model.table(TABLE_COLS, seed, scale)
        return imaging.grid(images, cols=TABLE_COLS, scale=SCALE), images

    # --- label morph --------------------------------------------------------------------------------
    def morph(self, variant: str, digit_a, digit_b, blend, seed, noise_scale=NOISE_SCALE) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Blend the one-hot labels of two digits at one fixed noise, all frames in one batch.

        Returns (strip picture with t captions, the frame at ``blend`` enlarged, frames, t values).
        """
        a, b = check_digit(digit_a, "The first digit"), check_digit(digit_b, "The second digit")
        t_now, seed, scale = check_blend(blend), check_seed(seed), check_scale(noise_scale)
        model = self.model(variant)
        t = np.linspace(0.0, 1.0, MORPH_STEPS)
        frames = model.morph(a, b, np.append(t, t_now), seed, scale)  # the slider's own frame in the same batch
        strip = imaging.labelled_grid(frames[:-1], [f"t={x:.1f}" for x in t], cols=MORPH_STEPS)
        current = frames[-1].repeat(6, axis=0).repeat(6, axis=1)
        return strip, current, frames[:-1], t

    # --- training ----------------------------------------------------------------------------------
    def status(self, variant: str) -> dict:
        """Which weights ``variant`` uses and what they measured."""
        bundle = registry.load(checked_bundle(variant))
        return {"source": bundle.source, "created": bundle.metadata.get("created", "?"),
                "command": bundle.metadata.get("command", "?"), "metrics": bundle.metadata.get("metrics", {})}

    def training_job(self, variant: str, epochs: int, keep_on_stop: bool, schedule: str = "lecture") -> JobSpec:
        """The training job of the tab's Train button: ``variant`` for ``epochs`` into the user cache, or
        with ``schedule`` "classroom" the conv cGAN's quick schedule (its own length; ``epochs`` unused)."""
        checked_bundle(variant)
        if check_schedule(schedule) == "classroom":
            if variant != "conv":
                raise UserError("The classroom schedule trains the conv cGAN; choose conv, or the lecture's settings "
                                "for the dense one.")
            p = CLASSROOM
            per_epoch = estimate_from_shipped(bundle_name(variant), "epochs", 1)  # 60,000 images
            images = p.rounds * p.round_steps * p.batch_size
            return JobSpec(request("cgan", variant=variant, schedule="classroom"),
                           f"cGAN {variant} · classroom schedule · {p.rounds} rounds",
                           None if per_epoch is None else per_epoch * images / 60_000, keep_on_stop)
        return JobSpec(request("cgan", variant=variant, epochs=int(epochs)),
                       f"cGAN {variant} · {int(epochs)} epochs",
                       estimate_from_shipped(bundle_name(variant), "epochs", int(epochs)), keep_on_stop)

    def use_shipped(self, variant: str) -> dict:
        """Return ``variant`` to the shipped weights."""
        registry.set_active(checked_bundle(variant), registry.SHIPPED)
        return self.status(variant)
