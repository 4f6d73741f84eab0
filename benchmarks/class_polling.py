"""What a class's asking costs the studio: light students ask for the class state as their pages do.

    python benchmarks/class_polling.py [--students 200] [--seconds 20] [--profile PREFIX]

Starts ``studio.py --class --new-class`` (a private cache, shipped weights), waits until it is warm,
lets ``--students`` light students (benchmarks/class_session.py's ``LightStudent``: one HTTP client each,
its cookies, the page's own request) join and ask ``studio-class/state`` every 0.8 s after the last
answer, as the page's script does, and once they all have a signed id, measures the studio's CPU (its
process tree, /proc) over ``--seconds``: per student per second. Nothing else happens: no lecturer page,
no moves. The time each ask took is timed too. ``--profile PREFIX`` records the studio with py-spy (only
the thread holding Python's lock: PREFIX.polling; py-spy's sampling costs the studio CPU too, so measure
without it) and prints its top functions. Last line: ``summary: students=N idle_ms_per_student_s=M
poll_p95_s=S polls=N`` (target of issue 51: idle_ms_per_student_s <= 1).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
import time
from pathlib import Path

from class_session import (LightStudent, p95, process_tree_cpu_s, start_class_studio, start_profiler, stop_process,
                           stop_profiler, top_functions, wait_studio_warm)

WARM_S = 5.0  # every student has asked a few times (its id minted, its connection open) before the clock starts


async def measure(url: str, code: str, students: int, seconds: float, pid: int, profile: str | None) -> dict:
    lights = [LightStudent(k, url, code, {}, "en") for k in range(students)]
    await asyncio.gather(*(s.join() for s in lights))
    stop = asyncio.Event()
    pollers = [asyncio.create_task(s.poll(stop)) for s in lights]
    await asyncio.sleep(WARM_S)
    profiler = await start_profiler(profile, "polling", pid, gil=True)
    cpu0, t0 = process_tree_cpu_s(pid), time.monotonic()
    asks0, timed0 = sum(len(s.ask_s) for s in lights), [len(s.ask_s) for s in lights]
    await asyncio.sleep(seconds)
    cpu, elapsed = process_tree_cpu_s(pid) - cpu0, time.monotonic() - t0
    asks = sum(len(s.ask_s) for s in lights) - asks0
    stop_profiler(profiler)
    stop.set()
    await asyncio.gather(*pollers, return_exceptions=True)
    timed = [t for s, start in zip(lights, timed0) for t in s.ask_s[start:]]  # the asks in the measured spell
    for s in lights:
        await s.client.aclose()
    errors = [e for s in lights for e in s.errors]
    return {"cpu": cpu, "elapsed": elapsed, "asks": asks, "ask_p95": p95(timed), "errors": errors,
            "signed": sum(1 for s in lights if s.browser)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--profile", metavar="PREFIX", help="py-spy the studio while the class asks (PREFIX.polling)")
    args = parser.parse_args()
    os.environ["STUDIO_WEIGHTS"] = "shipped"
    from studio.serving import runtime

    print(f"device: {runtime.cpu_model()}, {os.cpu_count()} cores; students={args.students}")
    with tempfile.TemporaryDirectory() as tmp:
        process, url, _, code = start_class_studio(Path(tmp), "en", None)
        try:
            print(f"studio warm after {wait_studio_warm(url, 'en'):.0f} s")
            time.sleep(3.0)  # the warm-up's last words
            result = asyncio.run(measure(url, code, args.students, args.seconds, process.pid, args.profile))
        finally:
            stop_process(process)
    per_student = 1000 * result["cpu"] / result["elapsed"] / args.students
    per_ask = 1000 * result["cpu"] / max(result["asks"], 1)
    print(f"{args.students} students ({result['signed']} with a signed id) asked {result['asks']} times in "
          f"{result['elapsed']:.1f} s ({result['asks'] / result['elapsed']:.0f} asks per s); the studio's CPU "
          f"{result['cpu']:.2f} s: {per_ask:.2f} ms per ask, {per_student:.2f} ms per student per second; "
          f"an ask answered p95 {result['ask_p95']:.3f} s"
          + (f"; errors: {result['errors'][:3]}" if result["errors"] else ""))
    if args.profile:
        print(f"the studio's top functions (py-spy, {args.profile}.polling):")
        for share, function in top_functions(f"{args.profile}.polling"):
            print(f"  {share:5.1f}%  {function}")
    print(f"summary: students={args.students} idle_ms_per_student_s={per_student:.2f} "
          f"poll_p95_s={result['ask_p95']:.3f} polls={result['asks']}")


if __name__ == "__main__":
    main()
