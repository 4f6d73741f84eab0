"""Generative Studio: a Gradio app for the classic generative models of the lectures.

Importing this package is cheap on purpose: it pulls in neither TensorFlow nor Gradio, so
command-line tools, tests and the data helpers start instantly.
"""

__version__ = "0.1.0"
