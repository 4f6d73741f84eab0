"""Korean wherever a student looks: every word drawn into a figure or a picture comes from the texts table.

Every figure and every labelled picture of the studio is drawn here in Korean (from the shipped weights,
small inputs) while each string drawn is recorded: the texts of each Matplotlib figure its Agg canvas
draws (titles, axis labels, ticks, legends, notes) and every ``ImageDraw.text`` of Pillow (the captions
of ``imaging.labelled_grid``, the GAN's answer strip); the captions a gallery shows under its pictures
are checked too. Each Latin word among them must be

* a word the table's Korean texts use themselves (``softmax``, ``ln``, ``alpha``, ``TV``, ``KL``: the
  Korean lessons write them so),
* a name in ``TECHNICAL`` or a symbol (``SYMBOL``: t, T, z1, c2, x_t, d, p), or
* the data itself: the text model's next words are English words of IMDB reviews.

An English word written into a figure's code ("input outline", an emoji's English name) fails here.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.text import Text
from PIL import ImageDraw

from conftest import ROOT
from studio import data, texts
from studio.media import plots

# Names the studio's figures draw as the lectures and papers write them, in Korean texts too: the models
# (GAN; AE and VAE, the autoencoder and the variational one, on the VAE tab's comparison), Pix2Pix's
# generator (U-Net) and its loss (L1), and the judge's measure (FID).
TECHNICAL = {"GAN", "U-Net", "L1", "FID", "AE", "VAE"}
# A symbol: one letter, with a digit or an underscore subscript (t, T, z1, c2, x_t, x_0, d, p).
SYMBOL = re.compile(r"[A-Za-z](?:[0-9]|_[A-Za-z0-9])?")
# A Latin word: letters and digits, joined by "-" or "_" ("U-Net", "d_loss"); not a number's exponent ("1e-4").
WORD = re.compile(r"(?<![A-Za-z0-9])[A-Za-z][A-Za-z0-9]*(?:[-_][A-Za-z0-9]+)*")
MATHTEXT = re.compile(r"\\[A-Za-z]+")  # Matplotlib's log-axis ticks: "$\mathdefault{10^{1}}$"
# Not words of a Korean text: its placeholders ("{noise:+.2f}" names a value), its code (`val_loss`, a
# command line) and its links' addresses.
NOT_PROSE = re.compile(r"\{[^{}]*\}|`[^`]*`|\]\([^)]*\)|https?://\S+")
KOREAN_WORDS = {w for entry in texts.STRINGS.values() for w in WORD.findall(NOT_PROSE.sub(" ", entry["ko"]))}


def foreign_words(strings, data_words=()) -> list[str]:
    """Each Latin word of ``strings`` that is neither in the Korean table, nor technical, nor a symbol
    (a string that is one of ``data_words`` is data, not a word of the studio)."""
    found = []
    for s in strings:
        if s in data_words:
            continue
        for word in WORD.findall(MATHTEXT.sub(" ", s)):
            if word not in KOREAN_WORDS and word not in TECHNICAL and not SYMBOL.fullmatch(word):
                found.append(f"{word!r} in {s!r}")
    return sorted(set(found))


@pytest.fixture
def drawn(monkeypatch) -> list[str]:
    """Every string drawn while the test runs: each figure's visible texts (once its canvas has drawn
    them, so ticks and legends are there) and each Pillow ``ImageDraw.text``."""
    strings: list[str] = []
    canvas_draw, pillow_text = FigureCanvasAgg.draw, ImageDraw.ImageDraw.text

    def draw(self, *args, **kwargs):
        result = canvas_draw(self, *args, **kwargs)
        strings.extend(t.get_text() for t in self.figure.findobj(Text) if t.get_visible() and t.get_text().strip())
        return result

    def text(self, xy, text, *args, **kwargs):
        strings.append(text if isinstance(text, str) else text.decode())
        return pillow_text(self, xy, text, *args, **kwargs)

    monkeypatch.setattr(FigureCanvasAgg, "draw", draw)
    monkeypatch.setattr(ImageDraw.ImageDraw, "text", text)
    assert plots.HANGUL_READY and texts.korean_font_file() is not None  # else the figures are English
    return strings


def test_the_check_catches_english_words_and_lets_korean_symbols_and_names_pass():
    english = ["input outline", "encoder-decoder + GAN", "ground truth", "0 · Lion face", "real ok",
               "guess of x_0", "noise=+0.10", "d_loss", "epoch"]
    assert all(foreign_words([s]) for s in english)
    korean = ["입력 윤곽선", "U-Net, L1만", "0 · 사자 얼굴", "GAN 맞음", "x_t  t=0.50  신호 50%", "잡음=+0.10",
              "alpha=0.125", "모델의 softmax · 엔트로피 2.00 비트", "c2·c3 손실", "$\\mathdefault{10^{1}}$", "z1",
              "판정자 FID (낮을수록 좋음)", "VAE 0.25", "1e-4"]
    assert foreign_words(korean) == []


def test_the_table_is_the_cores_and_without_a_korean_font_the_pictures_speak_english(monkeypatch):
    """The figures read the table without Gradio or the interface; where Hangul cannot be drawn, they
    draw English rather than empty boxes."""
    code = ("import sys, studio.texts, studio.media.plots, studio.media.imaging, studio.classroom.pools; "
            "print(sorted(m for m in sys.modules if m == 'gradio' or m.startswith('studio.ui')))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["[]"]
    assert plots.word("plots.epoch", "ko") == "에포크" and texts.picture_text("gan.truth_real", "ko") == "진짜"
    monkeypatch.setattr(plots, "HANGUL_READY", False)
    monkeypatch.setattr(texts, "korean_font_file", lambda: None)
    assert plots.word("plots.epoch", "ko") == "epoch" and plots.curve_name("val_loss", "ko") == "val_loss"
    assert texts.picture_text("gan.truth_real", "ko") == "real"


# --- the core's figures ------------------------------------------------------------------------------------
def _shipped_histories() -> dict[str, dict[str, list[float]]]:
    """Each shipped bundle's training history, as its training panel draws it."""
    histories = {}
    for path in sorted((ROOT / "pretrained").glob("*/metadata.json")):
        history = json.loads(path.read_text("utf-8")).get("training", {}).get("history")
        if isinstance(history, dict) and history:
            histories[path.parent.name] = history
    return histories


def test_the_training_curves_name_every_logged_curve_in_korean(drawn):
    histories = _shipped_histories()
    assert {"vae", "pix2pix_unet", "infogan", "cgan_conv", "judge_mnist", "text_lm"} <= set(histories)
    histories["style"] = {"content": [3.0, 2.0], "style": [5.0, 1.0], "tv": [0.5, 0.4]}  # style transfer's live curves
    for history in histories.values():
        plots.loss_curves(history, lang="ko")
    assert foreign_words(drawn) == []
    assert plots.curve_name("val_gen_l1_loss", "ko") == "G의 L1 손실 (검증)"
    assert plots.curve_name("val_gen_l1_loss", "en") == "val_gen_l1_loss"  # English keeps Keras's names
    assert plots.curve_name("some_new_metric", "ko") == "some_new_metric"


def test_the_class_pools_and_the_latent_maps_speak_korean(drawn):
    from studio.classroom import pools
    from studio.techniques.gan.poll import game_picture
    from studio.techniques.text_lm.poll import temperature_picture

    label = texts.text("gan.tab", "ko")  # the GAN tab pools a generator's name from the table
    game_picture([{"generator": "dcgan_mnist", "label": label, "correct": 6, "total": 8}], "ko")
    temperature_picture([{"temperature": 0.5, "yes": True, "distinct": 0.6, "repeated": 0.1},
                         {"temperature": 1.5, "yes": False, "distinct": 0.9, "repeated": 0.0}], "ko")
    game_picture([], "ko")
    temperature_picture([], "ko")
    pools.wall_picture(np.zeros((3, 28, 28), np.uint8), ["1", "7·2", "42"])
    rng = np.random.default_rng(0)
    plots.latent_scatter(rng.normal(size=(40, 2)), np.arange(40) % 10, data.CLASS_NAMES["mnist"], (-3, 3), (-3, 3))
    assert foreign_words(drawn) == []


def test_the_gan_figures_speak_korean(drawn):
    from studio.techniques.gan.plots import gan_curves, gan_record

    history = {"d_loss": [0.7, 0.68, 0.69], "g_loss": [0.8, 0.75, 0.7], "fid": [120.0, 40.0, 12.0]}
    gan_curves(history, 100, lang="ko")
    gan_record(history, 100, [100, 200, 300], [120.0, 40.0, 12.0], floor=1.5, lang="ko")
    assert foreign_words(drawn) == []


def test_the_pixel_models_figures_speak_korean(drawn):
    from studio.techniques.pixel.service import PixelService

    service = PixelService()
    service.entropy_picture("mnist", None, 1.0, 14, 14, "ko")
    service.histogram_picture("mnist", 3, 1.0, 14, 14, "ko")
    assert foreign_words(drawn) == []


# --- the techniques' labelled pictures (shipped weights) ------------------------------------------------------
def test_pix2pix_labels_its_comparison_and_names_the_emoji_in_korean(drawn):
    from studio.techniques.pix2pix.service import Pix2PixService

    service = Pix2PixService()
    for dataset in ("fashion", "emoji"):
        edges, truth = service.example(0, dataset)
        service.comparison(edges, truth, dataset, lang="ko")
        service.comparison(edges, dataset=dataset, lang="ko")
        captions = [caption for _, caption in service.gallery(dataset, "ko")]
        drawn.extend(captions)
    assert foreign_words(drawn) == []
    assert re.fullmatch(r"0 · [가-힣 ]+", captions[0])  # the emoji's CLDR name, without its skin tone
    assert texts.text("p2p.fig_input", "ko") in drawn and texts.text("p2p.name_l1", "ko") in drawn


def test_the_gans_pictures_speak_korean(drawn, monkeypatch):
    from studio.judge import metrics
    from studio.media import openmoji
    from studio.techniques.colour_gan.service import ColourGANService
    from studio.techniques.gan.service import GANService

    service = GANService()
    service.walk("dcgan_mnist", 0, 1, 4)
    round_ = service.game_round("dcgan_mnist", 3)
    service.check_answer(round_, ["1", "2", "3"], "ko")
    train = np.random.default_rng(0).integers(0, 256, (50, 28, 28)).astype(np.uint8)  # no MNIST offline
    monkeypatch.setattr(service, "_index", lambda variant: (train, metrics.TrainIndex(train)))
    service.nearest("dcgan_mnist", 3, 0)
    faces = np.random.default_rng(1).integers(0, 256, (20, 64, 64, 3)).astype(np.uint8)  # not 2,400 renders
    monkeypatch.setattr(openmoji, "face_pictures", lambda test: faces)
    ColourGANService().nearest(2, 0)
    assert foreign_words(drawn) == []
    assert {texts.text("gan.truth_right", "ko", what=texts.text("gan.truth_real", "ko")),
            texts.text("gan.truth_wrong", "ko", what="GAN")} & set(drawn)


def test_the_cgan_and_diffusion_pictures_speak_korean(drawn):
    from studio.techniques.cgan.service import CGANService
    from studio.techniques.diffusion.service import DiffusionService

    CGANService().morph("conv", 1, 7, 0.5, 0)
    service = DiffusionService()
    run = service.trajectory(2, 0)
    for step in range(3):
        service.trajectory_frame(run, step, "ko")
    service.forward(0, 0)
    assert foreign_words(drawn) == []


def test_the_autoencoders_pictures_speak_korean(drawn):
    from studio.techniques.autoencoder.service import AutoencoderService
    from studio.techniques.vae.service import VAEService

    autoencoders = AutoencoderService()
    autoencoders.noise_walk(0, 1.0, lang="ko")
    autoencoders.interpolation(0, 1)
    autoencoders.latent_map(50, (0.0, 0.0))
    vae = VAEService(autoencoders)
    vae.walk(0, 1)
    vae.compare_with_autoencoder(0, 1)
    vae.concept_walk(0, 1, 7, 2.0)
    vae.latent_map(((-1.0, 1.0), (-1.0, 1.0)), (0.0, 0.0))
    assert foreign_words(drawn) == []


def test_the_text_models_bars_speak_korean_around_its_english_words(drawn):
    from studio.techniques.text_lm.service import TextService

    service = TextService()
    words = set()
    for temperature in ("greedy", 1.0):
        words |= set(service.distribution("This movie was", temperature, 5, "ko")["words"])
    assert foreign_words(drawn, words) == []
