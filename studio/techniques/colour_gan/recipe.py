"""Recipe for the colour DCGAN of Deep Learning with Python, section 12.5:
``python -m studio.train colour-gan [--network cpu|book] [--images-dir DIR]``.

Without ``--images-dir`` it trains on OpenMoji's face and people emoji (``openmoji.face_pictures``),
the offline stand-in for the book's CelebA faces, each picture with its mirror image. With it, on any
folder of pictures through the book's own ``image_dataset_from_directory`` call (a student's upload,
or CelebA on disk). The book's ``train_step`` is kept, with each network's optimiser settings
(``ColourGANConfig``: the book's Adam(1e-4), or the CPU variant's Adam(2e-4, beta_1 0.5)); G ships as
its weights' moving average (EMA 0.999), as the studio's other GANs do. Training is counted in steps, shown every ``ROUND``.
``--checkpoint-dir`` keeps the run's state every ten rounds, and ``--resume`` goes on from it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from studio.media import imaging, openmoji
from studio.judge import metrics
from studio.bundles import registry, weight_files
from studio.serving import runtime
from studio.bundles.writer import write_bundle
from studio.serving.lazy_keras import keras, tf
from studio.judge.quality import QualityService
from studio.techniques.colour_gan.model import (
    PICTURE_SUFFIXES,
    ColourGANConfig,
    build_generator,
    generate,
    latent_codes,
    make_colour_gan,
    pictures_from_directory,
)
from studio.techniques.colour_gan.presets import (
    BUNDLE,
    MIN_PICTURES,
    ROUND,
    WEIGHTS_FILE,
)
from studio.training import RunContext, fit, training_record
from studio.training.request import TrainingRequest, option
from studio.training.weight_average import averaged_twin

NETWORKS = {"cpu": ColourGANConfig.cpu, "book": ColourGANConfig.book}
DEFAULT_STEPS = 12000
BATCH_SIZE = 32  # the book's
EMA = 0.999
PREVIEW_SEED = 1234
PREVIEW_COUNT = 16  # two rows of eight
CHECKPOINT_EVERY = 10  # rounds
EVAL_SEEDS = (0, 1, 2, 3, 4)  # FID draws of as many samples as there are real test faces
NN_SAMPLES = 200


def emoji_faces_stream(batch_size: int, seed: int):
    """Endless shuffled batches (batch, 64, 64, 3) in [0, 1] of the training faces and their mirror images."""
    faces = openmoji.face_pictures(test=False)
    both = np.concatenate([faces, faces[:, :, ::-1]]).astype(np.float32) / 255.0
    stream = tf.data.Dataset.from_tensor_slices(both).shuffle(len(both), seed=seed, reshuffle_each_iteration=True)
    return stream.repeat().batch(batch_size, drop_remainder=True).prefetch(2), len(faces)


def folder_stream(folder: Path, batch_size: int, seed: int):
    """The book's pipeline on ``folder`` (``model.pictures_from_directory``), each picture with its
    mirror image, as endless shuffled batches; and how many pictures it found.

    Raises ValueError, in one sentence, when the folder holds fewer than MIN_PICTURES pictures."""

    count = count_pictures(folder)
    if count < MIN_PICTURES:
        raise ValueError(f"Found {count} pictures in {folder}; the colour GAN needs at least {MIN_PICTURES}.")
    pictures = pictures_from_directory(folder, batch_size=batch_size, seed=seed).unbatch()
    both = pictures.concatenate(pictures.map(lambda x: x[:, ::-1]))
    both = both.cache().shuffle(2 * count, seed=seed, reshuffle_each_iteration=True)
    return both.repeat().batch(batch_size, drop_remainder=True).prefetch(2), count


def count_pictures(folder: Path) -> int:
    """How many files ``image_dataset_from_directory`` would read from ``folder`` (sub-folders included)."""
    return sum(1 for path in Path(folder).rglob("*") if path.is_file() and path.suffix.lower() in PICTURE_SUFFIXES)


def evaluate(generator, config: ColourGANConfig) -> dict:
    """The emoji judge's FID of the generator's faces against the training faces, beside the real test faces'
    (the floor) at the same sample size; and the nearest-training-picture distance (not copies)."""
    judge = QualityService()
    train, test = openmoji.face_pictures(test=False), openmoji.face_pictures(test=True)
    reference = metrics.GaussianStats.of(judge.features("emoji", train))
    n = len(test)

    def fid(images) -> float:
        return metrics.frechet_distance(metrics.GaussianStats.of(judge.features("emoji", images)), reference)

    fids = [fid(generate(generator, config, n, seed)) for seed in EVAL_SEEDS]
    nearest = metrics.nearest_train_distance(generate(generator, config, NN_SAMPLES, 0), train)[1]
    test_nearest = metrics.nearest_train_distance(test, train)[1]
    return {
        "judge_dataset": "emoji",
        "samples": n,
        "fid": round(float(np.mean(fids)), 2),
        "fid_sd_over_draws": round(float(np.std(fids)), 2),
        "fid_real_floor": round(fid(test), 2),
        "nearest_train_distance": round(float(nearest.mean()), 4),
        "test_faces_nearest_train_distance": round(float(test_nearest.mean()), 4),
        "note": f"FID in the emoji judge's features (not Inception FID) of {n} samples (the mean of {len(EVAL_SEEDS)} "
                f"draws) against the {len(train)} training faces; the floor is the {n} real test faces against them. "
                "Nearest-train distance: mean absolute difference on [0, 1] to the closest training face, over "
                f"{NN_SAMPLES} samples, beside the real test faces' own.",
    }


def _save_checkpoint(folder: Path, model, done_rounds: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    averages = [v.numpy() for v in getattr(model.g_optimizer, "_model_variables_moving_average", [])]
    arrays = {f"g{i}": w for i, w in enumerate(model.generator.get_weights())}
    arrays |= {f"d{i}": w for i, w in enumerate(model.discriminator.get_weights())}
    arrays |= {f"a{i}": w for i, w in enumerate(averages)}
    partial = folder / "checkpoint.partial.npz"
    np.savez(partial, **arrays)
    partial.replace(folder / "checkpoint.npz")  # a run killed while writing keeps the previous checkpoint
    (folder / "checkpoint.json").write_text(json.dumps({"rounds": done_rounds}))


def _load_checkpoint(folder: Path, model) -> int:
    """Restore G, D and G's weight average from ``folder``; the number of rounds done (0 without one).
    Adam's moment estimates start again from zero (a few noisy steps)."""
    if not (folder / "checkpoint.npz").is_file():
        return 0
    with np.load(folder / "checkpoint.npz") as saved:
        model.generator.set_weights([saved[f"g{i}"] for i in range(len(model.generator.weights))])
        model.discriminator.set_weights([saved[f"d{i}"] for i in range(len(model.discriminator.weights))])
        model.g_optimizer.build(model.generator.trainable_variables)
        for i, variable in enumerate(getattr(model.g_optimizer, "_model_variables_moving_average", [])):
            variable.assign(saved[f"a{i}"])
    return int(json.loads((folder / "checkpoint.json").read_text())["rounds"])


def train_colour_gan(request: TrainingRequest[Options], ctx: RunContext = RunContext(), *,
                     judge: bool = True, config: ColourGANConfig | None = None) -> registry.Bundle:
    """Train the colour DCGAN for ``steps`` batches and save its averaged generator as ``BUNDLE``.

    ``network`` "book" is section 12.5's widths, "cpu" the narrower variant (``config`` overrides both;
    tests use tiny ones). ``images_dir`` None trains on the OpenMoji faces and measures the result with
    the emoji judge (``judge`` False skips it); a folder trains on its pictures, measured by the nearest
    training picture only. A run stopped halfway saves nothing unless ``keep_on_stop``.
    """
    options, on_progress = request.options, ctx.on_progress
    network, steps, batch_size, seed = options.network, options.steps, options.batch_size, options.seed
    images_dir, checkpoint_dir, resume = options.images_dir, options.checkpoint_dir, options.resume
    if network not in NETWORKS:
        raise ValueError(f"Unknown network {network!r}; choose one of {sorted(NETWORKS)}.")
    config = config or NETWORKS[network]()
    rounds = max(1, -(-int(steps) // ROUND))
    round_steps = min(ROUND, int(steps))
    runtime.import_tensorflow()

    keras.utils.set_random_seed(seed)
    if images_dir is None:
        stream, pictures = emoji_faces_stream(batch_size, seed)
    else:
        stream, pictures = folder_stream(Path(images_dir), batch_size, seed)
    model = make_colour_gan(config, ema=EMA)
    start = _load_checkpoint(Path(checkpoint_dir), model) if resume and checkpoint_dir else 0
    preview_z = latent_codes(config, PREVIEW_COUNT, PREVIEW_SEED)

    def preview() -> np.ndarray:
        out = np.asarray(model.generator(preview_z, training=False))
        return imaging.grid(np.clip(np.rint(out * 255), 0, 255).astype(np.uint8), cols=8, scale=2)

    def describe(epoch, logs):
        return (f"colour DCGAN ({network}) · round {epoch + 1}/{rounds} of {round_steps} steps · "
                f"D {logs.get('d_loss', float('nan')):.3f} · G {logs.get('g_loss', float('nan')):.3f}")

    def after_round(epoch, logs) -> dict:
        if checkpoint_dir and (epoch + 1) % CHECKPOINT_EVERY == 0:
            _save_checkpoint(Path(checkpoint_dir), model, epoch + 1)
        return {}

    run = fit(model, stream, epochs=rounds, steps_per_epoch=round_steps, repeating=True, on_progress=on_progress,
              cancel=ctx.cancel, keep_on_stop=ctx.keep_on_stop, describe=describe, on_epoch=ctx.on_epoch,
              preview=preview, extra_logs=after_round, initial_epoch=start, shuffle=False)

    averaged = averaged_twin(model.generator, model.g_optimizer, lambda: build_generator(config),
                             latent_codes(config, 256, seed + 1))
    shipped = build_generator(config)
    shipped.set_weights(weight_files.rounded_weights(averaged.get_weights()))
    measured = {"storage_max_pixel_change": int(np.abs(generate(averaged, config, 200, 7).astype(int)
                                                       - generate(shipped, config, 200, 7)).max())}
    if images_dir is None and judge:
        measured |= evaluate(shipped, config)
    elif images_dir is not None:
        real = np.concatenate([np.rint(np.asarray(b) * 255).astype(np.uint8)
                               for b in pictures_from_directory(Path(images_dir), batch_size=256, seed=seed)])
        measured["nearest_train_distance"] = round(float(
            metrics.nearest_train_distance(generate(shipped, config, min(NN_SAMPLES, 64), 0), real)[1].mean()), 4)
    data_record = _data_record(images_dir, pictures)
    training = training_record(
        run, unit="steps", per_unit=round_steps, batch_size=batch_size, seed=seed,
        history_every_steps=round_steps,
        optimizer=f"Adam({config.learning_rate}, beta_1={config.beta_1}) for D and for G"
                  + (" (the book's)" if (config.learning_rate, config.beta_1) == (1e-4, 0.9) else ""),
        tricks=[f"the book's uniform label noise {config.label_noise} on D's targets",
                f"ships G's weight average (EMA {EMA})", "each picture also mirrored"])
    files = {WEIGHTS_FILE: weight_files.weights_writer(shipped)}
    reproduces = ("Deep Learning with Python, section 12.5: the colour DCGAN (64 x 64 x 3, latent 128)"
                  + (" at the book's widths" if network == "book" else ", the same layers at narrower widths"))
    bundle = write_bundle(request, BUNDLE, config, files, technique="colour_gan", variant="colour", network=network,
                          reproduces=reproduces, data=data_record, training=training, metrics=measured)
    on_progress(1.0, "colour DCGAN: " + (f"FID {measured['fid']:.1f}" if "fid" in measured else "saved"))
    return bundle


def _data_record(images_dir, pictures: int) -> dict:
    """The data provenance: OpenMoji's faces (``images_dir`` None), or the user's own folder."""
    if images_dir is None:
        return {"openmoji_faces": {"description": openmoji.DESCRIPTION + "; the face and people emoji only "
                                   "(subcategories " + ", ".join(sorted(openmoji.FACE_SUBCATEGORIES)) + "), each with "
                                   "its mirror image", "loaded_from": openmoji.source(), "licence": openmoji.CREDIT,
                                   "train_images": pictures}}
    return {"own_pictures": {"description": "a folder of the user's own pictures, read by "
                             "keras.utils.image_dataset_from_directory (64 x 64, centre crop), each with its "
                             "mirror image", "train_images": pictures}}


# --- python -m studio.train colour-gan ------------------------------------------------------------------
HELP = "the colour DCGAN of Deep Learning with Python 12.5, on OpenMoji's faces or a folder of pictures"


@dataclass(frozen=True)
class Options:
    """``python -m studio.train colour-gan [--network cpu|book] [--steps N] [--images-dir D] ...``."""

    network: str = option("cpu", "book: section 12.5's widths (for a GPU); cpu: the same layers, narrower (default)",
                          choices=sorted(NETWORKS))
    steps: int = option(DEFAULT_STEPS, f"training batches; a preview every {ROUND}")
    images_dir: str | None = option(None, f"train on this folder of pictures (at least {MIN_PICTURES}; sub-folders "
                                          "too) instead of OpenMoji's faces")
    checkpoint_dir: str | None = option(None, f"keep the run's state here every {CHECKPOINT_EVERY} rounds")
    resume: bool = option(False, "go on from --checkpoint-dir's last state")
    batch_size: int = option(BATCH_SIZE, f"default: {BATCH_SIZE} (the book's)")
    seed: int = option(0)


def run(request: TrainingRequest[Options], ctx: RunContext) -> list[registry.Bundle]:
    """Train as ``request`` says, reporting through ``ctx``."""
    return [train_colour_gan(request, ctx)]
