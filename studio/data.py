"""The image data sets, found offline first and downloaded only as a last resort.

``load_mnist()`` and ``load_fashion_mnist()`` return Keras's layout,
``((x_train, y_train), (x_test, y_test))`` with uint8 arrays of shape (N, 28, 28) and (N,).
They look in three places, in this order:

1. the data folder (``--data-dir`` / ``STUDIO_DATA_DIR``) holding ``mnist.npz`` or
   ``fashion_mnist.npz`` with the keys ``x_train, y_train, x_test, y_test``;
2. Keras's own cache (``~/.keras/datasets``, or ``$KERAS_HOME/datasets``), filled by an earlier download;
3. Keras's downloader (``keras.datasets.*.load_data()``), unless ``STUDIO_NO_DOWNLOAD=1``.

Nothing here runs at import time, and TensorFlow is imported only for step 3.
"""

from __future__ import annotations

import functools
import gzip
import os
from pathlib import Path

import numpy as np

from studio import paths, texts
from studio.media import openmoji
from studio.serving.lazy_keras import keras

Split = tuple[np.ndarray, np.ndarray]

# The data sets this module knows: file name in the data folder, and how Keras caches it.
_DATASETS = {
    "mnist": {"file": "mnist.npz", "title": "MNIST"},
    "fashion": {"file": "fashion_mnist.npz", "title": "Fashion-MNIST"},
}

# Provenance lines recorded in every bundle's metadata.json.
DESCRIPTIONS = {
    "mnist": "MNIST (LeCun, Cortes & Burges), Keras's mnist.npz layout: 60,000 train / 10,000 test digits",
    "fashion": "Fashion-MNIST (Xiao, Rasul & Vollgraf 2017, MIT licence): 60,000 train / 10,000 test images",
    "emoji": "OpenMoji colour emoji (CC BY-SA 4.0) rendered offline at 64x64x3 (studio.media.openmoji), labelled by "
             "Unicode group, split by emoji",
}

# Human-readable class names, used by the tabs' class pickers.
CLASS_NAMES = {
    "mnist": [str(d) for d in range(10)],
    "fashion": [
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
        "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
    ],
    "emoji": ["Smileys & Emotion", "People & Body", "Animals & Nature", "Food & Drink", "Travel & Places",
              "Activities", "Objects"],  # studio.media.openmoji.CATEGORIES
}


def class_names(dataset: str, lang: str = "en") -> list[str]:
    """The names of ``dataset``'s classes in ``lang``: the texts table's ("class_name.DATASET.K"), for
    those that have words (MNIST's are digits). ``CLASS_NAMES`` stays English: bundles record it."""
    return [texts.text(f"class_name.{dataset}.{k}", lang) if f"class_name.{dataset}.{k}" in texts.STRINGS
            else name for k, name in enumerate(CLASS_NAMES[dataset])]


class DataUnavailableError(RuntimeError):
    """No copy of a data set could be found or downloaded; the message says how to fix it."""


def downloads_disabled() -> bool:
    """True when ``STUDIO_NO_DOWNLOAD=1``: nothing may be fetched from the network (tests, offline classrooms)."""
    return os.environ.get("STUDIO_NO_DOWNLOAD") == "1"


def load_mnist() -> tuple[Split, Split]:
    """MNIST digits in Keras's layout: ((x_train, y_train), (x_test, y_test)), uint8."""
    return load_dataset("mnist")


def load_fashion_mnist() -> tuple[Split, Split]:
    """Fashion-MNIST in Keras's layout (class 9 = ankle boot), uint8."""
    return load_dataset("fashion")


def load_dataset(name: str) -> tuple[Split, Split]:
    """Load ``"mnist"`` or ``"fashion"`` from the data folder, Keras's cache, or Keras's download;
    ``"emoji"`` is rendered from the installed OpenMoji font (``studio.media.openmoji``)."""
    if name == "emoji":
        return openmoji.load_classes()
    return _locate(name)[0]


def dataset_source(name: str) -> str:
    """Where ``load_dataset(name)`` found its data: a file path, "Keras cache" or "Keras download"."""
    if name == "emoji":
        return openmoji.source()
    return _locate(name)[1]


def provenance(name: str, **counts) -> dict:
    """What a bundle records about a data set it learnt from: its description, where it was loaded from
    and ``counts`` (``train_images=60000``, ``labels_used=False``)."""
    source = imdb_source() if name == "imdb" else dataset_source(name)
    return {"description": DESCRIPTIONS[name], "loaded_from": source, **counts}


def _locate(name: str) -> tuple[tuple[Split, Split], str]:
    if name not in _DATASETS:
        raise ValueError(f"Unknown data set {name!r}; choose one of {sorted(_DATASETS)}.")
    folder = paths.data_dir()
    return _load_cached(name, str(folder) if folder else "", _keras_home())


@functools.lru_cache(maxsize=4)
def _load_cached(name: str, folder: str, keras_home: str) -> tuple[tuple[Split, Split], str]:
    # Cached per (data set, data folder, Keras home) so a changed --data-dir is honoured.
    tried: list[str] = []
    if folder:
        path = Path(folder) / _DATASETS[name]["file"]
        if path.is_file():
            return _validated(name, _read_npz(path), str(path)), str(path)
        tried.append(f"no {path}")
    else:
        tried.append("no data folder set")

    cached = _read_keras_cache(name, Path(keras_home) / "datasets")
    if cached is not None:
        return _validated(name, cached, "Keras cache"), "Keras cache"
    tried.append(f"nothing in {Path(keras_home) / 'datasets'}")

    if downloads_disabled():
        tried.append("downloads disabled by STUDIO_NO_DOWNLOAD=1")
    else:
        try:
            return _validated(name, _download(name), "Keras download"), "Keras download"
        except Exception as exc:  # any network or server failure ends in the same advice
            tried.append(f"download failed ({type(exc).__name__}: {exc})")
    raise DataUnavailableError(_advice(name, tried))


def _advice(name: str, tried: list[str]) -> str:
    title = _DATASETS[name]["title"]
    file = _DATASETS[name]["file"]
    return (
        f"{title} could not be loaded ({'; '.join(tried)}). Fix it in one of three ways: "
        f"(1) put {file} in a folder and pass --data-dir FOLDER (or set STUDIO_DATA_DIR); "
        f"(2) copy Keras's cached copy into ~/.keras/datasets/; "
        f"(3) connect to the internet once so Keras can download it."
    )


def _keras_home() -> str:
    # Keras uses $KERAS_HOME, else ~/.keras (see keras.utils.get_file).
    return os.environ.get("KERAS_HOME") or str(Path.home() / ".keras")


def _read_npz(path: Path) -> tuple[Split, Split]:
    try:
        with np.load(path, allow_pickle=False) as f:
            return (f["x_train"], f["y_train"]), (f["x_test"], f["y_test"])
    except Exception as exc:
        raise DataUnavailableError(
            f"{path} is not a readable data file ({type(exc).__name__}: {exc}). "
            "It needs the arrays x_train, y_train, x_test, y_test, as in Keras's mnist.npz."
        ) from exc


def _read_idx_gz(path: Path) -> np.ndarray:
    """Read a gzipped IDX file (the format of the original MNIST / Fashion-MNIST files)."""
    with gzip.open(path, "rb") as f:
        raw = f.read()
    ndim = raw[3]
    dims = [int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def _read_keras_cache(name: str, cache: Path) -> tuple[Split, Split] | None:
    if name == "mnist":
        path = cache / "mnist.npz"
        return _read_npz(path) if path.is_file() else None
    folder = cache / "fashion-mnist"
    files = [folder / f for f in (
        "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
        "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")]
    if not all(f.is_file() for f in files):
        return None
    xtr, ytr, xte, yte = (_read_idx_gz(f) for f in files)
    return (xtr, ytr), (xte, yte)


def _download(name: str) -> tuple[Split, Split]:
    loader = keras.datasets.mnist if name == "mnist" else keras.datasets.fashion_mnist
    return loader.load_data()


def _validated(name: str, data: tuple[Split, Split], source: str) -> tuple[Split, Split]:
    (xtr, ytr), (xte, yte) = data
    for x, y, split in ((xtr, ytr, "train"), (xte, yte, "test")):
        if x.ndim != 3 or x.shape[1:] != (28, 28) or len(x) != len(y) or len(x) == 0:
            raise DataUnavailableError(
                f"{_DATASETS[name]['title']} from {source} has an unexpected {split} layout "
                f"{x.shape} / {y.shape}; expected (N, 28, 28) images and N labels.")
    arrays = [a.astype(np.uint8, copy=False) for a in (xtr, ytr, xte, yte)]
    for a in arrays:  # the result is cached and shared: nobody may change it in place
        a.flags.writeable = False
    return (arrays[0], arrays[1]), (arrays[2], arrays[3])


# --- IMDB reviews (Keras book section 12.1) --------------------------------------------------------

IMDB_FILE = "imdb_reviews.tsv.gz"  # label<TAB>text, one review a line, header "label\ttext"
IMDB_URL = "https://ai.stanford.edu/~amaas/data/sentiment/aclImdb_v1.tar.gz"  # the book's download
DESCRIPTIONS["imdb"] = ("IMDB movie reviews (Maas et al. 2011, Large Movie Review Dataset): the 25,000 "
                        "training reviews, <br /> tags removed as in the book")


def imdb_reviews() -> tuple[str, ...]:
    """Every IMDB training review, cleaned (``<br />`` → space, whitespace folded), in file order."""
    folder = paths.data_dir()
    return _imdb_cached(str(folder) if folder else "", _keras_home())[0]


def imdb_source() -> str:
    """Where ``imdb_reviews()`` found its text: a file path, "Keras cache" or "Keras download"."""
    folder = paths.data_dir()
    return _imdb_cached(str(folder) if folder else "", _keras_home())[1]


def clean_review(text: str) -> str:
    """The book's cleaning: the ``<br />`` line breaks of the raw reviews become spaces."""
    return " ".join(text.replace("<br />", " ").split())


@functools.lru_cache(maxsize=2)
def _imdb_cached(folder: str, keras_home: str) -> tuple[tuple[str, ...], str]:
    tried: list[str] = []
    if folder:
        path = Path(folder) / IMDB_FILE
        if path.is_file():
            return _read_imdb_tsv(path), str(path)
        tried.append(f"no {path}")
    else:
        tried.append("no data folder set")
    cache = Path(keras_home) / "datasets"
    for root in (cache / "aclImdb_v1_extracted" / "aclImdb", cache / "aclImdb"):
        if (root / "train" / "pos").is_dir():
            return _read_aclimdb(root), "Keras cache"
    tried.append(f"no aclImdb in {cache}")
    if os.environ.get("STUDIO_NO_DOWNLOAD") == "1":
        tried.append("downloads disabled by STUDIO_NO_DOWNLOAD=1")
    else:
        try:
            archive = Path(keras.utils.get_file("aclImdb_v1.tar.gz", IMDB_URL, extract=True))
            root = archive / "aclImdb" if (archive / "aclImdb").is_dir() else archive.parent / "aclImdb"
            return _read_aclimdb(root), "Keras download"
        except Exception as exc:  # any network or server failure ends in the same advice
            tried.append(f"download failed ({type(exc).__name__}: {exc})")
    raise DataUnavailableError(
        f"The IMDB reviews could not be loaded ({'; '.join(tried)}). Fix it in one of three ways: "
        f"(1) put {IMDB_FILE} (label<TAB>text lines) in a folder and pass --data-dir FOLDER; "
        f"(2) unpack the book's aclImdb_v1.tar.gz into ~/.keras/datasets/; "
        f"(3) connect to the internet once so Keras can download it.")


def _read_imdb_tsv(path: Path) -> tuple[str, ...]:
    texts = []
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for number, line in enumerate(f):
            label, sep, text = line.rstrip("\n").partition("\t")
            if number == 0 and label == "label":
                continue  # the header
            if not sep:
                raise DataUnavailableError(f"{path}, line {number + 1}: expected label<TAB>text.")
            texts.append(clean_review(text))
    if not texts:
        raise DataUnavailableError(f"{path} holds no reviews.")
    return tuple(texts)


def _read_aclimdb(root: Path) -> tuple[str, ...]:
    # The book reads every review file under aclImdb/; the training reviews (pos + neg) are the
    # 25,000 that the offline copy holds too.
    files = sorted((root / "train" / "pos").glob("*.txt")) + sorted((root / "train" / "neg").glob("*.txt"))
    if not files:
        raise DataUnavailableError(f"{root} holds no train/pos or train/neg reviews.")
    return tuple(clean_review(f.read_text(encoding="utf-8", errors="replace")) for f in files)


MAX_TEXT_BYTES = 3_000_000  # a student's own .txt for the character model


def read_text_file(path) -> str:
    """The text of a .txt file (UTF-8, or the Korean CP949 / EUC-KR of older Windows files); a
    ``ValueError`` with a sentence for the student when it is missing, too big or not text."""
    if not path:
        raise ValueError("Upload a .txt file first.")
    file = Path(path)
    if file.suffix.lower() != ".txt":
        raise ValueError("Upload a plain-text .txt file.")
    size = file.stat().st_size
    if size > MAX_TEXT_BYTES:
        raise ValueError(f"The file has {size / 1e6:.1f} MB; use at most {MAX_TEXT_BYTES / 1e6:.0f} MB of text.")
    raw = file.read_bytes()
    for encoding in ("utf-8-sig", "cp949"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValueError("The file is neither UTF-8 nor CP949 text; save it as UTF-8 and upload it again.")
