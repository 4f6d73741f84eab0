"""Keras and TensorFlow, imported on first use: ``from studio.serving.lazy_keras import keras, layers, ops, tf``.

Importing TensorFlow costs seconds, and most of the studio's processes never need it: the command line
building its parser, the app building its page, a test reading a config. So a model module names Keras at
its top, as any Keras code does, and TensorFlow is imported (with the studio's settings:
``runtime.import_tensorflow``) the first time a name is looked up on it, inside a function that builds or
runs a model. This one mechanism replaces an ``import keras`` inside every such function.

Class statements that subclass ``keras.Model`` still run inside a function (see ``_gan_class`` and the
like): a base class is looked up when the class is made, which would import TensorFlow at import time.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from studio.serving import runtime


class LazyModule:
    """Stands for the module ``name`` and imports it on the first attribute looked up on it."""

    def __init__(self, name: str) -> None:
        self._name = name
        self._module: ModuleType | None = None

    def _load(self) -> ModuleType:
        if self._module is None:
            runtime.import_tensorflow()  # the studio's TensorFlow settings come before Keras's first import
            self._module = importlib.import_module(self._name)
        return self._module

    def __getattr__(self, attribute: str):
        if attribute.startswith("__"):  # copy, pickle and inspect ask for dunders: not a reason to load
            raise AttributeError(attribute)
        return getattr(self._load(), attribute)

    def __repr__(self) -> str:
        return f"<{self._name}, {'loaded' if self._module is not None else 'imported on first use'}>"


keras = LazyModule("keras")
layers = LazyModule("keras.layers")
ops = LazyModule("keras.ops")
tf = LazyModule("tensorflow")
