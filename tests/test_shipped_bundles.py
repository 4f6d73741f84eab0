"""Every shipped bundle loads and makes something (keras-hub's ``run_preset_test``): one
parametrised test over the folders of ``pretrained/``, each asked for a small, seeded result twice."""

import numpy as np
import pytest

from conftest import ROOT

SHIPPED = sorted(p.name for p in (ROOT / "pretrained").iterdir() if (p / "metadata.json").is_file())


def _services():
    from studio.quality import QualityService
    from studio.techniques.autoencoder.service import AutoencoderService
    from studio.techniques.cgan.service import CGANService
    from studio.techniques.deepdream.service import MOBILENET, DeepDreamService
    from studio.techniques.diffusion.service import DiffusionService
    from studio.techniques.colour_gan.service import ColourGANService
    from studio.techniques.gan.service import GANService
    from studio.techniques.infogan.service import InfoGANService
    from studio.techniques.pix2pix.service import Pix2PixService
    from studio.techniques.pixel.service import PixelService
    from studio.techniques.text_lm.service import TextService
    from studio.techniques.vae.service import VAEService

    autoencoders, quality = AutoencoderService(), QualityService()
    pix2pix = Pix2PixService(quality)
    digits = autoencoders.digits()[0][:20]

    def judged(dataset):
        return quality.assess(dataset, digits).judged

    def dream_features():
        model = DeepDreamService().model(MOBILENET)
        return np.asarray(model(np.zeros((1, 64, 64, 3), np.float32))[0])

    def example(kind):
        from studio.techniques.examples import presets as examples
        return examples.load_example(kind)[0]

    return {
        "pixel": lambda: PixelService().samples("mnist", None, 1.0, 4, 7),
        "samples": lambda: digits,
        "examples": lambda: np.concatenate([example("deepdream").ravel(), example("style").ravel()]),
        "judge_mnist": lambda: judged("mnist"),
        "judge_fashion": lambda: judged("fashion"),
        "judge_emoji": lambda: quality.assess("emoji", pix2pix.example(0, "emoji")[1][None].repeat(2, 0)).judged,
        "backbone_mobilenet_v2": dream_features,
        **{f"autoencoder_{v}": (lambda v=v: autoencoders.noise_walk(0, 0.5, v)[1])
           for v in ("z32", "z2", "denoise", "denoise_dense")},
        "vae": lambda: VAEService(autoencoders).prior_samples(4, 7)[1],
        **{f"gan_{v}": (lambda v=v: GANService().samples(v, 4, 7)[1])
           for v in ("dcgan_mnist", "dcgan_ankle_boot", "dense_mnist", "conv003_mnist")},
        "gan_colour": lambda: ColourGANService().samples(4, 7),
        "infogan": lambda: InfoGANService().code_grid("c2", 7)[0],
        **{f"cgan_{v}": (lambda v=v: CGANService().samples(v, 3, 4, 7)[1]) for v in ("conv", "dense")},
        **{f"pix2pix_{v}": (lambda v=v: pix2pix.translate(pix2pix.example(0)[0], variants=(v,))[v])
           for v in ("unet", "encdec", "l1")},
        **{f"pix2pix_emoji_{v}": (lambda v=v: pix2pix.translate(pix2pix.example(0, "emoji")[0], (v,), "emoji")[v])
           for v in ("unet", "encdec", "l1")},
        "diffusion": lambda: DiffusionService().samples(2, 5, 7)[1],
        "text_lm": lambda: np.frombuffer(
            " ".join(g.text for g in TextService().generate("This movie", 8, ["0.7"], 7)[1]).encode(), np.uint8),
    }


@pytest.fixture(scope="module")
def make():
    return _services()


def test_every_shipped_bundle_has_a_check(make):
    assert set(SHIPPED) == set(make), "a bundle in pretrained/ without a check here, or a check without a bundle"


@pytest.mark.parametrize("bundle", SHIPPED)
def test_a_shipped_bundle_loads_and_gives_the_same_result_twice(bundle, make):
    first, second = np.asarray(make[bundle]()), np.asarray(make[bundle]())
    assert first.size > 0 and np.all(np.isfinite(first.astype(np.float64)))
    assert first.shape == second.shape and np.array_equal(first, second)
