"""studio.media.plots: Hangul glyphs from pip-installed files, figure words in the interface language."""

import numpy as np

from studio.media import plots


def _drawn(text: str) -> np.ndarray:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(1.2, 0.6), dpi=100)
    fig.text(0.1, 0.2, text, fontsize=24)
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    return np.asarray(canvas.buffer_rgba())[..., 0].copy()


def test_hangul_draws_real_glyphs_from_pip_installed_files_only():
    from matplotlib import font_manager

    assert plots.HANGUL_READY  # koreanize-matplotlib's NanumGothic, registered by file
    nanum = font_manager.findfont(font_manager.FontProperties(family=plots.KOREAN_FONT), fallback_to_default=False)
    assert "site-packages" in nanum and nanum.endswith("NanumGothic.ttf")  # no system font involved
    ga, na, missing = _drawn("가"), _drawn("나"), _drawn("\ue000")  # U+E000: no font has it -> the box
    assert (ga < 128).sum() > 20  # ink on the page
    # Missing glyphs all draw the same box; two real syllables differ from each other and from it.
    assert not np.array_equal(ga, na) and not np.array_equal(ga, missing) and not np.array_equal(na, missing)


def test_figure_words_follow_the_language():
    english = plots.loss_curves({"loss": [3.0, 2.0]}, lang="en")
    korean = plots.loss_curves({"loss": [3.0, 2.0]}, lang="ko")
    assert english.shape == korean.shape and not np.array_equal(english, korean)
