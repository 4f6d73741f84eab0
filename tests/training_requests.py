"""Requests for the tests' tiny training runs, written where each test's temporary folders say."""

import contextlib

from studio import data, paths
from studio.bundles import registry
from studio.training.request import TrainingRequest, request


def shipped_request(recipe: str, **options) -> TrainingRequest:
    """A checked request that writes into ``pretrained/`` (a test points it at a temporary folder with
    ``STUDIO_PRETRAINED_DIR``), as ``python -m studio.train`` does by default."""
    return request(recipe, to=registry.SHIPPED, **options)


def user_request(recipe: str, **options) -> TrainingRequest:
    """A checked request that writes into the user cache, as a Train button does."""
    return request(recipe, to=registry.USER, **options)


@contextlib.contextmanager
def tiny_mnist_run(tmp_path, monkeypatch, train: int = 64, test: int = 20):
    """A temporary pretrained/ folder and a tiny synthetic MNIST as the data folder, for one tiny training
    run (nothing downloads); the data folder is unset after."""
    from conftest import write_tiny_data

    monkeypatch.setenv("STUDIO_PRETRAINED_DIR", str(tmp_path / "pretrained"))
    monkeypatch.setenv("STUDIO_NO_DOWNLOAD", "1")
    paths.set_data_dir(write_tiny_data(tmp_path / "data", train=train, test=test))
    data._load_cached.cache_clear()
    try:
        yield
    finally:
        paths.set_data_dir(None)
