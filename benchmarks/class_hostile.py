"""The hostile client of ``benchmarks/class_session.py --hostile``: one client that attacks a running class.

Nothing here starts a studio or a student: ``class_session.py`` runs the class and the honest students, and
calls these steps one after another, on loopback only, each bounded in count and in time.

- ``forge_forwarded``: pages and /config asked with forged ``X-Forwarded-Host``/``-Proto`` and ``X-Gradio-Server``
  headers; ``plain_leaks`` then asks the same addresses without them and counts the answers naming the forged host.
- ``flood_state``: ``studio-class/state`` asked many times without a cookie, ``concurrency`` at a time.
- ``forged_answers``: game answers (a new round, then Check, through Gradio's queue, as a light student
  sends them) under invented ``studio_browser`` cookies: random strings, and random ``<id>.<signature>``.
- ``stall_redis``: ``CLIENT PAUSE`` of the class's Redis while a probe asks a route outside the class
  and the class state every 100 ms.
- ``tree_rss_mb`` (the resident memory of a process tree, from /proc) and ``ConnectedWatch`` (the
  lecturer's "connected" count, read while the rest runs).

The flood and the forged answers run in a process of their own (``apart``; this file run as a script):
the hostile student has a laptop of their own. Run in the benchmark's event loop, their bursts of work
delayed the honest light students' reading of their own streams in the same loop (``LoopLag`` measures
that loop's delays): the benchmark then timed itself, not the studio.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import random
import re
import resource
import secrets
import string
import sys
import time
from collections import Counter
from pathlib import Path

import httpx

FORGED_HOST = "attacker.invalid"
FORGED_HEADERS = {"X-Forwarded-Host": f"{FORGED_HOST}:8000", "X-Forwarded-Proto": "https",
                  "X-Gradio-Server": f"http://{FORGED_HOST}"}
# The response cache keys a page by, among others, whether the browser takes Brotli: each kind is asked.
ENCODINGS = ("gzip, deflate, br", "gzip, deflate", "identity")
URLSAFE = string.ascii_letters + string.digits + "-_"
STATE_PATH = "studio-class/state"
EVENT_LIMIT_S = 60.0  # one queued event of the hostile client, at most


def _client(url: str, **kw) -> httpx.AsyncClient:
    # verify=False: a local stack may end TLS with a self-signed certificate (loopback only)
    return httpx.AsyncClient(base_url=url, verify=False, **kw)


def _request(url: str, path: str, params: dict | None = None, headers: dict | None = None,
             method: str = "GET", body=None) -> httpx.Request:
    """A request that carries exactly these headers: sent with ``client.send``, the client's cookie jar
    (which keeps whatever the answers set) is never added to it."""
    return httpx.Request(method, url + path.lstrip("/"), params=params, headers=headers,
                         json=body if body is not None else None)


# --- a. forged forwarded headers --------------------------------------------------------------------------
def _addresses(code: str) -> list[tuple[str, dict]]:
    return [("", {"class": code}), ("", {}), ("config", {})]


async def forge_forwarded(url: str, code: str) -> dict:
    """Every address of ``_addresses`` asked once per encoding with ``FORGED_HEADERS``: how many answers
    named the forged host (to the forger itself: not a leak, only whether the studio took the headers)."""
    echoed, statuses = 0, Counter()
    async with _client(url, timeout=60) as client:
        for (path, params), encoding in itertools.product(_addresses(code), ENCODINGS):
            answer = await client.send(_request(url, path, params, {**FORGED_HEADERS, "Accept-Encoding": encoding}))
            statuses[answer.status_code] += 1
            echoed += FORGED_HOST in answer.text
    return {"forged": sum(statuses.values()), "echoed": echoed, "statuses": dict(statuses)}


async def plain_leaks(url: str, code: str) -> dict:
    """The same addresses asked without the forged headers: how many answers name the forged host."""
    leaks, where = 0, []
    async with _client(url, timeout=60) as client:
        for (path, params), encoding in itertools.product(_addresses(code), ENCODINGS):
            answer = await client.send(_request(url, path, params, {"Accept-Encoding": encoding}))
            if FORGED_HOST in answer.text:
                leaks += 1
                where.append(f"/{path}{'?' if params else ''}{'&'.join(f'{k}={v}' for k, v in params.items())} "
                             f"({encoding})")
    return {"checked": len(_addresses(code)) * len(ENCODINGS), "leaks": leaks, "where": where}


# --- b. the cookieless flood ------------------------------------------------------------------------------
async def flood_state(url: str, code: str, count: int, concurrency: int, limit_s: float) -> dict:
    """``count`` cookieless asks for the class state, ``concurrency`` at a time, stopped after ``limit_s``."""
    statuses: Counter = Counter()
    set_cookie, took = 0, []
    numbers = itertools.count()
    started = time.monotonic()
    deadline = started + limit_s
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with _client(url, timeout=30, limits=limits) as client:
        async def worker() -> None:
            nonlocal set_cookie
            while time.monotonic() < deadline and next(numbers) < count:
                t0 = time.monotonic()
                try:
                    answer = await client.send(_request(url, STATE_PATH, {"follow": "1", "class": code}))
                    statuses[answer.status_code] += 1
                    set_cookie += "set-cookie" in answer.headers
                except Exception as exc:  # noqa: BLE001 - counted, and the flood goes on
                    statuses[type(exc).__name__] += 1
                took.append(time.monotonic() - t0)

        await asyncio.gather(*(worker() for _ in range(concurrency)))
    ordered = sorted(took)
    return {"sent": len(took), "seconds": time.monotonic() - started, "statuses": dict(statuses),
            "set_cookie": set_cookie, "p50_s": ordered[len(ordered) // 2] if ordered else float("nan"),
            "max_s": ordered[-1] if ordered else float("nan"), "stopped_early": len(took) < count}


# --- c. answers under invented browser ids --------------------------------------------------------------
def _random(n: int) -> str:
    return "".join(secrets.choice(URLSAFE) for _ in range(n))


def forged_cookie(k: int, real: str | None) -> str:
    """The k-th invented ``studio_browser``: even k a random string (8 to 40 characters), odd k a random
    ``<id>.<signature>`` shaped like ``real`` (a cookie the server minted), so with a wrong signature."""
    if k % 2 == 0:
        return _random(8 + k % 33)
    if real and "." in real:
        ident, signature = real.rsplit(".", 1)
        return f"{_random(len(ident))}.{_random(len(signature))}"
    return f"{_random(16)}.{_random(27)}"


async def _queued(client: httpx.AsyncClient, url: str, code: str, events: dict, event: str, data: list,
                  session_hash: str, cookie: str):
    """One event through Gradio's queue with ``cookie`` as the browser's cookie (the join carries it)."""
    fn, trigger = events[event]
    body = {"data": data, "event_data": None, "fn_index": fn, "trigger_id": trigger, "session_hash": session_hash}
    joined = await client.send(_request(url, "gradio_api/queue/join", {"class": code},
                                        {"Cookie": f"studio_browser={cookie}"}, "POST", body))
    if joined.status_code != 200:
        raise RuntimeError(f"{event}: join HTTP {joined.status_code} {joined.text[:120]}")
    event_id = joined.json()["event_id"]
    # Behind nginx the stream must reach the studio that took the join: the script keeps nginx's route
    # cookie as any cookie jar would (without it, the stream of another studio only sends heartbeats).
    route = joined.cookies.get("studio_route")
    cookies = f"studio_browser={cookie}" + (f"; studio_route={route}" if route else "")
    stream = await client.send(_request(url, "gradio_api/queue/data", {"session_hash": session_hash},
                                        {"Cookie": cookies}), stream=True)

    async def result():
        async for line in stream.aiter_lines():
            if not line.startswith("data:"):
                continue
            message = json.loads(line[5:])
            if message.get("msg") == "process_completed" and message.get("event_id") == event_id:
                if not message.get("success"):
                    raise RuntimeError(f"{event}: {str(message.get('output', {}).get('error'))[:120]}")
                return message["output"]["data"]
            if message.get("msg") in ("close_stream", "unexpected_error"):
                break
        raise RuntimeError(f"{event}: the stream ended without its result")

    try:  # heartbeats keep a read from timing out: the whole event is bounded instead
        return await asyncio.wait_for(result(), EVENT_LIMIT_S)
    finally:
        await stream.aclose()


async def _sent(client: httpx.AsyncClient, url: str, code: str, events: dict, event: str, data: list,
                session_hash: str, cookie: str):
    """One event as a page sends it, with ``cookie`` as the browser's cookie: through Gradio's queue if it is
    queued (``_queued``), else one request."""
    if event in events.get("queued", ()):
        return await _queued(client, url, code, events, event, data, session_hash, cookie)
    fn, trigger = events[event]
    body = {"data": data, "event_data": None, "fn_index": fn, "trigger_id": trigger, "session_hash": session_hash}
    answer = await asyncio.wait_for(client.send(_request(url, "gradio_api/run/predict", {"class": code},
                                                         {"Cookie": f"studio_browser={cookie}"}, "POST", body)),
                                    EVENT_LIMIT_S)
    if answer.status_code != 200:
        raise RuntimeError(f"{event}: HTTP {answer.status_code} {answer.text[:120]}")
    return answer.json()["data"]


async def _route(client: httpx.AsyncClient, url: str, code: str, name: str, body: dict, cookie: str) -> dict:
    """One page route as the page's script posts it, with ``cookie`` as the browser's cookie: its answer."""
    answer = await asyncio.wait_for(client.send(_request(url, f"studio-page/{name}", {"class": code},
                                                         {"Cookie": f"studio_browser={cookie}"}, "POST", body)),
                                    EVENT_LIMIT_S)
    if answer.status_code != 200:
        raise RuntimeError(f"{name}: HTTP {answer.status_code} {answer.text[:120]}")
    return answer.json()


async def forged_answers(url: str, code: str, events: dict, lang: str, variant: str, count: int,
                         concurrency: int, limit_s: float, real: str | None, refused_words: str) -> dict:
    """``count`` game answers, each under a new invented cookie and a new Gradio session or page (New round,
    then Check with random picks), ``concurrency`` at a time, stopped after ``limit_s``: what the studio said."""
    outcome: Counter = Counter()
    cookies: list[str] = []
    errors: list[str] = []
    numbers = itertools.count()
    started = time.monotonic()
    deadline = started + limit_s
    rng = random.Random(7)
    async with _client(url, timeout=60, limits=httpx.Limits(max_connections=4 * concurrency)) as client:
        async def worker() -> None:
            while time.monotonic() < deadline:
                k = next(numbers)
                if k >= count:
                    return
                cookie, session_hash = forged_cookie(k, real), secrets.token_hex(6)
                cookies.append(cookie)
                try:
                    picks = [str(p) for p in sorted(rng.sample(range(1, 9), rng.randint(2, 5)))]
                    if events.get("game_routes"):  # the game's own routes (studio.techniques.gan.game)
                        round_ = await _route(client, url, code, "gan-game-round", {"lang": lang, "variant": variant},
                                              cookie)
                        words = (await _route(client, url, code, "gan-game-check",
                                              {"lang": lang, "round": round_["round"], "picks": picks}, cookie))["words"]
                    else:
                        await _sent(client, url, code, events, "new_round", [lang, variant, None], session_hash, cookie)
                        words = str((await _sent(client, url, code, events, "check", [lang, None, picks, None],
                                                 session_hash, cookie))[-1])
                    outcome["refused" if refused_words in words else "not refused"] += 1
                except Exception as exc:  # noqa: BLE001
                    outcome["error"] += 1
                    if len(errors) < 5:
                        errors.append(str(exc)[:160])

        await asyncio.gather(*(worker() for _ in range(concurrency)))
    return {"sent": len(cookies), "seconds": time.monotonic() - started, "outcome": dict(outcome),
            "cookies": cookies, "errors": errors, "stopped_early": len(cookies) < count}


# --- d. Redis stalled -----------------------------------------------------------------------------------
async def probe_route(url: str) -> str:
    """A small route outside the class: the page's first frontend file (served from memory), else /config."""
    async with _client(url, timeout=60) as client:
        page = (await client.get("", params={})).text
    found = re.search(r"""["'](?:\./|/)?(assets/[^"'?#]+\.(?:css|js))["']""", page)
    return found.group(1) if found else "config"


async def stall_redis(redis_client, url: str, code: str, pause_s: float, route: str, state_cookies: dict,
                      every_s: float = 0.1, before_s: float = 1.0, after_s: float = 3.0) -> dict:
    """``CLIENT PAUSE`` (every command) of the class's Redis for ``pause_s``; from ``before_s`` before it until
    ``after_s`` after it, every ``every_s`` one request for ``route`` (outside the class) and one for the class
    state (with a browser's cookies), each without waiting for the last: their times, by when they started."""
    probes: list[tuple[str, float, float, object]] = []  # (kind, started, seconds, status)
    limits = httpx.Limits(max_connections=400, max_keepalive_connections=20)
    async with _client(url, timeout=60, limits=limits) as other, \
            _client(url, timeout=60, limits=limits, cookies=state_cookies) as state:
        async def one(kind: str, client: httpx.AsyncClient, path: str, params: dict) -> None:
            t0 = time.monotonic()
            try:
                status = (await client.get(path, params=params)).status_code
            except Exception as exc:  # noqa: BLE001
                status = type(exc).__name__
            probes.append((kind, t0, time.monotonic() - t0, status))

        start = time.monotonic()
        paused_at = start + before_s
        end = paused_at + pause_s + after_s
        tasks, paused = [], None
        while time.monotonic() < end:
            if paused is None and time.monotonic() >= paused_at:
                paused = asyncio.create_task(asyncio.to_thread(redis_client.client_pause, int(pause_s * 1000), True))
                await paused
                paused_at = time.monotonic()
            tasks.append(asyncio.create_task(one("other", other, route, {})))
            tasks.append(asyncio.create_task(one("state", state, STATE_PATH, {"follow": "1", "class": code})))
            await asyncio.sleep(every_s)
        await asyncio.gather(*tasks)
    during = [p for p in probes if paused_at <= p[1] < paused_at + pause_s]
    after = [p for p in probes if p[1] >= paused_at + pause_s]
    other_s = sorted(p[2] for p in during if p[0] == "other")
    state_s = sorted(p[2] for p in during if p[0] == "state")
    return {"route": route, "other_s": other_s, "state_s": state_s,
            "state_statuses": dict(Counter(p[3] for p in during if p[0] == "state")),
            "other_statuses": dict(Counter(p[3] for p in during if p[0] == "other")),
            "after_state_statuses": dict(Counter(p[3] for p in after if p[0] == "state")),
            "after_max_s": max((p[2] for p in after), default=float("nan")),
            "slowest_other": max((p for p in during if p[0] == "other"), key=lambda p: p[2], default=None),
            "paused_at": paused_at}


# --- the studio's memory, the lecturer's count ----------------------------------------------------------
def tree_rss_mb(pid: int) -> float:
    """Resident memory (VmRSS) of ``pid`` and its living descendants, in MB."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except OSError:
                continue
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            found = re.search(r"VmRSS:\s+(\d+) kB", Path(f"/proc/{current}/status").read_text())
            total += int(found.group(1)) if found else 0
        except OSError:
            pass
        todo.extend(child for child, parent in parents.items() if parent == current)
    return total / 1024


class CpuSplit:
    """Where the machine's CPU went between two ``take()``s, by kind of process: the studios' trees, the
    Chromium pages (lecturer and students together), this benchmark (the light students), the hostile
    client's processes (reaped: ``RUSAGE_CHILDREN``), Redis, nginx and the rest. Everything here shares the
    same cores, so a slow follow is read against who had them."""

    def __init__(self, studio_pids: list[int]) -> None:
        self.studio_pids = studio_pids
        self.tick = os.sysconf("SC_CLK_TCK")
        self.last = self._snapshot()

    def _snapshot(self) -> dict[str, float]:
        parents, kinds, times = {}, {}, {}
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
                name, fields = stat[stat.index("(") + 1:stat.rindex(")")], stat.rsplit(")", 1)[1].split()
            except (OSError, ValueError):
                continue
            pid = int(entry.name)
            parents[pid], times[pid] = int(fields[1]), (int(fields[11]) + int(fields[12])) / self.tick
            kinds[pid] = ("chromium" if "chrom" in name or "headless" in name else "redis" if "redis" in name
                          else "nginx" if "nginx" in name else "benchmark" if pid == os.getpid() else "other")
        studio, todo = set(), list(self.studio_pids)
        while todo:
            current = todo.pop()
            studio.add(current)
            todo.extend(child for child, parent in parents.items() if parent == current and child not in studio)
        split: dict[str, float] = Counter()
        for pid, seconds in times.items():
            split["studio" if pid in studio else kinds[pid]] += seconds
        reaped = resource.getrusage(resource.RUSAGE_CHILDREN)
        split["hostile"] = reaped.ru_utime + reaped.ru_stime
        return split

    def take(self) -> dict[str, float]:
        """CPU seconds of each kind since the last ``take`` (or the start)."""
        now = self._snapshot()
        spent = {kind: max(0.0, now.get(kind, 0.0) - self.last.get(kind, 0.0)) for kind in now}
        self.last = now
        return spent

    @staticmethod
    def line(spent: dict[str, float], seconds: float) -> str:
        """``spent`` as cores used on average over ``seconds``, largest first."""
        return ", ".join(f"{kind} {cpu / seconds:.2f}" for kind, cpu in
                         sorted(spent.items(), key=lambda item: -item[1]) if cpu / seconds >= 0.01)


class ConnectedWatch:
    """The lecturer's "connected" count, asked every ``every_s`` with the lecturer's cookies."""

    def __init__(self, url: str, cookies: dict, every_s: float = 0.5) -> None:
        self.url, self.cookies, self.every_s = url, cookies, every_s
        self.seen: list[tuple[float, int]] = []
        self.failed = 0

    @property
    def max(self) -> int:
        return max((n for _, n in self.seen), default=0)

    async def run(self, stop: asyncio.Event) -> None:
        async with _client(self.url, timeout=30, cookies=self.cookies) as client:
            while not stop.is_set():
                try:
                    answer = await client.get(STATE_PATH)
                    if answer.status_code == 200 and "connected" in answer.json():
                        self.seen.append((time.time(), int(answer.json()["connected"])))
                    else:
                        self.failed += 1
                except Exception:  # noqa: BLE001 - the count is read again next time
                    self.failed += 1
                await asyncio.sleep(self.every_s)


async def apart(step: str, **kwargs) -> dict:
    """``flood_state`` or ``forged_answers`` (``step``) with ``kwargs``, run in a process of its own (the module's
    docstring); its result as the step returns it."""
    process = await asyncio.create_subprocess_exec(sys.executable, __file__, step, json.dumps(kwargs),
                                                   stdout=asyncio.subprocess.PIPE)
    out, _ = await process.communicate()
    if process.returncode != 0:
        raise RuntimeError(f"the hostile client's {step} failed (exit {process.returncode})")
    return json.loads(out.decode().strip().splitlines()[-1])


class LoopLag:
    """How late this event loop wakes a task that sleeps ``every_s``: when it is late, every time taken in
    this loop (the light students' follows) is late by as much, whatever the studio did."""

    def __init__(self, every_s: float = 0.1) -> None:
        self.every_s = every_s
        self.lags: list[float] = []

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            before = time.monotonic()
            await asyncio.sleep(self.every_s)
            self.lags.append(time.monotonic() - before - self.every_s)

    def p95(self) -> float:
        ordered = sorted(self.lags)
        return ordered[int(0.95 * (len(ordered) - 1))] if ordered else float("nan")


def summary_line(results: dict) -> str:
    """The last line of ``class_session.py --hostile``: the honest class's figures and the hostile client's."""
    return (f"summary: honest_follow_p95_s={results['follow_p95']:.2f} honest_answers_sent={results['answers_sent']} "
            f"honest_answers_counted={results['answers_counted']} hostile_extra_counted={results['hostile_extra']} "
            f"stall_max_block_s={results['stall_max_block']:.2f} rss_growth_mb={results['rss_growth']:.0f} "
            f"forged_root_leaks={results['leaks']} max_connected_seen={results['max_connected']} "
            f"state_503_p95_s={results['state_503_p95']:.2f} redis_growth_mb={results['redis_growth']:.1f}")


if __name__ == "__main__":  # apart(): one step of the hostile client, its result as JSON on the last line
    STEPS = {"flood_state": flood_state, "forged_answers": forged_answers}
    print(json.dumps(asyncio.run(STEPS[sys.argv[1]](**json.loads(sys.argv[2])))))
