"""A burst of requests on one sampler, served by one batched call.

When ten students press Generate in the same second, each with its own seed, a generator can
serve them all in one call of its network (one batch of latent codes) for little more than the
cost of one. ``Coalescer`` does this for any function that can serve a list of requests at once:
the first request of a group runs at once, alone; requests that arrive while it runs wait, and the
next call serves all of them together.

Each request gets exactly its own result, and an error reaches every request of the batch that
raised it, so a caller checks its request first (a bad seed must not fail the others' batch).
"""

from __future__ import annotations

import asyncio
import functools
import threading
import time
import weakref
from collections import deque
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field

import anyio


@dataclass(eq=False)
class _Request:
    item: object
    woken: threading.Event = field(default_factory=threading.Event)
    done: bool = False
    lead: bool = False  # woken to run the next batch rather than with its result
    value: object = None
    error: BaseException | None = None


# Requests waiting on or running in any sampler right now (every Coalescer counts here), and when the
# last one finished, so that slower work a student is not watching for (a judge's readout) can let
# the pictures go first.
_active = 0
_last_active = 0.0
_active_lock = threading.Condition()
QUIET_S = 1.0  # a class's clicks arrive over a second or two: readouts wait this long after the last


_READOUT_LINES: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()  # event loop -> its asyncio.Lock
# Set in the thread of a readout: the samples a readout draws for itself are not a class's clicks. Counted,
# they made the next readout in line wait QUIET_S after each: 200 readouts after a hall's clicks came out
# one a second or slower, on idle cores (benchmarks/class_session.py --students 200, phase 5).
_in_readout = threading.local()


def in_readout_line(fn: Callable) -> Callable:
    """``fn`` as an async event handler that runs in a worker thread, one readout at a time across
    the studio. The judge's readout events run outside Gradio's queue (``ui.tab_kit.JUDGE``: each
    status message of a queued event costs the student's browser a walk over the whole page, and a
    click followed by its readout sent eight of them), so their line is kept here; a readout waiting
    for its turn holds no thread."""
    @functools.wraps(fn)
    async def in_line(*args):
        lock = _READOUT_LINES.setdefault(asyncio.get_running_loop(), asyncio.Lock())
        async with lock:
            return await anyio.to_thread.run_sync(lambda: _as_readout(fn, args))

    return in_line


def _as_readout(fn: Callable, args: tuple):
    """``fn(*args)`` with its own draws left out of the samplers' count (``_in_readout``)."""
    _in_readout.active = True
    try:
        return fn(*args)
    finally:
        _in_readout.active = False


def in_chunks_after_samplers(run: Callable[[slice], object], total: int, chunk: int = 100) -> list:
    """``run(part)`` for consecutive slices of ``range(total)``, each started only when no sampler
    request waits or runs: a long background draw (a judge's 1,000 samples) gives way to a class's
    pictures between its chunks instead of holding the cores for seconds."""
    parts = []
    for start in range(0, total, chunk):
        wait_until_samplers_idle(quiet=0.0)
        parts.append(run(slice(start, min(start + chunk, total))))
    return parts


def wait_until_samplers_idle(quiet: float = QUIET_S, timeout: float = 10.0) -> bool:
    """Block until no sampler request has waited or run for ``quiet`` seconds (at most ``timeout``
    seconds in all); whether they were idle."""
    deadline = time.monotonic() + timeout
    with _active_lock:
        while True:
            calm_for = time.monotonic() - _last_active
            if _active == 0 and calm_for >= quiet:
                return True
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            _active_lock.wait(min(left, quiet - calm_for if _active == 0 else left))


def _count(delta: int) -> None:
    global _active, _last_active
    with _active_lock:
        _active += delta
        _last_active = time.monotonic()
        if _active == 0:
            _active_lock.notify_all()


class Coalescer:
    """Serves the requests of a group that arrive while another batch of it runs, in one call."""

    def __init__(self, max_batch: int = 32) -> None:
        self.max_batch = max_batch
        self._lock = threading.Lock()
        self._waiting: dict[Hashable, list[_Request]] = {}
        self._running: set[Hashable] = set()
        self.batches: deque[int] = deque(maxlen=100)  # sizes of the last batches run, for tests

    def __call__(self, group: Hashable, item, run_many: Callable[[Sequence], Sequence]):
        """``run_many([item, ...])[k]`` for this ``item``, batched with others of ``group``."""
        request = _Request(item)
        if getattr(_in_readout, "active", False):  # a readout's own draw: no student waits on it
            return self._serve(group, request, run_many)
        _count(+1)
        try:
            return self._serve(group, request, run_many)
        finally:
            _count(-1)

    def _serve(self, group: Hashable, request: _Request, run_many: Callable[[Sequence], Sequence]):
        with self._lock:
            self._waiting.setdefault(group, []).append(request)
            request.lead = group not in self._running
            if request.lead:
                self._running.add(group)
        while True:
            if request.lead:
                request.lead = False
                self._run_batch(group, run_many)
            else:
                request.woken.wait()
                request.woken.clear()
            if request.done:
                if request.error is not None:
                    raise request.error
                return request.value

    def _run_batch(self, group: Hashable, run_many: Callable[[Sequence], Sequence]) -> None:
        with self._lock:
            waiting = self._waiting.get(group, [])
            batch, self._waiting[group] = waiting[:self.max_batch], waiting[self.max_batch:]
            self.batches.append(len(batch))
        try:
            values = list(run_many([request.item for request in batch]))
            if len(values) != len(batch):
                raise RuntimeError(f"A batch of {len(batch)} requests got {len(values)} results.")
            for request, value in zip(batch, values):
                request.value = value
        except BaseException as exc:  # every request of the batch hears of it
            for request in batch:
                request.error = exc
        with self._lock:
            for request in batch:
                request.done = True
            # Whoever waits longest runs the next batch, so no thread serves others after its own.
            rest = self._waiting.get(group, [])
            if rest:
                rest[0].lead = True
            else:
                self._running.discard(group)
                self._waiting.pop(group, None)
        for request in batch:
            request.woken.set()
        if rest:
            rest[0].woken.set()
