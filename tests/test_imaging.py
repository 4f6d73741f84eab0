"""Image helpers: conversion ranges, grids, bounded resizing, GIF export."""

import numpy as np
from PIL import Image

from studio import imaging


def test_to_uint8_maps_and_clips_ranges():
    out = imaging.to_uint8(np.array([-1.0, 0.0, 1.0, 3.0]), (-1, 1))
    assert out.dtype == np.uint8 and out.tolist() == [0, 128, 255, 255]
    assert imaging.to_uint8(np.array([0.5]))[0] == 128


def test_grid_places_images_row_by_row():
    images = np.stack([np.full((2, 3), k, np.uint8) for k in range(5)])
    out = imaging.grid(images, cols=3, pad=1, pad_value=255)
    assert out.shape == (2 * 2 + 3, 3 * 3 + 4)
    assert out[1, 1] == 0 and out[1, 5] == 1 and out[4, 1] == 3
    assert out[4, 9] == 255  # the empty sixth cell stays padding
    assert imaging.grid(images, cols=5, scale=3).shape == (2 * 3 + 4, 5 * 9 + 12)


def test_bounded_shrinks_large_images_only():
    big = Image.new("RGB", (4000, 1000))
    assert imaging.bounded(big, 1024).size == (1024, 256)
    small = Image.new("L", (30, 20))
    assert imaging.bounded(small, 1024).size == (30, 20)


def test_gif_has_every_frame(tmp_path):
    frames = np.stack([np.full((8, 8), v, np.uint8) for v in (0, 128, 255)])
    path = imaging.save_gif(frames, tmp_path / "walk.gif")
    with Image.open(path) as gif:
        assert gif.n_frames == 3
