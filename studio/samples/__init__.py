"""The shipped test images: the first test pictures of each data set, so tabs show real digits
without a data set on disk (``presets``: names and files; ``recipe``: ``python -m studio.train samples``)."""
