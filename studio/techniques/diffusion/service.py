"""The diffusion tab's work: DDIM grids, one sample's whole trajectory for the timestep scrubber, the
forward process on a test digit, and retraining."""

from __future__ import annotations

import threading
import time

import numpy as np

from studio.training import epoch_jobs
from studio.media import imaging
from studio.bundles import registry
from studio.bundles.cache import BundleCache, RecentDraws
from studio.checks import UserError, check_count, check_seed
from studio.training.epoch_jobs import epoch_job
from studio.samples.presets import FILE as SAMPLES_FILE
from studio.samples.presets import NAME as SAMPLES
from studio.techniques.diffusion.model import noise_digits, signal_level, to_uint8
from studio.techniques.diffusion.presets import (
    BATCH_SIZE,
    CLASSROOM,
    GUIDANCE,
    MAX_GUIDANCE,
    MAX_STEPS,
    NAME,
    load_inference,
)
from studio.texts import picture_text
from studio.training.jobs import JobSpec

MAX_SAMPLES = 100
LABELS = ("each", "none", *(str(d) for d in range(10)))  # one of each digit per row / no label / one digit
FORWARD_FRAMES = 11  # t = 0, 0.1, ..., 1
TRAJECTORY_ZOOM = 6
MAX_EPOCHS = 100
PREVIEW_EVERY_S = 0.5  # a streamed grid's previews: often enough to watch, rarely enough to keep up


def check_steps(steps) -> int:
    """A number of DDIM steps from 1 to MAX_STEPS, else a clear message."""
    return check_count(steps, 1, MAX_STEPS, "DDIM steps")


def check_guidance(guidance) -> float:
    """A classifier-free guidance weight from 0 to MAX_GUIDANCE, else a clear message."""
    try:
        w = float(guidance)
    except (TypeError, ValueError):
        w = float("nan")
    if not 0 <= w <= MAX_GUIDANCE:  # NaN fails this too
        raise UserError(f"The guidance weight must be a number from 0 to {MAX_GUIDANCE:g}.")
    return w


def check_label(label) -> str:
    """One of LABELS: "each" (a row of 0 to 9), "none" (no label) or a digit "0".."9"."""
    label = str(label).strip()
    if label not in LABELS:
        raise UserError("Choose which digits to draw: each digit in turn, no label, or one digit 0 to 9.")
    return label


def labels_of(label: str, n: int) -> np.ndarray | int | None:
    """The sampler's labels for ``n`` samples of the choice ``label``."""
    if label == "each":
        return (np.arange(n) % 10).astype(np.int32)
    return None if label == "none" else int(label)


class DiffusionService:
    """Loads the diffusion sampler lazily (cached until its weights change)."""

    def __init__(self) -> None:
        self._models = BundleCache()
        self._draws = RecentDraws()  # the grid, then the judge's readout of it; every page load's default grid
        self._lock = threading.Lock()
        self._digits: np.ndarray | None = None

    @staticmethod
    def available() -> bool:
        """Whether diffusion weights exist (shipped or trained): the tab shows only then."""
        return registry.installed(NAME)

    def model(self):
        """The traced DDIM sampler of the active weights."""
        return self._models.get(NAME, load_inference)

    def _labels(self, label, n: int):
        label = check_label(label)
        if label != "none" and not self.model().config.conditional:
            raise UserError("These weights were trained without labels: choose 'no label'.")
        return labels_of(label, n)

    def _grid_request(self, n, steps, seed, label, guidance) -> tuple[tuple, tuple]:
        """A grid request checked (clear messages for bad values): the sampler's arguments (n, steps, seed,
        labels, guidance) and the key of its draw among the kept ones."""
        n, steps, seed = check_count(n, 1, MAX_SAMPLES, "samples"), check_steps(steps), check_seed(seed)
        labels, guidance = self._labels(label, n), check_guidance(guidance)
        return (n, steps, seed, labels, guidance), (n, steps, seed, str(label), guidance)

    def samples(self, n, steps, seed, label="each", guidance=GUIDANCE) -> tuple[np.ndarray, np.ndarray]:
        """A grid of ``n`` samples (10 per row) in ``steps`` DDIM steps, and the samples (n, 28, 28)."""
        (n, steps, seed, labels, guidance), params = self._grid_request(n, steps, seed, label, guidance)
        images = self._draws.get(NAME, params, lambda: self.model().generate(n, seed, steps, labels, guidance))
        return imaging.grid(images, cols=10, scale=2), images

    def sample_previews(self, n, steps, seed, label="each", guidance=GUIDANCE, every_s: float = PREVIEW_EVERY_S):
        """Draw what ``samples`` draws, step by step, yielding (the grid of the network's current guesses of
        the clean digits, the step) at most every ``every_s`` seconds: a large grid sharpens on screen
        instead of behind a spinner. The finished draw is kept, so ``samples`` then returns it at once."""
        (n, steps, seed, labels, guidance), params = self._grid_request(n, steps, seed, label, guidance)
        if self._draws.find(NAME, params) is not None:
            return
        shown = time.monotonic()
        for step, (x, guess) in enumerate(self.model().iterate(n, steps, seed, labels, guidance), 1):
            if step < steps and time.monotonic() - shown >= every_s:
                yield imaging.grid(to_uint8(guess), cols=10, scale=2), step
                shown = time.monotonic()
        self._draws.put(NAME, params, to_uint8(x))

    def trajectory(self, steps, seed, label="3", guidance=GUIDANCE):
        """One sample's whole DDIM run (a ``Trajectory`` with every step recorded) for the scrubber.
        ``label`` "each" means, for one sample, the digit ``seed`` mod 10."""
        steps, seed = check_steps(steps), check_seed(seed)
        label = str(seed % 10) if check_label(label) == "each" else label
        labels = self._labels(label, 1)
        return self.model().run(1, steps, seed, labels, check_guidance(guidance), record=True)

    @staticmethod
    def trajectory_frame(trajectory, step, lang: str = "en") -> np.ndarray:
        """Step ``step`` (0 = pure noise, S = the digit) of a trajectory: x_t beside the network's guess of
        the clean digit at that moment, captioned in ``lang``, enlarged for the projector."""
        if trajectory is None:
            raise UserError("Run the sampler first: press 'Sample one trajectory'.")
        last = len(trajectory.times) - 1
        step = check_count(step, 0, last, "step")
        t = float(trajectory.times[step])
        guess = trajectory.guesses[min(step, last - 1)]  # at the end, the final guess is the digit itself
        signal = float(signal_level(t))
        return imaging.labelled_grid(np.stack([trajectory.noisy[step][0], guess[0]]),
                                     [picture_text("diffusion.fig_noisy", lang, t=t, signal=signal),
                                      picture_text("diffusion.fig_guess", lang)], cols=2,
                                     scale=TRAJECTORY_ZOOM)

    @staticmethod
    def trajectory_strip(trajectory, every: int = 1) -> np.ndarray:
        """Every ``every``-th x_t of a trajectory over every guess: the whole run in one picture."""
        noisy = trajectory.noisy[1::every, 0]
        guesses = trajectory.guesses[::every, 0]
        return imaging.grid(np.concatenate([noisy, guesses]), cols=len(noisy), scale=2)

    def _test_digits(self) -> tuple[np.ndarray, np.ndarray]:
        with self._lock:
            if self._digits is None:
                with np.load(registry.load(SAMPLES).path(SAMPLES_FILE)) as f:
                    self._digits = (f["mnist_x"], f["mnist_y"])
            return self._digits

    def forward(self, index, seed) -> tuple[np.ndarray, np.ndarray]:
        """The forward process on test digit ``index``: one noise draw (``seed``) at t = 0, 0.1, ..., 1.
        Returns (a captioned strip, the frames (FORWARD_FRAMES, 28, 28) for a GIF)."""
        x, _ = self._test_digits()
        index = check_count(index, 0, len(x) - 1, "test-digit index")
        times = np.linspace(0.0, 1.0, FORWARD_FRAMES)
        frames = to_uint8(noise_digits((x[index:index + 1].astype(np.float32) / 127.5 - 1.0)[..., None], times,
                                       check_seed(seed)))[:, 0]
        captions = [f"t={t:.1f} {float(signal_level(t)):.0%}" for t in times]
        return imaging.labelled_grid(frames, captions, cols=FORWARD_FRAMES, scale=3), frames

    def status(self) -> dict:
        """Which weights are in use and what they measured."""
        bundle = registry.load(NAME)
        training = bundle.metadata.get("training", {})
        return {"source": bundle.source, "created": bundle.metadata.get("created", "?"),
                "command": bundle.metadata.get("command", "?"), "metrics": bundle.metadata.get("metrics", {}),
                "history": training.get("history", {}), "conditional": int(bundle.config.get("classes", 0)) > 0}

    # --- training ----------------------------------------------------------------------------------
    @staticmethod
    def training_job(epochs, keep_on_stop: bool, schedule: str = "lecture") -> JobSpec:
        """The Train button's job: ``epochs`` passes over MNIST, or with ``schedule`` "classroom" the quick
        schedule (its own length; ``epochs`` unused)."""
        return epoch_job(NAME, "diffusion", epochs, keep_on_stop, schedule, CLASSROOM, BATCH_SIZE, MAX_EPOCHS)

    @staticmethod
    def use_shipped() -> None:
        """Return to the shipped diffusion weights."""
        epoch_jobs.use_shipped(NAME, "diffusion")

