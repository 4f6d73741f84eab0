"""Recipe for Pix2Pix: ``python -m studio.train pix2pix --data {emoji,fashion} --variant {unet,encdec,l1,all}``.

Data:
- "emoji": OpenMoji's colour emoji at 64 x 64 x 3, each paired with its own black line layer, split by
  emoji (``studio.media.openmoji``: about 2,850 training and 430 test pairs);
- "fashion": Fashion-MNIST's sandals, sneakers and ankle boots (18,000 training, 3,000 test images),
  each paired with its numpy edge map (``pix2pix.edge_maps``), at 32 x 32.

Three models, as the lecture contrasts them: the U-Net with GAN + 100 * L1 (shipped default), the
encoder-decoder with the same loss, and the U-Net with L1 alone. Each bundle records the test-set L1,
the Fréchet distance in the data set's judge's features between the translated and the real test
pictures (beside the floor of real training pictures at the same count), and a sharpness ratio (mean
gradient magnitude of the translations over that of the real pictures).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from studio import data
from studio.media import imaging, openmoji
from studio.judge import metrics
from studio.bundles import registry, weight_files
from studio.serving import runtime
from studio.bundles.writer import write_bundle
from studio.serving.lazy_keras import keras
from studio.judge.quality import QualityService
from studio.techniques.pix2pix import model as p2p
from studio.techniques.pix2pix.presets import (
    DEFAULT_EPOCHS,
    DESCRIPTIONS,
    bundle_name,
)
from studio.training import RunContext, RunOptions, fit, training_record
from studio.training.request import TrainingRequest, option

PREVIEW_PAIRS = 6  # fixed test pairs shown while training: edges / translation / truth
VALIDATION_PAIRS = 1000  # per-epoch test L1 on this many test pairs (the full test set at the end)
METRICS_NOTES = {
    "fashion": "test_l1: mean |translation - real shoe| on [0, 1] over the 32x32 test pairs; fid_fashion: "
               "Fréchet distance in the Fashion-MNIST judge's features between the translated and the real test "
               "shoes (28x28 crops; not comparable with Inception FID), floor = real training shoes vs the same; "
               "sharpness: mean Sobel gradient magnitude, ratio = translations / real shoes (1 = as sharp as the data)",
    "emoji": "test_l1: mean |translation - real emoji| on [0, 1] over the 64x64x3 test pairs (emoji never seen in "
             "training); fid_emoji: Fréchet distance in the colour emoji judge's features between the translated "
             "and the real test emoji (not comparable with Inception FID), floor = as many real training emoji vs "
             "the same; sharpness: mean Sobel gradient magnitude per colour channel, ratio = translations / real; "
             "colourfulness: mean max(R,G,B) - min(R,G,B), ratio = translations / real",
}


def data_provenance(dataset: str) -> dict:
    """Where a data set's pairs came from, for metadata.json."""
    if dataset == "emoji":
        return {"description": openmoji.DESCRIPTION, "loaded_from": openmoji.source(),
                "pairs": "black line layer of the render -> the colour render, both box-filtered to 64x64"}
    return data.provenance("fashion", classes="5 sandal, 7 sneaker, 9 ankle boot",
                           pairs="numpy edge map (Sobel + non-maximum suppression + relative threshold) -> shoe, "
                                 "28x28 padded to 32x32")
@dataclasses.dataclass(frozen=True)
class Pairs:
    """Outlines (uint8 (N, S, S)) and pictures ((N, S, S) grey or (N, S, S, 3) colour) of both splits."""

    dataset: str
    train_edges: np.ndarray
    train_shoes: np.ndarray
    test_edges: np.ndarray
    test_shoes: np.ndarray

    def judged(self, pictures: np.ndarray) -> np.ndarray:
        """Pictures as this data set's judge reads them (the shoes cropped back to 28 x 28)."""
        return p2p.crop_to_28(pictures) if self.dataset == "fashion" else np.asarray(pictures)


def load_pairs(limit: int | None = None, dataset: str = "fashion") -> Pairs:
    """The pairs of a data set (``limit``: the first N training pairs, N / 5 test pairs)."""
    if dataset == "emoji":
        train, test = openmoji.load_split(False), openmoji.load_split(True)
        pairs = Pairs(dataset, train.outlines, train.pictures, test.outlines, test.pictures)
    else:
        (x_train, y_train), (x_test, y_test) = data.load_fashion_mnist()
        train, _ = p2p.shoe_subset(x_train, y_train)
        test, _ = p2p.shoe_subset(x_test, y_test)
        if len(train) == 0 or len(test) == 0:
            raise ValueError("The data set has no sandals, sneakers or ankle boots (classes 5, 7, 9).")
        if limit is not None:
            train, test = train[:limit], test[:max(limit // 5, PREVIEW_PAIRS)]
        pairs = Pairs(dataset, *p2p.make_pairs(train), *p2p.make_pairs(test))
    if limit is not None:
        # The shoes' test side shrinks with the limit (quick checks); the 433 test emoji stay whole, so a
        # classroom model is measured on the same pairs as the shipped one.
        tests = max(limit // 5, PREVIEW_PAIRS) if dataset == "fashion" else len(pairs.test_edges)
        pairs = Pairs(dataset, pairs.train_edges[:limit], pairs.train_shoes[:limit],
                      pairs.test_edges[:tests], pairs.test_shoes[:tests])
    return pairs


def evaluate(translations: np.ndarray, pairs: Pairs, quality=None) -> dict:
    """Test-set measures of translated pictures against the real test pictures.

    ``quality`` is a QualityService (the data set's judge); without one, or without its bundle, the
    FID entries are None.
    """
    real = pairs.test_shoes
    out = {"test_l1": round(p2p.mean_l1(translations, real), 4),
           "sharpness": round(p2p.sharpness(translations), 4),
           "sharpness_real": round(p2p.sharpness(real), 4)}
    out["sharpness_ratio"] = round(out["sharpness"] / out["sharpness_real"], 3)
    if np.asarray(real).ndim == 4:  # colour: how saturated, beside the real pictures
        out["colourfulness"] = round(p2p.colourfulness(translations), 4)
        out["colourfulness_ratio"] = round(out["colourfulness"] / max(p2p.colourfulness(real), 1e-6), 3)
    fid_key = f"fid_{pairs.dataset}"
    out[fid_key] = out[f"{fid_key}_floor"] = None
    if quality is not None and len(real) >= 2:
        try:
            real_stats = metrics.GaussianStats.of(quality.features(pairs.dataset, pairs.judged(real)))
            fake = quality.features(pairs.dataset, pairs.judged(translations))
            out[fid_key] = round(metrics.frechet_distance(metrics.GaussianStats.of(fake), real_stats), 3)
            out[f"{fid_key}_floor"] = round(_floor(quality, pairs, real_stats), 3)
        except registry.WeightsUnavailableError:
            pass
    return out


def _floor(quality, pairs: Pairs, real_stats: metrics.GaussianStats) -> float:
    # Real training pictures, as many as the test set, against the real test pictures: the best a
    # generator could hope for at this sample size.
    n = len(pairs.test_shoes)
    if pairs.dataset == "fashion":
        (x_train, y_train), _ = data.load_fashion_mnist()
        train = p2p.shoe_subset(x_train, y_train)[0][:n]
    else:
        train = pairs.judged(pairs.train_shoes[:n])
    return metrics.frechet_distance(metrics.GaussianStats.of(quality.features(pairs.dataset, train)), real_stats)


def preview_picture(edges: np.ndarray, outputs: np.ndarray, truths: np.ndarray, scale: int = 3) -> np.ndarray:
    """Three rows (edges, translations, truths) of the same pairs, as one uint8 picture."""
    if np.asarray(outputs).ndim == 4:  # colour: the outlines in RGB too
        edges = np.repeat(np.asarray(edges)[..., None], 3, axis=-1)
    return imaging.grid(np.concatenate([edges, outputs, truths]), cols=len(edges), scale=scale, pad=2)


def train_pix2pix(request: TrainingRequest[Options], ctx: RunContext = RunContext(), *,
                  quality: QualityService | None = None) -> registry.Bundle:
    """Train one variant, measure it on the test pairs, save it; ``keep_on_stop`` saves a stopped run.

    ``quality`` (a QualityService) gives the FID; the command line passes one, tests need not.
    ``decay_epochs``: the last this many epochs decay the learning rate linearly to 0 (the paper's
    schedule); 0 keeps 2e-4 throughout (how the shipped shoe models were trained).
    """
    options, on_progress = request.options, ctx.on_progress
    variant, dataset, epochs, decay_epochs = options.variant, options.data, options.epochs, options.decay_epochs
    batch_size, seed, limit = options.batch_size, options.seed, options.limit
    name = bundle_name(variant, dataset)
    epochs = epochs or DEFAULT_EPOCHS[dataset]
    runtime.import_tensorflow()

    keras.utils.set_random_seed(seed)
    pairs = load_pairs(limit, dataset)
    train_x, train_y = p2p.to_signed(pairs.train_edges), p2p.to_signed(pairs.train_shoes)
    if dataset == "emoji":  # 2,850 pairs are few: their mirror images double them (an emoji mirrored is still one)
        train_x, train_y = np.concatenate([train_x, train_x[:, :, ::-1]]), np.concatenate([train_y, train_y[:, :, ::-1]])
    val = slice(0, VALIDATION_PAIRS)
    val_x, val_y = p2p.to_signed(pairs.test_edges[val]), p2p.to_signed(pairs.test_shoes[val])
    config = p2p.Pix2PixConfig.variant(variant, dataset)
    steps = -(-len(train_x) // batch_size)
    shown = slice(0, PREVIEW_PAIRS)
    model = p2p.make_pix2pix(config)
    decay_epochs = max(0, min(int(decay_epochs), epochs))
    p2p.compile_pix2pix(model, decay_epochs * steps, epochs * steps)
    inference = p2p.Pix2PixInference(model.generator)

    def preview() -> np.ndarray:
        return preview_picture(pairs.test_edges[shown], inference.translate(pairs.test_edges[shown]),
                               pairs.test_shoes[shown])

    def describe(epoch, logs):
        line = f"Pix2Pix {dataset} {variant} · epoch {epoch + 1}/{epochs} · L1 {logs.get('gen_l1_loss', float('nan')):.4f}"
        if "gen_gan_loss" in logs:
            line += f" · GAN {logs['gen_gan_loss']:.3f} · D {logs['disc_loss']:.3f}"
        if "val_gen_l1_loss" in logs:
            line += f" · test L1 {logs['val_gen_l1_loss']:.4f}"
        return line

    run = fit(model, train_x, train_y, epochs=epochs, steps_per_epoch=steps, on_progress=on_progress, cancel=ctx.cancel,
              keep_on_stop=ctx.keep_on_stop, describe=describe, on_epoch=ctx.on_epoch, preview=preview,
              batch_size=batch_size, shuffle=True, validation_data=(val_x, val_y))
    on_progress(1.0, f"Pix2Pix {variant}: averaging the generator's weights and its BatchNorm statistics")
    p2p.finish_generator(model, train_x)
    on_progress(1.0, f"Pix2Pix {variant}: measuring on {len(pairs.test_edges)} test pairs")
    measures = {**_measured_as_stored(model, config, inference, pairs, quality), "note": METRICS_NOTES[dataset]}
    data_record = {dataset: {**data_provenance(dataset),
                       "train_pairs": len(pairs.train_edges), "test_pairs": len(pairs.test_edges)}}
    training = training_record(
        run, batch_size=batch_size, seed=seed, lambda_l1=config.lambda_l1 if config.gan else None,
        optimizer="Adam(2e-4, beta_1=0.5) for G and D, as the paper"
                  + (f", linear decay to 0 over the last {decay_epochs} epochs" if decay_epochs else "")
                  + (f"; G shipped as its weights' moving average (momentum {config.ema:g})" if config.ema else "")
                  + "; BatchNorm statistics re-estimated for the final weights (precise BN)",
        history_note="gen_l1_loss on the networks' [-1, 1] scale (twice the [0, 1] test_l1); "
                     "val_ = the first 1,000 test pairs")
    files = {"generator.npz": weight_files.weights_writer(model.generator)}
    # The tab lays the PatchGAN's verdict over the U-Net's picture only; the colour encoder-decoder's
    # discriminator would be 0.6 MB that nothing reads.
    if model.discriminator is not None and (dataset == "fashion" or variant == "unet"):
        files["discriminator.npz"] = weight_files.weights_writer(model.discriminator)
    bundle = write_bundle(request, name, config, files, technique="pix2pix", variant=variant,
                          description=DESCRIPTIONS[variant],
                          reproduces="lecture 004 (Pix2Pix: U-Net vs encoder-decoder, PatchGAN, L1 + GAN loss); "
                                     "Isola et al. 2017",
                          augmentation="each training pair and its mirror image" if dataset == "emoji" else "none",
                          data=data_record, training=training, metrics=measures)
    fid = measures[f"fid_{dataset}"]
    on_progress(1.0, f"Pix2Pix {dataset} {variant}: test L1 {measures['test_l1']:.4f}"
                + (f" · FID {fid:.2f}" if fid is not None else "") + f" · sharpness x{measures['sharpness_ratio']:.2f}")
    return bundle


def _measured_as_stored(model, config, inference, pairs, quality) -> dict:
    """The test pairs' measures of the generator as float16 storage gives it back (translated again with
    rounded weights), and how much that rounding changes the translations."""
    exact = inference.translate(pairs.test_edges)
    twin = p2p.make_pix2pix(config)
    twin.generator.set_weights([w.astype(np.float16).astype(np.float32) for w in model.generator.get_weights()])
    rounded = p2p.Pix2PixInference(twin.generator).translate(pairs.test_edges)
    measures = evaluate(rounded, pairs, quality)
    change = np.abs(exact.astype(np.int16) - rounded.astype(np.int16))
    return {**measures, "float16_max_change_levels": int(change.max()),
            "float16_mean_change_levels": round(float(change.mean()), 4)}


# --- python -m studio.train pix2pix ---------------------------------------------------------------------
HELP = "Pix2Pix outline -> colour emoji or edges -> shoes (lecture 004): U-Net, encoder-decoder, L1-only"


@dataclass(frozen=True)
class Options(RunOptions):
    """``python -m studio.train pix2pix [--data emoji|fashion] [--variant V|all] [--epochs E] ...``."""

    data: str = option("fashion", "emoji: OpenMoji colour emoji at 64 px; fashion: Fashion-MNIST shoes at 32 px",
                       choices=p2p.DATASETS)
    variant: str = option("all", choices=[*p2p.VARIANTS, "all"])
    epochs: int | None = option(None, "default: " + ", ".join(f"{e} ({d})" for d, e in DEFAULT_EPOCHS.items()))
    batch_size: int = option(64, "default: 64")
    decay_epochs: int = option(0, "decay the learning rate linearly to 0 over the last N epochs (the paper's schedule)")


def run(request: TrainingRequest[Options], ctx: RunContext) -> list[registry.Bundle]:
    """Train every variant the request names, reporting through ``ctx``."""
    quality = QualityService()  # the data set's judge, for the FID
    variant = request.options.variant
    return [train_pix2pix(request.with_options(variant=v), ctx, quality=quality)
            for v in (p2p.VARIANTS if variant == "all" else [variant])]
