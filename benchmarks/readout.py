"""What one Generate click on the GAN tab costs the server: drawing the 50 samples a student sees,
against the whole click (those samples and the judge's readout under them), in CPU seconds.

    python benchmarks/readout.py [--clicks 10] [--old-clicks 2] [--variant dcgan_mnist]

In one process: one warm-up click (seed 0; it traces the generator and the judge, and measures the
model's 1,000-sample report once for these weights), then ``--clicks`` clicks with new seeds. Each
click is ``GANService().samples(variant, 50, seed)`` and then the tab's readout for that seed
(``GANService.readout`` + ``quality_text.readout_text``, what ``gan/tab.py``'s ``readout`` shows
without Gradio's page). CPU time is ``time.process_time`` (every thread of the process, so
TensorFlow's too). For comparison, ``--old-clicks`` clicks are then timed the way the readout used to
work: 1,000 samples of the student's own seed drawn and assessed (FID, coverage) on every click.

Target: ``click_cost_ratio`` = whole click / samples alone <= 1.5 (it was about 8).

Measures the shipped weights unless ``--active``; its last line:
``summary: clicks=N samples50_cpu_s=S click_cpu_s=S click_cost_ratio=R warmup_click_cpu_s=S
model_reports_computed=N old_click_cpu_s=S old_click_cost_ratio=R`` (per-click figures are means; the
warm-up click holds the one model report and the tracing)
"""

from __future__ import annotations

import argparse
import time

from timing import add_weights_option, choose_weights, summary

from studio.serving import runtime

N = 50  # the tab's default count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clicks", type=int, default=10, help="timed clicks, each with a new seed")
    parser.add_argument("--old-clicks", type=int, default=2, help="clicks timed the old way (0: skip)")
    parser.add_argument("--variant", default="dcgan_mnist")
    add_weights_option(parser)
    args = parser.parse_args()
    choose_weights(args.active)
    runtime.import_tensorflow()
    print(runtime.device_info().label())

    from studio.judge.quality import QualityService
    from studio.techniques.gan.service import EVAL_SAMPLES, GANService
    from studio.ui.kit.quality_text import readout_text

    service, quality = GANService(), QualityService()
    dataset, label = service.dataset_of(args.variant)

    def click(seed: int) -> tuple[float, float, str]:
        """(CPU s of the samples, CPU s of the whole click, the readout's words)."""
        start = time.process_time()
        service.samples(args.variant, N, seed)
        drawn = time.process_time()
        words = readout_text(service.readout(quality, args.variant, N, seed), "en")
        return drawn - start, time.process_time() - start, words

    start = time.process_time()
    _, _, words = click(0)  # warm-up: traces, and the model's report for these weights
    warm_up = time.process_time() - start
    print(f"\nwarm-up click (seed 0, with the model's {EVAL_SAMPLES:,}-sample report and tracing): "
          f"{warm_up:.2f} CPU s\n--- its readout ---\n{words}\n---")

    samples_cpu = click_cpu = 0.0
    for k in range(args.clicks):
        alone, whole, _ = click(1000 + k)
        samples_cpu += alone
        click_cpu += whole
        print(f"click {k + 1:2d} (seed {1000 + k}): samples {alone:.3f} CPU s, whole click {whole:.3f} CPU s")
    computed = quality.model_reports_computed
    print(f"model reports computed in {1 + args.clicks} clicks: {computed} (target 1)")
    ratio = click_cpu / samples_cpu
    print(f"\n{args.clicks} clicks of {N} samples: samples alone {samples_cpu:.2f} CPU s, whole clicks "
          f"{click_cpu:.2f} CPU s; ratio {ratio:.2f} (target <= 1.5)")

    old_cpu = old_samples = 0.0
    for k in range(args.old_clicks):  # the old readout: 1,000 samples of this seed, assessed, every click
        seed = 2000 + k
        start = time.process_time()
        service.samples(args.variant, N, seed)
        drawn = time.process_time()
        report = quality.assess(dataset, service.judged_draw(args.variant, seed), label)
        report.judged[:N]  # what it showed of the student's own samples
        old_samples += drawn - start
        old_cpu += time.process_time() - start
    values = {"clicks": args.clicks, "samples50_cpu_s": samples_cpu / args.clicks,
              "click_cpu_s": click_cpu / args.clicks, "click_cost_ratio": ratio,
              "warmup_click_cpu_s": warm_up, "model_reports_computed": computed}
    if args.old_clicks:
        print(f"old way, {args.old_clicks} clicks: samples {old_samples:.2f} CPU s, whole clicks {old_cpu:.2f} CPU s; "
              f"ratio {old_cpu / old_samples:.2f}")
        values.update(old_click_cpu_s=old_cpu / args.old_clicks, old_click_cost_ratio=old_cpu / old_samples)
    summary(**values)


if __name__ == "__main__":
    main()
