"""Pix2Pix speed and quality: our compiled train step against the TF tutorial's loop, translation
latency, and the three shipped generators of both data sets measured on their test pairs.

    python benchmarks/pix2pix.py [--data-dir ../shared/data] [--steps 20] [--batch-size 64] [--repeats 30]
                                 [--seeds 3 --seed-epochs 12]

1. One training step of U-Net + PatchGAN (GAN + 100 * L1), the same networks and batch, three ways:
   the TF Pix2Pix tutorial's GradientTape loop run eagerly (as a student types it, without the
   decorator), the same loop under the tutorial's ``@tf.function``, and the studio's subclassed
   ``keras.Model.train_step`` called through ``fit``. Prints ms per step and the ratios.
2. Translation latency as the tab answers it, for the shoes (32 px) and the colour emoji (64 px):
   sketch preprocessing + three generators + the PatchGAN heat map (targets: under 100 ms for the
   shoes, under 200 ms in colour), and one generator alone.
3. The shipped generators on all test pairs of both data sets: test L1, FID in the data set's judge's
   features against the real test pictures (with the real-data floor at the same count), sharpness
   ratio (recomputed, not read from metadata).
4. With ``--seeds N``: the colour U-Net + GAN against the encoder-decoder + GAN, each trained from
   scratch with seeds 1..N for ``--seed-epochs`` epochs (into a temporary folder; about 20 s an epoch
   here), measured as in 3: mean ± spread, and whether the U-Net wins on every seed.

Measures the shipped weights unless ``--active``; after its figures it prints the weights it
measured and the load average, then its last line:
``summary: train_step_ms=MS train_step_speedup_eager=X sketch_to_three_ms=MS colour_sketch_ms=MS
colour_unet_fid=F colour_encdec_fid=F colour_l1_fid=F colour_floor=F colour_unet_sharper_than_l1=0|1
[seeds=N seed_unet_fid=F seed_encdec_fid=F unet_wins_fid_and_l1_on_all_seeds=0|1]``
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
from timing import add_weights_option, choose_weights, median_ms, summary

from studio import paths
from studio.serving import runtime
from studio.judge.quality import QualityService
from studio.techniques.pix2pix import model as p2p
from studio.techniques.pix2pix.recipe import evaluate, load_pairs
from studio.techniques.pix2pix.service import Pix2PixService


def tutorial_step(generator, discriminator, g_opt, d_opt):
    """The TF tutorial's ``train_step`` (generator_loss / discriminator_loss with LAMBDA = 100)."""
    import tensorflow as tf

    bce = tf.keras.losses.BinaryCrossentropy(from_logits=True)

    def step(input_image, target):
        with tf.GradientTape() as gen_tape, tf.GradientTape() as disc_tape:
            gen_output = generator(input_image, training=True)
            disc_real_output = discriminator([input_image, target], training=True)
            disc_generated_output = discriminator([input_image, gen_output], training=True)
            gan_loss = bce(tf.ones_like(disc_generated_output), disc_generated_output)
            l1_loss = tf.reduce_mean(tf.abs(target - gen_output))
            gen_total_loss = gan_loss + p2p.LAMBDA_L1 * l1_loss
            disc_loss = (bce(tf.ones_like(disc_real_output), disc_real_output)
                         + bce(tf.zeros_like(disc_generated_output), disc_generated_output))
        g_grads = gen_tape.gradient(gen_total_loss, generator.trainable_variables)
        d_grads = disc_tape.gradient(disc_loss, discriminator.trainable_variables)
        g_opt.apply_gradients(zip(g_grads, generator.trainable_variables))
        d_opt.apply_gradients(zip(d_grads, discriminator.trainable_variables))
        return gen_total_loss

    return step


def time_steps(run_step, steps: int) -> float:
    """ms per step over ``steps`` calls, after two warm-up calls (tracing)."""
    run_step()
    run_step()
    start = time.perf_counter()
    for _ in range(steps):
        run_step()
    return (time.perf_counter() - start) * 1e3 / steps


def bench_training(x: np.ndarray, y: np.ndarray, steps: int) -> dict[str, float]:
    import keras
    import tensorflow as tf

    config = p2p.Pix2PixConfig.variant("unet")
    timings = {}
    for name in ("eager", "tf.function"):
        keras.utils.set_random_seed(0)
        generator, discriminator = p2p.build_generator(config), p2p.build_discriminator(config)
        step = tutorial_step(generator, discriminator, keras.optimizers.Adam(2e-4, beta_1=0.5),
                             keras.optimizers.Adam(2e-4, beta_1=0.5))
        if name == "tf.function":
            step = tf.function(step)
        xt, yt = tf.constant(x), tf.constant(y)
        timings[name] = time_steps(lambda: step(xt, yt), steps)
    keras.utils.set_random_seed(0)
    model = p2p.make_pix2pix(config)
    p2p.compile_pix2pix(model)
    batches = steps + 2
    xs, ys = np.concatenate([x] * batches), np.concatenate([y] * batches)
    model.fit(x, y, batch_size=len(x), epochs=1, verbose=0)  # trace
    start = time.perf_counter()
    model.fit(xs, ys, batch_size=len(x), epochs=1, verbose=0, shuffle=False)
    timings["studio"] = (time.perf_counter() - start) * 1e3 / batches
    print(f"\n1. one training step, U-Net + PatchGAN, batch {len(x)} (32x32 pairs)")
    print(f"   TF tutorial loop, eager (no decorator)      {timings['eager']:8.1f} ms")
    print(f"   TF tutorial loop, @tf.function             {timings['tf.function']:8.1f} ms")
    print(f"   studio: compiled train_step through fit     {timings['studio']:8.1f} ms")
    print(f"   speed-up over the eager loop: {timings['eager'] / timings['studio']:.2f}x; "
          f"over the decorated loop: {timings['tf.function'] / timings['studio']:.2f}x")
    return timings


LABELS = (("unet", "U-Net + GAN"), ("encdec", "encoder-decoder + GAN"), ("l1", "U-Net, L1 only"))
TARGET_MS = {"fashion": 100, "emoji": 200}


def drawn_sketch() -> np.ndarray:
    """A sneaker outline drawn with a 6-px pen on the tab's 320 x 320 transparent canvas."""
    from PIL import Image, ImageDraw

    canvas = Image.new("RGBA", (320, 320), (0, 0, 0, 0))
    ImageDraw.Draw(canvas).line([(30, 200), (40, 150), (120, 140), (180, 100), (220, 110), (250, 160),
                                 (290, 175), (295, 215), (30, 215), (30, 200)], fill="black", width=6)
    return np.asarray(canvas)


def bench_latency(service: Pix2PixService, repeats: int, dataset: str) -> float:
    """Median ms of the tab's answer to a sketch (preprocessing, three generators, the PatchGAN view)."""
    sketch = drawn_sketch()

    def tab_answer():
        edges = service.sketch_to_edges(sketch, dataset)
        _, info = service.comparison(edges, dataset=dataset)
        service.patch_view(edges, info["shoes"]["unet"], dataset)

    edges = service.sketch_to_edges(sketch, dataset)
    unet = service.model("unet", dataset)
    size = f"{unet.size}x{unet.size}"
    print(f"\n2. translation latency, {dataset} (median)")
    tab_ms = median_ms(tab_answer, repeats)
    print(f"   sketch -> 3 generators + PatchGAN view       {tab_ms:8.1f} ms  (target < {TARGET_MS[dataset]} ms)")
    print(f"   one generator, one {size} outline{' ' * (17 - len(size))}"
          f"{median_ms(lambda: unet.translate(edges), repeats):8.1f} ms")
    batch = np.repeat(edges[None], 256, axis=0)
    print(f"   one generator, 256 outlines in one call      {median_ms(lambda: unet.translate(batch), 5):8.1f} ms")
    return tab_ms


def measure(translate, pairs, quality) -> dict:
    """``evaluate`` of one generator's translations of every test outline."""
    return evaluate(translate(pairs.test_edges), pairs, quality)


def bench_quality(service: Pix2PixService, dataset: str, quality) -> dict[str, dict]:
    """The shipped generators of ``dataset`` on all its test pairs: {variant: measures}."""
    pairs = load_pairs(dataset=dataset)
    fid = f"fid_{dataset}"
    print(f"\n3. the shipped generators on {len(pairs.test_edges)} test pairs, {dataset}")
    print(f"   {'generator':28s}{'test L1':>9s}{'FID':>9s}{'floor':>8s}{'sharpness':>11s}{'ratio':>7s}")
    measured = {}
    for variant, label in LABELS:
        m = measured[variant] = measure(service.model(variant, dataset).translate, pairs, quality)
        print(f"   {label:28s}{m['test_l1']:9.4f}{m[fid]:9.2f}{m[fid + '_floor']:8.2f}"
              f"{m['sharpness']:11.4f}{m['sharpness_ratio']:7.3f}")
    print(f"   {'real test pictures':28s}{'—':>9s}{'—':>9s}{'':8s}{p2p.sharpness(pairs.test_shoes):11.4f}{1.0:7.3f}")
    print(f"   FID in the {dataset} judge's features (not Inception FID); floor = as many real training pictures "
          "vs the test pictures.")
    return measured


def bench_seeds(seeds: int, epochs: int, quality) -> dict:
    """The colour U-Net + GAN against the encoder-decoder + GAN over training seeds 1..``seeds``."""
    import os
    import tempfile

    from studio.bundles import registry
    from studio.techniques.pix2pix.presets import load_inference
    from studio.techniques.pix2pix.recipe import train_pix2pix

    pairs = load_pairs(dataset="emoji")
    results: dict[str, list[dict]] = {"unet": [], "encdec": []}
    print(f"\n4. colour U-Net against encoder-decoder, {seeds} training seeds x {epochs} epochs (decay over the "
          f"last {epochs // 3})")
    with tempfile.TemporaryDirectory() as folder:
        os.environ["STUDIO_CACHE_DIR"] = folder  # the trained bundles stay out of the user's cache
        for seed in range(1, seeds + 1):
            for variant in results:
                bundle = train_pix2pix(variant, epochs, 32, seed, source=registry.USER, dataset="emoji",
                                       decay_epochs=epochs // 3, quality=quality)
                m = measure(load_inference(bundle).translate, pairs, quality)
                results[variant].append(m)
                print(f"   seed {seed} {variant:7s} test L1 {m['test_l1']:.4f} · FID {m['fid_emoji']:.2f} · "
                      f"sharpness x{m['sharpness_ratio']:.3f}", flush=True)
    out = {"seeds": seeds}
    for variant, rows in results.items():
        fids, l1s = np.array([r["fid_emoji"] for r in rows]), np.array([r["test_l1"] for r in rows])
        print(f"   {variant:7s} FID {fids.mean():.2f} ± {fids.std():.2f} · test L1 {l1s.mean():.4f} ± {l1s.std():.4f}")
        out[f"seed_{variant}_fid"] = round(float(fids.mean()), 2)
        out[f"seed_{variant}_l1"] = round(float(l1s.mean()), 4)
    wins = all(u["fid_emoji"] < e["fid_emoji"] and u["test_l1"] < e["test_l1"]
               for u, e in zip(results["unet"], results["encdec"]))
    print(f"   the U-Net wins on FID and on L1 on every seed: {wins}")
    out["unet_wins_fid_and_l1_on_all_seeds"] = int(wins)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=str(Path(__file__).resolve().parents[2] / "shared" / "data"))
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--seeds", type=int, default=0, help="train the colour U-Net and encoder-decoder this often")
    parser.add_argument("--seed-epochs", type=int, default=12)
    add_weights_option(parser)
    args = parser.parse_args()
    choose_weights(args.active)
    paths.set_data_dir(args.data_dir)
    runtime.import_tensorflow()
    print(runtime.device_info().label())
    pairs = load_pairs(limit=args.batch_size)
    x, y = p2p.to_signed(pairs.train_edges), p2p.to_signed(pairs.train_shoes)
    timings = bench_training(x, y, args.steps)
    service = Pix2PixService()
    tab_ms = bench_latency(service, args.repeats, "fashion")
    colour_ms = bench_latency(service, args.repeats, "emoji")
    quality = QualityService()
    bench_quality(service, "fashion", quality)
    colour = bench_quality(service, "emoji", quality)
    seeds = bench_seeds(args.seeds, args.seed_epochs, quality) if args.seeds else {}
    summary(train_step_ms=timings["studio"], train_step_speedup_eager=timings["eager"] / timings["studio"],
            sketch_to_three_ms=tab_ms, colour_sketch_ms=colour_ms,
            colour_unet_fid=colour["unet"]["fid_emoji"], colour_encdec_fid=colour["encdec"]["fid_emoji"],
            colour_l1_fid=colour["l1"]["fid_emoji"], colour_floor=colour["unet"]["fid_emoji_floor"],
            colour_unet_sharper_than_l1=int(colour["unet"]["sharpness"] > colour["l1"]["sharpness"]), **seeds)


if __name__ == "__main__":
    main()
