"""A folder of pictures from an upload: a ``.zip`` and / or several picture files, checked one by one.

Nothing from an archive is ever extracted as it is named: each member is read into memory (at most
``MAX_MEMBER_BYTES``), decoded by ``imaging.read_picture`` as every other upload is, shrunk, and
written under a name this module chooses (``00000.png``, ...) inside the one folder it is given.
So a member named ``../../etc/passwd`` or ``/tmp/x`` can write nothing anywhere; such archives are
refused anyway, with one sentence, as are empty, nested, too large and picture-less ones.
"""

from __future__ import annotations

import io
import stat
import zipfile
from collections.abc import Iterable
from pathlib import Path, PurePosixPath, PureWindowsPath

from studio.media import imaging
from studio.checks import UserError

MAX_UPLOAD_BYTES = 200 * 1024 * 1024  # one uploaded file, archive or picture
MAX_MEMBER_BYTES = 40 * 1024 * 1024  # one picture inside an archive, uncompressed
MAX_TOTAL_BYTES = 1024 * 1024 * 1024  # all of an archive's members, uncompressed (zip bombs)
MAX_PICTURES = 5000
KEPT_SIDE = 256  # pictures are stored this large on their long side; the GAN reads them at 64 x 64
# Archives inside the archive are refused rather than opened: one level is all a class needs.
ARCHIVE_SUFFIXES = (".zip", ".tar", ".gz", ".tgz", ".bz2", ".xz", ".7z", ".rar", ".jar")


def collect_pictures(uploads: Iterable[str | Path], folder: Path, minimum: int) -> int:
    """Write every picture of ``uploads`` (picture files and ``.zip`` archives) into ``folder`` as RGB
    PNGs no larger than KEPT_SIDE; return how many. Raises UserError, in one sentence, for an unusable
    upload or fewer than ``minimum`` pictures. Files in an archive that are not pictures are skipped
    (a stray README does no harm), but an upload with no picture at all is refused."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = [Path(p) for p in uploads or () if p]
    if not paths:
        raise UserError(f"Upload a .zip of pictures, or at least {minimum} picture files, first.")
    written = skipped = 0

    def keep(source) -> None:
        nonlocal written, skipped
        if written >= MAX_PICTURES:
            raise UserError(f"This upload holds more than {MAX_PICTURES:,} pictures; choose fewer.")
        try:
            picture = imaging.on_white(imaging.read_picture(source, KEPT_SIDE)).convert("RGB")
        except imaging.UnreadableImage:
            skipped += 1
            return
        picture.save(folder / f"{written:05d}.png")
        written += 1

    for path in paths:
        if path.stat().st_size > MAX_UPLOAD_BYTES:
            raise UserError(f"{path.name} is {path.stat().st_size / 2**20:,.0f} MB; the studio takes uploads of "
                            f"up to {MAX_UPLOAD_BYTES // 2**20} MB.")
        if path.suffix.lower() == ".zip":
            for data in _members(path):
                keep(io.BytesIO(data))
        elif path.suffix.lower() in ARCHIVE_SUFFIXES:
            raise UserError(f"{path.name}: only .zip archives are read; pack the pictures as a .zip.")
        else:
            keep(path)
    if written == 0:
        raise UserError(f"None of the {skipped:,} files uploaded is a picture the studio can read (PNG, JPEG, GIF, "
                        "WebP, BMP or TIFF)." if skipped else "This upload is empty: it holds no files.")
    if written < minimum:
        raise UserError(f"Found {written} pictures; the colour GAN needs at least {minimum} to learn from.")
    return written


def _members(path: Path) -> Iterable[bytes]:
    """The bytes of each file in the zip at ``path``, after checking the whole archive's listing."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        raise UserError(f"{path.name} is damaged or not a zip archive.") from None
    with archive:
        infos = [info for info in archive.infolist() if not info.is_dir() and not _is_clutter(info.filename)]
        for info in infos:
            _check_member(path.name, info)
        if not infos:
            raise UserError(f"{path.name} is empty: it holds no files.")
        if sum(info.file_size for info in infos) > MAX_TOTAL_BYTES:
            raise UserError(f"{path.name} unpacks to more than {MAX_TOTAL_BYTES // 2**30} GB; choose fewer or smaller "
                            "pictures.")
        for info in infos:
            try:
                with archive.open(info) as member:
                    data = member.read(MAX_MEMBER_BYTES + 1)  # never trust the listing's size alone
            except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError):
                raise UserError(f"{path.name} is damaged or encrypted: {info.filename} could not be read.") from None
            if len(data) > MAX_MEMBER_BYTES:
                raise UserError(_too_large(path.name, info.filename))
            yield data


def _check_member(archive: str, info: zipfile.ZipInfo) -> None:
    name = info.filename
    windows = PureWindowsPath(name)
    if (name.startswith(("/", "\\")) or windows.drive or ".." in PurePosixPath(name.replace("\\", "/")).parts):
        raise UserError(f"{archive} holds a path that points outside its folder ({name[:80]}); the studio does not "
                        "open such archives.")
    if stat.S_ISLNK(info.external_attr >> 16):
        raise UserError(f"{archive} holds a link ({name[:80]}) instead of a file; the studio does not open such "
                        "archives.")
    if name.lower().endswith(ARCHIVE_SUFFIXES):
        raise UserError(f"{archive} holds another archive ({name[:80]}); put the pictures themselves in one .zip.")
    if info.file_size > MAX_MEMBER_BYTES:
        raise UserError(_too_large(archive, name))


def _too_large(archive: str, name: str) -> str:
    return f"{archive}: {name[:80]} is larger than {MAX_MEMBER_BYTES // 2**20} MB; pictures of this size are not read."


def _is_clutter(name: str) -> bool:
    """macOS's resource forks and hidden files, which every zip made on a Mac carries."""
    parts = PurePosixPath(name.replace("\\", "/")).parts
    return any(part == "__MACOSX" or part.startswith(".") and part not in (".", "..") for part in parts)
