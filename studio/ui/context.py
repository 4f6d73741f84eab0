"""What every tab is built with: one object instead of a different argument list per tab."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from studio.ui.class_kit import ClassKit
from studio.ui.i18n import Translator
from studio.ui.jobs import SessionJobs
from studio.ui.link_targets import LinkTarget


@dataclass(frozen=True)
class TabContext:
    """The shared kit of the tabs.

    ``lang`` is the page's language widget (an input of most events); ``jobs`` holds each browser
    session's Stop button for long jobs; ``trainer`` is the server's line of training jobs
    (``studio.training_jobs.TrainingJobs``), None when training is off; ``quality`` the judges.
    ``classroom`` pools the students' answers when a class runs (``studio.ui.class_kit``).
    ``warm_ups`` collects, in tab order, what each tab's first click would otherwise pay for
    (loading its models, tracing its functions); the app runs them once the page is served.
    """

    tr: Translator
    lang: object
    jobs: SessionJobs
    trainer: object | None
    quality: object
    warm_ups: list[Callable[[], object]] = field(default_factory=list)
    services: dict[type, object] = field(default_factory=dict)
    link_targets: list[LinkTarget] = field(default_factory=list)
    classroom: ClassKit = field(default_factory=ClassKit)  # the class session's side for tabs (inert without one)

    def service(self, kind: type):
        """The app's one ``kind()`` (a service class), made on first use: two tabs that show the same
        models (the autoencoder and the VAE tab) share one service and its loaded bundles."""
        if kind not in self.services:
            self.services[kind] = kind()
        return self.services[kind]

    def link_target(self, target: LinkTarget) -> None:
        """Register where one of this tab's reproducible results lives, so a link to it opens there."""
        self.link_targets.append(target)

    def warm_up(self, *tasks: Callable[[], object]) -> None:
        """Register what this tab's main actions need ready before a student's first click."""
        self.warm_ups.extend(tasks)

    @property
    def allow_training(self) -> bool:
        """Whether the tabs show their training controls."""
        return self.trainer is not None
