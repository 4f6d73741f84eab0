"""Recipe for Pix2Pix on edges -> shoes: ``python -m studio.train pix2pix --variant {unet,encdec,l1,all}``.

Data: Fashion-MNIST's sandals, sneakers and ankle boots (18,000 training, 3,000 test images),
each paired with its numpy edge map (``pix2pix.edge_maps``), at 32 x 32. Three models, as the
lecture contrasts them: the U-Net with GAN + 100 * L1 (shipped default), the encoder-decoder with
the same loss, and the U-Net with L1 alone. Each bundle records the test-set L1, the Fréchet
distance in the Fashion-MNIST judge's features between the translated and the real test shoes,
and a sharpness ratio (mean gradient magnitude of the translations over that of the real shoes).
"""

from __future__ import annotations

import dataclasses

import numpy as np

from studio import data, imaging, metrics, registry, runtime
from studio.techniques.pix2pix import model as p2p
from studio.techniques.pix2pix.presets import (
    DEFAULT_EPOCHS,
    DESCRIPTIONS,
    bundle_name,
    save_half,
)
from studio.training import (
    CancelToken,
    EpochFn,
    ProgressFn,
    add_run_arguments,
    fit,
    no_progress,
    training_record,
)

PREVIEW_PAIRS = 6  # fixed test pairs shown while training: edges / translation / truth
VALIDATION_PAIRS = 1000  # per-epoch test L1 on this many test pairs (the full test set at the end)
@dataclasses.dataclass(frozen=True)
class ShoePairs:
    """Edge maps and shoes (uint8, (N, 32, 32)) of both splits, with the Fashion-MNIST labels."""

    train_edges: np.ndarray
    train_shoes: np.ndarray
    test_edges: np.ndarray
    test_shoes: np.ndarray
    test_labels: np.ndarray


def load_pairs(limit: int | None = None) -> ShoePairs:
    """The shoe pairs of Fashion-MNIST (``limit``: the first N training shoes, N / 5 test shoes)."""
    (x_train, y_train), (x_test, y_test) = data.load_fashion_mnist()
    train, _ = p2p.shoe_subset(x_train, y_train)
    test, labels = p2p.shoe_subset(x_test, y_test)
    if limit is not None:
        train, test, labels = train[:limit], test[:max(limit // 5, PREVIEW_PAIRS)], labels[:max(limit // 5, PREVIEW_PAIRS)]
    if len(train) == 0 or len(test) == 0:
        raise ValueError("The data set has no sandals, sneakers or ankle boots (classes 5, 7, 9).")
    train_edges, train_shoes = p2p.make_pairs(train)
    test_edges, test_shoes = p2p.make_pairs(test)
    return ShoePairs(train_edges, train_shoes, test_edges, test_shoes, labels)


def evaluate(translations: np.ndarray, pairs: ShoePairs, quality=None) -> dict:
    """Test-set measures of translated shoes (uint8, (N, 32, 32)) against the real test shoes.

    ``quality`` is a QualityService (the Fashion-MNIST judge); without one, or without its
    bundle, the FID entries are None.
    """
    real = pairs.test_shoes
    out = {"test_l1": round(p2p.mean_l1(translations, real), 4),
           "sharpness": round(p2p.sharpness(translations), 4),
           "sharpness_real": round(p2p.sharpness(real), 4)}
    out["sharpness_ratio"] = round(out["sharpness"] / out["sharpness_real"], 3)
    out["fid_fashion"] = out["fid_fashion_floor"] = None
    if quality is not None and len(real) >= 2:
        try:
            real_stats = metrics.GaussianStats.of(quality.features("fashion", p2p.crop_to_28(real)))
            fake = quality.features("fashion", p2p.crop_to_28(translations))
            out["fid_fashion"] = round(metrics.frechet_distance(metrics.GaussianStats.of(fake), real_stats), 3)
            out["fid_fashion_floor"] = round(_floor(quality, len(real), real_stats), 3)
        except registry.WeightsUnavailableError:
            pass
    return out


def _floor(quality, n: int, real_stats: metrics.GaussianStats) -> float:
    # Real training shoes, as many as the test set, against the real test shoes: the best a
    # generator could hope for at this sample size.
    (x_train, y_train), _ = data.load_fashion_mnist()
    shoes, _ = p2p.shoe_subset(x_train, y_train)
    return metrics.frechet_distance(metrics.GaussianStats.of(quality.features("fashion", shoes[:n])), real_stats)


def preview_picture(edges: np.ndarray, outputs: np.ndarray, truths: np.ndarray, scale: int = 3) -> np.ndarray:
    """Three rows (edges, translations, truths) of the same pairs, as one uint8 picture."""
    return imaging.grid(np.concatenate([edges, outputs, truths]), cols=len(edges), scale=scale, pad=2)


def train_pix2pix(variant: str = "unet", epochs: int | None = None, batch_size: int = 64, seed: int = 0,
                  limit: int | None = None, source: str = registry.SHIPPED, on_progress: ProgressFn = no_progress,
                  cancel: CancelToken | None = None, on_epoch: EpochFn | None = None,
                  keep_on_stop: bool = False, quality=None, decay_epochs: int = 0) -> registry.Bundle:
    """Train one variant, measure it on the test shoes, save it; ``keep_on_stop`` saves a stopped run.

    ``quality`` (a QualityService) gives the FID; the command line passes one, tests need not.
    ``decay_epochs``: the last this many epochs decay the learning rate linearly to 0 (the paper's
    schedule); 0 keeps 2e-4 throughout (how the shipped models were trained).
    """
    name = bundle_name(variant)
    cancel = cancel or CancelToken()
    epochs = epochs or DEFAULT_EPOCHS
    runtime.import_tensorflow()
    import keras

    keras.utils.set_random_seed(seed)
    pairs = load_pairs(limit)
    train_x, train_y = p2p.to_signed(pairs.train_edges), p2p.to_signed(pairs.train_shoes)
    val = slice(0, VALIDATION_PAIRS)
    val_x, val_y = p2p.to_signed(pairs.test_edges[val]), p2p.to_signed(pairs.test_shoes[val])
    config = p2p.Pix2PixConfig.variant(variant)
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
        line = f"Pix2Pix {variant} · epoch {epoch + 1}/{epochs} · L1 {logs.get('gen_l1_loss', float('nan')):.4f}"
        if "gen_gan_loss" in logs:
            line += f" · GAN {logs['gen_gan_loss']:.3f} · D {logs['disc_loss']:.3f}"
        if "val_gen_l1_loss" in logs:
            line += f" · test L1 {logs['val_gen_l1_loss']:.4f}"
        return line

    run = fit(model, train_x, train_y, epochs=epochs, steps_per_epoch=steps, on_progress=on_progress, cancel=cancel,
              keep_on_stop=keep_on_stop, describe=describe, on_epoch=on_epoch, preview=preview,
              batch_size=batch_size, shuffle=True, validation_data=(val_x, val_y))
    on_progress(1.0, f"Pix2Pix {variant}: averaging the generator's weights and its BatchNorm statistics")
    p2p.finish_generator(model, train_x)
    on_progress(1.0, f"Pix2Pix {variant}: measuring on {len(pairs.test_edges)} test shoes")
    exact = inference.translate(pairs.test_edges)
    # float16 storage: translate again with rounded weights, and record the difference.
    twin = p2p.make_pix2pix(config)
    twin.generator.set_weights([w.astype(np.float16).astype(np.float32) for w in model.generator.get_weights()])
    rounded = p2p.Pix2PixInference(twin.generator).translate(pairs.test_edges)
    measures = evaluate(rounded, pairs, quality)
    change = np.abs(exact.astype(np.int16) - rounded.astype(np.int16))
    measures.update({
        "float16_max_change_levels": int(change.max()),
        "float16_mean_change_levels": round(float(change.mean()), 4),
        "note": "test_l1: mean |translation - real shoe| on [0, 1] over the 32x32 test pairs; fid_fashion: "
                "Fréchet distance in the Fashion-MNIST judge's features between the translated and the real test "
                "shoes (28x28 crops; not comparable with Inception FID), floor = real training shoes vs the same; "
                "sharpness: mean Sobel gradient magnitude, ratio = translations / real shoes (1 = as sharp as the data)",
    })
    metadata = {
        "technique": "pix2pix",
        "variant": variant,
        "description": DESCRIPTIONS[variant],
        "reproduces": "lecture 004 (Pix2Pix: U-Net vs encoder-decoder, PatchGAN, L1 + GAN loss); Isola et al. 2017",
        "command": f"python -m studio.train pix2pix --variant {variant} --epochs {epochs} --batch-size {batch_size} "
                   f"--seed {seed}" + (f" --limit {limit}" if limit else "")
                   + (f" --decay-epochs {decay_epochs}" if decay_epochs else ""),
        "data": {"fashion": {"description": data.DESCRIPTIONS["fashion"], "loaded_from": data.dataset_source("fashion"),
                             "classes": "5 sandal, 7 sneaker, 9 ankle boot",
                             "train_pairs": len(pairs.train_edges), "test_pairs": len(pairs.test_edges),
                             "pairs": "numpy edge map (Sobel + non-maximum suppression + relative threshold) -> "
                                      "shoe, 28x28 padded to 32x32"}},
        "training": training_record(
            run, batch_size=batch_size, seed=seed, lambda_l1=config.lambda_l1 if config.gan else None,
            optimizer="Adam(2e-4, beta_1=0.5) for G and D, as the paper"
                      + (f", linear decay to 0 over the last {decay_epochs} epochs" if decay_epochs else "")
                      + (f"; G shipped as its weights' moving average (momentum {config.ema:g})" if config.ema else "")
                      + "; BatchNorm statistics re-estimated for the final weights (precise BN)",
            history_note="gen_l1_loss on the networks' [-1, 1] scale (twice the [0, 1] test_l1); "
                         "val_ = the first 1,000 test pairs"),
        "metrics": measures,
    }
    files = {"generator.npz": save_half(model.generator)}
    if model.discriminator is not None:
        files["discriminator.npz"] = save_half(model.discriminator)
    bundle = registry.save(name, dataclasses.asdict(config), files, metadata, source=source)
    fid = measures["fid_fashion"]
    on_progress(1.0, f"Pix2Pix {variant}: test L1 {measures['test_l1']:.4f}"
                + (f" · FID {fid:.2f}" if fid is not None else "") + f" · sharpness x{measures['sharpness_ratio']:.2f}")
    return bundle


# --- python -m studio.train pix2pix ---------------------------------------------------------------------
HELP = "Pix2Pix edges -> shoes (lecture 004): U-Net, encoder-decoder, L1-only"


def add_arguments(parser) -> None:
    """This recipe's options of ``python -m studio.train pix2pix``."""
    parser.add_argument("--variant", choices=[*p2p.VARIANTS, "all"], default="all")
    parser.add_argument("--epochs", type=int, default=None, help=f"default: {DEFAULT_EPOCHS}")
    add_run_arguments(parser, 64, "shoes")
    parser.add_argument("--decay-epochs", type=int, default=0,
                        help="decay the learning rate linearly to 0 over the last N epochs (the paper's schedule)")


def run(args, ctx) -> list[registry.Bundle]:
    """Train as the parsed ``args`` say, reporting through ``ctx`` (a ``train.RunContext``)."""
    from studio.quality import QualityService

    quality = QualityService()  # the Fashion-MNIST judge, for the FID
    variants = list(p2p.VARIANTS) if args.variant == "all" else [args.variant]
    return [train_pix2pix(v, args.epochs, args.batch_size, args.seed, args.limit, ctx.source, ctx.on_progress,
                          ctx.cancel, ctx.on_epoch, ctx.keep_on_stop, quality=quality,
                          decay_epochs=args.decay_epochs) for v in variants]
