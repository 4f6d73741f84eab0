"""The GAN tab's work: samples, latent walks, nearest training images (Program 10-5(b)), the
"which is real?" game (Fig. 10-9), the judge's readout and retraining."""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass, field

import numpy as np
from PIL import Image, ImageDraw

from studio.serving import batching
from studio.media import imaging
from studio.judge import metrics
from studio.bundles import registry
from studio.bundles.cache import BundleCache, RecentDraws
from studio.checks import UserError, check_count, check_schedule, check_seed
from studio.samples.presets import NAME as SAMPLES
from studio.techniques.gan.model import latent_codes, slerp_codes
from studio.techniques.gan.presets import (
    CLASSROOM,
    ROUND,
    VARIANTS,
    bundle_name,
    load_inference,
    training_images,
)
from studio.texts import picture_text
from studio.training.jobs import JobSpec, estimate_from_shipped
from studio.training.request import request

MAX_SAMPLES = 100
MAX_STEPS = 24  # frames of a latent walk
GAME_SIZE = 8  # images per round of "which is real?": half real, half generated
# A round's fakes are drawn from this many samples, generated once per weights: 200 students pressing
# New round together then cost no model call (4 fakes cost about 40 ms of CPU each round otherwise, and a
# hall's rounds queued for seconds). A round picks 4 of them by its seed, so it stays a function of the seed.
GAME_FAKES, GAME_FAKES_SEED = 256, 109  # the seed: Fig. 10-9, the game
EVAL_SAMPLES = 1000  # the model's readout (FID, coverage) uses this many samples of one fixed seed
NN_ZOOM = 2


def check_variant(variant: str) -> str:
    """``variant`` if it names a shipped GAN, else a clear message."""
    if variant not in VARIANTS:
        raise UserError(f"Unknown generator {variant!r}; choose one of: {', '.join(VARIANTS)}.")
    return variant


@dataclass(frozen=True, eq=False)
class GameRound:
    """One round of "which is real?": the picture shown and which of its images are generated."""

    picture: np.ndarray
    is_fake: tuple[bool, ...]
    variant: str
    # made by the server: a class counts each round's answer once (a double click or a retry sends it again)
    round_id: str = field(default_factory=lambda: secrets.token_hex(8))


@dataclass(frozen=True, eq=False)
class GameVerdict:
    """The student's answer checked: a picture with the truth under each image, and the counts."""

    picture: np.ndarray
    correct: int
    total: int
    fakes_found: int
    fakes: int


class GANService:
    """Loads each generator lazily (cached until its weights change)."""

    def __init__(self) -> None:
        self._models = BundleCache()
        self._game_fakes = BundleCache()  # variant's bundle -> its GAME_FAKES samples
        self._game_reals: dict[str, np.ndarray] = {}  # variant -> the shipped test images it is played with
        # The samples of recent clicks, for the judge's readout that follows each click (a class's
        # clicks are all drawn before their readouts, so it keeps more than a class's worth).
        self._shown = RecentDraws(size=64)
        self._burst = batching.Coalescer()  # students sampling at the same moment share one call of the generator
        self._lock = threading.Lock()
        self._indexes: dict[str, metrics.TrainIndex] = {}
        self._train: dict[str, np.ndarray] = {}

    @staticmethod
    def available(variant: str) -> bool:
        """Whether ``variant``'s weights are installed (shipped or trained by the user)."""
        return registry.installed(bundle_name(check_variant(variant)))

    def model(self, variant: str):
        """The traced generator of ``variant``'s active weights."""
        return self._models.get(bundle_name(check_variant(variant)), load_inference)

    @staticmethod
    def dataset_of(variant: str) -> tuple[str, int | None]:
        """(judge data set, class) of a variant, e.g. ("fashion", 9) for the ankle boots."""
        v = VARIANTS[check_variant(variant)]
        return v.dataset, v.label

    # --- samples and walks -------------------------------------------------------------------------
    def samples(self, variant: str, n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
        """A grid of the first ``n`` samples of ``seed`` (10 per row, as the lecture's 5 x 10) and those
        samples. Requests that arrive together are drawn in one batch (each sample is the same
        bytes in any batch: the generator treats the images of a batch independently)."""
        n = check_count(n, 1, MAX_SAMPLES, "samples")
        seed = check_seed(seed)
        check_variant(variant)
        images = self._burst(variant, (n, seed), lambda requests: self._draw_many(variant, requests))
        self._shown.put(bundle_name(variant), (n, seed), images)
        return imaging.grid(images, cols=10, scale=2), images

    def first_sample(self, variant: str, seed: int) -> np.ndarray:
        """The first sample of ``seed`` (the first of its grid), drawn at once rather than in the next burst:
        a class's wall must not wait behind thirty students' grids."""
        check_variant(variant)
        return self._draw_many(variant, [(1, check_seed(seed))])[0][0]

    def judged_draw(self, variant: str, seed: int) -> np.ndarray:
        """The EVAL_SAMPLES samples of ``seed`` (the first ones are those ``samples`` shows), in chunks
        that give way to clicks: what the model's readout measures, for the fixed seed only."""
        seed = check_seed(seed)
        model = self.model(variant)
        codes = latent_codes(model.config, EVAL_SAMPLES, seed)
        # the same bytes as one call: each sample is decoded independently
        return np.concatenate(batching.in_chunks_after_samplers(lambda part: model.decode(codes[part]),
                                                                EVAL_SAMPLES))

    def readout(self, quality, variant: str, n: int, seed: int):
        """The judge's readout after a click (a ``quality.Readout``): the model's figures over
        EVAL_SAMPLES samples of the fixed seed ``quality.MODEL_SEED``, computed once per weights
        version for everyone, and the judge's classes of the ``n`` samples of ``seed`` this click
        showed. ``quality`` is a QualityService."""
        n = check_count(n, 1, MAX_SAMPLES, "samples")
        seed = check_seed(seed)
        name = bundle_name(check_variant(variant))
        shown = self._shown.get(name, (n, seed), lambda: self.samples(variant, n, seed)[1])
        dataset, label = self.dataset_of(variant)
        return quality.readout(name, (), dataset, label, shown, seed, lambda s: self.judged_draw(variant, s))

    def _draw_many(self, variant: str, requests: list[tuple[int, int]]) -> list[np.ndarray]:
        """The first n samples of each (n, seed), in one call of the generator."""
        model = self.model(variant)
        codes = np.concatenate([latent_codes(model.config, n, seed) for n, seed in requests])
        images = model.decode(codes)
        ends = np.cumsum([n for n, _ in requests])
        return np.split(images, ends[:-1])

    def walk(self, variant: str, seed_a: int, seed_b: int, steps: int) -> tuple[np.ndarray, np.ndarray]:
        """Frames along the great circle between the first latent vector of two seeds."""
        steps = check_count(steps, 2, MAX_STEPS, "frames")
        model = self.model(variant)
        a = latent_codes(model.config, 1, check_seed(seed_a))[0]
        b = latent_codes(model.config, 1, check_seed(seed_b))[0]
        codes, alphas = slerp_codes(a, b, steps)
        frames = model.decode(codes)
        return imaging.labelled_grid(frames, [f"{t:.2f}" for t in alphas], cols=min(steps, 12)), frames

    # --- Program 10-5(b): the nearest training image ------------------------------------------------
    def _index(self, variant: str) -> tuple[np.ndarray, metrics.TrainIndex]:
        with self._lock:
            if variant not in self._indexes:
                x_train, _ = training_images(VARIANTS[variant])
                self._train[variant], self._indexes[variant] = x_train, metrics.TrainIndex(x_train)
            return self._train[variant], self._indexes[variant]

    def nearest(self, variant: str, n: int, seed: int) -> np.ndarray:
        """Each of the first ``n`` samples of ``seed`` above its closest training image, with the distance.

        Needs the training set (the data folder, Keras's cache or a download); the studio says so
        clearly when it is not there.
        """
        n = check_count(n, 1, 50, "samples")
        check_variant(variant)
        fakes = self.model(variant).generate(n, check_seed(seed))
        train, index = self._index(variant)
        picked, distances = index.nearest(fakes)
        rows = []
        for start in range(0, n, 10):  # a row of samples, then the row of their neighbours
            part = slice(start, min(start + 10, n))
            rows.append((fakes[part], ["GAN"] * len(fakes[part])))
            rows.append((train[picked[part]], [f"d={d:.3f}" for d in distances[part]]))
        images = np.concatenate([r[0] for r in rows])
        captions = [c for r in rows for c in r[1]]
        return imaging.labelled_grid(images, captions, cols=min(10, n), scale=NN_ZOOM)

    # --- Fig. 10-9: which is real? ----------------------------------------------------------------
    def _real_images(self, variant: str) -> np.ndarray:
        if variant not in self._game_reals:
            dataset, label = self.dataset_of(variant)
            bundle = registry.load(SAMPLES)
            with np.load(bundle.path("test_images.npz")) as f:
                x, y = f[f"{dataset}_x"], f[f"{dataset}_y"]
            self._game_reals[variant] = x if label is None else x[y == label]
        return self._game_reals[variant]

    def game_fakes(self, variant: str) -> np.ndarray:
        """The GAME_FAKES samples rounds of ``variant`` pick their fakes from (made again after a retrain)."""
        return self._game_fakes.get(bundle_name(check_variant(variant)),
                                    lambda _: self.model(variant).generate(GAME_FAKES, GAME_FAKES_SEED))

    def game_round(self, variant: str, seed: int) -> GameRound:
        """GAME_SIZE images, half shipped real test images and half generated (from ``game_fakes``), in a
        seeded order."""
        check_variant(variant)
        rng = np.random.default_rng(check_seed(seed))
        half = GAME_SIZE // 2
        real = self._real_images(variant)
        real = real[rng.choice(len(real), half, replace=False)]
        fakes = self.game_fakes(variant)
        fake = fakes[rng.choice(len(fakes), half, replace=False)]
        order = rng.permutation(GAME_SIZE)
        images = np.concatenate([real, fake])[order]
        is_fake = tuple(bool(k >= half) for k in order)
        picture = imaging.labelled_grid(images, [str(k + 1) for k in range(GAME_SIZE)], cols=GAME_SIZE, scale=4)
        return GameRound(picture, is_fake, variant)

    @staticmethod
    def check_answer(round_: GameRound | None, picked_fakes: list, lang: str = "en") -> GameVerdict:
        """Score the student's picks (image numbers 1..GAME_SIZE they call fake) against the truth; the
        picture says under each image what it was and whether the student was right, in ``lang``."""
        if round_ is None:
            raise UserError("Start a round first: press 'New round'.")
        try:
            chosen = {int(p) for p in picked_fakes or []}
        except (TypeError, ValueError):
            raise UserError("Pick images by their numbers.") from None
        if not chosen <= set(range(1, len(round_.is_fake) + 1)):
            raise UserError(f"Images are numbered 1 to {len(round_.is_fake)}.")
        said_fake = [k + 1 in chosen for k in range(len(round_.is_fake))]
        correct = sum(s == f for s, f in zip(said_fake, round_.is_fake))
        captions = [(picture_text("gan.truth_right" if s == f else "gan.truth_wrong", lang,
                                  what=picture_text("gan.truth_fake" if f else "gan.truth_real", lang)), s == f)
                    for s, f in zip(said_fake, round_.is_fake)]
        picture = _truth_picture(round_.picture, captions)
        return GameVerdict(picture, correct, len(round_.is_fake), sum(s and f for s, f in zip(said_fake, round_.is_fake)),
                           sum(round_.is_fake))

    # --- training ----------------------------------------------------------------------------------
    def status(self, variant: str) -> dict:
        """Which weights ``variant`` uses and what they measured."""
        bundle = registry.load(bundle_name(check_variant(variant)))
        return {"source": bundle.source, "created": bundle.metadata.get("created", "?"),
                "command": bundle.metadata.get("command", "?"), "metrics": bundle.metadata.get("metrics", {}),
                "history": bundle.metadata.get("training", {}).get("history", {}),
                "every_steps": bundle.metadata.get("training", {}).get("history_every_steps", ROUND),
                "fid_curve": bundle.metadata.get("training", {}).get("fid_curve", {"steps": [], "fid": []})}

    def training_job(self, variant: str, rounds: int, keep_on_stop: bool, schedule: str = "lecture") -> JobSpec:
        """The training job of the tab's Train button: ``rounds`` x ROUND steps of ``variant`` into the
        user cache, or with ``schedule`` "classroom" lecture 003's conv GAN in its quick schedule, whichever
        generator is chosen (its own length; ``rounds`` unused)."""
        check_variant(variant)
        if check_schedule(schedule) == "classroom":
            variant = CLASSROOM.variant
            steps = CLASSROOM.rounds * ROUND
            per_step = estimate_from_shipped(bundle_name(variant), "steps", 1)
            batch = VARIANTS[variant].batch_size
            return JobSpec(request("gan", variant=variant, schedule="classroom"),
                           f"GAN {variant} · classroom schedule · {steps:,} steps",
                           None if per_step is None else per_step * steps * CLASSROOM.batch_size / batch, keep_on_stop)
        steps = int(rounds) * ROUND
        return JobSpec(request("gan", variant=check_variant(variant), steps=steps),
                       f"GAN {variant} · {steps:,} steps",
                       estimate_from_shipped(bundle_name(variant), "steps", steps), keep_on_stop)

    def use_shipped(self, variant: str) -> dict:
        """Return ``variant`` to its shipped weights."""
        registry.set_active(bundle_name(check_variant(variant)), registry.SHIPPED)
        return self.status(variant)


def _truth_picture(picture: np.ndarray, captions: list[tuple[str, bool]]) -> np.ndarray:
    """The round's picture with a caption strip under it saying, per image, what it really was:
    ``captions`` are (words, judged right), green when right and red when wrong."""
    h, w = picture.shape[:2]
    strip = 16
    canvas = Image.new("RGB", (w, h + strip), "white")
    canvas.paste(Image.fromarray(picture).convert("RGB"), (0, 0))
    draw = ImageDraw.Draw(canvas)
    font = imaging.caption_font([c for c, _ in captions], None)
    cell = w / len(captions)
    for k, (caption, right) in enumerate(captions):
        colour = (20, 130, 60) if right else (190, 30, 30)
        draw.text((cell * (k + 0.5), h + strip / 2), caption, fill=colour, font=font, anchor="mm")
    return np.asarray(canvas)
