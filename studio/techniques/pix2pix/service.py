"""The Pix2Pix tab's work (lecture 004): a sketch or a test outline -> pictures from the three
generators side by side, the PatchGAN's patch scores as a heat map, and retraining.

Two data sets (``p2p.DATASETS``): the colour emoji at 64 px (the default) and the Fashion-MNIST
shoes at 32 px. Every method takes the data set; the training panel's choice names both, as
``"emoji/unet"``.
"""

from __future__ import annotations

import threading

import numpy as np
from PIL import Image

from studio.media import imaging, openmoji
from studio.bundles import registry
from studio.bundles.cache import BundleCache
from studio.checks import UserError, check_schedule
from studio.samples.presets import NAME as SAMPLES
from studio.training.schedules import SliceSchedule
from studio.techniques.pix2pix import model as p2p
from studio.techniques.pix2pix.presets import bundle_name, load_inference
from studio.texts import picture_text
from studio.training.jobs import JobSpec, estimate_from_shipped
from studio.training.request import request

ZOOM = {"fashion": 6, "emoji": 4}  # 32 px -> 192 px, 64 px -> 256 px on screen, nearest neighbour (honest pixels)
# Classroom schedule of the Train button: 5 passes over 1,500 pairs at batch 32 (about a minute and a half
# for the colour U-Net on 2 CPU cores), then measured like the shipped models.
CLASSROOM = SliceSchedule(epochs=5, limit=1500, batch_size=32)
GALLERY = 16  # test outlines offered as pictures to pick (two rows of eight)
# The colour outlines: OpenMoji's lines are about 7 pixels wide in a 256-pixel render (median line
# area / skeleton length over test emoji: 6.9), and the emoji fill 80-90% of it; a drawing is
# skeletonised and redrawn at that width before it is shrunk.
OUTLINE_BOX = 216  # the drawing's long side in the 256-pixel frame
OUTLINE_RADIUS = 3  # a disc of radius 3: lines 7 pixels wide
MIN_SIDE = 12  # an upload smaller than this has no outline worth translating
MAX_INK = 0.45  # real edge maps are ~10% ink; beyond this the "sketch" is a filled area
LINE_LEVEL = 0.35  # after shrinking, a pixel this dark (of the darkest) becomes a line
COMPARED = ("unet", "encdec", "l1")


def sketch_to_edges(image, dataset: str = "fashion") -> np.ndarray:
    """A drawing (any size or mode: RGBA sketchpad layer, photo of a pencil drawing, a light-on-dark
    scan) -> the model's input: for the shoes uint8 (32, 32), 1-pixel-ish black lines on white; for
    the emoji uint8 (64, 64), cleaned as the training outlines were (``sketch_to_outline``).

    As the shoe pairs were made: the drawing's bounding box scaled so its long side is 28
    pixels (Fashion-MNIST's shoes span the full 28), centred in 32 x 32, and thresholded into lines.
    Raises UserError for an empty, tiny or filled-in picture.
    """
    if dataset == "emoji":
        return sketch_to_outline(image)
    crop = _strokes(image, "a shoe outline")
    small = imaging.fit_box(crop, 28)
    lines = small >= LINE_LEVEL * max(float(small.max()), 1.0)
    if lines.mean() > MAX_INK:
        raise UserError("The drawing is almost all ink: draw the shoe's outline with a thin black pen on white.")
    lines = thin(lines)
    frame = np.full((p2p.SIZE, p2p.SIZE), 255, np.uint8)
    top, left = (p2p.SIZE - small.shape[0]) // 2, (p2p.SIZE - small.shape[1]) // 2
    frame[top:top + small.shape[0], left:left + small.shape[1]][lines] = 0
    return frame


def sketch_to_outline(image) -> np.ndarray:
    """A drawing -> the colour model's input, uint8 (64, 64), made as the emoji outlines were.

    The strokes' bounding box is scaled to OUTLINE_BOX pixels in a 256-pixel frame, thinned to
    1-pixel lines and redrawn 7 pixels wide (OpenMoji's pen at that size, whatever brush the student
    used), then box-filtered to 64 x 64 like the training outlines' black line layer.
    """
    crop = _strokes(image, "an outline")
    large = imaging.fit_box(crop, OUTLINE_BOX)
    lines = large >= LINE_LEVEL * max(float(large.max()), 1.0)
    if lines.mean() > MAX_INK:
        raise UserError("The drawing is almost all ink: draw the outline with a black pen on white.")
    lines = widen(thin(lines), OUTLINE_RADIUS)
    frame = np.full((openmoji.RENDER, openmoji.RENDER), 255, np.uint8)
    top, left = (openmoji.RENDER - lines.shape[0]) // 2, (openmoji.RENDER - lines.shape[1]) // 2
    frame[top:top + lines.shape[0], left:left + lines.shape[1]][lines] = 0
    return openmoji.shrink(frame)


def widen(lines: np.ndarray, radius: int) -> np.ndarray:
    """Lines drawn with a round pen of ``radius``: every pixel within ``radius`` of a line pixel."""
    padded = np.pad(lines, radius)
    h, w = lines.shape
    out = np.zeros_like(lines)
    for dy in range(-radius, radius + 1):
        for dx in range(-radius, radius + 1):
            if dy * dy + dx * dx <= radius * radius:
                out |= padded[radius + dy:radius + dy + h, radius + dx:radius + dx + w]
    return out


def _strokes(image, what: str) -> np.ndarray:
    """The drawing's strokes cropped to their box (float ink, ``imaging.ink_crop``), or a UserError
    for an empty, tiny, unreadable or filled-in picture."""
    if image is None:
        raise UserError(f"Draw {what} first (or pick a test example).")
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
                        "draw the outline.")
    try:
        crop = imaging.ink_crop(picture, what=what)
    except ValueError as exc:
        raise UserError(f"{exc} Black lines on a white canvas work best.") from None
    if np.mean(crop > 0.5 * 255) > 0.8 and min(crop.shape) > MIN_SIDE:
        raise UserError("The drawing is one filled area: Pix2Pix was trained on outlines. Draw the "
                        "edges with a thin pen on white.")
    return crop


def thin(lines: np.ndarray) -> np.ndarray:
    """Zhang-Suen thinning of a boolean picture: strokes become 1-pixel lines, as the training edges
    (non-maximum suppression leaves those 1 pixel wide; a pen shrunk to 32 x 32 is often 2)."""
    b = np.pad(lines.astype(np.uint8), 1)
    for _ in range(64):  # each pass peels one pixel off both sides; a pen stroke needs far fewer
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


def zoom(image: np.ndarray, factor: int = ZOOM["fashion"]) -> np.ndarray:
    """Nearest-neighbour enlargement of an (H, W[, C]) picture."""
    return np.asarray(image).repeat(factor, axis=0).repeat(factor, axis=1)


def rgb(image: np.ndarray) -> np.ndarray:
    """A grey (H, W) picture as RGB (H, W, 3); a colour one unchanged."""
    image = np.asarray(image)
    return image if image.ndim == 3 else np.repeat(image[..., None], 3, axis=-1)


def patch_overlay(shoe: np.ndarray, real_prob: np.ndarray, factor: int = ZOOM["fashion"]) -> np.ndarray:
    """The picture (S, S) or (S, S, 3) with the PatchGAN's 8 x 8 scores laid over it, cell borders
    drawn: uint8 RGB (S*factor, S*factor, 3).

    Colours are stretched between the map's own least real-looking patch (red) and its most
    real-looking one (green): a trained discriminator sits near 0.5 everywhere (that is the GAN's
    equilibrium), so the absolute values alone would paint one flat colour.
    """
    probs = np.asarray(real_prob, np.float32)
    spread = float(probs.max() - probs.min())
    relative = (probs - probs.min()) / spread if spread > 1e-6 else np.full_like(probs, 0.5)
    grey = zoom(rgb(shoe), factor).astype(np.float32)
    cell = shoe.shape[0] // probs.shape[0]
    weight = zoom(relative, cell * factor)[..., None]
    colour = (1.0 - weight) * np.array([235.0, 35.0, 35.0]) + weight * np.array([35.0, 215.0, 75.0])
    out = 0.5 * grey + 0.5 * colour
    step = cell * factor
    out[::step] = out[:, ::step] = 255.0  # the patches' grid
    return np.clip(out, 0, 255).astype(np.uint8)


class Pix2PixService:
    """Loads the generators (and the U-Net's PatchGAN) of each data set lazily, cached until their weights change."""

    sketch_to_edges = staticmethod(sketch_to_edges)
    zoom = staticmethod(zoom)

    def __init__(self, quality=None) -> None:
        self.quality = quality  # a QualityService: retrains from the tab then record the FID too
        self._models = BundleCache()
        self._lock = threading.Lock()
        self._examples: dict[str, tuple[np.ndarray, np.ndarray]] = {}

    def model(self, variant: str, dataset: str = "fashion") -> p2p.Pix2PixInference:
        """The compiled inference wrapper of ``variant`` ("unet", "encdec", "l1") for ``dataset``."""
        return self._models.get(self._bundle(variant, dataset), load_inference)

    def metadata(self, variant: str, dataset: str = "fashion") -> dict:
        """The active bundle's metadata."""
        return registry.load(self._bundle(variant, dataset)).metadata

    @staticmethod
    def _bundle(variant: str, dataset: str) -> str:
        if variant not in p2p.VARIANTS:
            raise UserError(f"Unknown Pix2Pix model {variant!r}.")
        if dataset not in p2p.DATASETS:
            raise UserError(f"Unknown Pix2Pix data set {dataset!r}; choose one of {', '.join(p2p.DATASETS)}.")
        return bundle_name(variant, dataset)

    def available(self, dataset: str) -> bool:
        """Whether all three generators of ``dataset`` are installed."""
        return all(registry.installed(bundle_name(v, dataset)) for v in p2p.VARIANTS)

    # --- test examples -----------------------------------------------------------------------------
    def examples(self, dataset: str = "fashion") -> tuple[np.ndarray, np.ndarray]:
        """(outlines, pictures) of the test side: the shoes among the shipped Fashion-MNIST test images
        (uint8 (N, 32, 32)), or the test emoji, never seen in training ((N, 64, 64) and (N, 64, 64, 3))."""
        self._bundle("unet", dataset)
        with self._lock:
            if dataset not in self._examples:
                if dataset == "emoji":
                    test = openmoji.load_split(True)
                    self._examples[dataset] = (test.outlines, test.pictures)
                else:
                    with np.load(registry.load(SAMPLES).path("test_images.npz")) as f:
                        shoes, _ = p2p.shoe_subset(f["fashion_x"], f["fashion_y"])
                    self._examples[dataset] = p2p.make_pairs(shoes)
            return self._examples[dataset]

    def example(self, index, dataset: str = "fashion") -> tuple[np.ndarray, np.ndarray]:
        """Test pair ``index``: (outline, real picture), with a clear message when out of range."""
        edges, shoes = self.examples(dataset)
        try:
            i = int(index)
        except (TypeError, ValueError):
            raise UserError("A test-example index must be a whole number.") from None
        if not 0 <= i < len(edges):
            raise UserError(f"Test example {i} is out of range: choose 0 to {len(edges) - 1}.")
        return edges[i], shoes[i]

    def gallery(self, dataset: str = "fashion", lang: str = "en") -> list[tuple[np.ndarray, str]]:
        """The first GALLERY test outlines to pick from, each with its index (and the emoji's name in
        ``lang``)."""
        edges, _ = self.examples(dataset)
        shown = range(min(GALLERY, len(edges)))
        if dataset != "emoji":
            return [(zoom(edges[i], 2), f"{i}") for i in shown]
        emoji = openmoji.load_split(True).emoji
        return [(zoom(edges[i], 2), f"{i} · {openmoji.name_of(emoji[i], lang)}") for i in shown]

    # --- translation -------------------------------------------------------------------------------
    def translate(self, edges: np.ndarray, variants=COMPARED, dataset: str = "fashion") -> dict[str, np.ndarray]:
        """One outline (S, S) -> {variant: picture}, one compiled call per generator."""
        edges = np.asarray(edges, np.uint8)
        models = {v: self.model(v, dataset) for v in variants}
        size = next(iter(models.values())).size
        if edges.shape != (size, size):
            raise UserError(f"Outlines are {size}x{size}; got {edges.shape}.")
        return {v: m.translate(edges)[0] for v, m in models.items()}

    def comparison(self, edges: np.ndarray, truth: np.ndarray | None = None,
                   dataset: str = "fashion", lang: str = "en") -> tuple[np.ndarray, dict]:
        """Input | U-Net | encoder-decoder | L1-only (| ground truth) as one picture labelled in ``lang``,
        and the translations (plus the L1 to the truth per variant when there is one)."""
        shoes = self.translate(edges, dataset=dataset)
        images = [rgb(edges), *(rgb(s) for s in shoes.values())]
        labels = [picture_text("p2p.fig_input", lang), *(picture_text(f"p2p.name_{v}", lang) for v in shoes)]
        errors = {}
        if truth is not None:
            images.append(rgb(truth))
            labels.append(picture_text("p2p.fig_truth", lang))
            errors = {v: p2p.mean_l1(s, truth) for v, s in shoes.items()}
        picture = imaging.labelled_grid(np.stack(images), labels, cols=len(images), scale=ZOOM[dataset], pad=4)
        return picture, {"shoes": shoes, "l1": errors, "sharpness": {v: p2p.sharpness(s[None])
                                                                     for v, s in shoes.items()}}

    def patch_view(self, edges: np.ndarray, shoe: np.ndarray, dataset: str = "fashion") -> tuple[np.ndarray, np.ndarray]:
        """The U-Net's PatchGAN on (outline, picture): the overlay picture and the 8 x 8 P(real) grid."""
        model = self.model("unet", dataset)
        if model.discriminator is None:
            raise UserError("These U-Net weights have no discriminator to show.")
        probs = model.patch_scores(edges, shoe)[0]
        return patch_overlay(shoe, probs, ZOOM[dataset]), probs

    # --- training ----------------------------------------------------------------------------------
    @staticmethod
    def parse_choice(choice: str) -> tuple[str, str]:
        """The training panel's choice "emoji/unet" -> ("emoji", "unet"); a bare variant is a shoe model."""
        dataset, _, variant = str(choice).rpartition("/")
        return dataset or "fashion", variant

    def status(self, choice: str) -> dict:
        """Which weights the chosen model uses and what they measured."""
        bundle = registry.load(self._bundle(*reversed(self.parse_choice(choice))))
        return {"source": bundle.source, "created": bundle.metadata.get("created", "?"),
                "command": bundle.metadata.get("command", "?"), "metrics": bundle.metadata.get("metrics", {})}

    def training_job(self, choice: str, epochs: int, keep_on_stop: bool, schedule: str = "lecture") -> JobSpec:
        """The training job of the tab's Train button: the chosen model for ``epochs`` (or the classroom
        schedule) into the user cache."""
        dataset, variant = self.parse_choice(choice)
        name = self._bundle(variant, dataset)
        check_schedule(schedule)
        length = CLASSROOM.options() if schedule == "classroom" else {"epochs": int(epochs)}
        epochs = CLASSROOM.epochs if schedule == "classroom" else int(epochs)
        title = f"Pix2Pix {dataset} {variant} · " + ("classroom schedule" if schedule == "classroom" else f"{epochs} epochs")
        estimate = estimate_from_shipped(name, "epochs", epochs)
        if schedule == "classroom" and estimate is not None:  # a slice of the data: fewer steps per epoch
            estimate *= CLASSROOM.limit / max(1, self.metadata(variant, dataset)["data"][dataset]["train_pairs"])
        return JobSpec(request("pix2pix", data=dataset, variant=variant, **length),
                       title, estimate, keep_on_stop)

    def use_shipped(self, choice: str) -> dict:
        """Return the chosen model to the shipped weights."""
        dataset, variant = self.parse_choice(choice)
        registry.set_active(self._bundle(variant, dataset), registry.SHIPPED)
        return self.status(choice)
