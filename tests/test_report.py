"""benchmarks/report.py: the README's measured section is rewritten from benchmark output, nothing else."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import report  # noqa: E402


def test_the_section_between_the_markers_is_replaced_and_the_rest_kept():
    readme = f"# Title\n\nintro\n{report.START}\nold numbers\n{report.END}\n\n## Layout\nkept\n"
    blocks = {"gan.py --steps 10": "1. step 2.5 steps/s\nsummary: ratio=1.090",
              "vae.py": "grid 90 ms\nsummary: grid_ms=90.900"}
    section = report.render(blocks, "2026-12-02", "CPU, 2 threads", "0.10 0.20 0.30", "1.00 1.10 1.20")
    out = report.rewrite(readme, section)
    assert out.startswith("# Title\n\nintro\n") and out.endswith("\n\n## Layout\nkept\n")
    assert "old numbers" not in out and "load average 0.10 0.20 0.30 at the start" in out
    # the blocks come back out of a rendered section by their command (what --only keeps)
    assert report.blocks_of(section) == blocks


def test_a_readme_without_markers_is_refused():
    with pytest.raises(ValueError, match="markers"):
        report.rewrite("# no markers here\n", "section")


def test_every_listed_benchmark_exists_and_ends_with_a_summary_line():
    folder = Path(report.__file__).parent
    for name, _ in report.BENCHMARKS:
        assert "summary(" in (folder / name).read_text() or "summary:" in (folder / name).read_text(), name


def test_a_block_says_when_and_where_it_ran_and_keeps_it_through_later_runs():
    block = f"{report.stamp('2026-12-03', 'CPU (AMD EPYC, AVX2), 2 threads')}\n1. step 2.5 steps/s\nsummary: ratio=1.090"
    section = report.render({"gan.py --steps 10": block}, "2026-12-04", "GPU: H200", "0.1 0.1 0.1", "0.2 0.2 0.2")
    assert report.blocks_of(section)["gan.py --steps 10"].startswith("(run on 2026-12-03, CPU (AMD EPYC, AVX2)")
