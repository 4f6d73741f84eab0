"""The Train button's job for a recipe trained in epochs with a ``SliceSchedule`` (InfoGAN, diffusion)."""

from __future__ import annotations

from studio.bundles import registry
from studio.checks import UserError, check_count, check_schedule
from studio.training.schedules import SliceSchedule
from studio.training.jobs import JobSpec, estimate_from_shipped
from studio.training.request import request

TRAIN_IMAGES = 60000  # MNIST's training digits: a schedule's share of an epoch scales the estimate


def epoch_job(recipe: str, title: str, epochs, keep_on_stop: bool, schedule: str, classroom: SliceSchedule,
              batch_size: int, max_epochs: int) -> JobSpec:
    """``python -m studio.train RECIPE`` for ``epochs`` passes at ``batch_size`` into the user cache, or with
    ``schedule`` "classroom" the quick ``classroom`` settings (their own length; ``epochs`` unused). The
    estimate comes from the shipped bundle's recorded seconds per epoch (``recipe`` names the bundle)."""
    if check_schedule(schedule) == "classroom":
        estimate = estimate_from_shipped(recipe, "epochs", classroom.epochs)
        return JobSpec(request(recipe, **classroom.options()),
                       f"{title} · classroom schedule · {classroom.epochs} passes over {classroom.limit:,} digits",
                       None if estimate is None else estimate * classroom.limit / TRAIN_IMAGES, keep_on_stop)
    epochs = check_count(epochs, 1, max_epochs, "epochs")
    return JobSpec(request(recipe, epochs=epochs, batch_size=batch_size),
                   f"{title} · {epochs} epochs", estimate_from_shipped(recipe, "epochs", epochs), keep_on_stop)


def use_shipped(bundle: str, title: str) -> None:
    """Return ``bundle`` to its shipped weights (the tab's button), or say why it cannot."""
    if not registry.exists(bundle, registry.SHIPPED):
        raise UserError(f"This studio has no shipped {title} weights: the ones you trained stay in use.")
    registry.set_active(bundle, registry.SHIPPED)
