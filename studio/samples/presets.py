"""The shipped test images bundle: the first test images of each data set, for the tabs."""

NAME = "samples"
COUNT = 1000
FILE = "test_images.npz"
