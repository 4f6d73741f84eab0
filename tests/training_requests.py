"""Requests for the tests' tiny training runs, written where each test's temporary folders say."""

from studio import registry
from studio.training_request import TrainingRequest, request


def shipped_request(recipe: str, **options) -> TrainingRequest:
    """A checked request that writes into ``pretrained/`` (a test points it at a temporary folder with
    ``STUDIO_PRETRAINED_DIR``), as ``python -m studio.train`` does by default."""
    return request(recipe, to=registry.SHIPPED, **options)


def user_request(recipe: str, **options) -> TrainingRequest:
    """A checked request that writes into the user cache, as a Train button does."""
    return request(recipe, to=registry.USER, **options)
