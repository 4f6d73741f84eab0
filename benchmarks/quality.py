"""One table of sample quality for every generative model the studio ships, with real data as the reference.

    python benchmarks/quality.py [--data-dir ../shared/data] [--samples 1000] [--nn-samples 200]

Columns: FID in judge features (the studio's MNIST / Fashion-MNIST classifier, *not* comparable
with Inception FID), label agreement (conditional models: share judged as the requested class),
class coverage (evenness of the judged classes, 1 = perfectly even; "!" marks a mode-collapse
warning), nearest-training-sample distance (mean absolute difference on [0, 1], Program 10-5(b);
near 0 means copies of training images), and samples per second.

The "real" row is the floor: FID of real training images against the test set, the judge's
agreement with their true labels, and the nearest-training distance of real *test* images
(training images themselves would be at distance 0). Each technique adds its rows in ``ROWS``.

Measures the shipped weights unless ``--active``; after its figures it prints the weights it
measured and the load average, then its last line:
``summary: DATASET_MODEL_fid=F ... (one key per table row)``
"""

from __future__ import annotations

import argparse
import re
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from timing import add_weights_option, choose_weights, summary

from studio import data, paths
from studio.judge import metrics
from studio.bundles import registry
from studio.judge.quality import QualityService
from studio.techniques.autoencoder.service import AutoencoderService
from studio.techniques.cgan.service import CGANService
from studio.techniques.pixel.service import PixelService
from studio.techniques.vae.service import VAEService

# A generator: (dataset, n, seed) -> (uint8 images (n, 28, 28), requested labels (n,) or None)
Generator = Callable[[str, int, int], tuple[np.ndarray, np.ndarray | None]]


def real_images(dataset: str, n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The first n training images with their true labels: the images of the judge's recorded floor
    (``fid_floor_train_vs_test``), so that the table's floor row and metadata.json agree. ``seed``
    is not used: another subset of real images gives another floor (at 1,000, 4.5 to 5.7 on MNIST)."""
    (x_train, y_train), _ = data.load_dataset(dataset)
    return x_train[:n], y_train[:n]


def pixel_per_class(dataset: str, n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Program 10-1 per class (alpha 0, as the lecture): n/10 samples of each class."""
    service = PixelService()
    per = n // 10
    images = [service._sampler(dataset, k, 0.0).draw(per, seed + k) for k in range(10)]
    return np.concatenate(images), np.repeat(np.arange(10), per)


def pixel_all_classes(dataset: str, n: int, seed: int) -> tuple[np.ndarray, None]:
    """Program 10-1 fitted on all classes at once: one histogram per pixel for every digit."""
    return PixelService()._sampler(dataset, None, 0.0).draw(n, seed), None


def autoencoder_gaussian(dataset: str, n: int, seed: int) -> tuple[np.ndarray, None]:
    """Autoencoder (zdim 2) as a generator: z drawn from a Gaussian fitted to the shipped test codes.

    A plain autoencoder has no prior to sample from; fitting one to its codes is the fairest way to
    sample it, and shows the holes between its class clusters.
    """
    if dataset != "mnist":
        raise LookupError("trained on MNIST only")
    service = AutoencoderService()
    model = service.model("z2")
    codes = model.encode(service.digits()[0])
    z = np.random.default_rng(seed).multivariate_normal(codes.mean(axis=0), np.cov(codes, rowvar=False), n)
    return model.decode(z), None


def vae_prior(dataset: str, n: int, seed: int) -> tuple[np.ndarray, None]:
    """The VAE decoding z ~ N(0, I) (Keras book 12.4)."""
    if dataset != "mnist":
        raise LookupError("trained on MNIST only")
    return VAEService(AutoencoderService()).model().sample_prior(n, seed), None


def gan_generator(variant: str) -> Generator:
    """A shipped GAN generator (Programs 10-4, 10-5(a), lecture 001) as a table row."""
    from studio.techniques.gan.service import GANService

    def generate(dataset: str, n: int, seed: int) -> tuple[np.ndarray, np.ndarray | None]:
        service = GANService()
        own_dataset, label = service.dataset_of(variant)
        if dataset != own_dataset:
            raise LookupError(f"trained on {own_dataset} only")
        images = service.model(variant).generate(n, seed)
        return images, None if label is None else np.full(n, label)

    return generate


def cgan_per_class(variant: str, noise_scale: float) -> Generator:
    """A cGAN of lecture 004 asked for n/10 samples of every digit (the label is the request),
    z ~ N(0, noise_scale^2 I) (the tab's default is 1, as in training)."""

    def generate(dataset: str, n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
        if dataset != "mnist":
            raise LookupError("trained on MNIST only")
        labels = np.repeat(np.arange(10), n // 10)
        return CGANService().model(variant).generate(labels, seed, noise_scale), labels

    return generate


def infogan_random_codes(dataset: str, n: int, seed: int) -> tuple[np.ndarray, None]:
    """InfoGAN (lecture 000, Fig. 10-11) with random codes, as trained: c1 uniform over its values, c2, c3
    uniform in [-1, 1]. No requested labels: nobody told it which c1 value is which digit."""
    from studio.techniques.infogan.service import InfoGANService

    if dataset != "mnist":
        raise LookupError("trained on MNIST only")
    return InfoGANService().model().generate(n, seed)[0], None


def diffusion_samples(guided: bool) -> Generator:
    """The diffusion model, DDIM with the tab's default steps: n/10 samples of every digit with the tab's
    guidance weight (``guided``), or n samples without a label."""

    def generate(dataset: str, n: int, seed: int) -> tuple[np.ndarray, np.ndarray | None]:
        from studio.techniques.diffusion.presets import GUIDANCE, SAMPLE_STEPS
        from studio.techniques.diffusion.service import DiffusionService

        if dataset != "mnist":
            raise LookupError("trained on MNIST only")
        sampler = DiffusionService().model()
        if not guided:
            return sampler.generate(n, seed, SAMPLE_STEPS), None
        labels = np.repeat(np.arange(10), n // 10).astype(np.int32)
        return sampler.generate(len(labels), seed, SAMPLE_STEPS, labels, GUIDANCE), labels

    return generate


ROWS: list[tuple[str, Generator]] = [
    ("pixel model, per class (Program 10-1)", pixel_per_class),
    ("pixel model, all classes in one", pixel_all_classes),
    ("autoencoder zdim 2, Gaussian on its codes", autoencoder_gaussian),
    ("VAE, z ~ N(0, I) (book 12.4)", vae_prior),
    ("dense GAN (lecture 001)", gan_generator("dense_mnist")),
    ("conv GAN (lecture 003)", gan_generator("conv003_mnist")),
    ("DCGAN (Program 10-4)", gan_generator("dcgan_mnist")),
    ("DCGAN ankle boots (Program 10-5(a))", gan_generator("dcgan_ankle_boot")),
    ("cGAN dense (lecture 004), z scale 1", cgan_per_class("dense", 1.0)),
    ("cGAN conv (AC-cDCGAN), z scale 1", cgan_per_class("conv", 1.0)),
    ("cGAN conv (AC-cDCGAN), z scale 0.7", cgan_per_class("conv", 0.7)),
    ("InfoGAN, random codes (Fig. 10-11)", infogan_random_codes),
    ("diffusion, DDIM 20 steps, w = 1.75 per digit", diffusion_samples(guided=True)),
    ("diffusion, DDIM 20 steps, no label", diffusion_samples(guided=False)),
]


NAME_WIDTH = max(len(name) for name, _ in ROWS) + 2


def colour_faces() -> dict[str, float]:
    """The colour DCGAN (book 12.5) on OpenMoji's faces, in the emoji judge's features, beside its own
    floor: the real test faces against the training faces at the same sample size (``colour_recipe.evaluate``,
    the numbers its metadata.json records). Returns its summary keys."""
    from studio.techniques.colour_gan.presets import BUNDLE, load_generator
    from studio.techniques.colour_gan.recipe import evaluate as evaluate_colour

    start = time.perf_counter()
    generator, config = load_generator(registry.load(BUNDLE))
    measured = evaluate_colour(generator, config)
    n = measured["samples"]
    print(f"\nemoji faces (colour, 64 x 64): the emoji judge; {n} samples per FID (the size of the test faces), "
          f"the mean of its draws; NN distance over 200")
    print(f"{'model':{NAME_WIDTH}s}{'FID':>9s}{'± draws':>11s}{'NN dist':>10s}")
    print(f"{'real test faces (floor)':{NAME_WIDTH}s}{measured['fid_real_floor']:9.2f}{'—':>11s}"
          f"{measured['test_faces_nearest_train_distance']:10.4f}")
    print(f"{'colour DCGAN (book 12.5, CPU variant)':{NAME_WIDTH}s}{measured['fid']:9.2f}"
          f"{measured['fid_sd_over_draws']:11.2f}{measured['nearest_train_distance']:10.4f}"
          f"   ({time.perf_counter() - start:.0f} s)")
    return {"emoji_faces_floor_fid": measured["fid_real_floor"], "emoji_faces_colour_dcgan_fid": measured["fid"]}


def evaluate(quality: QualityService, dataset: str, name: str, generate: Generator, n: int, nn_n: int,
             seed: int, train: np.ndarray, nn_images: np.ndarray | None = None) -> tuple[str, float]:
    """(one table row, its FID); ``nn_images`` replaces the samples for the nearest-training distance."""
    start = time.perf_counter()
    images, labels = generate(dataset, n, seed)
    rate = f"{len(images) / (time.perf_counter() - start):12,.0f}" if nn_images is None else f"{'—':>12s}"
    # A generator of one class only is compared with the test images of that class.
    single = None if labels is None or len(np.unique(labels)) != 1 else int(labels[0])
    report = quality.assess(dataset, images, single)
    agreement = "—" if labels is None else f"{metrics.label_agreement(report.judged, labels):.1%}"
    nn = metrics.nearest_train_distance(images[:nn_n] if nn_images is None else nn_images, train)[1].mean()
    # One class is the point of a single-class generator: no mode-collapse warning there.
    flag = "!" if report.coverage.collapsed and single is None else " "
    row = f"{name:{NAME_WIDTH}s}{report.fid:9.2f}{agreement:>11s}{report.coverage.entropy_ratio:9.3f}{flag}{nn:10.4f}{rate}"
    return row, float(report.fid)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=str(Path(__file__).resolve().parents[2] / "shared" / "data"))
    parser.add_argument("--samples", type=int, default=1000)
    parser.add_argument("--nn-samples", type=int, default=200)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--datasets", nargs="+", default=["mnist", "fashion", "emoji_faces"],
                        help="emoji_faces: the colour DCGAN against OpenMoji's faces")
    parser.add_argument("--only", default="", help="measure only the rows whose name contains this text (and the floor)")
    add_weights_option(parser)
    args = parser.parse_args()
    choose_weights(args.active)
    paths.set_data_dir(args.data_dir)
    quality = QualityService()
    fids: dict[str, float] = {}
    for dataset in args.datasets:
        if dataset == "emoji_faces":
            if registry.installed("gan_colour") and quality.available("emoji"):
                fids |= colour_faces()
            else:
                print("\nemoji faces: no colour DCGAN or emoji judge installed; skipped")
            continue
        if not quality.available(dataset):
            print(f"\n{dataset}: no judge bundle (python -m studio.train judge --dataset {dataset}); skipped")
            continue
        (x_train, _), (x_test, _) = data.load_dataset(dataset)
        print(f"\n{dataset}: judge test accuracy {quality.test_accuracy(dataset):.2%}; "
              f"{args.samples} samples per row, NN distance over {args.nn_samples}")
        print(f"{'model':{NAME_WIDTH}s}{'FID':>9s}{'agreement':>11s}{'coverage':>10s}{'NN dist':>10s}{'samples/s':>12s}")
        print(evaluate(quality, dataset, "real training images (floor)", real_images, args.samples,
                       args.nn_samples, args.seed, x_train, nn_images=x_test[:args.nn_samples])[0])
        for name, generate in ROWS:
            if args.only.lower() not in name.lower():
                continue
            try:
                row, fid = evaluate(quality, dataset, name, generate, args.samples, args.nn_samples, args.seed,
                                    x_train)
                print(row)
                fids[f"{dataset}_" + re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_") + "_fid"] = fid
            except LookupError:
                continue  # this model does not exist for this data set
            except registry.WeightsUnavailableError as exc:
                print(f"{name:{NAME_WIDTH}s}  no weights: {exc}")
    print("\nFID in judge features; not comparable with Inception FID. '!' = mode-collapse warning.")
    summary(**fids)


if __name__ == "__main__":
    main()
