"""Training recipes: each fits one technique from the data sets and saves its bundle.

The command line (``python -m studio.train``) and the tabs' Train buttons call the same recipe,
the former writing to ``pretrained/`` and the latter to the user cache.
"""
