"""How ``pytest -n 2 --dist loadfile`` (the README's test command) hands the test files to its two workers.

xdist's own order hands out the files with the most tests first, so both workers ended on the browser files
(minutes each, few tests) while the many quick files were done early: the slowest file ran last and alone.
Here the longest work goes first and the quick files fill in at the end (longest-first, which keeps the two
workers within about one short file of each other), and every file that uses the session's shared studio
(``studio_server``, ``client``) goes to one worker, so that studio is started and warmed once, not twice.
"""

from __future__ import annotations

try:
    from xdist.scheduler import LoadFileScheduling
except ImportError:  # pytest-xdist is not installed: the tests run in one process, in their own order
    LoadFileScheduling = None

# The files on the session's shared studio (``conftest.SERVER_FIXTURES``); conftest checks this list.
SHARED_STUDIO_FILES = (
    "tests/test_browser.py", "tests/test_fuzz.py", "tests/test_phone_browser.py", "tests/test_e2e.py",
    "tests/test_exports.py", "tests/test_sharing.py", "tests/techniques/autoencoder/test_e2e_autoencoder.py",
    "tests/techniques/cgan/test_e2e_cgan.py", "tests/techniques/deepdream/test_e2e_deepdream.py",
    "tests/techniques/gan/test_e2e_gan.py", "tests/techniques/pix2pix/test_e2e_pix2pix.py",
    "tests/techniques/pixel/test_e2e_pixel.py", "tests/techniques/style/test_e2e_style.py",
    "tests/techniques/text_lm/test_e2e_text.py", "tests/techniques/vae/test_e2e_vae.py",
)
SHARED_STUDIO = "the shared studio's files"

# Seconds each long file took on a loaded 2-core machine (``--durations=0``, summed by file); any other file
# counts a second a test. Only the order depends on these: a stale figure costs time, never a test.
SECONDS = {
    SHARED_STUDIO: 1400, "tests/test_deploy.py": 210, "tests/techniques/pix2pix/test_pix2pix.py": 200,
    "tests/test_class_browser.py": 160, "tests/test_integrity.py": 120, "tests/test_e2e_training.py": 120,
    "tests/techniques/diffusion/test_diffusion.py": 110, "tests/test_training_jobs.py": 110,
    "tests/test_real_room.py": 100, "tests/techniques/gan/test_gan.py": 90,
}


def scope_of(nodeid: str) -> str:
    """The unit of work a test belongs to: its file, or the shared studio's group."""
    path = nodeid.split("::", 1)[0]
    return SHARED_STUDIO if path in SHARED_STUDIO_FILES else path


if LoadFileScheduling is not None:
    class LongestFirstFileScheduling(LoadFileScheduling):
        """xdist's per-file scheduling with the shared studio's files as one unit, handed out longest first."""

        _ordered = False

        # xdist's own (private) methods, as pinned in requirements-dev.txt: a newer xdist is to be checked here
        def _split_scope(self, nodeid: str) -> str:
            return scope_of(nodeid)

        def _assign_work_unit(self, node) -> None:
            if not self._ordered:  # the first call comes once the whole queue is known
                units = sorted(self.workqueue.items(), key=lambda unit: -SECONDS.get(unit[0], len(unit[1])))
                self.workqueue.clear()
                self.workqueue.update(units)
                self._ordered = True
            super()._assign_work_unit(node)
