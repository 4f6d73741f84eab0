"""Training jobs: every Train click runs ``python -m studio.train``'s recipe in a worker process.

Training is CPU-bound and takes minutes, so it must never run in the server's process, where it
would hold up every other user's inference. A ``TrainingJobs`` keeps a line of jobs for the whole
server: the head of the line runs in a fresh worker process (``multiprocessing``, spawn context),
the others wait and can see their place and an estimate. The worker imports TensorFlow itself and
hands the job's ``TrainingRequest`` (typed options, checked when the job was made) to
``studio.train.run`` — what the terminal command runs with its parsed line — and sends what it reports back through a ``multiprocessing``
queue: progress lines, one preview and curve point per epoch, and how it ended.

Stop sets an event the worker's training loop checks after every batch; a worker that does not end
within a grace period is terminated. A worker that dies (killed, out of memory) writes nothing: the
registry's atomic save means the previous weights stay active, and the next job runs normally. New
weights reach the server's caches through ``registry.version_key``, with no restart.

Events on a ticket's queue (plain tuples, so they cross the process boundary):
``("started",)``, ``("progress", fraction, message)``, ``("epoch", epoch, logs, preview)``, and one
final event: ``("done", bundle_names, seconds)``, ``("stopped", saved)``, ``("failed", message)``
(an explained error, e.g. no data set), ``("crashed", message)`` or ``("left",)`` (left the line
before it started).
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
import queue
import threading
import time
from dataclasses import dataclass, field

from studio import data, paths, train
from studio.bundles import registry
from studio.training import CancelToken, RunContext, TrainingCancelled
from studio.training.request import TrainingRequest

FINAL_EVENTS = frozenset({"done", "stopped", "failed", "crashed", "left"})
STOP_GRACE_S = 15.0  # a stopped job that saves nothing must be gone by then (one batch, or TF's import)
KEEP_GRACE_S = 300.0  # a stopped job that keeps its weights still judges and saves them
POLL_S = 0.2


class TrainingFailed(RuntimeError):
    """A training job ended without new weights; the message says why, in one sentence."""


@dataclass(frozen=True)
class JobSpec:
    """One training job: the ``python -m studio.train`` arguments it runs and what the line shows."""

    request: TrainingRequest  # e.g. the "gan" recipe with variant="dcgan_mnist", steps=1000, into the user cache
    title: str  # e.g. "GAN dcgan_mnist · 10 rounds"
    estimate_s: float | None = None  # expected duration, for the waiting line's estimate
    keep_on_stop: bool = False  # Stop saves what was learnt so far

    @property
    def argv(self) -> tuple[str, ...]:
        """The equivalent ``python -m studio.train`` arguments (shown, never parsed by the worker)."""
        return self.request.argv()

    @property
    def command(self) -> str:
        """The equivalent terminal command."""
        return self.request.command()


@dataclass(eq=False)
class Ticket:
    """A job's place in the line and the events it produced (read by the tab that submitted it)."""

    spec: JobSpec
    number: int
    events: queue.Queue = field(default_factory=queue.Queue)
    state: str = "waiting"  # waiting -> running -> finished
    started_at: float | None = None
    fraction: float = 0.0
    cancel_requested: threading.Event = field(default_factory=threading.Event)

    def cancel(self) -> None:
        """Stop the job if it runs, or leave the line if it waits."""
        self.cancel_requested.set()

    def remaining_s(self, now: float | None = None) -> float | None:
        """The expected seconds until this job ends (None when nothing is known)."""
        if self.state == "finished":
            return 0.0
        if self.state == "waiting" or self.started_at is None:
            return self.spec.estimate_s
        elapsed = (now or time.monotonic()) - self.started_at
        if self.fraction >= 0.02:  # measured pace
            return max(0.0, elapsed * (1 - self.fraction) / self.fraction)
        return None if self.spec.estimate_s is None else max(0.0, self.spec.estimate_s - elapsed)


def _worker_settings() -> dict[str, str]:
    """Where the worker finds weights and data: the server's current folders."""
    settings = {"STUDIO_PRETRAINED_DIR": str(paths.pretrained_dir()),
                "STUDIO_CACHE_DIR": str(paths.user_cache_dir())}
    if paths.data_dir() is not None:
        settings["STUDIO_DATA_DIR"] = str(paths.data_dir())
    return settings


class TrainingJobs:
    """The server's line of training jobs: one runs (in its own process), the others wait."""

    def __init__(self, start_method: str = "spawn", stop_grace_s: float = STOP_GRACE_S,
                 keep_grace_s: float = KEEP_GRACE_S) -> None:
        self._context = multiprocessing.get_context(start_method)
        self._stop_grace_s = stop_grace_s
        self._keep_grace_s = keep_grace_s
        self._cond = threading.Condition()
        self._line: list[Ticket] = []  # the running job first, then the waiting ones in order
        self._numbers = itertools.count(1)
        self._durations: dict[str, list[float]] = {}  # recipe -> seconds of finished jobs
        self._dispatcher: threading.Thread | None = None
        self.current_pid: int | None = None  # the running worker's process id (tests kill it)

    # --- the line ----------------------------------------------------------------------------------
    def submit(self, spec: JobSpec) -> Ticket:
        """Put a job in line; it starts as soon as the jobs before it have ended."""
        if spec.estimate_s is None and self._durations.get(spec.request.recipe):
            past = self._durations[spec.request.recipe]
            spec = JobSpec(spec.request, spec.title, sum(past) / len(past), spec.keep_on_stop)
        ticket = Ticket(spec, next(self._numbers))
        with self._cond:
            self._line.append(ticket)
            if self._dispatcher is None or not self._dispatcher.is_alive():
                self._dispatcher = threading.Thread(target=self._dispatch, name="studio-training-jobs", daemon=True)
                self._dispatcher.start()
            self._cond.notify_all()
        return ticket

    def place(self, ticket: Ticket) -> int | None:
        """0 while the job runs, k when k jobs are ahead of it, None once it has left the line."""
        with self._cond:
            return self._line.index(ticket) if ticket in self._line else None

    def wait_estimate(self, ticket: Ticket) -> float | None:
        """Seconds until ``ticket`` may start: what is left of the jobs ahead (None if unknown)."""
        now = time.monotonic()
        with self._cond:
            ahead = self._line[:self._line.index(ticket)] if ticket in self._line else []
        total = 0.0
        for other in ahead:
            left = other.remaining_s(now)
            if left is None:
                return None
            total += left
        return total

    def leave(self, ticket: Ticket) -> bool:
        """Take a waiting job out of the line (True), or ask a running one to stop (False)."""
        ticket.cancel()
        with self._cond:
            if ticket.state == "waiting" and ticket in self._line:
                self._line.remove(ticket)
                ticket.state = "finished"
                ticket.events.put(("left",))
                self._cond.notify_all()
                return True
        return False

    def busy(self) -> bool:
        """Whether a job runs or waits."""
        with self._cond:
            return bool(self._line)

    # --- running jobs, one at a time ---------------------------------------------------------------
    def _dispatch(self) -> None:
        while True:
            with self._cond:
                while not self._line:
                    if not self._cond.wait(timeout=60):
                        if not self._line:  # idle for a minute: the next submit starts a new thread
                            self._dispatcher = None
                            return
                ticket = self._line[0]
                if ticket.cancel_requested.is_set():  # left before its turn came
                    self._line.pop(0)
                    ticket.state = "finished"
                    ticket.events.put(("left",))
                    continue
                ticket.state = "running"
                ticket.started_at = time.monotonic()
            final = self._run(ticket)
            with self._cond:
                self._line.remove(ticket)
                ticket.state = "finished"
                if final[0] == "done":
                    self._durations.setdefault(ticket.spec.request.recipe, []).append(final[2])
                ticket.events.put(final)
                self._cond.notify_all()

    def _run(self, ticket: Ticket) -> tuple:
        """Run one job in a worker process; returns its final event."""
        events = self._context.Queue()
        stop = self._context.Event()
        process = self._context.Process(
            target=worker_main,
            args=(ticket.spec.request, _worker_settings(), events, stop, ticket.spec.keep_on_stop, os.getpid()),
            name=f"studio-training-{ticket.number}", daemon=True)
        try:
            process.start()
        except Exception as exc:  # noqa: BLE001 - e.g. no memory for a new process: say so
            return ("crashed", f"The training process could not start ({type(exc).__name__}: {exc}).")
        self.current_pid = process.pid
        ticket.events.put(("started",))
        stop_sent_at = None
        final = None
        try:
            while final is None:
                if ticket.cancel_requested.is_set() and stop_sent_at is None:
                    stop.set()
                    stop_sent_at = time.monotonic()
                try:
                    event = events.get(timeout=POLL_S)
                except queue.Empty:
                    event = None
                if event is not None:
                    if event[0] in FINAL_EVENTS:
                        final = event
                        break
                    if event[0] == "progress":
                        ticket.fraction = float(event[1])
                    ticket.events.put(event)
                    continue
                if not process.is_alive():
                    final = self._drain(events, ticket) or _death_of(process.exitcode, stop_sent_at is not None)
                elif stop_sent_at is not None:
                    grace = self._keep_grace_s if ticket.spec.keep_on_stop else self._stop_grace_s
                    if time.monotonic() - stop_sent_at > grace:
                        _end(process)
                        final = ("stopped", False)
        finally:
            _end(process, wait_s=30 if final and final[0] == "done" else 5)
            self.current_pid = None
            events.close()
        return final

    @staticmethod
    def _drain(events, ticket: Ticket) -> tuple | None:
        """Pass on what a finished worker left in its queue; its final event, if it sent one."""
        while True:
            try:
                event = events.get(timeout=0.5)
            except queue.Empty:
                return None
            if event[0] in FINAL_EVENTS:
                return event
            ticket.events.put(event)


def _end(process, wait_s: float = 5.0) -> None:
    """Let a worker exit, terminating (then killing) it when it does not."""
    process.join(timeout=wait_s)
    if process.is_alive():
        process.terminate()
        process.join(timeout=5)
    if process.is_alive():
        process.kill()
        process.join(timeout=5)


def _death_of(exitcode: int | None, stopping: bool) -> tuple:
    """The final event of a worker that ended without saying how."""
    if stopping:
        return ("stopped", False)
    how = f"was killed (signal {-exitcode})" if exitcode is not None and exitcode < 0 else f"exited with code {exitcode}"
    return ("crashed", f"The training process {how} before it finished; nothing was saved and the previous "
                       "weights are still in use. The next training runs normally.")


# --- the worker process ---------------------------------------------------------------------------------
def _exit_with_the_server(server_pid: int, poll_s: float = 1.0) -> None:
    """End this worker as soon as the server that started it is gone.

    A server stopped by a signal (Ctrl-C, ``kill``, a test's ``terminate``) does not run
    multiprocessing's exit handlers, so its daemon worker would train on as an orphan, holding
    both cores; when the parent dies the worker is re-parented, which this thread notices.
    ``server_pid`` comes from the server itself: one killed while its worker was still starting is
    gone already, and the worker's parent is then someone else from the start.
    """

    def watch() -> None:
        while os.getppid() == server_pid:
            time.sleep(poll_s)
        os._exit(3)  # nothing to save: a job that loses its server writes nothing

    threading.Thread(target=watch, name="exit-with-the-server", daemon=True).start()


def worker_main(request, settings: dict, events, stop, keep_on_stop: bool, server_pid: int) -> None:
    """The worker process: run the ``TrainingRequest`` and report through ``events``.

    Runs in a spawned process, so it imports TensorFlow (through the recipe) itself.
    """
    os.environ.update(settings)
    os.environ.pop("STUDIO_INFERENCE_THREADS", None)  # the server's cap, not the trainer's (runtime.THREADS_VARIABLE)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # keep TensorFlow's start-up chatter out of the server log
    _exit_with_the_server(server_pid)
    started = time.monotonic()
    try:
        paths.set_data_dir(settings.get("STUDIO_DATA_DIR"))

        def on_epoch(epoch, logs, preview) -> None:
            clean = {str(k): float(v) for k, v in dict(logs).items()}
            events.put(("epoch", int(epoch), clean, preview))

        ctx = RunContext(on_progress=lambda f, m: events.put(("progress", float(f), str(m))),
                         on_epoch=on_epoch, cancel=CancelToken(stop), keep_on_stop=keep_on_stop)
        try:
            bundles = train.run(request, ctx)
        except (TrainingCancelled, KeyboardInterrupt):
            events.put(("stopped", False))
            return
        except (data.DataUnavailableError, registry.WeightsUnavailableError, ValueError, FileNotFoundError) as exc:
            events.put(("failed", str(exc)))
            return
        # A run stopped with keep-on-stop returns its saved bundle like a finished one.
        events.put(("stopped", True) if stop.is_set() else ("done", [b.name for b in bundles],
                                                              time.monotonic() - started))
    except BaseException as exc:  # noqa: BLE001 - reported to the tab, which says it in one sentence
        events.put(("crashed", f"The training stopped with an unexpected error ({type(exc).__name__}: {exc}); "
                               "the previous weights are still in use."))
    finally:
        events.close()
        events.join_thread()  # every event reaches the server before the process exits


def estimate_from_shipped(bundle_name: str, unit: str, units: int) -> float | None:
    """Seconds that ``units`` epochs (or steps: ``unit`` names the ``training`` key) should take,
    from the shipped bundle's recorded training time; None when it recorded none."""
    try:
        training = registry.load(bundle_name, registry.SHIPPED).metadata.get("training", {})
        per_unit = float(training["seconds"]) / float(training[unit])
    except (registry.WeightsUnavailableError, KeyError, TypeError, ValueError, ZeroDivisionError):
        return None
    return per_unit * units
