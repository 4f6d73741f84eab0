"""The training engine every recipe shares: progress reports, Stop, the fit loop and its record.

A recipe is build -> ``fit(...)`` -> measure -> ``bundle_writer.write_bundle``. ``fit`` runs ``model.fit`` with
progress reports (``on_progress(fraction, message)``), a preview and a history entry per epoch,
and Stop (a ``CancelToken``): a stopped run raises ``TrainingCancelled`` before anything is saved,
so the previous weights survive untouched, unless ``keep_on_stop`` asks to keep what was learnt.
It returns a ``Run``; ``training_record(run, ...)`` turns it into the ``training`` block of
``metadata.json``, the same keys for every recipe.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from studio.serving import runtime
from studio.serving.lazy_keras import keras
from studio.training.request import option

# fraction in [0, 1], and a sentence for the progress bar
ProgressFn = Callable[[float, str], None]

# Messages that sum up a finished epoch start with this mark; a terminal printer that skips most
# reports still prints these.
EPOCH_MARK = "✔ "


class TrainingCancelled(Exception):
    """Raised inside a training run when the user pressed Stop."""


class CancelToken:
    """A stop flag shared by the UI (which sets it) and a training loop (which checks it).

    By default a ``threading.Event``; a training job's worker process passes a
    ``multiprocessing`` Event instead, which the server sets from another process.
    """

    def __init__(self, event=None) -> None:
        self._event = event if event is not None else threading.Event()

    def cancel(self) -> None:
        """Ask the run to stop at its next check."""
        self._event.set()

    @property
    def cancelled(self) -> bool:
        """Whether Stop was pressed."""
        return self._event.is_set()

    def raise_if_cancelled(self) -> None:
        """Raise TrainingCancelled when Stop was pressed; training loops call this between steps."""
        if self._event.is_set():
            raise TrainingCancelled("Training was stopped; the previous weights are unchanged.")


def no_progress(fraction: float, message: str) -> None:
    """A progress callback that ignores every report (the default)."""



# Called at the end of every epoch with (epoch index, the epoch's logs, a preview image or None).
EpochFn = Callable[[int, dict, object], None]


def history_recorder(history: dict[str, list[float]], on_epoch: EpochFn | None = None,
                     digits: int = 4) -> EpochFn:
    """An ``on_epoch`` that appends each epoch's logs (rounded) to ``history`` for metadata.json,
    then passes the epoch on to ``on_epoch`` (the UI's live curves), if given."""

    def record(epoch: int, logs: dict, image) -> None:
        for key, value in logs.items():
            history.setdefault(key, []).append(round(float(value), digits))
        if on_epoch is not None:
            on_epoch(epoch, logs, image)

    return record


def keras_callback(on_progress: ProgressFn, cancel: CancelToken, epochs: int, steps_per_epoch: int,
                   describe: Callable[[int, dict], str] | None = None, on_epoch: EpochFn | None = None,
                   preview: Callable[[], object] | None = None):
    """A Keras callback: progress every few batches, a summary (and ``preview()``) every epoch, Stop.

    Stopping raises TrainingCancelled out of ``fit`` (rather than setting ``stop_training``), so
    the recipe decides what to save; by default nothing, and the previous weights survive.
    """
    total = max(1, epochs * steps_per_epoch)
    describe = describe or (lambda epoch, logs: f"epoch {epoch + 1}/{epochs} · loss {logs.get('loss', float('nan')):.4f}")

    class _Progress(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            self._epoch = epoch

        def on_train_batch_end(self, batch, logs=None):
            cancel.raise_if_cancelled()
            if batch % 20 == 0:
                on_progress((self._epoch * steps_per_epoch + batch + 1) / total, describe(self._epoch, logs or {}))

        def on_epoch_end(self, epoch, logs=None):
            logs = dict(logs or {})
            if on_epoch is not None:  # first, so that the epoch's line can quote what it measured
                on_epoch(epoch, logs, preview() if preview is not None else None)
            on_progress((epoch + 1) * steps_per_epoch / total, EPOCH_MARK + describe(epoch, logs))

    return _Progress()


def inference_weights_writer(model, rebuild: Callable[[], object]) -> Callable:
    """A registry file writer that saves ``model``'s weights without its optimizer state.

    Keras 3 writes a compiled model's optimizer variables into ``save_weights`` files, which
    triples their size and is useless for inference; copying the weights into a freshly built,
    uncompiled twin (``rebuild()``) keeps the shipped file to the weights alone.
    """

    def write(path) -> None:
        twin = rebuild()
        twin.set_weights(model.get_weights())
        twin.save_weights(path)

    return write


@dataclass(frozen=True)
class Run:
    """What a ``fit`` did: the per-epoch history, how far it got and how long it took."""

    history: dict[str, list[float]]
    planned: int  # epochs asked for (Keras epochs: a GAN's rounds of steps)
    completed: int  # epochs finished (fewer when stopped with keep-on-stop)
    seconds: float

    @property
    def stopped_early(self) -> bool:
        """Whether Stop ended the run before its last epoch."""
        return self.completed < self.planned


def fit(model, *fit_args, epochs: int, steps_per_epoch: int, on_progress: ProgressFn = no_progress,
        cancel: CancelToken | None = None, keep_on_stop: bool = False,
        describe: Callable[[int, dict], str] | None = None, on_epoch: EpochFn | None = None,
        preview: Callable[[], object] | None = None, extra_logs: Callable[[int, dict], dict] | None = None,
        digits: int = 4, repeating: bool = False, **fit_kwargs) -> Run:
    """``model.fit(*fit_args, epochs=epochs, **fit_kwargs)`` with the studio's progress, Stop and history.

    ``steps_per_epoch`` gives the progress fraction; ``repeating`` passes it to Keras too (an endless
    ``tf.data`` stream cut into epochs, as the GANs' rounds of steps); ``extra_logs(epoch, logs)`` adds measured
    values to an epoch's logs (e.g. the judge's agreement) before they are recorded and shown.
    Stop raises ``TrainingCancelled`` unless ``keep_on_stop`` and at least one epoch finished.
    """
    cancel = cancel or CancelToken()
    history: dict[str, list[float]] = {}
    recorder = history_recorder(history, on_epoch, digits)

    def record(epoch, logs, image) -> None:  # the epoch's logs with the measured extras, then recorded
        logs.update(extra_logs(epoch, logs) if extra_logs else {})  # the epoch's line shows them too
        recorder(epoch, logs, image)

    callback = keras_callback(on_progress, cancel, epochs, steps_per_epoch, describe, record, preview)
    started = time.perf_counter()
    try:
        if repeating:
            fit_kwargs["steps_per_epoch"] = steps_per_epoch
        model.fit(*fit_args, epochs=epochs, verbose=0, callbacks=[callback], **fit_kwargs)
    except TrainingCancelled:
        if not keep_on_stop or not history:
            raise
    completed = len(next(iter(history.values()), []))
    return Run(history, epochs, completed, time.perf_counter() - started)


def training_record(run: Run, *, batch_size: int, seed: int, optimizer: str, unit: str = "epochs",
                    per_unit: int = 1, **details) -> dict:
    """The ``training`` block of a bundle's metadata.json, the same keys for every recipe.

    ``unit`` names what ``planned`` counts ("epochs", or "steps" for a GAN whose Keras epochs are
    rounds of ``per_unit`` steps); ``details`` adds recipe-specific entries (loss, tricks, notes).
    """
    return {unit: run.planned * per_unit, f"{unit}_completed": run.completed * per_unit,
            "stopped_early": run.stopped_early, "batch_size": batch_size, "seed": seed, "optimizer": optimizer,
            **details, "seconds": round(run.seconds, 1), "device": runtime.device_info().label(),
            "history": run.history}


@dataclass(frozen=True)
class RunOptions:
    """The options every training recipe shares (``--batch-size``, ``--seed``, ``--limit``); a recipe's
    ``Options`` derive from it and may give ``batch_size`` a default of their own."""

    batch_size: int | None = option(128, "images a batch")
    seed: int = option(0, "the random seed: the same seed trains the same weights")
    limit: int | None = option(None, "train on the first N examples only (quick checks)")


@dataclass(frozen=True)
class RunContext:
    """What a recipe's ``run(request, ctx)`` reports to and listens to, besides its request."""

    on_progress: ProgressFn = no_progress
    on_epoch: EpochFn | None = None  # (epoch, logs, preview) after every epoch or round
    cancel: CancelToken | None = None  # Stop
    keep_on_stop: bool = False  # save what a stopped run learnt (recipes that support it)
