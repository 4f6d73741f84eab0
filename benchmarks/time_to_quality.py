"""Time to quality: the GAN tabs' classroom schedules against the lecture's settings, from random weights.

    python benchmarks/time_to_quality.py [--data-dir ../shared/data] [--only gan|cgan] [--cap 600]

For each family it trains the classroom schedule from scratch, as the tab's Train button does (into a
temporary folder: neither pretrained/ nor your own weights are touched), reading the judge after every
round, until the schedule meets its threshold or ``--cap`` seconds pass; then the lecture's settings,
from scratch, for the same wall time, read the same way. Times count from the call, so loading the
data, building the networks and the judge's readings are in them, as they are for a class.

Thresholds (the issues'): the classroom GAN (lecture 003's conv GAN, the GAN tab's classroom schedule):
the judge's FID <= 200 on 1,000 samples and every digit at least 3% of them; conv cGAN: label agreement
>= 90% (100 samples per digit). "The lecture's settings" are lecture 003's (batch 128, Adam(4e-4), FID
every 100 steps) and the conv cGAN's own (batch 128, Adam(2e-4, 0.5), read once per 469-step epoch, as
its Train button reads it).

Prints every reading with its time, then its last line:
``summary: classroom_gan_s=S classroom_gan_lecture_fid_at_same_time=F cgan_schedule_s=S
cgan_lecture_agreement_at_same_time=A``
(``*_schedule_s`` is ``none`` when the schedule did not meet its threshold within the cap; a lecture value
is ``none`` when the lecture's settings had not finished one reading by then).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from timing import summary

from studio import paths
from studio.bundles import registry
from studio.serving import runtime
from studio.training import CancelToken, TrainingCancelled

GAN_FID = 200.0
GAN_SMALLEST_SHARE = 0.03
CGAN_AGREEMENT = 0.90
LONG = 1000  # rounds or epochs asked for: every run here ends by its clock, not by its length
# (except the classroom GAN, which runs the tab's schedule as it is, rate decay included: its 26 rounds
# end near the three-minute mark)


class Stopwatch:
    """Reads a run's rounds against the clock: records (seconds, reading), and stops the run once
    ``met(logs)`` holds (when ``stop_when_met``) or, even inside a round, once ``limit_s`` has passed."""

    def __init__(self, met: Callable[[dict], bool], limit_s: float, stop_when_met: bool) -> None:
        self.met, self.limit_s, self.stop_when_met = met, limit_s, stop_when_met
        self.token = CancelToken()
        self.readings: list[tuple[float, dict]] = []
        self.met_at: float | None = None
        self.start = time.perf_counter()
        self._timer = threading.Timer(limit_s, self.token.cancel)
        self._timer.daemon = True
        self._timer.start()

    def on_epoch(self, epoch: int, logs: dict, image) -> None:
        """The recipes' per-round hook (``on_epoch``)."""
        elapsed = time.perf_counter() - self.start
        self.readings.append((elapsed, dict(logs)))
        if self.met_at is None and self.met(logs):
            self.met_at = elapsed
            if self.stop_when_met:
                self.token.cancel()
        if elapsed >= self.limit_s:
            self.token.cancel()

    def reading_at(self, seconds: float) -> dict | None:
        """The latest reading taken at or before ``seconds``."""
        earlier = [logs for t, logs in self.readings if t <= seconds]
        return earlier[-1] if earlier else None


def timed(label: str, train: Callable[[Stopwatch], object], watch: Stopwatch, show: Callable[[dict], str]) -> Stopwatch:
    """Run ``train(watch)`` until its stopwatch stops it, printing every reading."""
    print(f"\n{label}")
    try:
        train(watch)
    except TrainingCancelled:
        pass  # the stopwatch's stop: nothing is saved, as a stopped Train button
    finally:
        watch._timer.cancel()
    for seconds, logs in watch.readings:
        print(f"  {seconds:6.1f} s  {show(logs)}")
    return watch


def classroom_gan(cap: float) -> tuple[float | None, float | None]:
    from studio.techniques.gan.presets import CLASSROOM, ROUND, VARIANTS
    from studio.techniques.gan.recipe import train_gan

    def met(logs):
        return logs.get("fid", 1e9) <= GAN_FID and logs.get("smallest_class_share", 0.0) >= GAN_SMALLEST_SHARE

    def show(logs):
        return f"FID {logs['fid']:7.1f}   smallest digit share {logs['smallest_class_share']:.1%}"

    name = CLASSROOM.variant
    schedule = timed(f"{name}, the GAN tab's classroom schedule", lambda w: train_gan(
        name, schedule="classroom", source=registry.USER, cancel=w.token,
        on_epoch=w.on_epoch), Stopwatch(met, cap, stop_when_met=True), show)
    same_time = schedule.met_at or cap
    lecture = timed(f"{name}, the lecture's settings for {same_time:.0f} s", lambda w: train_gan(
        name, steps=LONG * ROUND, source=registry.USER, cancel=w.token, on_epoch=w.on_epoch,
        config=VARIANTS[name].config, fid_every=ROUND), Stopwatch(met, same_time, stop_when_met=False), show)
    reading = lecture.reading_at(same_time)
    return schedule.met_at, None if reading is None else reading["fid"]


def cgan(cap: float) -> tuple[float | None, float | None]:
    from studio.judge.quality import QualityService
    from studio.techniques.cgan.recipe import train_cgan

    judge = QualityService()  # one judge for both runs, loaded before either clock starts
    judge.assess("mnist", np.zeros((10, 28, 28), np.uint8))

    def met(logs):
        return logs.get("judge_agreement", 0.0) >= CGAN_AGREEMENT

    def show(logs):
        return f"label agreement {logs['judge_agreement']:.1%}"

    schedule = timed("conv cGAN, classroom schedule", lambda w: train_cgan(
        "conv", epochs=LONG, schedule="classroom", source=registry.USER, cancel=w.token, on_epoch=w.on_epoch,
        quality=judge), Stopwatch(met, cap, stop_when_met=True), show)
    same_time = schedule.met_at or cap
    lecture = timed(f"conv cGAN, its lecture settings for {same_time:.0f} s", lambda w: train_cgan(
        "conv", epochs=LONG, source=registry.USER, cancel=w.token, on_epoch=w.on_epoch, quality=judge),
        Stopwatch(met, same_time, stop_when_met=False), show)
    reading = lecture.reading_at(same_time)
    return schedule.met_at, None if reading is None else reading["judge_agreement"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=str(Path(__file__).resolve().parents[2] / "shared" / "data"))
    parser.add_argument("--only", choices=("gan", "cgan"), default=None)
    parser.add_argument("--cap", type=float, default=600.0, help="seconds a schedule may take to meet its threshold")
    args = parser.parse_args()
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    os.environ["STUDIO_WEIGHTS"] = "shipped"  # the judge: the shipped one, whatever a user retrained
    os.environ["STUDIO_CACHE_DIR"] = tempfile.mkdtemp(prefix="time-to-quality-")  # runs stopped: nothing saved
    paths.set_data_dir(args.data_dir)
    runtime.import_tensorflow()
    print(runtime.device_info().label())
    print(f"thresholds: classroom GAN FID <= {GAN_FID:g} with every digit >= {GAN_SMALLEST_SHARE:.0%}; "
          f"cGAN label agreement >= {CGAN_AGREEMENT:.0%}; cap {args.cap:.0f} s")

    def fmt(value, digits):
        return "none" if value is None else round(float(value), digits)

    values = {}
    if args.only in (None, "gan"):
        schedule_s, lecture_fid = classroom_gan(args.cap)
        values |= {"classroom_gan_s": fmt(schedule_s, 1), "classroom_gan_lecture_fid_at_same_time": fmt(lecture_fid, 1)}
    if args.only in (None, "cgan"):
        schedule_s, lecture_agreement = cgan(args.cap)
        values |= {"cgan_schedule_s": fmt(schedule_s, 1), "cgan_lecture_agreement_at_same_time": fmt(lecture_agreement, 3)}
    print()
    summary(**values)


if __name__ == "__main__":
    main()
