"""Image helpers: conversion ranges, grids, bounded resizing, GIF export."""

import numpy as np
from PIL import Image

from studio.media import imaging


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


def test_labelled_grid_has_captions_above_images():
    images = np.full((4, 28, 28), 255, np.uint8)
    out = imaging.labelled_grid(images, ["a", "b", "c", "d"], cols=2, scale=1)
    assert out.shape == (2 * (28 + 14) + 3 * 2, 2 * 28 + 3 * 2, 3)
    assert out[2 + 14 + 5, 2 + 5].tolist() == [255, 255, 255]  # an image pixel
    assert (out[2:2 + 14, 2:2 + 28] < 200).any()  # caption ink


def test_drawings_become_centred_mnist_digits():
    from PIL import ImageDraw

    # Black strokes on a transparent layer (a sketchpad), far off-centre and large.
    sketch = Image.new("RGBA", (800, 600), (0, 0, 0, 0))
    ImageDraw.Draw(sketch).ellipse([20, 20, 220, 420], outline=(0, 0, 0, 255), width=30)
    digit = imaging.to_mnist_digit(sketch)
    assert digit.shape == (28, 28) and digit.dtype == np.uint8
    rows, cols = np.nonzero(digit > 50)
    assert rows.max() - rows.min() <= 20 and abs(rows.mean() - 13.5) < 2 and abs(cols.mean() - 13.5) < 2
    # White strokes on black (already MNIST-like) and a greyscale photo mode work too.
    photo = Image.new("L", (50, 50), 0)
    ImageDraw.Draw(photo).line([(25, 5), (25, 45)], fill=255, width=4)
    assert imaging.to_mnist_digit(photo).max() == 255


def test_an_empty_drawing_is_refused():
    import pytest

    with pytest.raises(ValueError, match="empty"):
        imaging.to_mnist_digit(Image.new("RGBA", (280, 280), (0, 0, 0, 0)))


def test_a_huge_photo_is_bounded_before_use():
    from PIL import ImageDraw

    photo = Image.new("RGB", (6000, 4000), "white")
    ImageDraw.Draw(photo).rectangle([2900, 500, 3100, 3500], fill="black")
    digit = imaging.to_mnist_digit(photo)
    assert digit.shape == (28, 28) and digit.max() > 200
