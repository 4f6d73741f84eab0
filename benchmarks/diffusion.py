"""Diffusion speed and quality: one training step, DDIM sampling, and the judge's reading of the shipped model.

    python benchmarks/diffusion.py [--data-dir ../shared/data] [--repeats 5]

1. One training step (batch 128, the shipped network's size) of the DDPM objective with the weight
   average, in milliseconds, and the epoch time it implies (469 steps).
2. 64 samples with 20 DDIM steps (classifier-free guidance: two network passes a step), and the same
   with 1 and 50 steps (target for 20 steps: under 5 s here).
3. The shipped model's FID against the MNIST test set in the judge's features (1,000 guided samples,
   100 per digit), its real-data floor, label agreement and, for samples without a label, every digit's
   share (target: FID <= 3x the floor, every digit present). Without shipped diffusion weights the
   speeds are measured on an untrained network of the shipped size (speed does not depend on the
   weights) and the quality keys read ``none``.

Last line: ``summary: sample64_20steps_s=S train_step_ms=M fid=F floor=F``
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import numpy as np
from timing import add_weights_option, choose_weights, median_ms, summary

from studio import data, paths
from studio.bundles import registry
from studio.serving import runtime

BATCH = 128


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=str(Path(__file__).resolve().parents[2] / "shared" / "data"))
    parser.add_argument("--repeats", type=int, default=5)
    add_weights_option(parser)
    args = parser.parse_args()
    choose_weights(args.active)
    paths.set_data_dir(args.data_dir)
    runtime.import_tensorflow()
    import keras

    from studio.techniques.diffusion.model import (
        DiffusionConfig,
        DiffusionSampler,
        build_unet,
        make_diffusion,
    )
    from studio.techniques.diffusion.presets import (
        CONFIG,
        GUIDANCE,
        NAME,
        SAMPLE_STEPS,
        load_inference,
    )

    print(runtime.device_info().label())
    shipped = registry.exists(NAME, registry.active_source(NAME))
    if shipped:
        bundle = registry.load(NAME)
        config = DiffusionConfig(**bundle.config)
        sampler = load_inference(bundle)
        print(f"diffusion weights: {bundle.source} ({bundle.metadata.get('command', '?')})")
    else:
        config = CONFIG
        sampler = DiffusionSampler(build_unet(config), config)
        print("no diffusion weights: speeds measured on an untrained network of the shipped size")

    # --- 1. one training step ------------------------------------------------------------------------
    keras.utils.set_random_seed(0)
    try:
        (x_train, y_train), _ = data.load_mnist()
        x = (x_train[:BATCH].astype(np.float32) / 127.5 - 1.0)[..., None]
        y = y_train[:BATCH].astype(np.int32)
    except data.DataUnavailableError:
        rng = np.random.default_rng(0)
        x, y = rng.uniform(-1, 1, (BATCH, 28, 28, 1)).astype(np.float32), rng.integers(0, 10, BATCH).astype(np.int32)
    model = make_diffusion(config)
    step_ms = median_ms(lambda: model.train_on_batch(x, y), args.repeats * 2)
    print(f"\n1. training step, batch {BATCH}, {model.network.count_params():,} parameters: {step_ms:.0f} ms "
          f"(an epoch of 469 steps: about {step_ms * 469 / 60000:.1f} min)")

    # --- 2. sampling -------------------------------------------------------------------------------
    labels = (np.arange(64) % 10).astype(np.int32)
    times = {}
    for steps in (1, SAMPLE_STEPS, 50):
        sampler.generate(64, 0, steps, labels, GUIDANCE)  # warm
        runs = []
        for repeat in range(max(1, args.repeats // 2)):
            start = time.perf_counter()
            sampler.generate(64, repeat, steps, labels, GUIDANCE)
            runs.append(time.perf_counter() - start)
        times[steps] = statistics.median(runs)
    print(f"\n2. 64 samples, guidance {GUIDANCE:g} (two network passes a step)")
    for steps, seconds in times.items():
        print(f"   {steps:3d} DDIM steps: {seconds:6.2f} s" + ("   (target < 5 s)" if steps == SAMPLE_STEPS else ""))

    # --- 3. the judge --------------------------------------------------------------------------------
    fid = floor = "none"
    if shipped:
        from studio.judge.quality import QualityService
        from studio.techniques.diffusion.recipe import measure

        measured = measure(sampler, QualityService())
        fid, floor = measured.get("fid"), measured.get("fid_real_floor")
        print(f"\n3. the judge: FID {fid} (real images {floor}; target <= {3 * floor:.2f}), label agreement "
              f"{measured.get('label_agreement')}, without a label every digit's share "
              f"{measured['unconditional_class_shares']} (smallest {measured['smallest_unconditional_share']:.1%})")
        fid, floor = float(fid), float(floor)
    else:
        print("\n3. the judge: no diffusion weights to measure (python -m studio.train diffusion makes them)")
    summary(sample64_20steps_s=float(times[SAMPLE_STEPS]), train_step_ms=float(step_ms), fid=fid, floor=floor)


if __name__ == "__main__":
    main()
