"""Recipe for the GANs: ``python -m studio.train gan --variant dcgan_mnist|dcgan_ankle_boot|dense_mnist|conv003_mnist|all``.

Training is counted in steps, as Program 10-4 counts them (its ``epochs=5000`` are 5,000 batches of
64): the sample grid from a fixed noise and the loss averages are taken every ``ROUND`` steps (the
lecture shows its samples every 100). The judge measures 1,000 samples at the end.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from studio import data
from studio.media import imaging
from studio.judge import metrics
from studio.bundles import registry, weight_files
from studio.serving import runtime
from studio.bundles.writer import rewrite_metrics, write_bundle
from studio.serving.lazy_keras import keras, tf
from studio.judge.quality import QualityService
from studio.training.schedules import SCHEDULES
from studio.techniques.gan.model import (
    GANConfig,
    GeneratorInference,
    averaged_generator,
    build_generator,
    latent_codes,
    learning_rate_factor,
    make_gan,
)
from studio.techniques.gan.presets import (
    CLASSROOM,
    LEGACY_WEIGHTS_FILE,
    ROUND,
    VARIANTS,
    WEIGHTS_FILE,
    Variant,
    bundle_name,
    classroom_config,
    load_inference,
    training_images,
)
from studio.training import RunContext, RunOptions, fit, training_record
from studio.training.request import TrainingRequest, option

PREVIEW_SEED = 1234  # the fixed noise of the preview grid
PREVIEW_COUNT = 20  # two rows of ten, as the lecture's figure during training
EVAL_SAMPLES = 1000
EVAL_SEED = 0
COVERAGE_SEEDS = (EVAL_SEED, 1)  # class-share claims are checked on these draws and stated for the worse
NN_SAMPLES = 200


def to_tanh_range(images: np.ndarray) -> np.ndarray:
    """uint8 (n, 28, 28) -> float32 (n, 28, 28, 1) in [-1, 1], as Program 10-4 line 10."""
    return (images.astype(np.float32) / 127.5 - 1.0)[..., None]


def evaluate(variant: Variant, inference, x_train: np.ndarray, samples: int = EVAL_SAMPLES) -> dict:
    """The judge's numbers on ``samples`` generated images (seed EVAL_SEED)."""
    images = inference.generate(samples, EVAL_SEED)
    judge = QualityService()  # one judge for every draw below (it loads its network once)
    report = judge.assess(variant.dataset, images, variant.label)
    nn = metrics.nearest_train_distance(images[:NN_SAMPLES], x_train)[1]
    measured = {
        "judge_dataset": variant.dataset,
        "samples": samples,
        "fid": round(float(report.fid), 2),
        "fid_real_floor": None if report.fid_floor is None else round(float(report.fid_floor), 2),
        "nearest_train_distance": round(float(nn.mean()), 4),
        "note": "FID in the judge's features (not Inception FID) against the test set"
                + (f" of class {variant.label}" if variant.label is not None else "")
                + "; the floor is real training images against it. Nearest-train distance: mean absolute difference "
                  "on [0, 1] to the closest training image (Program 10-5(b)), over the first "
                  f"{NN_SAMPLES} samples.",
    }
    if variant.label is None:
        measured["class_shares"] = [round(float(s), 4) for s in report.coverage.shares]
        measured["coverage_entropy_ratio"] = round(float(report.coverage.entropy_ratio), 4)
        # A coverage claim must hold beyond one draw: the shares of COVERAGE_SEEDS draws, stated for the worst.
        shares = [report.coverage.shares] + [judge.assess(variant.dataset, inference.generate(samples, s)).coverage.shares
                                             for s in COVERAGE_SEEDS[1:]]
        lowest, highest = float(np.min(shares)), float(np.max(shares))
        measured["class_share_range_over_seeds"] = {"seeds": list(COVERAGE_SEEDS), "lowest": round(lowest, 4),
                                                    "highest": round(highest, 4)}
        measured["all_classes_between_5_and_15_percent"] = bool(0.05 <= lowest and highest <= 0.15)
        measured["all_classes_between_8_and_12_percent"] = bool(0.08 <= lowest and highest <= 0.12)
    else:
        measured["judged_as_class"] = round(float(report.agreement), 4)
    return measured


def stored_generator(generator, config: GANConfig):
    """A twin of ``generator`` holding its weights as the bundle stores them (float16): what the recipe
    measures is exactly what it ships."""
    twin = build_generator(config)
    twin.set_weights(weight_files.rounded_weights(generator.get_weights()))
    return twin


def storage_change(exact, stored, samples: int = 200, seed: int = 7) -> int:
    """The largest change, in grey levels (0-255), that storing ``exact``'s weights as ``stored`` (both
    ``GeneratorInference``) makes to ``samples`` fixed samples."""
    return int(np.abs(exact.generate(samples, seed).astype(int) - stored.generate(samples, seed)).max())


def assess_saved(request: TrainingRequest[Options]) -> registry.Bundle:
    """Measure a saved GAN bundle again with today's judge and metrics, and rewrite its metrics
    (weights and training record kept): ``python -m studio.train gan --variant V --assess-only``.

    A generator saved in the older float32 format is re-stored as float16 (``WEIGHTS_FILE``) and
    measured as stored, with what the change does to the pictures (``storage_max_pixel_change``)."""
    variant_name = request.options.variant
    variant = VARIANTS[variant_name]
    runtime.import_tensorflow()

    bundle = registry.load(bundle_name(variant_name), request.source)
    x_train, _ = training_images(variant)
    inference, restored, measured = load_inference(bundle), {}, {}
    if not bundle.path(WEIGHTS_FILE).is_file():
        stored = GeneratorInference(stored_generator(inference.generator, inference.config), inference.config)
        measured["storage_max_pixel_change"] = storage_change(inference, stored)
        inference, restored = stored, {WEIGHTS_FILE: weight_files.weights_writer(stored.generator)}
    measured = evaluate(variant, inference, x_train) | measured
    return rewrite_metrics(request, bundle, measured, restored, dropped=(LEGACY_WEIGHTS_FILE,) if restored else ())


def judge_now(variant: Variant, inference, judge, samples: int = EVAL_SAMPLES):
    """The judge's report (``judge``: a QualityService) on ``samples`` generated images (seed EVAL_SEED):
    one point of the FID curve."""
    return judge.assess(variant.dataset, inference.generate(samples, EVAL_SEED), variant.label)


@dataclass(frozen=True)
class GANPlan:
    """A GAN run's settings once the variant's defaults and the classroom schedule's are filled in."""

    variant: Variant
    config: GANConfig
    steps: int
    batch_size: int
    fid_every: int
    classroom: bool

    @classmethod
    def of(cls, options: Options, config: GANConfig | None = None) -> GANPlan:
        """The plan of one variant's ``options``; ``config`` overrides the variant's network (tests)."""
        if options.variant == "all":
            raise ValueError("A GAN run trains one variant; run() trains them all.")
        variant, classroom = VARIANTS[options.variant], options.schedule == "classroom"
        steps, batch_size, fid_every = options.steps, options.batch_size, options.fid_every
        if classroom:
            if options.variant != CLASSROOM.variant:
                raise ValueError(f"The classroom schedule trains {CLASSROOM.variant}, not {options.variant}.")
            config = config or classroom_config()
            steps, batch_size = steps or CLASSROOM.rounds * ROUND, batch_size or CLASSROOM.batch_size
            fid_every = fid_every or CLASSROOM.fid_every
        return cls(variant, config or variant.config, int(steps or variant.steps),
                   int(batch_size or variant.batch_size), fid_every, classroom)

    @property
    def rounds(self) -> int:
        """Keras epochs of ``round_steps`` steps each: a preview and a history point per round."""
        return max(1, -(-self.steps // ROUND))

    @property
    def round_steps(self) -> int:
        return min(ROUND, self.steps)

    def training_record(self, run, seed: int, bn_codes: int, fid_curve: dict) -> dict:
        """The ``training`` block of metadata.json."""
        config = self.config
        return training_record(
            run, unit="steps", per_unit=self.round_steps, batch_size=self.batch_size, seed=seed,
            history_every_steps=self.round_steps,
            optimizer=f"Adam({config.learning_rate}, beta_1={config.beta_1}) for D and for G"
                      + (f", falling linearly to 0 over the last {1 - config.lr_decay_start:.0%} of the steps"
                         if config.lr_decay_start < 1 else ""),
            tricks=(["LeakyReLU(0.2) in D"] if config.leaky else [])
            + ([f"uniform label noise {config.label_noise} on D's targets"] if config.label_noise else [])
            + ([f"ships G's weight average (EMA {config.ema}) with BatchNorm statistics re-estimated on "
                f"{bn_codes:,} noise codes"] if config.ema else []),
            **({"fid_curve": fid_curve} if fid_curve["fid"] else {}),
            **({"schedule": "classroom"} if self.classroom else {}))


def image_stream(x_train: np.ndarray, batch_size: int, seed: int):
    """Shuffled epochs of ``x_train`` one after another, in [-1, 1]; the last partial batch is dropped so
    every step has a full batch."""
    images = tf.data.Dataset.from_tensor_slices(to_tanh_range(x_train))
    stream = images.shuffle(len(x_train), seed=seed, reshuffle_each_iteration=True).repeat()
    return stream.batch(batch_size, drop_remainder=True).prefetch(2)


def train_gan(request: TrainingRequest[Options], ctx: RunContext = RunContext(), *, judge: bool = True,
              config: GANConfig | None = None) -> registry.Bundle:
    """Train one GAN variant (``request.options.variant``) for ``steps`` batches, judge it and save its
    generator.

    ``ctx.on_epoch`` is called every ROUND steps with the round's mean losses and the preview grid;
    ``ctx.keep_on_stop`` saves a run stopped halfway (otherwise the previous weights stay). ``judge``
    False skips the judge's metrics (tests without judge weights); ``config`` overrides the
    variant's network (tests use tiny ones). ``fid_every`` > 0 measures the FID of the generator
    that would be shipped every that many steps (the FID curve of metadata.json). ``schedule``
    "classroom" trains lecture 003's conv GAN (``CLASSROOM.variant``) with ``CLASSROOM``'s batch,
    optimiser, length and FID readings instead (``steps`` and ``batch_size`` still override it).
    """
    plan = GANPlan.of(request.options, config)
    variant, variant_name, config, on_progress = plan.variant, request.options.variant, plan.config, ctx.on_progress
    rounds, round_steps, fid_every, seed = plan.rounds, plan.round_steps, plan.fid_every, request.options.seed
    keras.utils.set_random_seed(seed)
    x_train, _ = training_images(variant, request.options.limit)
    stream = image_stream(x_train, plan.batch_size, seed)
    model = make_gan(config)
    model.compile()
    inference = GeneratorInference(model.generator, config)
    preview_z = latent_codes(config, PREVIEW_COUNT, PREVIEW_SEED)

    def preview() -> np.ndarray:
        return imaging.grid(inference.decode(preview_z), cols=10, scale=2)

    # Precise BatchNorm for the shipped generator runs on noise codes, the generator's inputs.
    bn_codes = latent_codes(config, 256 * 20, seed + 1)
    fid_curve: dict[str, list] = {"steps": [], "fid": []}
    curve_judge = None  # loaded at the first FID point, then reused

    average = None  # the weight average's own traced generator, made at the first reading

    def shipped_inference():  # the weight average with precise BatchNorm (with config.ema), else G as it is
        # One traced twin takes each reading's average: no new trace (seconds) per reading.
        nonlocal average
        if not config.ema:
            return inference
        if average is None:
            average = GeneratorInference(build_generator(config), config)
        averaged_generator(model, bn_codes, into=average.generator)
        return average

    def describe(epoch, logs):  # logs: the running means of the current round
        return _round_line(f"{variant_name} · round {epoch + 1}/{rounds} of {round_steps} steps", logs, fid_curve)

    def after_round(epoch, logs) -> dict:  # the next round's learning rates, then the FID point if one is due
        model.set_learning_rate_factor(learning_rate_factor((epoch + 1) / rounds, config.lr_decay_start))
        return measure_fid(epoch)

    def measure_fid(epoch) -> dict:
        nonlocal curve_judge
        done = (epoch + 1) * round_steps
        if judge and fid_every and (done % fid_every < round_steps or epoch + 1 == rounds):
            fid_curve["steps"].append(done)
            if curve_judge is None:
                curve_judge = QualityService()
            report = judge_now(variant, shipped_inference(), curve_judge)
            fid_curve["fid"].append(round(float(report.fid), 2))
            if fid_every <= round_steps:  # a reading every round joins the round's logs: the streamed curve
                return {"fid": float(report.fid)} | (
                    {} if variant.label is not None else {"smallest_class_share": float(min(report.coverage.shares))})
        return {}

    run = fit(model, stream, epochs=rounds, steps_per_epoch=round_steps, repeating=True, on_progress=on_progress,
              cancel=ctx.cancel, keep_on_stop=ctx.keep_on_stop, describe=describe, on_epoch=ctx.on_epoch,
              preview=preview, extra_logs=after_round, shuffle=False)
    exact = GeneratorInference(averaged_generator(model, bn_codes), config) if config.ema else inference
    shipped = GeneratorInference(stored_generator(exact.generator, config), config)
    measured = evaluate(variant, shipped, x_train) if judge else {}
    measured["storage_max_pixel_change"] = storage_change(exact, shipped)

    files = {WEIGHTS_FILE: weight_files.weights_writer(shipped.generator)}
    bundle = write_bundle(request, bundle_name(variant_name), config, files, technique="gan", variant=variant_name,
                          reproduces=variant.reproduces, data=_data_record(variant, len(x_train)),
                          training=plan.training_record(run, seed, len(bn_codes), fid_curve), metrics=measured)
    on_progress(1.0, f"{variant_name}: " + (f"FID {measured['fid']:.1f}" if "fid" in measured else "saved"))
    return bundle


def _round_line(heading: str, logs: dict, fid_curve: dict) -> str:
    """A round's progress line: its losses (the running means of the round), and the latest FID reading."""
    line = f"{heading} · D {logs.get('d_loss', float('nan')):.3f} · G {logs.get('g_loss', float('nan')):.3f}"
    return line + (f" · FID {fid_curve['fid'][-1]:.1f} at step {fid_curve['steps'][-1]}" if fid_curve["fid"] else "")


def _data_record(variant, train_images: int) -> dict:
    """The data provenance of a variant's training images (and the class, for one class of a data set)."""
    label = None if variant.label is None else data.CLASS_NAMES[variant.dataset][variant.label]
    return {variant.dataset: data.provenance(variant.dataset, train_images=train_images, **{"class": label})}


# --- python -m studio.train gan -------------------------------------------------------------------------
HELP = "GANs of Programs 10-4, 10-5(a), lecture 001 and lecture 003"


@dataclass(frozen=True)
class Options(RunOptions):
    """``python -m studio.train gan [--variant V|all] [--steps N] [--schedule classroom] ...``."""

    variant: str = option("all", choices=[*VARIANTS, "all"])
    steps: int | None = option(None, "training batches (default: " + ", ".join(
        f"{v.steps:,} for {k}" for k, v in VARIANTS.items()) + f"); previews and loss points every {ROUND}")
    assess_only: bool = option(False, "measure the saved bundle again with today's metrics instead of training")
    fid_every: int = option(0, "measure the judge's FID of the generator to be shipped every N steps "
                               "(0: only at the end)")
    schedule: str = option("lecture", f"classroom: {CLASSROOM.variant} in about 3 minutes ({CLASSROOM.rounds * ROUND} steps "
                           f"of batch {CLASSROOM.batch_size}, Adam({CLASSROOM.learning_rate:g}, beta_1 "
                           f"{CLASSROOM.beta_1}), the judge's FID every {CLASSROOM.fid_every} steps)",
                           choices=SCHEDULES)
    batch_size: int | None = option(None, "default: " + ", ".join(f"{v.batch_size} for {k}"
                                                                   for k, v in VARIANTS.items()))


def run(request: TrainingRequest[Options], ctx: RunContext) -> list[registry.Bundle]:
    """Train (or re-assess) every variant the request names, reporting through ``ctx``."""
    variant = request.options.variant
    each = [request.with_options(variant=v) for v in (VARIANTS if variant == "all" else [variant])]
    if request.options.assess_only:
        return [assess_saved(one) for one in each]
    return [train_gan(one, ctx) for one in each]
