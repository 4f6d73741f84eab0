"""The Pix2Pix tab's work (lecture 004): a sketch or a test shoe's edges -> shoes from the three
generators side by side, the PatchGAN's patch scores as a heat map, and retraining."""

from __future__ import annotations

import threading

import numpy as np
from PIL import Image

from studio import imaging, registry
from studio.bundle_cache import BundleCache
from studio.checks import UserError
from studio.samples.presets import NAME as SAMPLES
from studio.techniques.pix2pix import model as p2p
from studio.techniques.pix2pix.presets import bundle_name, load_inference
from studio.training_jobs import JobSpec, estimate_from_shipped

ZOOM = 6  # 32 px -> 192 px on screen, nearest neighbour (keeps the pixels honest)
MIN_SIDE = 12  # an upload smaller than this has no outline worth translating
MAX_INK = 0.45  # real edge maps are ~10% ink; beyond this the "sketch" is a filled area
LINE_LEVEL = 0.35  # after shrinking, a pixel this dark (of the darkest) becomes a line
COMPARED = ("unet", "encdec", "l1")


def sketch_to_edges(image) -> np.ndarray:
    """A drawing (any size or mode: RGBA sketchpad layer, photo of a pencil drawing, a light-on-dark
    scan) -> the model's input, uint8 (32, 32), 1-pixel-ish black lines on white.

    As the training pairs were made: the drawing's bounding box scaled so its long side is 28
    pixels (Fashion-MNIST's shoes span the full 28), centred in 32 x 32, and thresholded into lines.
    Raises UserError for an empty, tiny or filled-in picture.
    """
    if image is None:
        raise UserError("Draw a shoe outline first (or pick a test example).")
    array = np.asarray(image)
    if array.ndim not in (2, 3) or array.size == 0:
        raise UserError("That does not look like a picture; upload a PNG or JPEG drawing.")
    if max(array.shape[:2]) < MIN_SIDE:
        raise UserError(f"The picture is only {array.shape[1]}x{array.shape[0]} pixels; use at least "
                        f"{MIN_SIDE} pixels so the outline can be seen.")
    if array.dtype != np.uint8:
        if not np.isfinite(array).all():
            raise UserError("The picture contains invalid values (NaN or infinity).")
        array = imaging.to_uint8(array, (0.0, 1.0) if array.max() <= 1.0 else (0.0, 255.0))
    picture = imaging.on_white(imaging.bounded(Image.fromarray(array)))
    grey = np.asarray(picture.convert("L"), np.float32)
    if grey.std() < 4.0 and grey.mean() < 128:
        raise UserError("The canvas is all black: Pix2Pix reads black lines on white paper. Clear it and "
                        "draw the shoe's outline.")
    try:
        crop = imaging.ink_crop(picture, what="a shoe outline")
    except ValueError as exc:
        raise UserError(f"{exc} Black lines on a white canvas work best.") from None
    if np.mean(crop > 0.5 * 255) > 0.8 and min(crop.shape) > MIN_SIDE:
        raise UserError("The drawing is one filled area: Pix2Pix was trained on outlines. Draw the shoe's "
                        "edges with a thin pen on white.")
    small = imaging.fit_box(crop, 28)
    lines = small >= LINE_LEVEL * max(float(small.max()), 1.0)
    if lines.mean() > MAX_INK:
        raise UserError("The drawing is almost all ink: draw the shoe's outline with a thin black pen on white.")
    lines = thin(lines)
    frame = np.full((p2p.SIZE, p2p.SIZE), 255, np.uint8)
    top, left = (p2p.SIZE - small.shape[0]) // 2, (p2p.SIZE - small.shape[1]) // 2
    frame[top:top + small.shape[0], left:left + small.shape[1]][lines] = 0
    return frame


def thin(lines: np.ndarray) -> np.ndarray:
    """Zhang-Suen thinning of a boolean picture: strokes become 1-pixel lines, as the training edges
    (non-maximum suppression leaves those 1 pixel wide; a pen shrunk to 32 x 32 is often 2)."""
    b = np.pad(lines.astype(np.uint8), 1)
    for _ in range(64):  # each pass peels one pixel off both sides; 32 x 32 needs far fewer
        changed = False
        for step in (0, 1):
            # neighbours P2..P9 clockwise from north, each an (H, W) view
            p = [b[:-2, 1:-1], b[:-2, 2:], b[1:-1, 2:], b[2:, 2:], b[2:, 1:-1], b[2:, :-2], b[1:-1, :-2], b[:-2, :-2]]
            count = sum(q.astype(np.int32) for q in p)
            transitions = sum(((p[i] == 0) & (p[(i + 1) % 8] == 1)).astype(np.int32) for i in range(8))
            if step == 0:
                side = (p[0] * p[2] * p[4] == 0) & (p[2] * p[4] * p[6] == 0)
            else:
                side = (p[0] * p[2] * p[6] == 0) & (p[0] * p[4] * p[6] == 0)
            remove = (b[1:-1, 1:-1] == 1) & (count >= 2) & (count <= 6) & (transitions == 1) & side
            if remove.any():
                b[1:-1, 1:-1][remove] = 0
                changed = True
        if not changed:
            break
    return b[1:-1, 1:-1].astype(bool)


def zoom(image: np.ndarray, factor: int = ZOOM) -> np.ndarray:
    """Nearest-neighbour enlargement of an (H, W[, C]) picture."""
    return np.asarray(image).repeat(factor, axis=0).repeat(factor, axis=1)


def patch_overlay(shoe: np.ndarray, real_prob: np.ndarray, factor: int = ZOOM) -> np.ndarray:
    """The shoe (32, 32) with the PatchGAN's 8 x 8 scores laid over it, cell borders drawn:
    uint8 RGB (32*factor, 32*factor, 3).

    Colours are stretched between the map's own least real-looking patch (red) and its most
    real-looking one (green): a trained discriminator sits near 0.5 everywhere (that is the GAN's
    equilibrium), so the absolute values alone would paint one flat colour.
    """
    probs = np.asarray(real_prob, np.float32)
    spread = float(probs.max() - probs.min())
    relative = (probs - probs.min()) / spread if spread > 1e-6 else np.full_like(probs, 0.5)
    grey = zoom(shoe, factor).astype(np.float32)[..., None].repeat(3, axis=2)
    cell = shoe.shape[0] // probs.shape[0]
    weight = zoom(relative, cell * factor)[..., None]
    colour = (1.0 - weight) * np.array([235.0, 35.0, 35.0]) + weight * np.array([35.0, 215.0, 75.0])
    out = 0.5 * grey + 0.5 * colour
    step = cell * factor
    out[::step] = out[:, ::step] = 255.0  # the patches' grid
    return np.clip(out, 0, 255).astype(np.uint8)


class Pix2PixService:
    """Loads the three generators (and the U-Net's PatchGAN) lazily, cached until their weights change."""

    sketch_to_edges = staticmethod(sketch_to_edges)
    zoom = staticmethod(zoom)

    def __init__(self, quality=None) -> None:
        self.quality = quality  # a QualityService: retrains from the tab then record the FID too
        self._models = BundleCache()
        self._lock = threading.Lock()
        self._examples: tuple[np.ndarray, np.ndarray] | None = None

    def model(self, variant: str) -> p2p.Pix2PixInference:
        """The compiled inference wrapper of ``variant`` ("unet", "encdec", "l1")."""
        if variant not in p2p.VARIANTS:
            raise UserError(f"Unknown Pix2Pix model {variant!r}.")
        return self._models.get(bundle_name(variant), load_inference)

    def metadata(self, variant: str) -> dict:
        """The active bundle's metadata."""
        return registry.load(bundle_name(variant)).metadata

    # --- test examples -----------------------------------------------------------------------------
    def examples(self) -> tuple[np.ndarray, np.ndarray]:
        """(edge maps, shoes), uint8 (N, 32, 32), of the shoes among the shipped Fashion-MNIST test images."""
        with self._lock:
            if self._examples is None:
                with np.load(registry.load(SAMPLES).path("test_images.npz")) as f:
                    shoes, _ = p2p.shoe_subset(f["fashion_x"], f["fashion_y"])
                self._examples = p2p.make_pairs(shoes)
            return self._examples

    def example(self, index) -> tuple[np.ndarray, np.ndarray]:
        """Test pair ``index``: (edges, real shoe), with a clear message when out of range."""
        edges, shoes = self.examples()
        try:
            i = int(index)
        except (TypeError, ValueError):
            raise UserError("A test-example index must be a whole number.") from None
        if not 0 <= i < len(edges):
            raise UserError(f"Test example {i} is out of range: choose 0 to {len(edges) - 1}.")
        return edges[i], shoes[i]

    # --- translation -------------------------------------------------------------------------------
    def translate(self, edges: np.ndarray, variants=COMPARED) -> dict[str, np.ndarray]:
        """One edge map (32, 32) -> {variant: shoe (32, 32)}, one compiled call per generator."""
        edges = np.asarray(edges, np.uint8)
        if edges.shape != (p2p.SIZE, p2p.SIZE):
            raise UserError(f"Edge maps are {p2p.SIZE}x{p2p.SIZE}; got {edges.shape}.")
        models = {v: self.model(v) for v in variants}
        return {v: m.translate(edges)[0] for v, m in models.items()}

    def comparison(self, edges: np.ndarray, truth: np.ndarray | None = None) -> tuple[np.ndarray, dict]:
        """Input | U-Net | encoder-decoder | L1-only (| ground truth) as one labelled picture,
        and the translations (plus the L1 to the truth per variant when there is one)."""
        shoes = self.translate(edges)
        images = [edges, *shoes.values()]
        labels = ["input edges", "U-Net + GAN", "encoder-decoder + GAN", "U-Net, L1 only"]
        errors = {}
        if truth is not None:
            images.append(truth)
            labels.append("ground truth")
            errors = {v: p2p.mean_l1(s, truth) for v, s in shoes.items()}
        picture = imaging.labelled_grid(np.stack(images), labels, cols=len(images), scale=ZOOM, pad=4)
        return picture, {"shoes": shoes, "l1": errors, "sharpness": {v: p2p.sharpness(s[None])
                                                                     for v, s in shoes.items()}}

    def patch_view(self, edges: np.ndarray, shoe: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The U-Net's PatchGAN on (edges, shoe): the overlay picture and the 8 x 8 P(real) grid."""
        model = self.model("unet")
        if model.discriminator is None:
            raise UserError("These U-Net weights have no discriminator to show.")
        probs = model.patch_scores(edges, shoe)[0]
        return patch_overlay(shoe, probs), probs

    # --- training ----------------------------------------------------------------------------------
    def status(self, variant: str) -> dict:
        """Which weights ``variant`` uses and what they measured."""
        bundle = registry.load(bundle_name(variant))
        return {"source": bundle.source, "created": bundle.metadata.get("created", "?"),
                "command": bundle.metadata.get("command", "?"), "metrics": bundle.metadata.get("metrics", {})}

    def training_job(self, variant: str, epochs: int, keep_on_stop: bool) -> JobSpec:
        """The training job of the tab's Train button: ``variant`` for ``epochs`` into the user cache."""
        if variant not in p2p.VARIANTS:
            raise UserError(f"Unknown Pix2Pix model {variant!r}.")
        return JobSpec(("pix2pix", "--variant", variant, "--epochs", str(int(epochs)), "--to", registry.USER),
                       f"Pix2Pix {variant} · {int(epochs)} epochs",
                       estimate_from_shipped(bundle_name(variant), "epochs", int(epochs)), keep_on_stop)

    def use_shipped(self, variant: str) -> dict:
        """Return ``variant`` to the shipped weights."""
        registry.set_active(bundle_name(variant), registry.SHIPPED)
        return self.status(variant)
