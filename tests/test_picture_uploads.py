"""A student's own pictures for the colour GAN: a .zip and / or picture files, each checked; every bad
archive gets its one sentence, and nothing is written outside the job's folder."""

import io
import stat
import zipfile

import numpy as np
import pytest
from PIL import Image

from studio.media import picture_uploads
from studio.checks import UserError


def _png(seed: int, size=(50, 40), mode="RGB") -> bytes:
    array = np.random.default_rng(seed).integers(0, 255, (size[1], size[0], 3), dtype=np.uint8)
    out = io.BytesIO()
    Image.fromarray(array).convert(mode).save(out, "PNG")
    return out.getvalue()


def _zip(path, members: dict) -> str:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return str(path)


def test_a_zip_of_pictures_of_any_size_and_mode_becomes_a_folder_of_small_rgb_pngs(tmp_path):
    members = {f"faces/{k}.png": _png(k, (30 + 40 * k, 60), "L" if k % 3 else "RGBA") for k in range(6)}
    members |= {"README.txt": b"not a picture", "__MACOSX/._0.png": b"fork", "faces/": b""}
    jpeg = io.BytesIO()
    Image.new("RGB", (3000, 2000), "red").save(jpeg, "JPEG")
    single = tmp_path / "big.jpg"
    single.write_bytes(jpeg.getvalue())
    out = tmp_path / "job"
    count = picture_uploads.collect_pictures([_zip(tmp_path / "a.zip", members), str(single)], out, minimum=7)
    assert count == 7
    written = sorted(out.iterdir())
    assert [p.name for p in written] == [f"{k:05d}.png" for k in range(7)]
    for path in written:
        with Image.open(path) as picture:
            assert picture.mode == "RGB" and max(picture.size) <= picture_uploads.KEPT_SIDE


@pytest.mark.parametrize(("members", "sentence"), [
    ({}, "is empty"),
    ({"../evil.png": _png(0)}, "points outside its folder"),
    ({"/tmp/evil.png": _png(0)}, "points outside its folder"),
    ({"C:\\evil.png": _png(0)}, "points outside its folder"),
    ({"a/../../evil.png": _png(0)}, "points outside its folder"),
    ({"inner.zip": b"PK..."}, "holds another archive"),
    ({"notes.txt": b"hello", "data.csv": b"1,2"}, "None of the 2 files"),
    ({f"{k}.png": _png(k) for k in range(3)}, "Found 3 pictures"),
])
def test_each_bad_archive_gets_its_sentence_and_nothing_is_written_outside(tmp_path, members, sentence):
    out = tmp_path / "job"
    with pytest.raises(UserError, match=sentence):
        picture_uploads.collect_pictures([_zip(tmp_path / "bad.zip", members)], out, minimum=8)
    assert not (tmp_path / "evil.png").exists() and not (tmp_path.parent / "evil.png").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.zip", "job"]


def test_a_link_inside_a_zip_a_damaged_zip_another_archive_and_a_huge_upload_are_refused(tmp_path, monkeypatch):
    path = tmp_path / "link.zip"
    with zipfile.ZipFile(path, "w") as archive:
        info = zipfile.ZipInfo("face.png")
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(info, "/etc/passwd")
    with pytest.raises(UserError, match="holds a link"):
        picture_uploads.collect_pictures([str(path)], tmp_path / "job", minimum=1)
    broken = tmp_path / "broken.zip"
    broken.write_bytes(b"PK\x03\x04 this is not really a zip")
    with pytest.raises(UserError, match="damaged or not a zip"):
        picture_uploads.collect_pictures([str(broken)], tmp_path / "job", minimum=1)
    tar = tmp_path / "faces.tar.gz"
    tar.write_bytes(b"\x1f\x8b")
    with pytest.raises(UserError, match="only .zip archives"):
        picture_uploads.collect_pictures([str(tar)], tmp_path / "job", minimum=1)
    monkeypatch.setattr(picture_uploads, "MAX_UPLOAD_BYTES", 100)
    with pytest.raises(UserError, match="uploads of up to"):
        picture_uploads.collect_pictures([_zip(tmp_path / "big.zip", {"a.png": _png(1)})], tmp_path / "job", minimum=1)
    with pytest.raises(UserError, match="Upload a .zip"):
        picture_uploads.collect_pictures([], tmp_path / "job", minimum=1)


def test_a_member_larger_than_its_listing_says_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(picture_uploads, "MAX_MEMBER_BYTES", 1000)
    with pytest.raises(UserError, match="larger than"):
        picture_uploads.collect_pictures([_zip(tmp_path / "z.zip", {"a.png": b"x" * 5000})], tmp_path / "job", 1)
