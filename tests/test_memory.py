"""``studio.serving.memory``: glibc's malloc arenas capped for a long-running studio (issue 50's flood)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from studio.serving import memory


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's mallopt")
def test_the_arenas_are_capped_unless_the_operator_chose():
    script = "from studio.serving import memory; print(memory.cap_malloc_arenas())"
    env = {k: v for k, v in os.environ.items() if k != "MALLOC_ARENA_MAX"}
    capped = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True)
    assert capped.stdout.strip() == "True"
    chosen = subprocess.run([sys.executable, "-c", script], env={**env, "MALLOC_ARENA_MAX": "4"},
                            capture_output=True, text=True, check=True)
    assert chosen.stdout.strip() == "False"  # the operator's own setting stands


def test_the_image_caps_them_too():
    dockerfile = Path(memory.__file__).parents[2] / "deploy" / "Dockerfile"
    assert f"MALLOC_ARENA_MAX={memory.ARENAS}" in dockerfile.read_text()
