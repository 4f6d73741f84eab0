"""One module per technique that knows its bundles: presets (configs, data set, defaults, bundle
names, files) and how to load a bundle into an inference object.

This layer sits below both ``recipes`` (which train and save bundles) and ``services`` (which load
them for the tabs), so neither needs the other: models -> bundles -> recipes and services -> ui.
Nothing here imports TensorFlow at import time.
"""
