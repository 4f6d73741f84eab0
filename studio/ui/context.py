"""What every tab is built with: one object instead of a different argument list per tab."""

from __future__ import annotations

from dataclasses import dataclass

from studio.ui.i18n import Translator
from studio.ui.jobs import SessionJobs


@dataclass(frozen=True)
class TabContext:
    """The shared kit of the tabs.

    ``lang`` is the page's language widget (an input of most events); ``jobs`` holds each browser
    session's Stop button for long jobs; ``trainer`` is the server's line of training jobs
    (``studio.training_jobs.TrainingJobs``), None when training is off; ``quality`` the judges.
    """

    tr: Translator
    lang: object
    jobs: SessionJobs
    trainer: object | None
    quality: object

    @property
    def allow_training(self) -> bool:
        """Whether the tabs show their training controls."""
        return self.trainer is not None
