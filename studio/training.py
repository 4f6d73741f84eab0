"""What every training run shares: progress reports and a way to stop it halfway.

A training function takes ``on_progress(fraction, message)`` and a ``CancelToken``. It reports
as it goes and calls ``token.raise_if_cancelled()`` between steps; a stopped run raises
``TrainingCancelled`` before anything is saved, so the previous weights survive untouched.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

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
    import keras  # only the recipes that train Keras models pay for this import

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
            on_progress((epoch + 1) * steps_per_epoch / total, EPOCH_MARK + describe(epoch, logs))
            if on_epoch is not None:
                on_epoch(epoch, logs, preview() if preview is not None else None)

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
