"""``benchmarks/class_session.py --plan NAME``: the lecturer steps a shipped lecture plan (issue 53).

The studio starts with ``--class --plan NAME``; once the class has joined (``--browsers`` real pages and the
rest light students, as in the rest of ``class_session.py``), the lecturer's Chromium presses PageDown (what a
presenter's clicker sends) once every ``--step-s`` seconds, through ``--plan-steps`` steps. For each step:

- a browser student has it once its class bar says the step and, for a result step, the result's follow
  event was answered and every picture on its page has loaded;
- a light student has it once its stream said the step and, for a result step, its follow event was answered
  and the result's pictures fetched, as the page does;
- the studio's CPU from the press until every student had it (and the class settled), per step.

``step_through`` returns ``plan_steps``, ``plan_follow_p95`` (every student's seconds until they had each
step) and ``plan_cpu_ms`` (the studio's CPU per step, mean); the run's last line is ``summary_line``'s
``summary: students=N browsers=N replicas=N plan=NAME plan_steps=N plan_follow_p95_s=S plan_cpu_ms_per_step=M
server_cpu_s=S page_cpu_s=S``. ``python benchmarks/class_plan.py`` is ``class_session.py --plan 000
--students 30 --browsers 5`` (the issue's class); any other flags go to ``class_session.py``.
"""

from __future__ import annotations

import asyncio
import time

import class_session as cs

# A browser page has step ``n``: its plan says so, and for a result its follow event is answered (``__runs``
# counts the page's events outside the queue) and its pictures are loaded. Returns the time, or false.
STEP_SHOWN = """([link, n, runs]) => {
  const P = window.studioPlan, S = window.studioClass, r = window.__runs;
  if (!P || !P.step || P.step.n !== n) return false;
  if (!link) return Date.now();
  if (!S.shown || S.shown.link !== link || r.done <= runs || r.started !== r.done) return false;
  return Array.from(document.querySelectorAll('img')).some(img => img.src && !img.complete) ? false : Date.now();
}"""


async def step_through(args, deploy, lecturer, watcher, browsers: list, lights: list) -> dict:
    """The lecturer presses PageDown through the class's plan, one step every ``args.step_s`` seconds."""
    plan = (await watcher.get("studio-class/plan")).json()["plan"]
    if plan is None:
        raise SystemExit("the studio has no plan: was it started with --plan?")
    count = min(len(plan["steps"]), args.plan_steps)
    await lecturer.evaluate("() => document.activeElement && document.activeElement.blur()")  # no field has the keys
    every, cpu_ms, worst = [], [], []
    for n in range(1, count + 1):
        step = plan["steps"][n - 1]
        link = step.get("link")
        version = await cs.settle_version(watcher, quiet_s=0.8)
        runs = [await b.page.evaluate("window.__runs.done") for b in browsers]
        waits = [asyncio.create_task(b.shows(STEP_SHOWN, [link, n, r], cs.WAIT_S)) for b, r in zip(browsers, runs)]
        cpu0, pressed = deploy.cpu(), time.time()
        await lecturer.keyboard.press("PageDown")
        seen_browser = [None if t is None else t - pressed for t in await asyncio.gather(*waits)]
        seen_light = await cs.wait_light(lights, lambda st, n=n: (st.get("step") or {}).get("n") == n, version,
                                         pressed, cs.WAIT_S)
        if link:  # a result: a light student has it once its follow event answered (and its pictures came)
            await _followed(lights, version, pressed + cs.WAIT_S)
            seen_light = [max((at for v, at in s.followed.items() if v > version), default=None) for s in lights]
            seen_light = [None if at is None else at - pressed for at in seen_light]
        await cs.settle_version(watcher, quiet_s=0.8)
        step_cpu = deploy.cpu() - cpu0
        have = [t for t in seen_browser + seen_light if t is not None]
        missing = len(seen_browser) + len(seen_light) - len(have)
        every += have + [cs.WAIT_S] * missing
        worst.append(max(have, default=cs.WAIT_S) if not missing else cs.WAIT_S)
        cpu_ms.append(1000 * step_cpu)
        print(f"  step {n} of {len(plan['steps'])} ({step.get('reference') or '-'}: {step['title'][:50]}; "
              f"{step.get('result') or 'tab ' + str(list(step.get('tabs', {}).values())[-1:])}): browsers "
              f"{cs.spread([t for t in seen_browser if t is not None])}; light students "
              f"{cs.spread([t for t in seen_light if t is not None])}"
              f"{f'; {missing} never had it' if missing else ''}; studio CPU {step_cpu:.2f} s", flush=True)
        await asyncio.sleep(max(0.0, pressed + args.step_s - time.time()))
    results = {"plan_steps": count, "plan_follow_p95": cs.p95(every), "plan_cpu_ms": cs.mean(cpu_ms)}
    print(f"1. the plan {plan['name']} ({plan['title'][:60]}): {count} steps, one every {args.step_s:.0f} s; every "
          f"student had each step {cs.spread(every)}; the slowest student per step {cs.spread(worst)}; studio CPU "
          f"per step {results['plan_cpu_ms']:.0f} ms")
    return results


async def _followed(lights: list, version: int, deadline: float) -> None:
    """Until every light student's follow event after ``version`` was answered, or ``deadline`` (epoch s)."""
    while time.time() < deadline and not all(any(v > version for v in s.followed) for s in lights):
        await asyncio.sleep(0.05)


def summary_line(args, results: dict) -> str:
    """The run's one ``summary:`` line."""
    return (f"summary: students={args.students} browsers={args.browsers} replicas={args.replicas} plan={args.plan} "
            f"plan_steps={results['plan_steps']} plan_follow_p95_s={results['plan_follow_p95']:.2f} "
            f"plan_cpu_ms_per_step={results['plan_cpu_ms']:.0f} server_cpu_s={sum(results['cpu'].values()):.1f} "
            f"page_cpu_s={results['page_cpu']:.3f}")


if __name__ == "__main__":
    import sys

    sys.argv[1:] = sys.argv[1:] or ["--plan", "000", "--students", "30", "--browsers", "5"]
    cs.main()  # ends with summary_line's "summary: ..."
