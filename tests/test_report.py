"""benchmarks/report.py: docs/measurements.md's measured block is rewritten from benchmark output, nothing else."""

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
import report  # noqa: E402


def test_the_section_between_the_markers_is_replaced_and_the_rest_kept():
    page = f"# Title\n\nintro\n{report.START}\nold numbers\n{report.END}\n\n## Layout\nkept\n"
    blocks = {"gan.py --steps 10": "1. step 2.5 steps/s\nsummary: ratio=1.090",
              "vae.py": "grid 90 ms\nsummary: grid_ms=90.900"}
    section = report.render(blocks, "2026-12-02", "CPU, 2 threads", "0.10 0.20 0.30", "1.00 1.10 1.20")
    out = report.rewrite(page, section)
    assert out.startswith("# Title\n\nintro\n") and out.endswith("\n\n## Layout\nkept\n")
    assert "old numbers" not in out and "load average 0.10 0.20 0.30 at the start" in out
    # the blocks come back out of a rendered section by their command (what --only keeps)
    assert report.blocks_of(section) == blocks


def test_a_page_without_markers_is_refused():
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


def test_the_measured_block_lives_in_docs_measurements_and_the_readme_links_to_it():
    assert report.TARGET == ROOT / "docs" / "measurements.md"
    page = report.TARGET.read_text(encoding="utf-8")
    assert page.count(report.START) == page.count(report.END) == 1 and page.index(report.START) < page.index(report.END)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert report.START not in readme and report.END not in readme
    assert "(docs/measurements.md)" in readme
    blocks = report.blocks_of(report.measured_section(page))
    for command in ("startup.py --runs 3", "quality.py", "load.py --seconds 45", "load.py --with-training --rounds 4"):
        assert "summary: " in blocks[command], command


def test_re_rendering_the_page_keeps_every_block_and_the_prose_around_them():
    """What ``--only`` with no names does: the page's blocks rendered again, the hand-written prose untouched."""
    page = report.TARGET.read_text(encoding="utf-8")
    blocks = report.blocks_of(report.measured_section(page))
    out = report.rewrite(page, report.render(blocks, "2026-12-06", "CPU, 2 threads", "0.1 0.1 0.1", "0.2 0.2 0.2"))
    assert report.blocks_of(report.measured_section(out)) == blocks
    assert out.split(report.START)[0] == page.split(report.START)[0]
    assert out.split(report.END)[1] == page.split(report.END)[1]


def test_only_keeps_a_block_recorded_with_arguments_no_longer_listed():
    previous = {"time_to_quality.py --only gan --cap 200": "old run\nsummary: x=1",
                "load.py --seconds 45": "light\nsummary: y=2", "load.py --with-training --rounds 4": "train\nsummary: z=3"}
    assert report.kept_blocks(previous, "time_to_quality.py", "time_to_quality.py --cap 180") == {
        "time_to_quality.py --only gan --cap 200": "old run\nsummary: x=1"}
    # a listed command keeps its own block only, not its sibling's
    assert report.kept_blocks(previous, "load.py", "load.py --seconds 45") == {"load.py --seconds 45": "light\nsummary: y=2"}
    assert report.kept_blocks(previous, "classroom.py", "classroom.py --students 10") == {}


def test_the_readme_is_a_front_page():
    """Issue 45: under 200 lines, its pictures present, every document it links present."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(readme.splitlines()) < 200
    for target in ("docs/measurements.md", "docs/training.md", "docs/architecture.md", "docs/deploy.md",
                   "docs/screenshots/studio.png"):
        assert f"({target})" in readme and (ROOT / target).exists(), target
    assert "CC BY-SA 4.0" in readme and "OpenMoji" in readme
