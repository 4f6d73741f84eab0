"""A class session, measured as the class lives it: a lecturer, and 30 students who follow, play and generate.

    python benchmarks/class_session.py [--students 30] [--browsers 5] [--screenshot-dir test-artifacts/]
    python benchmarks/class_session.py --replicas 2    # two studios behind nginx, one class in Redis
    python benchmarks/class_session.py --compare       # one studio alone, then two, in the same run
    python benchmarks/class_session.py --hostile [--replicas 2]   # the class while one client attacks it

Starts ``studio.py --class --new-class`` on its own (shipped weights, a private cache), opens the
lecturer's address (``/?key=KEY``, which becomes an HttpOnly cookie) in headless Chromium and waits
until every tab is warm. Then the students join at the same moment: ``--browsers`` real pages (one
Chromium, one browser context each) and the rest "light" students, one ``httpx.AsyncClient`` each with
its own cookies, speaking a page's protocol and nothing more: they ask ``studio-class/state`` once and then
hold its stream ``studio-class/stream``, as the page's script does (a studio without the stream is asked
0.8 s, +-0.05 s ``POLL_JITTER_S``, after each answer); when the lecturer's version
changes, a tab move needs nothing more (a page selects its tabs itself) and a result is the event of that
result's own hidden follow button (``POST /gradio_api/run/predict``; a studio from before issue 51 had two
follow buttons, for tabs and for links, and is followed as its pages did), play the game as its page does
(each button's event in one ``POST /gradio_api/run/predict``, or where a studio queues them, through Gradio's
queue: ``POST /gradio_api/queue/join`` then the ``queue/data`` event stream; one session hash, so the round
stays in the page's ``gr.State``), press Generate (``gan_samples``, outside the queue, then the
judge's readout that follows it) and download the pictures the answers point to. A light student does
not run a page's load events or its heartbeat. Every fn_index is read from ``/config`` by the events'
components (the game picture ``gan-game``, the follow buttons), never written here.

1. The lecturer moves five times (the cGAN tab, the text tab, the GAN tab, GAN Generate with a new seed,
   the game's sub-tab). Each student's seconds from the lecturer's click until their page shows it:
   a browser until the tab is selected (or the seed is in the box and the new grid has loaded), checked
   inside the page every 50 ms; a light student until its poll sees the new state (follow_p95_s), and
   until it has the change (a tab: its poll saw it; a result: its follow event answered and its pictures
   fetched): tab_p95_s, result_p95_s. The server's CPU of each move per student (result_cpu_ms: the result
   move's, the class's asking included); ``--profile PREFIX`` records the result move with py-spy and prints
   its top functions. Then the class idle for ``--quiet-s``: idle_ms_per_student_s.
2. Every student plays ``--rounds`` rounds of "which is real?" (new round, a look, some picks, Check):
   round r opens for everyone at the same moment and the class answers within about ``--round-s``
   seconds. Browser students play through the page itself (its New round button, the checkboxes, its
   Check button). The answers counted (the server's store, SQLite or Redis, and the projector's summary on
   the lecturer's page) must equal the answers sent; each answer's seconds from its Check until the
   projector's count includes it (answers ranked in the server's order of arrival).
3. The lecturer goes back to the Samples sub-tab and shows the wall; every student presses Generate at
   the same moment, each with its own seed: seconds until the projector's wall count includes the
   student's picture (ranked by the server's order of arrival).
4. The server's CPU seconds (its process tree, from /proc) in each phase.
5. click_cost_ratio: one browser student presses Generate 10 times, one after another (new seed, 50
   samples): the server's CPU from the click until its judge's readout has arrived and the projector
   shows its picture on the wall (so: the grid, the pin's one-sample draw and SQLite write, the readout,
   and the lecturer's tick redrawing the wall), less the class's background (the other pages' asking and the
   projector's tick, measured just before over a quiet spell), against the CPU of drawing the same 50
   samples alone (``GANService().samples``) in this process after the studio has stopped.

0. Before the class joins: the server's CPU for one student's page load alone (``--page-loads`` times, one
   after another, a fresh browser context each, from the address until the page is complete: its class
   bar, its page-load results and the lecturer's state in, every picture loaded, 1.5 s with nothing new),
   less the background measured just before: ``page_cpu_s``. With phase 5's ``click_cpu_s`` (one Generate
   click, less the background) it gives the students one core serves as the class opens the link together
   (1/page_cpu_s pages per core-second) and while it clicks (one Generate each 10 s: 10/click_cpu_s).

``--replicas N`` (N >= 2): a private redis-server (append-only, loopback, its own folder), N studios
``studio.py --class --class-store redis://... --no-training`` started together on the emptied Redis (they
agree on one class as they start) and nginx with deploy/nginx.conf in front (benchmarks/local_stack.py,
as tests/test_deploy.py runs it). Every page and light student speaks to nginx's address only (a light
student keeps the ``studio_route`` cookie nginx gives it); the answers are counted from Redis; the server's
CPU is the sum over the studios' process trees (nginx's and redis-server's are reported apart); each
student's studio is read from the class state's ``served_by``. ``--compare`` runs one studio alone and then
two replicas with the same students and settings, and ends with one ``summary:`` line for both.

The lecturer's page with the pooled game and the wall is saved as PNGs in ``--screenshot-dir``. Last
line: ``summary: students=N follow_p95_s=S tab_p95_s=S result_p95_s=S result_cpu_ms=M idle_ms_per_student_s=M
answers_sent=N answers_counted=N answer_p95_s=S wall_p95_s=S server_cpu_s=S click_cost_ratio=R page_cpu_s=S
lang_cpu_s=S`` (targets: follow_p95_s <= 2, answers_counted == answers_sent, answer_p95_s <= 2, wall_p95_s <= 3,
click_cost_ratio <= 1.5; with 200 students, issue 51's: tab_p95_s <= 1, result_p95_s <= 3, result_cpu_ms <= 10,
idle_ms_per_student_s <= 1; server_cpu_s covers the students' joining and phases 1-3 and 5; lang_cpu_s is a
language switch on phase 0's first page). With ``--compare``: ``summary: students=N one_follow_p95_s=S
one_answers_sent=N one_answers_counted=N one_answer_p95_s=S one_wall_p95_s=S one_server_cpu_s=S
two_follow_p95_s=S ... two_server_cpu_s=S page_cpu_s=S click_cpu_s=S`` (page and click from the studio alone).

``--plan NAME`` (issue 53, ``benchmarks/class_plan.py``): the studio starts with ``--plan NAME`` and, once the
class has joined, the lecturer presses PageDown through ``--plan-steps`` steps, one every ``--step-s`` seconds,
instead of phases 1-5: ``summary: students=N browsers=N replicas=N plan=NAME plan_steps=N plan_follow_p95_s=S
plan_cpu_ms_per_step=M server_cpu_s=S page_cpu_s=S`` (target: plan_follow_p95_s <= 2 with 5 browsers and 25
light students, ``--students 30``).

``--hostile``: the class while one hostile client attacks it (instead of phases 0-5); the hostile client is
one of ``--students`` (by default 29 honest students, 5 of them browsers, and 1 hostile). The one studio alone
keeps its class in a private redis-server as well (``--class-store redis://...``, no nginx); with
``--replicas 2`` the studios share theirs behind nginx as above. The lecturer opens the game, the class
joins, and until the hostile client is done the lecturer clicks a tab every ``--move-s`` (10 s: the cGAN,
GAN, text, GAN tabs, over and over; each student timed until its page or poll shows it, as in phase 1) and
every student plays a round every ``--round-s`` (a page waits for the game's buttons whenever the lecturer
shows another tab; an answer refused because the store was busy, "send it once more", is sent once more
each second, as a student would, for up to 40 s). After one such round alone, the hostile client
(benchmarks/class_hostile.py), one step after another:

a. asks the page (``/?class=CODE`` and ``/``) and ``/config`` with a forged ``X-Forwarded-Host:
   attacker.invalid:8000``, ``X-Forwarded-Proto: https`` and ``X-Gradio-Server: http://attacker.invalid``
   (once per Accept-Encoding, which the page's cache keys by), then the same without them: each plain
   answer naming attacker.invalid is a leak (asked again at the end of the phase): ``forged_root_leaks``;
b. asks ``studio-class/state`` ``--flood`` times (20,000) without a cookie, ``--flood-concurrency`` (50) at
   a time (stopped after ``--hostile-limit-s``), while the lecturer's "connected" count is read every
   0.5 s all through the phase: ``max_connected_seen``;
c. sends ``--forged-answers`` (1,000) game answers (New round, then Check, through Gradio's queue as a
   light student does, ``--forged-concurrency`` at a time), each in a new Gradio session under an invented
   ``studio_browser`` cookie: half random strings, half ``<id>.<signature>`` shaped like the cookie the
   studio minted for the hostile client, with a wrong signature. ``hostile_extra_counted`` = the store's
   answers of no honest student's id, less one honest student's share (the most answers the store
   counted for one student), at least 0;
d. pauses Redis (``CLIENT PAUSE`` ``--stall-s``*1000 ``ALL``, through redis-py) while, from 1 s before until
   3 s after, a small frontend file (a route outside the class) and the class state are each asked every
   100 ms without waiting for the last answer: ``stall_max_block_s`` = the longest of the first asked
   during the pause, ``state_503_p95_s`` = p95 of the state's answers asked during the pause. No move is
   clicked into the pause.

Then one more round (the refused answers sent again), and the class finishes. The studios' resident memory
(VmRSS over their process trees) is read before step a and at the end: ``rss_growth_mb``. Last line:
``summary: honest_follow_p95_s=S honest_answers_sent=N honest_answers_counted=N hostile_extra_counted=N
stall_max_block_s=S rss_growth_mb=M forged_root_leaks=N max_connected_seen=N state_503_p95_s=S
redis_growth_mb=M`` (targets: honest_follow_p95_s <= 2, honest_answers_counted == honest_answers_sent,
hostile_extra_counted 0, stall_max_block_s <= 1, rss_growth_mb <= 50, forged_root_leaks 0, max_connected_seen
near --students). Smaller runs for a try: ``--students 8 --browsers 1 --flood 1000 --forged-answers 20``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import html
import itertools
import json
import os
import random
import re
import secrets
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "deploy"))
import local_stack  # noqa: E402  (nginx and Redis on loopback, shared with tests/test_deploy.py)
import class_hostile as hostile  # noqa: E402  (the hostile client of --hostile)
from classroom import (ARGS, CHROMIUM, CLICK_AND_WAIT, COUNT_EVENTS, ROOT, browsers_cpu_s, free_port,
                       process_tree_cpu_s, start_profiler, stop_profiler, wait_warm)

POLL_S = 0.8  # the page's script asks for the class state this long after its last answer
# Each light student's wait after an answer varies by this much (its mean stays POLL_S): the 25 share one
# event loop and the 2 cores with the Chromium pages, so one stall of this process would otherwise keep
# them asking in lock-step for the rest of the run, where a class's devices drift apart.
POLL_JITTER_S = 0.05
STREAM_RETRY_S = 1.0  # EventSource's wait before the next stream (the feed's ``retry``)
VARIANT = "dcgan_mnist"
PAGE_QUIET_MS = 1500  # a page is complete once nothing new has started or finished for this long
N_SAMPLES = 50
WAIT_S = 20.0  # the longest any student is waited for after one lecturer's move
MOVE_SEED = 4242  # the lecturer's Generate in phase 1
RESEND_S = 40.0  # --hostile: how long a student sends a refused answer once more (its store was busy)

# Counts the page's events outside the queue (POST .../run/predict), once their answer has been read.
COUNT_RUNS = """
(() => {
  const r = window.__runs = {started: 0, done: 0, last: 0};
  const original = window.fetch.bind(window);
  window.fetch = async (input, init) => {
    const url = typeof input === 'string' ? input : (input && input.url) || String(input);
    if (!url.includes('/run/') && !url.includes('/studio-page/')) return original(input, init);
    r.started += 1;
    try {
      const response = await original(input, init);
      response.clone().text().finally(() => { r.done += 1; r.last = Date.now(); });
      return response;
    } catch (error) { r.done += 1; throw error; }
  };
})();
"""

# The projector: every change of the two summaries on the lecturer's page, with the time it was seen.
WATCH_PROJECTOR = """
(() => {
  const P = window.__projector = {game: [], wall: []};
  const last = {};
  setInterval(() => {
    for (const [poll, selector] of [['game', '#studio-class-game-summary'], ['wall', '#studio-class-wall-summary']]) {
      const el = document.querySelector(selector);
      if (!el) continue;
      const words = el.textContent;
      if (words !== last[poll]) { last[poll] = words; P[poll].push([Date.now(), words]); }
    }
  }, 50);
})();
"""

# A browser student's round, played in its page: New round, a look at the pictures, the picks, Check.
# What both game-playing scripts need in the page: its counters, visible buttons by name, a wait with a limit,
# and the game's picture.
GAME_PAGE_HELPERS = """
  const s = window.__studio;
  const visible = (el) => el && el.offsetParent !== null;
  const button = (name) => Array.from(document.querySelectorAll('button')).find(b => b.innerText.trim() === name && visible(b));
  const until = (cond, ms, what) => new Promise((resolve, reject) => {
    const t0 = performance.now();
    const tick = () => {
      let v = null;
      try { v = cond(); } catch (e) { v = null; }
      if (v) resolve(v);
      else if (performance.now() - t0 > ms) reject(new Error('timed out waiting for ' + what));
      else setTimeout(tick, 50);
    };
    tick();
  });
  const img = () => document.querySelector('#gan-game img');
  // the page's answered events: through the queue (__studio) and outside it (__runs: the game's own buttons)
  const answered = () => s.completed + (window.__runs ? window.__runs.done : 0);
"""

PLAY_ROUND = """
async ({newRound, check, picks, think}) => {
""" + GAME_PAGE_HELPERS + """  const before = img() ? img().src : null;
  await until(() => button(newRound), 20000, 'the New round button');
  let done = answered();
  button(newRound).click();
  await until(() => answered() > done && img() && img().src !== before && img().complete, 30000, 'the round');
  await new Promise(r => setTimeout(r, think));
  for (const k of picks) {
    const box = Array.from(document.querySelectorAll('input[type=checkbox]'))
      .find(i => visible(i) && i.closest('label') && i.closest('label').innerText.trim() === k);
    if (!box) throw new Error('no checkbox ' + k);
    if (!box.checked) box.click();
  }
  await new Promise(r => setTimeout(r, 150));
  done = answered();
  const sent = Date.now();
  button(check).click();
  await until(() => answered() > done, 30000, 'the check');
  return {sent, done: Date.now()};
}
"""

# PLAY_ROUND for a page that follows a lecturer who moves meanwhile (--hostile): each button and checkbox
# is waited for until it is visible again (the game's tab shown), and an answer refused because the class's
# store was busy ("send it once more") is sent once more each second while the studio says so. Any failure
# comes back as {error} with the time Check was first pressed, if it was.
PLAY_ROUND_PATIENT = """
async ({newRound, check, picks, think, busy, refused, resendMs, waitMs}) => {
""" + GAME_PAGE_HELPERS + """  const sleep = (ms) => new Promise(r => setTimeout(r, ms));
  // the verdict's own words (its markdown: not the progress line Gradio draws over it while an event runs)
  const verdict = () => { const v = document.querySelector('#gan-verdict [data-testid=markdown]')
                                   || document.querySelector('#gan-game-box #gan-verdict');
                          return v ? v.textContent : ''; };
  let sent = null, done = null, resent = 0;
  try {
    // each step waits for its own answer: the page's words change (any event's completion would not do:
    // a page that follows a moving class completes others meanwhile, and a Check taken for answered early
    // was counted as sent, while the round it answered had not yet reached the studio)
    const before = img() ? img().src : null;
    let n = answered(), said = verdict();
    (await until(() => button(newRound), waitMs, 'the New round button')).click();
    await until(() => answered() > n && img() && img().src !== before && img().complete && verdict() !== said,
                waitMs, 'the round');
    await sleep(think);
    for (const k of picks) {
      const box = await until(() => Array.from(document.querySelectorAll('input[type=checkbox]'))
        .find(i => visible(i) && i.closest('label') && i.closest('label').innerText.trim() === k), waitMs, 'checkbox ' + k);
      if (!box.checked) box.click();
    }
    await sleep(150);
    const b = await until(() => button(check), waitMs, 'the Check button');
    n = answered(); said = verdict();
    sent = Date.now();
    b.click();
    await until(() => answered() > n && verdict() !== said, waitMs, 'the check');
    while (verdict().includes(busy) && Date.now() - sent < resendMs) {
      await sleep(1000);
      const again = await until(() => button(check), waitMs, 'the Check button');
      n = answered();
      again.click();
      resent += 1;
      await until(() => answered() > n, waitMs, 'the check sent once more');  // "busy" again reads the same
    }
    done = Date.now();
    return {sent, done, resent, refused: verdict().includes(refused), said: verdict().slice(-160)};
  } catch (e) {
    return {sent, done: null, resent, error: String(e && e.message || e)};
  }
}
"""

TAB_SELECTED = ("(id) => document.querySelector(`#studio-techniques button[role=tab][data-tab-id=\"${id}\"]"
                "[aria-selected=\"true\"]`) ? Date.now() : false")
SEED_SHOWN = """([seed, before]) => {
  const box = document.querySelector('#gan-seed input');
  const img = document.querySelector('#gan-grid img');
  return box && box.value === String(seed) && img && img.src && img.src !== before && img.complete &&
    img.naturalWidth > 0 ? Date.now() : false;
}"""

# A page is complete: its class bar drawn, its page-load results in and the lecturer's state taken (its follow
# event answered), every queued and outside-the-queue event answered, nothing new for ``quiet`` ms, and every
# picture on it loaded (the GAN grid's too, where the tab drawn first shows it; Gradio draws a tab's
# children once it is selected).
PAGE_COMPLETE = """
(quiet) => {
  const s = window.__studio, r = window.__runs, S = window.studioClass;
  if (!s || !r || !S || !S.ready || !S.state || S.seen !== S.state.version) return null;
  if (!document.querySelector('#studio-class-bar')) return null;
  if (s.joined === 0 || s.completed < s.joined || r.started !== r.done) return null;
  const last = Math.max(s.lastChange, r.last ? r.last - performance.timeOrigin : 0);
  if (performance.now() - last < quiet) return null;
  const images = Array.from(document.querySelectorAll('img'));
  if (images.some(img => img.src && !img.complete)) return null;
  const grid = document.querySelector('#gan-grid img');
  return {done: performance.timeOrigin + last, images: images.length, grid: !!grid, joined: s.joined,
          runs: r.done, servedBy: S.state.served_by || null};
}
"""

SUMMARY_WORDS = {"en": (r"(\d+) answers", r"\((\d+) in all\)"), "ko": (r"답 (\d+)개", r"모두 (\d+)장")}


def p95(values: list[float]) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def spread(values: list[float]) -> str:
    if not values:
        return "none"
    ordered = sorted(values)
    return (f"n={len(ordered)} p50 {ordered[len(ordered) // 2]:.2f} s, p95 {p95(ordered):.2f} s, "
            f"max {ordered[-1]:.2f} s")


# --- the studio (or the studios behind nginx) -------------------------------------------------------------
def launch_studio(folder: Path, lang: str, log_file: Path, flags: list[str]) -> tuple[subprocess.Popen, str]:
    """``studio.py FLAGS`` with a private cache in ``folder``, its output in ``log_file``: (process, base url)."""
    port = free_port()
    env = {**os.environ, "STUDIO_CACHE_DIR": str(folder / "cache"), "STUDIO_NO_DOWNLOAD": "1",
           "GRADIO_ANALYTICS_ENABLED": "False", "GRADIO_TEMP_DIR": str(folder / "gradio")}
    env.pop("STUDIO_CLASS_STORE", None)  # the store is the one named here: class.sqlite3 of the cache, or --class-store
    log = open(log_file, "w")
    process = subprocess.Popen([sys.executable, "studio.py", *flags, "--port", str(port), "--lang", lang],
                               cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    log.close()  # the child keeps its own copy of the file
    return process, f"http://127.0.0.1:{port}/"


def wait_class_studio(process: subprocess.Popen, url: str, log_file: Path, timeout_s: float = 120) -> tuple[str, str]:
    """Until the studio has announced its class and answers: (lecturer key, class code)."""
    key = code = None
    started = time.monotonic()
    while time.monotonic() - started < timeout_s:
        if process.poll() is not None:
            raise SystemExit(f"studio.py exited with {process.returncode}; see {log_file}")
        if key is None:
            words = log_file.read_text(errors="replace")
            found_code, found_key = re.search(r"Class (\w+)\.", words), re.search(r"\?key=(\S+)", words)
            if found_code and found_key:
                code, key = found_code.group(1), found_key.group(1)
        if key is not None:
            try:
                with urllib.request.urlopen(url, timeout=2):
                    return key, code
            except OSError:
                pass
        time.sleep(0.25)
    process.kill()
    raise SystemExit(f"studio.py did not announce its class and answer within {timeout_s:.0f} s; see {log_file}")


def start_class_studio(folder: Path, lang: str, log_path: str | None,
                       plan: str | None = None) -> tuple[subprocess.Popen, str, str, str]:
    """``studio.py --class --new-class`` (and ``--plan``) with a private cache: (process, base url, lecturer key,
    class code)."""
    log_file = Path(log_path or folder / "studio.log")
    process, url = launch_studio(folder, lang, log_file, ["--class", "--new-class", *(["--plan", plan] if plan else [])])
    key, code = wait_class_studio(process, url, log_file)
    return process, url, key, code


def stop_process(process: subprocess.Popen, timeout_s: float = 20) -> None:
    process.terminate()
    try:
        process.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def wait_studio_warm(url: str, lang: str, timeout_s: float = 300) -> float:
    """Seconds until the studio at ``url`` says it is warm: its ``device`` event (the page's device line, which
    answers once every tab's warm-up is over, or after its own time limit), called directly, not through nginx."""
    import httpx

    started = time.monotonic()
    with httpx.Client(base_url=url, timeout=timeout_s) as client:
        event_id = client.post("gradio_api/call/device", json={"data": [lang]}).json()["event_id"]
        with client.stream("GET", f"gradio_api/call/device/{event_id}") as stream:
            for line in stream.iter_lines():
                if line.startswith("event:") and line[6:].strip() in ("complete", "error"):
                    break
    return time.monotonic() - started


def redis_rows(client, poll: str) -> list[tuple[str, dict]]:
    """(browser, payload) of every answer of ``poll`` kept in Redis, in the order of arrival (the studios' keys:
    ``studio:class:order:POLL``, a list of ids, and ``studio:class:answers:POLL``, id -> JSON)."""
    ids = client.lrange(f"studio:class:order:{poll}", 0, -1)
    records = client.hmget(f"studio:class:answers:{poll}", ids) if ids else []
    rows = [json.loads(record) for record in records if record is not None]
    return [(row["browser"], row["payload"]) for row in rows]


class Deployment:
    """Where the class runs: one studio alone (its answers in its SQLite file), or several studios behind
    nginx sharing the class in Redis. The students and the lecturer speak to ``url`` only."""

    def __init__(self, studios: list[tuple[subprocess.Popen, str]], url: str, key: str, code: str,
                 db: Path | None = None, redis_url: str | None = None, nginx: subprocess.Popen | None = None,
                 redis_process: subprocess.Popen | None = None) -> None:
        self.studios, self.url, self.key, self.code, self.db = studios, url, key, code, db
        self.nginx, self.redis_process = nginx, redis_process
        self.redis = None
        if redis_url:
            import redis

            self.redis = redis.Redis.from_url(redis_url, socket_timeout=10)
        host = socket.gethostname()  # as the studio names itself in the state's "served_by"
        self.names = {f"{host}:{process.pid}": f"studio{k}" for k, (process, _) in enumerate(studios, start=1)}

    @property
    def replicas(self) -> int:
        return len(self.studios)

    def cpu(self) -> float:
        """CPU seconds of every studio's process tree, together."""
        return sum(process_tree_cpu_s(process.pid) for process, _ in self.studios)

    def rss_mb(self) -> float:
        """Resident memory (VmRSS) of every studio's process tree, together, in MB."""
        return sum(hostile.tree_rss_mb(process.pid) for process, _ in self.studios)

    def side_cpu(self) -> dict[str, float]:
        """CPU seconds of nginx (master and workers) and of redis-server, where they run."""
        return {name: process_tree_cpu_s(process.pid) for name, process in
                (("nginx", self.nginx), ("redis", self.redis_process)) if process is not None}

    def rows(self, poll: str) -> list[tuple[str, dict]]:
        return class_rows(self.db, poll) if self.redis is None else redis_rows(self.redis, poll)

    def name(self, served_by: str | None) -> str:
        return self.names.get(served_by or "", served_by or "unknown")


@contextlib.contextmanager
def deployment(folder: Path, args, replicas: int):
    """One studio alone (``studio.py --class --new-class``), or ``replicas`` studios (``--class --class-store
    redis://... --no-training``) with a private redis-server and nginx (deploy/nginx.conf) in front; yields a
    ``Deployment`` once every studio is up (and, with several, warm); stops them all after. With ``--hostile``
    the one studio alone keeps its class in a private redis-server too (``--class-store redis://...``), so that
    the hostile client can stall its store."""
    if replicas == 1 and getattr(args, "hostile", False):
        import redis

        with local_stack.redis_server(folder / "redis") as redis_url:
            with redis.Redis.from_url(redis_url) as client:
                client.flushdb()
            log_file = Path(args.log or folder / "studio.log")
            process, url = launch_studio(folder, args.lang, log_file, ["--class", "--new-class", "--class-store",
                                                                        redis_url])
            try:
                key, code = wait_class_studio(process, url, log_file)
                yield Deployment([(process, url)], url, key, code, redis_url=redis_url,
                                 redis_process=local_stack.REDIS_PROCESSES[redis_url])
            finally:
                stop_process(process)
        return
    if replicas == 1:
        process, url, key, code = start_class_studio(folder, args.lang, args.log, getattr(args, "plan", None))
        try:
            yield Deployment([(process, url)], url, key, code, db=folder / "cache" / "class.sqlite3")
        finally:
            stop_process(process)
        return
    import redis

    with contextlib.ExitStack() as stack:
        redis_url = stack.enter_context(local_stack.redis_server(folder / "redis"))
        with redis.Redis.from_url(redis_url) as client:
            client.flushdb()  # a new class: the studios below agree on one key and code (SET NX) as they start
        started = []
        for k in range(1, replicas + 1):
            (folder / f"studio{k}").mkdir()
            if args.log:
                log_file = Path(args.log).with_name(f"{Path(args.log).stem}-{k}{Path(args.log).suffix}")
            else:
                log_file = folder / f"studio{k}" / "studio.log"
            plan = ["--plan", args.plan] if getattr(args, "plan", None) else []
            process, url = launch_studio(folder / f"studio{k}", args.lang, log_file,
                                         ["--class", "--class-store", redis_url, "--no-training", *plan])
            stack.callback(stop_process, process)
            started.append((process, url, log_file))
        classes = {wait_class_studio(process, url, log_file, timeout_s=300) for process, url, log_file in started}
        if len(classes) != 1:
            raise SystemExit(f"the studios announced different classes: {sorted(classes)}")
        key, code = classes.pop()
        url = stack.enter_context(local_stack.running_nginx([u[len("http://"):-1] for _, u, _ in started],
                                                             folder / "nginx"))
        warm = [wait_studio_warm(u, args.lang) for _, u, _ in started]
        print(f"{replicas} studios up behind nginx at {url} (one class in Redis {redis_url}); each said it was "
              f"warm after another {', '.join(f'{s:.1f}' for s in warm)} s")
        yield Deployment([(process, u) for process, u, _ in started], url, key, code, redis_url=redis_url,
                         nginx=local_stack.NGINX_PROCESSES[url], redis_process=local_stack.REDIS_PROCESSES[redis_url])


def events_of(config: dict) -> dict:
    """The fn_index (and trigger, button words) of every event a student's page uses, found by components."""
    comps = {c["id"]: c for c in config["components"]}

    def elem(i):
        return comps.get(i, {}).get("props", {}).get("elem_id")

    def kind(i):
        return comps.get(i, {}).get("type")

    found: dict = {}
    for dep in config["dependencies"]:
        outs, ins = dep["outputs"], dep["inputs"]
        trigger = dep["targets"][0][0] if dep["targets"] else None
        if dep.get("api_name") == "gan_samples":
            found["generate"] = (dep["id"], trigger)
        # the game's two buttons: by their ids, or in a studio from before they had ids, as the only queued
        # events whose four outputs hold the game's picture (a link's follow event has them too, unqueued)
        game_button = {"gan-new-round": "new_round", "gan-check": "check"}.get(elem(trigger))
        if game_button is None and len(outs) == 4 and any(elem(o) == "gan-game" for o in outs) and \
                dep.get("queue") and comps.get(trigger, {}).get("type") == "button":
            game_button = "check" if any(kind(i) == "checkboxgroup" for i in ins) else "new_round"
        if game_button is not None:
            found[game_button] = (dep["id"], trigger)
            found[game_button + "_words"] = comps[trigger]["props"]["value"]
            if dep.get("queue") is not False:  # Gradio's default is queued (None)
                found.setdefault("queued", set()).add(game_button)
        if trigger is not None and (elem(trigger) or "").startswith("studio-follow-"):
            found[elem(trigger)] = (dep["id"], trigger)  # a result's own follow button
    if "new_round" not in found:  # the game answered by its own routes (studio.techniques.gan.game): no events
        box = next((c["props"].get("value") or "" for c in config["components"]
                    if c.get("props", {}).get("elem_id") == "gan-game-holder"), "")
        words = {name: re.search(rf'id="gan-{name}"[^>]*>([^<]+)</button>', box) for name in ("new-round", "check")}
        if all(words.values()):
            found["game_routes"] = True
            found["new_round"] = found["check"] = None
            found["new_round_words"], found["check_words"] = (html.unescape(words[name].group(1))
                                                              for name in ("new-round", "check"))
    generate = found["generate"][0]
    found["judge"] = next((d["id"], found["generate"][1]) for d in config["dependencies"]
                          if d.get("trigger_after") == generate)
    found["techniques_key"] = str(next(c["id"] for c in config["components"]
                                       if c.get("props", {}).get("elem_id") == "studio-techniques"))
    # a studio from before issue 51 had two follow buttons (tabs, link) instead of one per result: its pages
    # pressed them, and so do the light students, so that this benchmark measures before and after alike
    follow = {"studio-follow-gan-samples"} if "studio-follow-link" not in found else {"studio-follow-link"}
    missing = {"generate", "judge", "new_round", "check", *follow} - set(found)
    if missing:
        raise SystemExit(f"could not find these events in /config: {', '.join(sorted(missing))}")
    return found


def class_rows(db: Path, poll: str) -> list[tuple[str, dict]]:
    """(browser, payload) of every answer of ``poll``, in the server's order of arrival."""
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10) as connection:
        rows = connection.execute("SELECT browser, payload FROM answers WHERE poll = ? ORDER BY rowid",
                                  (poll,)).fetchall()
    return [(browser, json.loads(payload)) for browser, payload in rows]


# --- the students ----------------------------------------------------------------------------------------
class LightStudent:
    """A student without a browser: the page's HTTP, its cookies and its session hash."""

    def __init__(self, number: int, url: str, code: str, events: dict, lang: str) -> None:
        import httpx

        self.number, self.code, self.events, self.lang = number, code, events, lang
        self.client = httpx.AsyncClient(base_url=url, timeout=60.0, verify=False)  # loopback; TLS may be self-signed
        self.session_hash = secrets.token_hex(6)
        self.round, self.score = None, {"rounds": 0, "correct": 0, "shown": 0}  # the game, as its page keeps them
        self.version = None
        self.seen: dict[int, tuple[float, dict]] = {}  # version -> (when this student first saw it, the state)
        self.followed: dict[int, float] = {}  # version -> when its follow event's answer (and files) arrived
        self.errors: list[str] = []
        self.unavailable = 0  # state asks answered without a state (503 while the class's store is down)
        self.served: list[str] = []  # the studios that answered its polls ("served_by"), each change once
        self.ask_s: list[float] = []  # how long each of its state asks took
        self.follow_lock = asyncio.Lock()
        self.streams = True  # until the studio refuses a stream: then this page polls, as the script does
        self.tasks: set = set()

    @property
    def browser(self) -> str | None:
        return self.client.cookies.get("studio_browser")

    async def join(self) -> None:
        (await self.client.get("/", params={"class": self.code})).raise_for_status()

    async def poll(self, stop: asyncio.Event) -> None:
        """As the page's script: one ask for the state (which gives the id), then the state's stream; asking
        every ``POLL_S`` instead while the studio refuses a stream (or has none: before issue 51's stream)."""
        await asyncio.sleep(random.uniform(0, POLL_S))
        while not stop.is_set():
            try:
                asked = time.monotonic()
                answer = await self.client.get("/studio-class/state", params={"follow": "1", "class": self.code})
                state = answer.json()
                self.ask_s.append(time.monotonic() - asked)
            except Exception as exc:  # noqa: BLE001 - a page shows "cannot be reached" and asks again
                self.errors.append(f"state: {exc!r}")
            else:
                self.take(state)
                if self.streams and await self.listen(stop):
                    continue
            await asyncio.sleep(POLL_S + random.uniform(-POLL_JITTER_S, POLL_JITTER_S))

    async def listen(self, stop: asyncio.Event) -> bool:
        """The state's stream until it ends (``True``: open the next, as ``EventSource`` does after its
        ``retry``) or is refused (``False``: this page polls from now on)."""
        stopped = asyncio.create_task(stop.wait())
        try:
            async with self.client.stream("GET", "/studio-class/stream",
                                          params={"follow": "1", "class": self.code}) as answer:
                if answer.status_code != 200 or "event-stream" not in answer.headers.get("content-type", ""):
                    self.streams = False
                    return False
                lines = answer.aiter_lines()
                while True:
                    line = asyncio.create_task(anext(lines))
                    await asyncio.wait({line, stopped}, return_when=asyncio.FIRST_COMPLETED)
                    if stopped.done():
                        line.cancel()
                        return True
                    try:
                        text = line.result()
                    except StopAsyncIteration:
                        break
                    if text.startswith("data: "):
                        self.take(json.loads(text[6:]))
        except Exception as exc:  # noqa: BLE001 - EventSource opens the stream again after its retry
            self.errors.append(f"stream: {exc!r}")
        finally:
            stopped.cancel()
        await asyncio.sleep(STREAM_RETRY_S)
        return True

    def take(self, state: dict) -> None:
        """A state heard (asked or streamed): a new version is noted, and followed."""
        if state.get("served_by") and (not self.served or self.served[-1] != state["served_by"]):
            self.served.append(state["served_by"])
        if "version" not in state:  # the store is down: the page keeps what it shows and asks again
            self.unavailable += 1
        elif state.get("version") != self.version:
            self.version = state["version"]
            self.seen.setdefault(self.version, (time.time(), state))
            if not state.get("lecturer") and not state.get("problem"):
                task = asyncio.create_task(self.follow(state))
                self.tasks.add(task)
                task.add_done_callback(self.tasks.discard)

    def _payload(self, event: str, data: list) -> dict:
        """The body the page posts for ``event`` with ``data``."""
        fn, trigger = self.events[event]
        return {"data": data, "event_data": None, "fn_index": fn, "trigger_id": trigger,
                "session_hash": self.session_hash}

    async def run(self, event: str, data: list):
        """An event outside the queue, as the page sends it: its outputs."""
        answer = await self.client.post("/gradio_api/run/predict", params={"class": self.code},
                                        json=self._payload(event, data))
        if answer.status_code != 200:
            raise RuntimeError(f"{event}: HTTP {answer.status_code} {answer.text[:200]}")
        return answer.json()["data"]

    async def queued(self, event: str, data: list):
        """An event through Gradio's queue (join, then the session's event stream): its outputs."""
        joined = await self.client.post("/gradio_api/queue/join", params={"class": self.code},
                                        json=self._payload(event, data))
        joined.raise_for_status()
        event_id, result = joined.json()["event_id"], None
        async with self.client.stream("GET", "/gradio_api/queue/data",
                                      params={"session_hash": self.session_hash}) as stream:
            async for line in stream.aiter_lines():
                if not line.startswith("data:"):
                    continue
                message = json.loads(line[5:])
                if message.get("msg") == "process_completed" and message.get("event_id") == event_id:
                    if not message.get("success"):
                        raise RuntimeError(f"{event}: {message.get('output', {}).get('error')}")
                    result = message["output"]["data"]
                if message.get("msg") in ("close_stream", "unexpected_error"):
                    break
        if result is None:
            raise RuntimeError(f"{event}: the stream ended without its result")
        return result

    async def route(self, name: str, body: dict) -> dict:
        """A page route, as the page's own script posts it (``studio-page/NAME``): its answer."""
        answer = await self.client.post(f"/studio-page/{name}", params={"class": self.code}, json=body)
        if answer.status_code != 200:
            raise RuntimeError(f"{name}: HTTP {answer.status_code} {answer.text[:200]}")
        return answer.json()

    async def new_round(self) -> None:
        """The game's New round, as the page presses it (its route, or its event and the picture's file)."""
        if self.events.get("game_routes"):
            answer = await self.route("gan-game-round", {"lang": self.lang, "variant": VARIANT, "score": self.score})
            self.round = answer["round"]  # the picture came in the answer itself
            return
        await self.fetch_files((await self.call("new_round", [self.lang, VARIANT, None]))[:1])

    async def check(self, picks: list[str]) -> str:
        """The game's Check with ``picks``, as the page presses it: the verdict's words."""
        if self.events.get("game_routes"):
            answer = await self.route("gan-game-check", {"lang": self.lang, "round": self.round, "picks": picks,
                                                         "score": self.score})
            self.round, self.score = answer["round"], answer["score"]
            return answer["words"]
        outputs = await self.call("check", [self.lang, None, picks, None])
        await self.fetch_files(outputs[:1])
        return str(outputs[-1])

    async def call(self, event: str, data: list):
        """An event as the page sends it: through Gradio's queue if it is queued, else one request."""
        return await (self.queued if event in self.events.get("queued", ()) else self.run)(event, data)

    async def fetch_files(self, outputs) -> None:
        """Download the pictures an answer points to, as the page does."""
        urls: list[str] = []

        def walk(value) -> None:
            if isinstance(value, dict):
                if value.get("meta", {}).get("_type") == "gradio.FileData" and value.get("url"):
                    urls.append(value["url"])
                else:
                    for item in value.values():
                        walk(item)
            elif isinstance(value, list):
                for item in value:
                    walk(item)

        walk(outputs)
        for url in urls[:8]:
            (await self.client.get(url)).raise_for_status()

    async def follow(self, state: dict) -> None:
        """What the page's script does for a new version: the tabs it selects itself (no request), and for a
        result the event of that result's own follow button, then its pictures."""
        async with self.follow_lock:
            if state["version"] != self.version:  # a newer one came meanwhile: its own follow takes it
                return
            try:
                if "studio-follow-link" in self.events:  # a studio from before issue 51 (see events_of)
                    button = "studio-follow-link" if state.get("link") else "studio-follow-tabs"
                    data = [self.lang, json.dumps(state)] if state.get("link") else [json.dumps(state)]
                    await self.fetch_files(await self.run(button, data))
                elif state.get("link") and state.get("result"):
                    button = "studio-follow-" + re.sub(r"[^a-z0-9]+", "-", state["result"].lower())
                    await self.fetch_files(await self.run(button, [self.lang, json.dumps(state)]))
                self.followed[state["version"]] = time.time()
            except Exception as exc:  # noqa: BLE001
                self.errors.append(f"follow: {exc!r}")

    async def play(self, rounds: int, start: float, round_s: float, deadline: float, rng: random.Random) -> list:
        """``rounds`` rounds of the game, round r opening at start + r * round_s: [(sent, done, ok)]."""
        played = []
        for r in range(rounds):
            await asyncio.sleep(max(0.0, start + r * round_s + rng.uniform(0, 0.45 * round_s) - time.time()))
            if time.time() > deadline:
                break
            try:
                await self.new_round()
                await asyncio.sleep(rng.uniform(0.5, 2.0))  # a look at the eight pictures
                picks = [str(k) for k in sorted(rng.sample(range(1, 9), rng.randint(2, 5)))]
                sent = time.time()
                words = await self.check(picks)
                done = time.time()
                ok = "Not counted" not in words
                if not ok:
                    self.errors.append(f"check not counted: {words[-200:]}")
                played.append((sent, done, ok))
            except Exception as exc:  # noqa: BLE001
                self.errors.append(f"round {r}: {exc!r}")
                played.append((time.time(), None, False))
        return played

    async def play_on(self, stop: asyncio.Event, start: float, round_s: float, rng: random.Random,
                      words: tuple[str, str], resend_s: float = RESEND_S) -> list[dict]:
        """Rounds of the game until ``stop`` (round r opening at start + r * round_s), as ``play`` plays them;
        an answer the studio refused with ``words[0]`` (its store was busy: "send it once more") is sent
        once more every second, as a student would, until it is not or ``resend_s`` have passed. One entry
        per answer sent (Check pressed): {"sent", "done" (None: it failed), "ok" (counted, as the student
        was told), "resent"}; ``words[1]`` is the start of the studio's "not counted" sentence."""
        busy, refused = words
        self.played = played = []
        for r in itertools.count():
            await asyncio.sleep(max(0.0, start + r * round_s + rng.uniform(0, 0.45 * round_s) - time.time()))
            if stop.is_set():
                break
            sent, resent = None, 0
            try:
                await self.new_round()
                await asyncio.sleep(rng.uniform(0.5, 2.0))  # a look at the eight pictures
                picks = [str(k) for k in sorted(rng.sample(range(1, 9), rng.randint(2, 5)))]
                sent = time.time()
                words = await self.check(picks)
                while busy in words and time.time() - sent < resend_s:
                    await asyncio.sleep(1.0)
                    resent += 1
                    words = await self.check(picks)
                ok = refused not in words
                if not ok:
                    self.errors.append(f"check not counted: {words[-200:]}")
                played.append({"sent": sent, "done": time.time(), "ok": ok, "resent": resent})
            except Exception as exc:  # noqa: BLE001
                self.errors.append(f"round {r}{f' (sent {resent} more times)' if resent else ''}: {exc!r}")
                if sent is not None:
                    played.append({"sent": sent, "done": None, "ok": False, "resent": resent})
        return played

    async def generate(self, seed: int, start: asyncio.Event) -> float:
        """Press Generate with ``seed`` once ``start`` is set (the grid, its picture, then the judge's
        readout, as the page does): (the time of the click, the time its picture had arrived)."""
        await start.wait()
        clicked = answered = time.time()
        try:
            outputs = await self.run("generate", [VARIANT, N_SAMPLES, seed])
            await self.fetch_files(outputs)
            answered = time.time()
            await self.run("judge", [self.lang, VARIANT, N_SAMPLES, seed])
        except Exception as exc:  # noqa: BLE001
            self.errors.append(f"generate: {exc!r}")
        return clicked, answered


class BrowserStudent:
    """A student in a real page (its own browser context)."""

    def __init__(self, number: int) -> None:
        self.number = number
        self.context = self.page = None
        self.browser = None
        self.origin = 0.0  # the page's performance.timeOrigin (ms since the epoch)
        self.errors: list[str] = []

    async def open(self, browser, url: str) -> float:
        self.context = await browser.new_context(viewport={"width": 1280, "height": 900}, ignore_https_errors=True)
        await self.context.add_init_script(COUNT_EVENTS)
        await self.context.add_init_script(COUNT_RUNS)
        self.page = await self.context.new_page()
        started = time.time()
        await self.page.goto(url, wait_until="commit", timeout=120_000)
        # ready: its page-load results are in, and it took the lecturer's state
        await self.page.wait_for_function(
            "() => { const S = window.studioClass; return S && S.ready && S.state && S.seen === S.state.version; }",
            polling=100, timeout=120_000)
        self.origin = await self.page.evaluate("performance.timeOrigin")
        self.browser = next(c["value"] for c in await self.context.cookies() if c["name"] == "studio_browser")
        return time.time() - started

    async def shows(self, predicate: str, arg, timeout_s: float) -> float | None:
        """When (epoch s) the page first satisfied ``predicate`` (checked inside the page every 50 ms)."""
        try:
            handle = await self.page.wait_for_function(predicate, arg=arg, polling=50, timeout=timeout_s * 1000)
            return await handle.json_value() / 1000
        except Exception as exc:  # noqa: BLE001
            self.errors.append(f"shows: {str(exc)[:120]}")
            return None

    async def play(self, rounds: int, start: float, round_s: float, deadline: float, rng: random.Random,
                   words: tuple[str, str]) -> list:
        played = []
        for r in range(rounds):
            await asyncio.sleep(max(0.0, start + r * round_s + rng.uniform(0, 0.45 * round_s) - time.time()))
            if time.time() > deadline:
                break
            picks = [str(k) for k in sorted(rng.sample(range(1, 9), rng.randint(2, 5)))]
            try:
                times = await self.page.evaluate(PLAY_ROUND, {"newRound": words[0], "check": words[1], "picks": picks,
                                                              "think": int(rng.uniform(500, 2000))})
                played.append((times["sent"] / 1000, times["done"] / 1000, True))
            except Exception as exc:  # noqa: BLE001
                self.errors.append(f"round {r}: {str(exc)[:160]}")
                played.append((time.time(), None, False))
        return played

    async def play_on(self, stop: asyncio.Event, start: float, round_s: float, rng: random.Random,
                      words: tuple[str, str], busy: tuple[str, str], resend_s: float = RESEND_S) -> list[dict]:
        """``LightStudent.play_on`` in the page (its buttons, ``PLAY_ROUND_PATIENT``): ``words`` are the New round
        and Check buttons' words, ``busy`` the studio's "send it once more" and "not counted" words."""
        self.played = played = []
        for r in itertools.count():
            await asyncio.sleep(max(0.0, start + r * round_s + rng.uniform(0, 0.45 * round_s) - time.time()))
            if stop.is_set():
                break
            picks = [str(k) for k in sorted(rng.sample(range(1, 9), rng.randint(2, 5)))]
            try:
                got = await self.page.evaluate(PLAY_ROUND_PATIENT, {
                    "newRound": words[0], "check": words[1], "picks": picks, "think": int(rng.uniform(500, 2000)),
                    "busy": busy[0], "refused": busy[1], "resendMs": int(resend_s * 1000), "waitMs": 60_000})
            except Exception as exc:  # noqa: BLE001 - the page itself failed (closed, crashed)
                self.errors.append(f"round {r}: {str(exc)[:160]}")
                continue
            if got.get("error"):
                self.errors.append(f"round {r}: {got['error'][:160]}")
            if got.get("sent") is not None:
                done = got.get("done")
                played.append({"sent": got["sent"] / 1000, "done": None if done is None else done / 1000,
                               "ok": done is not None and not got.get("refused"), "resent": got.get("resent", 0),
                               "said": got.get("said") or got.get("error", "")})
        return played

    async def type_seed(self, seed: int) -> None:
        box = self.page.locator("#gan-seed input")
        for _ in range(20):  # a busy page may draw the box again after a fill: until the value stays
            await box.fill(str(seed))
            await box.blur()
            await asyncio.sleep(0.4)
            if await box.input_value() == str(seed):
                return
        raise RuntimeError(f"the seed box would not keep {seed}")

    async def generate(self, seed: int, start: asyncio.Event) -> float:
        """Press Generate (in the page) once ``start`` is set: (the time of the click, the time its new
        grid had loaded), epoch s."""
        before = await self.page.locator("#gan-grid img").get_attribute("src")
        await start.wait()
        clicked, shown = await self.page.evaluate(CLICK_AND_WAIT, before)
        return (self.origin + clicked) / 1000, (self.origin + shown) / 1000


# --- the lecturer's page ----------------------------------------------------------------------------------
class Projector:
    """The summaries the lecturer's page showed, read from its watcher."""

    def __init__(self, page, lang: str) -> None:
        self.page = page
        self.patterns = SUMMARY_WORDS[lang]

    async def history(self, poll: str) -> list[tuple[float, int]]:
        entries = await self.page.evaluate(f"window.__projector.{poll}")
        pattern = self.patterns[0 if poll == "game" else 1]
        out = []
        for at, words in entries:
            found = re.search(pattern, words)
            out.append((at / 1000, int(found.group(1)) if found else 0))
        return out

    async def count(self, poll: str) -> int:
        seen = await self.history(poll)
        return seen[-1][1] if seen else 0

    async def wait_count(self, poll: str, n: int, timeout_s: float) -> int:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if await self.count(poll) >= n:
                break
            await asyncio.sleep(0.2)
        return await self.count(poll)

    async def shown_at(self, poll: str, rank: int) -> float | None:
        """When the projector's count first included the answer that arrived ``rank``-th (1-based)."""
        return next((at for at, n in await self.history(poll) if n >= rank), None)


async def cookies_set_by_redirect(context, arrived) -> dict:
    """The cookies (name -> value, as the browser keeps them) that the lecturer address's redirect set: the
    lecturer's session, whatever its name. Without a redirect seen, every cookie but the students' own."""
    names: set[str] = set()
    first = arrived.request if arrived is not None else None
    while first is not None and first.redirected_from is not None:
        first = first.redirected_from
        answer = await first.response()
        if answer is not None:
            names |= {line.split("=", 1)[0].strip() for line in await answer.header_values("set-cookie")}
    kept = {c["name"]: c["value"] for c in await context.cookies()}
    chosen = {name: value for name, value in kept.items() if name in names}
    return chosen or {name: value for name, value in kept.items() if name not in ("studio_browser", "studio_route")}


async def server_version(client) -> int:
    return (await client.get("studio-class/state", params={"follow": "1"})).json()["version"]


async def settle_version(client, quiet_s: float = 1.0, timeout_s: float = 15.0) -> int:
    """The class state's version once it has not changed for ``quiet_s`` (a click may bump it twice)."""
    deadline = time.monotonic() + timeout_s
    version, since = await server_version(client), time.monotonic()
    while time.monotonic() < deadline:
        await asyncio.sleep(0.2)
        now = await server_version(client)
        if now != version:
            version, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet_s:
            break
    return version


async def wait_light(lights: list[LightStudent], test, after: int, clicked: float, timeout_s: float) -> list:
    """Each light student's seconds from ``clicked`` until its poll saw a state past ``after`` that passes ``test``."""
    deadline = time.monotonic() + timeout_s

    def when(student):
        hits = [at for version, (at, state) in student.seen.items() if version > after and test(state)]
        return min(hits) - clicked if hits else None

    while time.monotonic() < deadline and any(when(s) is None for s in lights):
        await asyncio.sleep(0.1)
    return [when(s) for s in lights]


# --- the session ----------------------------------------------------------------------------------------
async def studios_of(deploy: Deployment, browsers: list, lights: list) -> dict:
    """Which studio serves each student now: the "served_by" of its page's (or poll's) latest class state."""
    browser_of = [deploy.name(await b.page.evaluate(
        "() => window.studioClass && window.studioClass.state && window.studioClass.state.served_by")) for b in browsers]
    light_of = [deploy.name(s.served[-1] if s.served else None) for s in lights]
    return {"browser_of": browser_of, "light_of": light_of}


def spread_words(where: dict) -> str:
    names = sorted(set(where["browser_of"]) | set(where["light_of"]))
    return ", ".join(f"{name} {where['browser_of'].count(name) + where['light_of'].count(name)} "
                     f"({where['browser_of'].count(name)} browsers, {where['light_of'].count(name)} light)"
                     for name in names)


async def measure_page_loads(chromium, deploy: Deployment, address: str, count: int, quiet_s: float,
                             lang: str) -> dict:
    """The server's CPU for one student's page load alone, ``count`` times one after another (a fresh browser
    context each, before the class joins): from ``goto`` until the page is complete (``PAGE_COMPLETE``), less
    the background (the lecturer's page asking and the projector's tick) measured over ``quiet_s`` just before.
    On the first page, the language switch to the other language and back: each from the click until the
    page is complete again, less the background (``switches``)."""
    await asyncio.sleep(2.0)
    cpu0, t0 = deploy.cpu(), time.monotonic()
    await asyncio.sleep(quiet_s)
    background = (deploy.cpu() - cpu0) / (time.monotonic() - t0)
    raw, net, took, side, pages, switches = [], [], [], {}, [], []
    for _ in range(count):
        context = await chromium.new_context(viewport={"width": 1280, "height": 900}, ignore_https_errors=True)
        await context.add_init_script(COUNT_EVENTS)
        await context.add_init_script(COUNT_RUNS)
        page = await context.new_page()
        side_a, cpu_a, t_a, opened = deploy.side_cpu(), deploy.cpu(), time.monotonic(), time.time()
        await page.goto(address, wait_until="commit", timeout=120_000)
        handle = await page.wait_for_function(PAGE_COMPLETE, arg=PAGE_QUIET_MS, polling=100, timeout=120_000)
        cpu_b, t_b, side_b = deploy.cpu(), time.monotonic(), deploy.side_cpu()
        done = await handle.json_value()
        raw.append(cpu_b - cpu_a)
        net.append(cpu_b - cpu_a - background * (t_b - t_a))
        took.append(done["done"] / 1000 - opened)
        for name in side_b:
            side.setdefault(name, []).append(side_b[name] - side_a[name])
        pages.append(done)
        if len(pages) == 1:  # the language switch, there and back, on this complete page
            for name in ("한국어", "English") if lang == "en" else ("English", "한국어"):
                cpu_a, t_a = deploy.cpu(), time.monotonic()
                async with page.expect_navigation(timeout=120_000):  # the other language's page
                    await page.get_by_label(name, exact=True).click()
                await page.wait_for_function(PAGE_COMPLETE, arg=PAGE_QUIET_MS, polling=100, timeout=120_000)
                switches.append(deploy.cpu() - cpu_a - background * (time.monotonic() - t_a))
        await context.close()
        await asyncio.sleep(1.0)
    # the pages' presence leaves the lecturer's count ("connected") before the class joins
    await asyncio.sleep(6.5)
    return {"raw": raw, "net": net, "took": took, "side": side, "pages": pages, "background": background,
            "switches": switches}


# Frames of the machinery every sample passes through (threads, event loops, the server): not what it did.
MACHINERY = ("threading.py", "asyncio/", "anyio/", "uvicorn/", "concurrent/futures", "selectors.py", "starlette/",
             "fastapi/", "contextvars", "<module>")


def top_functions(path: str, n: int = 12) -> list[tuple[float, str]]:
    """The ``n`` functions in most of a py-spy recording's samples (collapsed stacks; a function counted once
    per stack; the machinery left out), with their share of all samples in %."""
    inclusive: Counter = Counter()
    total = 0
    with contextlib.suppress(FileNotFoundError), open(path, encoding="utf-8") as recording:
        for line in recording:
            stack, _, count = line.rstrip("\n").rpartition(" ")
            if not stack or not count.isdigit():
                continue
            total += int(count)
            for frame in set(stack.split(";")):
                inclusive[frame] += int(count)
    ranked = [(100 * count / total, frame) for frame, count in inclusive.most_common()
              if total and not any(part in frame for part in MACHINERY)]
    return ranked[:n]


async def wait_quiet(deploy: Deployment, below_cores: float = 0.25, quiet_s: int = 5,
                     timeout_s: float = 300.0) -> float:
    """Until the studios use under ``below_cores`` in each of ``quiet_s`` seconds in a row (their work in line
    is over: the readouts' line rests between readouts, so one quiet second was not enough), at most
    ``timeout_s``: the seconds it took."""
    started, calm = time.monotonic(), 0
    while time.monotonic() - started < timeout_s and calm < quiet_s:
        cpu0, t0 = deploy.cpu(), time.monotonic()
        await asyncio.sleep(1.0)
        calm = calm + 1 if (deploy.cpu() - cpu0) / (time.monotonic() - t0) < below_cores else 0
    return time.monotonic() - started


def mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else float("nan")


async def main_async(args, replicas: int = 1) -> dict:
    import httpx
    from playwright.async_api import async_playwright

    from studio.serving import runtime

    print(f"device: {runtime.cpu_model()}, {os.cpu_count()} cores; students={args.students} "
          f"(browsers={args.browsers}, light={args.students - args.browsers}), lang={args.lang}")
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    rng = random.Random(args.seed)
    shots = Path(args.screenshot_dir)
    shots.mkdir(parents=True, exist_ok=True)
    results: dict = {"cpu": {}, "replicas": replicas}
    shot = "class_session" if replicas == 1 else f"class_session_replicas{replicas}"
    session_start = time.monotonic()
    with tempfile.TemporaryDirectory() as tmp, deployment(Path(tmp), args, replicas) as deploy:
        url, key, code = deploy.url, deploy.key, deploy.code
        stop = asyncio.Event()
        lights: list[LightStudent] = []
        pollers: list[asyncio.Task] = []
        try:
            config = httpx.get(url + "config", timeout=30, verify=False).json()
            events = events_of(config)
            async with async_playwright() as p:
                chromium = await p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
                lecturer_context = await chromium.new_context(viewport={"width": 1280, "height": 1000}, ignore_https_errors=True)
                await lecturer_context.add_init_script(COUNT_EVENTS)
                await lecturer_context.add_init_script(WATCH_PROJECTOR)
                lecturer = await lecturer_context.new_page()
                arrived = await lecturer.goto(f"{url}?key={key}", timeout=120_000)  # 303 to "/" with a cookie
                await lecturer.wait_for_selector("#studio-class-game-summary", timeout=120_000)
                await wait_warm(lecturer)
                lecturer_cookies = await cookies_set_by_redirect(lecturer_context, arrived)
                lecturer_on = deploy.name(await lecturer.evaluate(
                    "() => window.studioClass && window.studioClass.state && window.studioClass.state.served_by"))
                print(f"{'studio' if replicas == 1 else f'{replicas} studios'} up and warm (class {code}) after "
                      f"{time.monotonic() - session_start:.1f} s; the lecturer's address became {lecturer.url}"
                      f"{f' (its page on {lecturer_on})' if replicas > 1 else ''}")
                watcher = httpx.AsyncClient(base_url=url, cookies=lecturer_cookies, timeout=30, verify=False)
                projector = Projector(lecturer, args.lang)
                side0 = deploy.side_cpu()

                # --- 0. one page load alone, before the class joins ---------------------------------------------
                loads = await measure_page_loads(chromium, deploy, f"{url}?class={code}", args.page_loads, args.quiet_s,
                                                 args.lang)
                results["page_cpu"] = mean(loads["net"])
                results["switch_cpu"] = mean(loads["switches"])
                results["page_loads"] = loads
                side_words = "".join(f", {name} {mean(v) * 1000:.0f} ms" for name, v in loads["side"].items())
                print(f"0. one student's page load alone ({args.page_loads} times, one after another, a fresh browser "
                      f"context each, before the class joins): complete after "
                      f"{', '.join(f'{t:.1f}' for t in loads['took'])} s ({loads['pages'][0]['images']} pictures, "
                      f"GAN grid {'drawn' if loads['pages'][0]['grid'] else 'not on the first tab'}; on "
                      f"{', '.join(deploy.name(pg['servedBy']) for pg in loads['pages'])}); server CPU each "
                      f"{', '.join(f'{c:.2f}' for c in loads['raw'])} s, less the background "
                      f"({loads['background']:.3f} CPU s per s) {', '.join(f'{c:.2f}' for c in loads['net'])} s: "
                      f"page_cpu_s {results['page_cpu']:.3f}{side_words}; the language switch there and back on the "
                      f"first: server CPU {', '.join(f'{c:.3f}' for c in loads['switches'])} s, less the background: "
                      f"lang_cpu_s {results['switch_cpu']:.3f}")

                # --- the students join, all at once ---------------------------------------------------------
                n_light = args.students - args.browsers
                browsers = [BrowserStudent(k) for k in range(args.browsers)]
                lights = [LightStudent(k, url, code, events, args.lang) for k in range(n_light)]
                cpu0, joined_at = deploy.cpu(), time.time()

                async def join_light(student):
                    await student.join()
                    pollers.append(asyncio.create_task(student.poll(stop)))

                opened = await asyncio.gather(*(b.open(chromium, f"{url}?class={code}") for b in browsers),
                                              *(join_light(s) for s in lights))
                version = await settle_version(watcher)
                await wait_light(lights, lambda st: True, -1, joined_at, 10)
                results["cpu"]["join"] = deploy.cpu() - cpu0
                connected = (await watcher.get("studio-class/state")).json()
                print(f"{args.students} students joined: the {args.browsers} pages ready after "
                      f"{', '.join(f'{s:.1f}' for s in sorted(opened[:args.browsers]))} s; the lecturer's bar says "
                      f"connected {connected.get('connected')}, following {connected.get('following')}; "
                      f"server CPU {results['cpu']['join']:.1f} s")
                at_join = await studios_of(deploy, browsers, lights)
                results["spread"] = spread_words(at_join)
                print(f"   the {args.students} students over the studios (each page's \"served_by\"): "
                      f"{results['spread']}")

                if args.plan:  # issue 53: the lecturer steps a lecture plan with the clicker's key, nothing else
                    import class_plan

                    results.update(await class_plan.step_through(args, deploy, lecturer, watcher, browsers, lights))
                    results["cpu"]["plan"] = deploy.cpu() - cpu0
                    await close_class(stop, pollers, lights, watcher, chromium)
                    results["session_s"] = time.monotonic() - session_start
                    return results

                # --- 1. the lecturer moves; the class follows ------------------------------------------------
                key_outer = events["techniques_key"]
                tab = lambda tab_id: (lambda st: st.get("tabs", {}).get(key_outer) == tab_id)  # noqa: E731
                moves = [
                    ("cGAN tab", "cgan", TAB_SELECTED, tab("cgan")),
                    ("text tab", "text", TAB_SELECTED, tab("text")),
                    ("GAN tab", "gan", TAB_SELECTED, tab("gan")),
                    (f"GAN Generate, seed {MOVE_SEED}", None, SEED_SHOWN, lambda st: bool(st.get("link"))),
                    ("the game's sub-tab", "gan-game", TAB_SELECTED, lambda st: "gan-game" in st.get("tabs", {}).values()),
                ]
                cpu0 = deploy.cpu()
                follow_all, follow_browser, follow_light, followed_light = [], [], [], []
                have = {"tab": [], "result": []}  # each student's seconds until it had the change, by kind of move
                move_cpu_ms = {"tab": [], "result": []}  # the server's CPU per student of each move
                for name, tab_id, predicate, light_test in moves:
                    kind = "result" if tab_id is None else "tab"
                    version = await settle_version(watcher, quiet_s=0.8)
                    if tab_id is None:  # the Generate: the seed typed first, then the click
                        await lecturer.locator("#gan-seed input").fill(str(MOVE_SEED))
                        await lecturer.locator("#gan-seed input").blur()
                        befores = [await b.page.locator("#gan-grid img").get_attribute("src") for b in browsers]
                        waits = [asyncio.create_task(b.shows(predicate, [MOVE_SEED, before], WAIT_S))
                                 for b, before in zip(browsers, befores)]
                        target = lecturer.locator("#gan-sample")
                    else:
                        waits = [asyncio.create_task(b.shows(predicate, tab_id, WAIT_S)) for b in browsers]
                        target = lecturer.locator(f'#studio-techniques button[role=tab][data-tab-id="{tab_id}"]')
                    await target.wait_for(state="visible", timeout=30_000)
                    profiler = None if kind != "result" else \
                        await start_profiler(args.profile, "result", deploy.studios[0][0].pid, gil=True)
                    move_cpu, browsers_before, own_before = deploy.cpu(), browsers_cpu_s(), time.process_time()
                    clicked = time.time()
                    await target.click()
                    seen_browser = [None if t is None else t - clicked for t in await asyncio.gather(*waits)]
                    seen_light = await wait_light(lights, light_test, version, clicked, WAIT_S)
                    final = await settle_version(watcher, quiet_s=0.8)
                    done_light = [max((at for v, at in s.followed.items() if v > version), default=None) for s in lights]
                    done_light = [None if at is None else at - clicked for at in done_light]
                    move_cpu = deploy.cpu() - move_cpu
                    # the same 2 cores also run the 5 Chromium pages and this process's 195 simulated pages
                    beside = (browsers_cpu_s() - browsers_before, time.process_time() - own_before)
                    stop_profiler(profiler)
                    missing = sum(t is None for t in seen_browser + seen_light)
                    # a light student has a tab move once its poll saw it (its page selects the tab itself), and a
                    # result once its follow event was answered and its pictures fetched (before issue 51 a page
                    # needed its follow event for a tab move too)
                    legacy = "studio-follow-link" in events
                    light_has = done_light if kind == "result" or legacy else seen_light
                    has = [t for t in seen_browser + light_has if t is not None]
                    have[kind] += has + [WAIT_S] * (args.students - len(has))
                    move_cpu_ms[kind].append(1000 * move_cpu / args.students)
                    got_b = [t for t in seen_browser if t is not None]
                    got_l = [t for t in seen_light if t is not None]
                    follow_browser += got_b
                    follow_light += got_l
                    follow_all += got_b + got_l + [WAIT_S] * missing  # a student who never saw it counts as the wait
                    followed_light += [t for t in done_light if t is not None]
                    print(f"  move '{name}' (version {version} -> {final}): browsers {spread(got_b)}; light polls "
                          f"{spread(got_l)}; light follow events answered {spread([t for t in done_light if t])}"
                          f"{f'; {missing} students never showed it' if missing else ''}; every student had it "
                          f"{spread(has)}; server CPU {move_cpu:.2f} s, "
                          f"{move_cpu_ms[kind][-1]:.1f} ms per student (on the same cores: Chromium "
                          f"{beside[0]:.1f} s, this process {beside[1]:.1f} s)")
                    await asyncio.sleep(0.5)
                results["cpu"]["follow"] = deploy.cpu() - cpu0
                results["follow_p95"] = p95(follow_all)
                results.update(tab_p95=p95(have["tab"]), result_p95=p95(have["result"]),
                               tab_cpu_ms=mean(move_cpu_ms["tab"]), result_cpu_ms=mean(move_cpu_ms["result"]))
                if args.profile:
                    print(f"   the result move's profile (py-spy, {args.profile}.result), the server's top functions:")
                    for share, function in top_functions(f"{args.profile}.result"):
                        print(f"     {share:5.1f}%  {function}")
                print(f"1. following {len(moves)} moves: every student {spread(follow_all)} (browsers "
                      f"{spread(follow_browser)}; light students' polls {spread(follow_light)}; their follow events "
                      f"answered {spread(followed_light)}); server CPU {results['cpu']['follow']:.1f} s; until every "
                      f"student had the change: tab moves {spread(have['tab'])}, the result {spread(have['result'])}; "
                      f"server CPU per student: a tab move {results['tab_cpu_ms']:.1f} ms, the result "
                      f"{results['result_cpu_ms']:.1f} ms")

                # the class idle (every page asking, nothing shown): its CPU per student per second
                await asyncio.sleep(2.0)
                idle_cpu, idle_t = deploy.cpu(), time.monotonic()
                await asyncio.sleep(args.quiet_s)
                results["idle"] = (deploy.cpu() - idle_cpu) / (time.monotonic() - idle_t)
                print(f"   the class idle, every page asking: server CPU {results['idle']:.3f} s per s, "
                      f"{1000 * results['idle'] / args.students:.2f} ms per student per second")

                # --- 2. the game: every student plays, the projector counts ------------------------------------
                cpu0, browsers0, own0 = deploy.cpu(), browsers_cpu_s(), time.process_time()
                start = time.time() + 1.0
                deadline = start + args.rounds * args.round_s + 30
                words = (events["new_round_words"], events["check_words"])
                played = await asyncio.gather(
                    *(b.play(args.rounds, start, args.round_s, deadline, random.Random(rng.random()), words) for b in browsers),
                    *(s.play(args.rounds, start, args.round_s, deadline, random.Random(rng.random())) for s in lights))
                sent = sum(len(rounds) for rounds in played)
                projected = await projector.wait_count("game", sent, 20)
                results["cpu"]["game"] = deploy.cpu() - cpu0
                others = (browsers_cpu_s() - browsers0, time.process_time() - own0)
                rows = deploy.rows("game")
                counted = len(rows)
                # rank each answer by the server's order of arrival: a browser's k-th answer is its k-th row
                ranks: dict[str, list[int]] = {}
                for rank, (browser_id, _) in enumerate(rows, start=1):
                    ranks.setdefault(browser_id, []).append(rank)
                answer_s, unranked = [], 0
                # the store writes a browser's id, its cookie is "<id>.<signature>" (issue 50)
                ids = [stored_id(b.browser) for b in browsers] + [stored_id(s.browser) for s in lights]
                for browser_id, rounds in zip(ids, played):
                    mine = ranks.get(browser_id, [])
                    for k, (sent_at, _, ok) in enumerate(r for r in rounds if r[1] is not None and r[2]):
                        shown = await projector.shown_at("game", mine[k]) if k < len(mine) else None
                        if shown is None:
                            unranked += 1
                        else:
                            answer_s.append(shown - sent_at)
                check_s = [done - sent_at for rounds in played for sent_at, done, ok in rounds if done is not None]
                failed = sum(1 for rounds in played for _, done, ok in rounds if done is None or not ok)
                results.update(answers_sent=sent, answers_counted=counted, answer_p95=p95(answer_s),
                               answers_projected=projected)
                print(f"2. the game: {sent} answers sent ({args.rounds} rounds x {args.students} students, rounds "
                      f"{args.round_s:.0f} s apart; browsers through their pages' buttons), {failed} failed or not "
                      f"counted; counted by the server {counted}, by the projector {projected}"
                      f"{'' if sent == counted == projected else '  <-- MISMATCH'}; Check answered {spread(check_s)}; "
                      f"Check to projector {spread(answer_s)}"
                      f"{f', {unranked} never shown' if unranked else ''}; server CPU {results['cpu']['game']:.1f} s "
                      f"(on the same cores: Chromium {others[0]:.1f} s, this process {others[1]:.1f} s)")
                await lecturer.evaluate("window.scrollTo(0, 0)")
                await lecturer.screenshot(path=str(shots / f"{shot}_game.png"))

                # --- 3. the wall: everyone presses Generate at once ---------------------------------------------
                sub_tab = await lecturer.evaluate(
                    "() => document.querySelector('button[role=tab][data-tab-id=\"gan-game\"]')"
                    ".closest('[role=tablist]').querySelector('button[role=tab]').dataset.tabId")
                version = await settle_version(watcher, quiet_s=0.8)
                await lecturer.locator(f'button[role=tab][data-tab-id="{sub_tab}"]').click()  # back to the samples
                await lecturer.locator("[role=tablist]").first.locator("button[role=tab]").nth(2).click()  # the wall
                await asyncio.gather(*(b.shows(TAB_SELECTED, sub_tab, WAIT_S) for b in browsers))
                await wait_light(lights, lambda st: sub_tab in st.get("tabs", {}).values(), version, time.time(), WAIT_S)
                await asyncio.sleep(1.0)
                base_wall = len(deploy.rows("wall"))
                seeds = [100 + k for k in range(args.students)]
                await asyncio.gather(*(b.type_seed(seed) for b, seed in zip(browsers, seeds)))
                await asyncio.sleep(1.5)  # the class quiet, then everyone at once
                start_event = asyncio.Event()
                cpu0, browsers0, own0 = deploy.cpu(), browsers_cpu_s(), time.process_time()
                clicks = [asyncio.create_task(b.generate(seed, start_event)) for b, seed in zip(browsers, seeds)]
                clicks += [asyncio.create_task(s.generate(seed, start_event))
                           for s, seed in zip(lights, seeds[args.browsers:])]
                await asyncio.sleep(0.5)
                start_event.set()
                clicked_at = await asyncio.gather(*clicks)
                on_wall = await projector.wait_count("wall", base_wall + args.students, 30)
                results["cpu"]["wall"] = deploy.cpu() - cpu0
                others = (browsers_cpu_s() - browsers0, time.process_time() - own0)
                wall_rank = {(b, e["params"]["seed"]): rank for rank, (b, e) in enumerate(deploy.rows("wall"), start=1)}
                wall_s, unpinned = [], 0
                answered_s = [answered - at for at, answered in clicked_at]
                for browser_id, seed, (at, _) in zip(ids, seeds, clicked_at):
                    rank = wall_rank.get((browser_id, seed))
                    shown = await projector.shown_at("wall", rank) if rank else None
                    if shown is None:
                        unpinned += 1
                    else:
                        wall_s.append(shown - at)
                results["wall_p95"] = p95(wall_s) if not unpinned else max(p95(wall_s), 30.0)
                print(f"3. the wall: {args.students} Generate clicks at once (seeds {seeds[0]}-{seeds[-1]}); the projector "
                      f"shows {on_wall} in all; click to the student's own grid {spread(answered_s)}; click to the wall "
                      f"{spread(wall_s)}"
                      f"{f', {unpinned} never on the wall' if unpinned else ''}; server CPU {results['cpu']['wall']:.1f} s "
                      f"(on the same cores: Chromium {others[0]:.1f} s, this process {others[1]:.1f} s)")
                await lecturer.evaluate("window.scrollTo(0, 0)")
                await lecturer.screenshot(path=str(shots / f"{shot}_wall.png"))

                # --- 5. what one Generate click costs the server, in the class -----------------------------------
                student = browsers[0]
                await asyncio.sleep(2.0)
                # the wall's clicks leave their readouts in line (one at a time, after the samplers: 200 of
                # them take a minute or more): a click timed before they are over waits behind them
                drained = await wait_quiet(deploy)
                if drained > 5:
                    print(f"   (the studio's readouts of the wall's clicks were over {drained:.0f} s later)")
                quiet_cpu, quiet_t = deploy.cpu(), time.monotonic()
                await asyncio.sleep(args.quiet_s)
                background = (deploy.cpu() - quiet_cpu) / (time.monotonic() - quiet_t)
                cpu0 = deploy.cpu()
                click_seeds = [5000 + k for k in range(args.clicks)]
                click_raw, click_net, click_wall = [], [], []
                for seed in click_seeds:
                    await student.type_seed(seed)
                    await asyncio.sleep(1.2)  # the last click's readout and the projector's redraw are over
                    runs = await student.page.evaluate("window.__runs.done")
                    before_wall = await projector.count("wall")
                    cpu_a, t_a = deploy.cpu(), time.monotonic()
                    await student.generate(seed, _set_event())
                    # the grid's event and the judge's readout answered (after the wall's 200 clicks, a readout
                    # may still wait in the readout line: 30 s was too short for the hall of 200 once)
                    await student.page.wait_for_function(
                        "(n) => window.__runs.done >= n + 2 && window.__runs.started === window.__runs.done",
                        arg=runs, polling=50, timeout=180_000)
                    await projector.wait_count("wall", before_wall + 1, 5)
                    cpu_b, t_b = deploy.cpu(), time.monotonic()
                    click_raw.append(cpu_b - cpu_a)
                    click_net.append(cpu_b - cpu_a - background * (t_b - t_a))
                    click_wall.append(t_b - t_a)
                results["cpu"]["clicks"] = deploy.cpu() - cpu0 + background * args.quiet_s
                results.update(click_raw=click_raw, click_net=click_net, click_seeds=click_seeds,
                               background=background)
                print(f"5. {args.clicks} Generate clicks by one browser student, one after another: each "
                      f"{sum(click_wall) / len(click_wall):.2f} s from click to readout and wall; server CPU per click "
                      f"{sum(click_raw) / len(click_raw):.3f} s, less the class's background "
                      f"({background:.3f} CPU s per s, measured over {args.quiet_s:.0f} quiet s) "
                      f"{sum(click_net) / len(click_net):.3f} s")
                errors = [e for s in [*browsers, *lights] for e in s.errors]
                if errors:
                    print(f"student errors ({len(errors)}): " + " | ".join(errors[:6]))
                at_end = await studios_of(deploy, browsers, lights)
                moved = sum(1 for before, after in zip(at_join["browser_of"], at_end["browser_of"]) if before != after)
                moved += sum(1 for s in lights if len(set(s.served)) > 1)
                side = {name: cpu - side0[name] for name, cpu in deploy.side_cpu().items()}
                results["side"] = side
                if replicas > 1:
                    print(f"   at the end: {spread_words(at_end)}; {moved} students changed studio during the session; "
                          f"besides the studios: {', '.join(f'{n} {c:.1f} s' for n, c in side.items())} CPU "
                          f"(from the page-load test to the end)")
                await close_class(stop, pollers, lights, watcher, chromium)
        finally:
            stop.set()
            for task in pollers:
                task.cancel()
    results["session_s"] = time.monotonic() - session_start
    return results


async def close_class(stop: asyncio.Event, pollers: list, lights: list, watcher, chromium) -> None:
    """The students stop asking, their connections close, and the browsers go."""
    stop.set()
    await asyncio.gather(*pollers, return_exceptions=True)
    for student in lights:
        await student.client.aclose()
    await watcher.aclose()
    await chromium.close()


# --- --hostile: the class while one client attacks it ---------------------------------------------------------
HOSTILE_TABS = ("cgan", "gan", "text", "gan")  # the lecturer's moves during the hostile phase, over and over


async def current_version(client, timeout_s: float = 30.0) -> int | None:
    """The class state's version, asked until the studio answers with one (it may be refusing: 503)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        with contextlib.suppress(Exception):
            state = (await client.get("studio-class/state", params={"follow": "1"})).json()
            if "version" in state:
                return state["version"]
        await asyncio.sleep(0.2)
    return None


# The lecturer's page notes when it posts each move (Date.now(), ms): how long a click took to leave the page.
NOTE_MOVES = """(() => { const moves = window.__studioMoves = []; const original = window.fetch.bind(window);
  window.fetch = (input, init) => { const url = typeof input === 'string' ? input : (input && input.url) || '';
    if (!url.includes('studio-class/move')) return original(input, init);
    moves.push(Date.now());  // and what the studio answered: a move refused is one the class never sees
    const answered = window.__studioMoveAnswers = window.__studioMoveAnswers || [];
    return original(input, init).then((r) => { answered.push(r.status); return r; },
                                      (e) => { answered.push(String(e)); throw e; }); };
  const lags = window.__studioLags = []; let last = performance.now();  // how late a 100 ms timer runs
  setInterval(() => { const now = performance.now(); lags.push([Date.now(), now - last - 100]); last = now;
                      if (lags.length > 600) lags.shift(); }, 100); })();"""
# The longest delay of the lecturer page's timer in the 3 s before a move (ms): how busy the page was.
PAGE_BUSY = "(window.__studioLags || []).filter(l => l[0] > Date.now() - 3000).reduce((m, l) => Math.max(m, l[1]), 0)"


class Mover:
    """The lecturer during the hostile phase: clicks the next of ``HOSTILE_TABS`` every ``every_s`` and times
    each student until its page (or poll) shows it, as phase 1 does. While ``gate`` is cleared no move
    starts; ``lock`` is held from a click until its followers are timed."""

    def __init__(self, lecturer, watcher, browsers: list, lights: list, key_outer: str, every_s: float) -> None:
        self.lecturer, self.watcher, self.browsers, self.lights = lecturer, watcher, browsers, lights
        self.key_outer, self.every_s = key_outer, every_s
        self.gate, self.lock = asyncio.Event(), asyncio.Lock()
        self.gate.set()
        self.follow_all: list[float] = []
        self.follow_browser: list[float] = []
        self.follow_light: list[float] = []
        self.moves: list[tuple[str, float, int]] = []  # (tab, when clicked, students who never showed it)
        self.timed: list[tuple[str, float, list, list]] = []  # (tab, when clicked, browsers' times, lights' times)
        self.posted: dict[str, list[float]] = {}  # tab -> seconds from the click to the page's move post
        self.busy: dict[str, list[float]] = {}  # tab -> the page's longest timer delay in the 3 s before the click
        self.errors: list[str] = []

    async def run(self, stop: asyncio.Event) -> None:
        for k in itertools.count():
            next_at = time.monotonic() + self.every_s
            await self.gate.wait()
            if stop.is_set():
                break
            async with self.lock:
                try:
                    await self.move(HOSTILE_TABS[k % len(HOSTILE_TABS)])
                except Exception as exc:  # noqa: BLE001 - the next move is tried all the same
                    self.errors.append(f"move {k}: {str(exc)[:160]}")
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(stop.wait(), max(0.0, next_at - time.monotonic()))
            if stop.is_set():
                break

    async def move(self, tab_id: str) -> None:
        version = await current_version(self.watcher)
        if version is None:
            self.errors.append(f"no class state before the move to {tab_id}")
            return
        target = self.lecturer.locator(f'#studio-techniques button[role=tab][data-tab-id="{tab_id}"]')
        await target.wait_for(state="visible", timeout=30_000)
        with contextlib.suppress(Exception):  # a page without NOTE_MOVES: not measured
            self.busy.setdefault(tab_id, []).append(await self.lecturer.evaluate(PAGE_BUSY) / 1000)
        waits = [asyncio.create_task(b.shows(TAB_SELECTED, tab_id, WAIT_S)) for b in self.browsers]
        clicked = time.time()
        # force: the click is sent at once, as a person's would be; Playwright's own checks first (the button
        # stable over two animation frames) took seconds of a busy page's time, before any click was made
        await target.click(force=True)
        seen_browser = [None if t is None else t - clicked for t in await asyncio.gather(*waits)]
        seen_light = await wait_light(self.lights, lambda st: st.get("tabs", {}).get(self.key_outer) == tab_id,
                                      version, clicked, WAIT_S)
        missing = sum(t is None for t in seen_browser + seen_light)
        self.follow_browser += [t for t in seen_browser if t is not None]
        self.follow_light += [t for t in seen_light if t is not None]
        self.follow_all += [t for t in seen_browser + seen_light if t is not None] + [WAIT_S] * missing
        self.moves.append((tab_id, clicked, missing))
        posted = None
        with contextlib.suppress(Exception):  # a page without NOTE_MOVES: not broken down
            posted = await self.lecturer.evaluate("(window.__studioMoves || []).slice(-1)[0]")
            if posted:
                posted = posted / 1000 - clicked
                self.posted.setdefault(tab_id, []).append(posted)
        self.timed.append((tab_id, clicked, [WAIT_S if t is None else t for t in seen_browser],
                           [WAIT_S if t is None else t for t in seen_light], posted))

    def breakdown(self, phases: list[tuple[str, float]]) -> str:
        """The follow p95 of the moves clicked in each phase (``phases``: (name, wall time it began)), and of
        each tab, browsers and light students apart: where a slow follow comes from."""
        def line(moves):
            browsers = [t for m in moves for t in m[2]]
            lights = [t for m in moves for t in m[3]]
            return f"{len(moves)} moves: browsers p95 {p95(browsers):.2f} s, light p95 {p95(lights):.2f} s"

        bounds = [(name, begun, phases[k + 1][1] if k + 1 < len(phases) else float("inf"))
                  for k, (name, begun) in enumerate(phases)]
        by_phase = [f"{name}: {line([m for m in self.timed if begun <= m[1] < ends])}"
                    for name, begun, ends in bounds if any(begun <= m[1] < ends for m in self.timed)]
        def after_post(moves):  # each light student's time from the lecturer page's post of the move
            return p95([t - m[4] for m in moves if m[4] is not None for t in m[3]])

        by_tab = [f"{tab}: {line([m for m in self.timed if m[0] == tab])}, the lecturer's page posted the move "
                  f"after p95 {p95(self.posted.get(tab, [])):.2f} s (its timers late by up to p95 "
                  f"{p95(self.busy.get(tab, [])):.2f} s just before), light from the post p95 "
                  f"{after_post([m for m in self.timed if m[0] == tab]):.2f} s" for tab in dict.fromkeys(HOSTILE_TABS)]
        return "   by phase: " + "; ".join(by_phase) + "\n   by tab: " + "; ".join(by_tab)


def stored_id(cookie: str | None) -> str | None:
    """The browser id a store writes for a ``studio_browser`` cookie (``<id>.<signature>``; an id alone before)."""
    return cookie.rsplit(".", 1)[0] if cookie else cookie


def id_forms(cookie: str | None) -> set[str]:
    """The ways a store may write the browser of a ``studio_browser`` cookie: the cookie, and its id without
    the signature (``<id>.<signature>``)."""
    if not cookie:
        return set()
    return {cookie, cookie.rsplit(".", 1)[0]} if "." in cookie else {cookie}


async def hostile_async(args, replicas: int = 1) -> dict:
    """The class (``--students``, ``--browsers``) follows a lecturer who moves every ``--move-s`` and plays
    the game, while one hostile client, in turn, forges forwarded headers, floods the class state without
    a cookie, sends game answers under invented browser ids, and stalls the class's Redis."""
    import httpx
    from playwright.async_api import async_playwright

    from studio.serving import runtime
    from studio.texts import text

    # the studio's words for an answer refused because its store was busy, and for any answer not counted
    busy = (text("class.busy", args.lang), text("class.not_counted", args.lang, reason="").strip())
    honest = args.students - 1  # the hostile client is one of the class
    print(f"device: {runtime.cpu_model()}, {os.cpu_count()} cores; students={args.students}: {honest} honest "
          f"(browsers={args.browsers}, light={honest - args.browsers}) and 1 hostile, lang={args.lang}; hostile: "
          f"{args.flood} cookieless state asks, {args.forged_answers} forged answers, Redis paused {args.stall_s:.0f} s")
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    rng = random.Random(args.seed)
    results: dict = {"replicas": replicas}
    session_start = time.monotonic()
    with tempfile.TemporaryDirectory() as tmp, deployment(Path(tmp), args, replicas) as deploy:
        url, key, code = deploy.url, deploy.key, deploy.code
        stop, finish = asyncio.Event(), asyncio.Event()  # the pollers' end; the game's and the moves' end
        lights: list[LightStudent] = []
        tasks: list[asyncio.Task] = []
        try:
            events = events_of(httpx.get(url + "config", timeout=30, verify=False).json())
            async with async_playwright() as p:
                chromium = await p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
                lecturer_context = await chromium.new_context(viewport={"width": 1280, "height": 1000},
                                                              ignore_https_errors=True)
                await lecturer_context.add_init_script(COUNT_EVENTS)
                await lecturer_context.add_init_script(NOTE_MOVES)
                lecturer = await lecturer_context.new_page()
                arrived = await lecturer.goto(f"{url}?key={key}", timeout=300_000)
                await lecturer.wait_for_selector("#studio-class-game-summary", timeout=300_000)
                await wait_warm(lecturer)
                lecturer_cookies = await cookies_set_by_redirect(lecturer_context, arrived)
                watcher = httpx.AsyncClient(base_url=url, cookies=lecturer_cookies, timeout=30, verify=False)
                print(f"{'studio' if replicas == 1 else f'{replicas} studios'} up and warm (class {code}, its store in "
                      f"Redis) after {time.monotonic() - session_start:.1f} s; the lecturer's address became "
                      f"{lecturer.url}, its redirect set {', '.join(sorted(lecturer_cookies)) or 'no cookie'}")
                for tab_id in ("gan", "gan-game"):  # the lecturer opens the game
                    await lecturer.locator(f'#studio-techniques button[role=tab][data-tab-id="{tab_id}"]').click(
                        timeout=30_000)
                    await asyncio.sleep(0.5)

                # --- the class joins, all at once ----------------------------------------------------------
                browsers = [BrowserStudent(k) for k in range(args.browsers)]
                lights = [LightStudent(k, url, code, events, args.lang) for k in range(honest - args.browsers)]
                joined_at = time.time()

                async def join_light(student):
                    await student.join()
                    tasks.append(asyncio.create_task(student.poll(stop)))

                opened = await asyncio.gather(*(b.open(chromium, f"{url}?class={code}") for b in browsers),
                                              *(join_light(s) for s in lights))
                await settle_version(watcher)
                await wait_light(lights, lambda st: True, -1, joined_at, 10)
                connected = (await watcher.get("studio-class/state")).json()
                print(f"{honest} honest students joined: the {args.browsers} pages ready after "
                      f"{', '.join(f'{s:.1f}' for s in sorted(opened[:args.browsers]))} s; the lecturer's bar says "
                      f"connected {connected.get('connected')}, following {connected.get('following')}")

                # --- the honest class: the lecturer moves, everyone plays, until the hostile client is done ---
                mover = Mover(lecturer, watcher, browsers, lights, events["techniques_key"], args.move_s)
                watch = hostile.ConnectedWatch(url, lecturer_cookies)
                start = time.time() + 1.0
                words = (events["new_round_words"], events["check_words"])
                players = [asyncio.create_task(b.play_on(finish, start, args.round_s, random.Random(rng.random()),
                                                         words, busy)) for b in browsers]
                players += [asyncio.create_task(s.play_on(finish, start, args.round_s, random.Random(rng.random()),
                                                          busy)) for s in lights]
                lag = hostile.LoopLag()
                tasks += [asyncio.create_task(mover.run(finish)), asyncio.create_task(watch.run(stop)),
                          asyncio.create_task(lag.run(stop))]
                rss0, cpu0, phase0, class_wall = deploy.rss_mb(), deploy.cpu(), time.monotonic(), time.time()
                split, split_at = hostile.CpuSplit([process.pid for process, _ in deploy.studios]), time.monotonic()

                def cpu_line(step: str) -> None:  # who had the cores during the step just done
                    nonlocal split_at
                    spent, seconds, split_at = split.take(), time.monotonic() - split_at, time.monotonic()
                    print(f"   cores used during {step} ({seconds:.0f} s): {hostile.CpuSplit.line(spent, seconds)}")
                redis0 = deploy.redis.info("memory")["used_memory"] / 2**20
                await asyncio.sleep(args.round_s)  # a round of the class alone first
                print(f"the class plays and follows (moves every {args.move_s:.0f} s, rounds every {args.round_s:.0f} s); "
                      f"studio memory {rss0:.0f} MB; the hostile client starts")

                cpu_line("the class alone")
                # the hostile client's one real browser: the cookie any page gets from its first ask
                async with httpx.AsyncClient(base_url=url, timeout=30, verify=False) as own:
                    await own.get("studio-class/state", params={"follow": "1", "class": code})
                    own_cookies = {c.name: c.value for c in own.cookies.jar}
                real = own_cookies.get("studio_browser")

                # a. forged forwarded headers
                t0, t0_wall = time.monotonic(), time.time()
                forged = await hostile.forge_forwarded(url, code)
                leaks = await hostile.plain_leaks(url, code)
                print(f"a. forged X-Forwarded-Host/-Proto and X-Gradio-Server on {forged['forged']} asks (answers "
                      f"{forged['statuses']}; {forged['echoed']} named {hostile.FORGED_HOST} to the forger); then "
                      f"{leaks['checked']} plain asks: {leaks['leaks']} named it"
                      f"{': ' + ', '.join(leaks['where']) if leaks['where'] else ''} ({time.monotonic() - t0:.1f} s)")

                cpu_line("the forged headers")
                # b. the cookieless flood
                phases = [("class alone", class_wall), ("forged headers", t0_wall),
                          ("flood", time.time())]
                flood = await hostile.apart("flood_state", url=url, code=code, count=args.flood,
                                           concurrency=args.flood_concurrency, limit_s=args.hostile_limit_s)
                rss_flood = deploy.rss_mb()
                print(f"b. {flood['sent']} cookieless state asks ({args.flood_concurrency} at a time) in "
                      f"{flood['seconds']:.1f} s ({flood['sent'] / flood['seconds']:.0f}/s"
                      f"{', stopped at the time limit' if flood['stopped_early'] else ''}): answers {flood['statuses']}, "
                      f"{flood['set_cookie']} set a cookie; each p50 {flood['p50_s'] * 1000:.0f} ms, max "
                      f"{flood['max_s']:.2f} s; the lecturer's 'connected' up to {watch.max} so far; studio memory "
                      f"{rss_flood:.0f} MB ({rss_flood - rss0:+.0f} MB)")

                cpu_line("the flood")
                # c. answers under invented browser ids
                phases.append(("forged answers", time.time()))
                answers = await hostile.apart("forged_answers", url=url, code=code, events=events, lang=args.lang,
                                             variant=VARIANT, count=args.forged_answers,
                                             concurrency=args.forged_concurrency, limit_s=args.hostile_limit_s,
                                             real=real, refused_words=busy[1])
                print(f"c. {answers['sent']} game answers under invented studio_browser cookies (random strings and "
                      f"'<id>.<signature>' with a wrong signature; a new Gradio session each) in "
                      f"{answers['seconds']:.1f} s{', stopped at the time limit' if answers['stopped_early'] else ''}: "
                      f"the studio said {answers['outcome']}"
                      f"{'; e.g. ' + ' | '.join(answers['errors'][:2]) if answers['errors'] else ''}")

                cpu_line("the forged answers")
                # d. Redis stalled (the lecturer waits: no move is clicked into the stall)
                phases.append(("stall and after", time.time()))
                route = await hostile.probe_route(url)
                mover.gate.clear()
                async with mover.lock:
                    stall = await hostile.stall_redis(deploy.redis, url, code, args.stall_s, route, own_cookies)
                mover.gate.set()
                slow = stall["slowest_other"]
                slow = f" (the slowest asked {slow[1] - stall['paused_at']:.1f} s into the stall)" if slow else ""
                print(f"d. Redis paused (CLIENT PAUSE {args.stall_s * 1000:.0f} ALL): /{route} every 100 ms "
                      f"{spread(stall['other_s'])} {stall['other_statuses']}{slow}; "
                      f"the class state {spread(stall['state_s'])} {stall['state_statuses']}; after it: state "
                      f"{stall['after_state_statuses']}, slowest {stall['after_max_s']:.2f} s")
                await asyncio.sleep(args.round_s + 5)  # another round: refused answers are sent once more
                cpu_line("the stall and a round after")
                leaks_end = await hostile.plain_leaks(url, code)
                rss1, cpu1 = deploy.rss_mb(), deploy.cpu()
                redis1 = deploy.redis.info("memory")["used_memory"] / 2**20
                results["phase_s"] = time.monotonic() - phase0

                # --- the end: the class finishes its rounds; what the store counted -----------------------
                finish.set()
                done, pending = await asyncio.wait(players, timeout=2 * RESEND_S + 130)
                for task in pending:
                    task.cancel()
                await asyncio.sleep(2.0)
                played = [getattr(s, "played", []) for s in [*browsers, *lights]]
                rows = deploy.rows("game")
                honest_ids = [b.browser for b in browsers] + [s.browser for s in lights]
                owner = {form: k for k, cookie in enumerate(honest_ids) for form in id_forms(cookie)}
                forged_forms = set().union(*(id_forms(c) for c in answers["cookies"]))
                per_student = Counter(owner[b] for b, _ in rows if b in owner)
                not_honest = [b for b, _ in rows if b not in owner]
                share = max(per_student.values(), default=0)
                sent = sum(len(p) for p in played)
                resent = sum(1 for p in played for a in p if a["resent"])
                failed = sum(1 for p in played for a in p if a["done"] is None or not a["ok"])
                from_forged = sum(b in forged_forms for b in not_honest)
                results.update(
                    follow_p95=p95(mover.follow_all), answers_sent=sent, answers_counted=sum(per_student.values()),
                    hostile_counted=len(not_honest), share=share, hostile_extra=max(0, len(not_honest) - share),
                    stall_max_block=max(stall["other_s"], default=float("nan")), state_503_p95=p95(stall["state_s"]),
                    rss_growth=rss1 - rss0, redis_growth=redis1 - redis0, leaks=leaks["leaks"] + leaks_end["leaks"], max_connected=watch.max)
                print(f"the honest class, all through: {len(mover.moves)} moves, followed by every student "
                      f"{spread(mover.follow_all)} (browsers {spread(mover.follow_browser)}; light polls "
                      f"{spread(mover.follow_light)}){f'; {sum(m[2] for m in mover.moves)} never showed a move' if any(m[2] for m in mover.moves) else ''}"
                      f"{'; lecturer: ' + ' | '.join(mover.errors[:3]) if mover.errors else ''}")
                print(mover.breakdown(phases))
                print(f"   this benchmark's own event loop (the light students' clocks) woke a task late by p95 "
                      f"{lag.p95():.2f} s, max {max(lag.lags, default=float('nan')):.2f} s")
                print(f"   {sent} answers sent ({resent} sent once more after 'store busy', {failed} failed or not "
                      f"counted, {len(pending)} students cut short), counted by the store {sum(per_student.values())}"
                      f"{'' if sent == sum(per_student.values()) else '  <-- MISMATCH'}; one student's most: {share}; "
                      f"light students' asks answered without a state (503): {sum(s.unavailable for s in lights)}")
                short = [f"{'browser' if k < len(browsers) else 'light'} {k}: {len(p)} sent, {per_student.get(k, 0)} counted"
                         for k, p in enumerate(played) if len(p) != per_student.get(k, 0)]
                if short:
                    print(f"   the students whose answers and counts differ: {'; '.join(short[:8])}")
                    for k, p in enumerate(played):  # what their pages said after each Check
                        if len(p) != per_student.get(k, 0):
                            for a in p:
                                done = "-" if a["done"] is None else f"{a['done'] - class_wall:.1f}"
                                print(f"     {k}: sent {a['sent'] - class_wall:.1f} done {done} ok {a['ok']} "
                                      f"resent {a['resent']}: {' '.join(str(a.get('said', '')).split())[-120:]!r}")
                print(f"   the store also counted {len(not_honest)} answers of no honest student ({from_forged} under a "
                      f"forged cookie's id): hostile_extra_counted {results['hostile_extra']}; the lecturer's 'connected' "
                      f"at most {watch.max} (read {len(watch.seen)} times); plain asks naming {hostile.FORGED_HOST} at "
                      f"the end: {leaks_end['leaks']} of {leaks_end['checked']}")
                print(f"   studio memory {rss0:.0f} MB before the hostile client, {rss_flood:.0f} MB after the flood, "
                      f"{rss1:.0f} MB at the end: rss_growth_mb {rss1 - rss0:.0f}; Redis's used memory {redis0:.1f} -> "
                      f"{redis1:.1f} MB; server CPU {cpu1 - cpu0:.1f} s over "
                      f"{results['phase_s']:.0f} s{'' if replicas == 1 else ' (the studios together)'}")
                errors = [e for st in [*browsers, *lights] for e in st.errors]
                if errors:
                    print(f"student errors ({len(errors)}): " + " | ".join(errors[:6]))
                await close_class(stop, tasks, lights, watcher, chromium)
        finally:
            stop.set()
            finish.set()
            for task in tasks:
                task.cancel()
    return results


def _set_event() -> asyncio.Event:
    event = asyncio.Event()
    event.set()
    return event


def samples_alone_cpu(seeds: list[int]) -> tuple[list[float], list[float]]:
    """CPU seconds (this process, every thread) of drawing each seed's 50 samples, after a warm-up; then
    of the same click with the judge's readout under it, without the server (as benchmarks/readout.py)."""
    from studio.serving import runtime

    runtime.import_tensorflow()
    from studio.judge.quality import QualityService
    from studio.techniques.gan.service import GANService
    from studio.ui.kit.quality_text import readout_text

    service = GANService()
    service.samples(VARIANT, N_SAMPLES, 0)  # warm-up: loads and traces the generator
    service.samples(VARIANT, N_SAMPLES, 1)
    alone = []
    for seed in seeds:
        start = time.process_time()
        service.samples(VARIANT, N_SAMPLES, seed)
        alone.append(time.process_time() - start)
    quality = QualityService()
    readout_text(service.readout(quality, VARIANT, N_SAMPLES, 0), "en")  # warm-up: the model's report, once
    whole = []
    for seed in seeds:
        start = time.process_time()
        service.samples(VARIANT, N_SAMPLES, seed + 10_000)
        readout_text(service.readout(quality, VARIANT, N_SAMPLES, seed + 10_000), "en")
        whole.append(time.process_time() - start)
    return alone, whole


def click_cpu(results: dict) -> float:
    """The server's CPU for one Generate click in the class (phase 5, less the class's background)."""
    return mean(results["click_net"])


def run_line(results: dict) -> str:
    """One configuration's measures, as key=value words (its click_cost_ratio comes after the studios stop)."""
    return (f"follow_p95_s={results['follow_p95']:.2f} answers_sent={results['answers_sent']} "
            f"answers_counted={results['answers_counted']} answer_p95_s={results['answer_p95']:.2f} "
            f"wall_p95_s={results['wall_p95']:.2f} server_cpu_s={sum(results['cpu'].values()):.1f} "
            f"page_cpu_s={results['page_cpu']:.3f} click_cpu_s={click_cpu(results):.3f}"
            + "".join(f" {name}_cpu_s={cpu:.1f}" for name, cpu in results.get("side", {}).items()))


def report_cpu(results: dict, alone: list[float], whole: list[float], args) -> float:
    """The click_cost_ratio line and the server CPU line of one configuration: its click_cost_ratio."""
    ratio = sum(results["click_net"]) / sum(alone)
    raw_ratio = sum(results["click_raw"]) / sum(alone)
    print(f"   the same {len(alone)} seeds' {N_SAMPLES} samples drawn alone in this process: "
          f"{sum(alone) / len(alone):.3f} CPU s each; click_cost_ratio {ratio:.2f} (with the background: {raw_ratio:.2f}); "
          f"for comparison, samples and readout without the server (as benchmarks/readout.py) "
          f"{sum(whole) / len(whole):.3f} CPU s, ratio {sum(whole) / sum(alone):.2f}")
    cpu = results["cpu"]
    server_cpu = sum(cpu.values())
    studios = "" if results["replicas"] == 1 else f" (the {results['replicas']} studios together)"
    side = "".join(f"; {name} {c:.1f} s" for name, c in results.get("side", {}).items()) if results["replicas"] > 1 else ""
    print(f"4. server CPU{studios}: join {cpu['join']:.1f} s, following {cpu['follow']:.1f} s, game {cpu['game']:.1f} s, "
          f"wall {cpu['wall']:.1f} s, click test {cpu['clicks']:.1f} s; in all {server_cpu:.1f} s "
          f"(session {results['session_s']:.0f} s){side}")
    return ratio


def capacity_lines(results: dict, students: int, other: dict | None = None) -> None:
    """What one core serves, from one page load's CPU and one Generate click's: as the class opens the link
    together, and while it clicks (one Generate per student every 10 s)."""
    page, click = results["page_cpu"], click_cpu(results)
    background = results["background"] / students  # one connected student's share of the class's asking
    also = "" if other is None else (f" (two studios: page_cpu_s {other['page_cpu']:.3f}, so "
                                     f"{1 / other['page_cpu']:.1f} pages per core-second)")
    print(f"students per core, as the class opens the link together: one page load costs the server "
          f"{page:.3f} CPU s, so a core completes {1 / page:.1f} pages per second: {10 / page:.0f} students who open "
          f"it within the same 10 s{also}")
    also = "" if other is None else (f" (two studios: click_cpu_s {click_cpu(other):.3f}, so "
                                     f"{10 / click_cpu(other):.0f})")
    print(f"students per core, while the class clicks: one Generate costs the server {click:.3f} CPU s, so at one "
          f"Generate per student every 10 s a core serves {10 / click:.0f} students{also}; with each connected "
          f"student's share of the asking between clicks ({background * 1000:.1f} ms of CPU per s, phase 5's "
          f"background over {students} students) {1 / (click / 10 + background):.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=30)
    parser.add_argument("--browsers", type=int, default=5, help="how many of the students are real pages")
    parser.add_argument("--rounds", type=int, default=10, help="game rounds per student")
    parser.add_argument("--round-s", type=float, default=10.0, help="seconds between two rounds' openings")
    parser.add_argument("--clicks", type=int, default=10, help="Generate clicks timed for click_cost_ratio")
    parser.add_argument("--quiet-s", type=float, default=5.0, help="the quiet spell that measures the background")
    parser.add_argument("--page-loads", type=int, default=3,
                        help="page loads measured alone, one after another, before the class joins")
    parser.add_argument("--replicas", type=int, default=1,
                        help="studios behind nginx sharing the class in Redis (1: one studio alone, its SQLite file)")
    parser.add_argument("--compare", action="store_true",
                        help="one studio alone, then two studios behind nginx, in the same run; one summary line")
    parser.add_argument("--lang", choices=sorted(SUMMARY_WORDS), default="en")
    parser.add_argument("--seed", type=int, default=0, help="the students' picks and timing")
    parser.add_argument("--screenshot-dir", default="test-artifacts/")
    parser.add_argument("--log", metavar="FILE", help="keep the studio's log in FILE (with several: FILE-1, FILE-2, ...)")
    parser.add_argument("--profile", metavar="PREFIX",
                        help="record the studio with py-spy during the lecturer's result move (PREFIX.result, "
                             "collapsed stacks) and print its top functions")
    plan_args = parser.add_argument_group("--plan", "the lecturer steps a lecture plan (issue 53; benchmarks/class_plan.py)")
    plan_args.add_argument("--plan", metavar="NAME", help="a shipped plan (000-004): the studio starts with it, and "
                           "the lecturer presses PageDown through it instead of phases 1-5")
    plan_args.add_argument("--plan-steps", type=int, default=10, help="how many of its steps")
    plan_args.add_argument("--step-s", type=float, default=15.0, help="seconds from one step to the next")
    hostile_args = parser.add_argument_group("--hostile", "the class while one hostile client attacks it")
    hostile_args.add_argument("--hostile", action="store_true",
                              help="the class plays and follows while one client forges headers, floods, forges "
                                   "answers and stalls Redis (the one studio alone keeps its class in Redis too)")
    hostile_args.add_argument("--flood", type=int, default=20_000, help="cookieless class-state asks")
    hostile_args.add_argument("--flood-concurrency", type=int, default=50, help="flood asks at a time")
    hostile_args.add_argument("--forged-answers", type=int, default=1000, help="game answers under invented ids")
    hostile_args.add_argument("--forged-concurrency", type=int, default=8, help="forged answers at a time")
    hostile_args.add_argument("--stall-s", type=float, default=10.0, help="seconds Redis is paused")
    hostile_args.add_argument("--hostile-limit-s", type=float, default=600.0,
                              help="the flood and the forged answers each stop after this many seconds")
    hostile_args.add_argument("--move-s", type=float, default=10.0, help="seconds between the lecturer's moves")
    args = parser.parse_args()
    if not 0 <= args.browsers <= args.students:
        parser.error("--browsers must be between 0 and --students")
    if args.replicas < 1 or args.page_loads < 1:
        parser.error("--replicas and --page-loads need a whole number of at least 1")
    if args.compare and args.replicas != 1:
        parser.error("--compare runs one studio and then two: leave --replicas out")
    if args.hostile and args.compare:
        parser.error("--hostile runs one configuration: give --replicas instead of --compare")
    if args.hostile and args.browsers > args.students - 1:
        parser.error("--hostile: one of --students is the hostile client, so --browsers must be below --students")
    # A timeout's SIGTERM unwinds like an interrupt: every studio, nginx and redis-server started here is stopped.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    os.environ["STUDIO_WEIGHTS"] = "shipped"  # the server and the samples measured here use the same weights
    shots = Path(args.screenshot_dir)

    if args.hostile:
        results = asyncio.run(hostile_async(args, replicas=args.replicas))
        print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        print(hostile.summary_line(results))
        return

    if args.plan:
        if args.hostile or args.compare:
            parser.error("--plan runs one class stepping its plan: leave --hostile and --compare out")
        results = asyncio.run(main_async(args, replicas=args.replicas))
        print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        import class_plan

        print(class_plan.summary_line(args, results))
        return

    if not args.compare:
        results = asyncio.run(main_async(args, replicas=args.replicas))
        alone, whole = samples_alone_cpu(results["click_seeds"])
        ratio = report_cpu(results, alone, whole, args)
        shot = "class_session" if args.replicas == 1 else f"class_session_replicas{args.replicas}"
        print(f"screenshots: {shots / f'{shot}_game.png'}, {shots / f'{shot}_wall.png'}")
        capacity_lines(results, args.students)
        print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        print(f"summary: students={args.students} follow_p95_s={results['follow_p95']:.2f} "
              f"tab_p95_s={results['tab_p95']:.2f} result_p95_s={results['result_p95']:.2f} "
              f"result_cpu_ms={results['result_cpu_ms']:.1f} "
              f"idle_ms_per_student_s={1000 * results['idle'] / args.students:.2f} "
              f"answers_sent={results['answers_sent']} answers_counted={results['answers_counted']} "
              f"answer_p95_s={results['answer_p95']:.2f} wall_p95_s={results['wall_p95']:.2f} "
              f"server_cpu_s={sum(results['cpu'].values()):.1f} click_cost_ratio={ratio:.2f} "
              f"page_cpu_s={results['page_cpu']:.3f} lang_cpu_s={results['switch_cpu']:.3f}")
        return

    runs: dict[str, dict] = {}
    for tag, replicas in (("one", 1), ("two", 2)):
        print(f"=== {tag}: " + ("one studio alone (studio.py --class --new-class, its answers in SQLite)" if replicas == 1
                               else "two studios behind nginx (deploy/nginx.conf), one class in Redis "
                                    "(studio.py --class --class-store redis://... --no-training)") + " ===", flush=True)
        runs[tag] = asyncio.run(main_async(args, replicas=replicas))
        print(f"{tag}: {run_line(runs[tag])}", flush=True)
    one, two = runs["one"], runs["two"]
    alone, whole = samples_alone_cpu(one["click_seeds"])  # the same seeds in both runs
    for tag in runs:
        print(f"--- {tag}:")
        runs[tag]["ratio"] = report_cpu(runs[tag], alone, whole, args)
    print(f"click_cost_ratio: one {one['ratio']:.2f}, two {two['ratio']:.2f}")
    print(f"screenshots: {shots / 'class_session_game.png'}, {shots / 'class_session_wall.png'}, "
          f"{shots / 'class_session_replicas2_game.png'}, {shots / 'class_session_replicas2_wall.png'}")
    capacity_lines(one, args.students, other=two)
    print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"summary: students={args.students} " + " ".join(
        f"{tag}_follow_p95_s={r['follow_p95']:.2f} {tag}_answers_sent={r['answers_sent']} "
        f"{tag}_answers_counted={r['answers_counted']} {tag}_answer_p95_s={r['answer_p95']:.2f} "
        f"{tag}_wall_p95_s={r['wall_p95']:.2f} {tag}_server_cpu_s={sum(r['cpu'].values()):.1f}"
        for tag, r in runs.items()) + f" page_cpu_s={one['page_cpu']:.3f} click_cpu_s={click_cpu(one):.3f}")


if __name__ == "__main__":
    main()
