"""Korean and English interface texts, and the mechanism that switches them live.

Every visible string has a key in ``STRINGS``: the frame's, the training panel's and the judge's
here, each tab's in its own module under ``studio/ui/texts/``. Components are made through ``Translator.make`` so
that the language radio can later send each of them its texts in the other language.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import gradio as gr

from studio.ui import texts

LANGUAGES = {"ko": "한국어", "en": "English"}
DEFAULT_LANGUAGE = "ko"

STRINGS: dict[str, dict[str, str]] = {
    # --- the frame ---
    "app.title": {"ko": "생성 모델 스튜디오", "en": "Generative Studio"},
    "app.subtitle": {
        "ko": "강의에서 배운 고전 생성 모델을 직접 실행하고, 학습시키고, 비교해 보세요. 모든 탭은 함께 제공된 가중치로 바로 동작합니다.",
        "en": "Run, train and compare the classic generative models of the lectures. Every tab works at once from the shipped weights.",
    },
    "app.language": {"ko": "언어", "en": "Language"},
    "app.device_pending": {"ko": "계산 장치 확인 중…", "en": "Detecting the compute device…"},
    "app.device": {"ko": "계산 장치: {device}", "en": "Device: {device}"},
    "app.training_off": {
        "ko": "이 서버에서는 학습 기능이 꺼져 있습니다 (공유 링크에서는 `--allow-training` 을 주어야 켜집니다).",
        "en": "Training is switched off on this server (under a share link it needs `--allow-training`).",
    },
    # --- common ---
    "common.seed": {"ko": "시드 (같은 시드 → 같은 결과)", "en": "Seed (same seed → same result)"},
    "common.train": {"ko": "학습 / 다시 맞추기", "en": "Train / refit"},
    "common.stop": {"ko": "중지", "en": "Stop"},
    "common.use_shipped": {"ko": "기본 제공 가중치로 돌아가기", "en": "Return to the shipped weights"},
    "common.weights_shipped": {
        "ko": "사용 중인 가중치: **기본 제공** (`{command}`, {created})",
        "en": "Weights in use: **shipped** (`{command}`, {created})",
    },
    "common.weights_user": {
        "ko": "사용 중인 가중치: **직접 학습한 것** (`{command}`, {created})",
        "en": "Weights in use: **your own training** (`{command}`, {created})",
    },
    "common.training": {"ko": "학습", "en": "Training"},
    "common.stopped": {"ko": "학습을 중지했습니다. 이전 가중치는 그대로입니다.",
                       "en": "Training stopped; the previous weights are unchanged."},
    # --- the training panel ---
    "train.epochs": {"ko": "에포크 수", "en": "Epochs"},
    "train.keep_on_stop": {"ko": "중지해도 그때까지 학습한 가중치를 사용", "en": "On Stop, keep what was learned so far"},
    "train.settings": {"ko": "학습 설정", "en": "Training settings"},
    "train.lecture_settings": {"ko": "강의 설정 (길이를 직접 고름)", "en": "The lecture's settings (choose the length)"},
    "train.preview": {"ko": "미리 보기 (에포크마다)", "en": "Preview (every epoch)"},
    "train.curve": {"ko": "손실 곡선", "en": "Loss curves"},
    "train.starting": {"ko": "학습 프로세스를 시작하는 중… (TensorFlow를 불러옵니다; 다른 탭은 그대로 쓸 수 있습니다)",
                       "en": "Starting the training process… (loading TensorFlow; every other tab stays usable)"},
    "train.queued": {"ko": "⏳ 다른 학습이 진행 중입니다. 대기 {place}번째{eta} · '중지'를 누르면 대기열에서 나갑니다.",
                     "en": "⏳ Another training is running: you are {place} in line{eta} · Stop leaves the line."},
    "train.about_minutes": {"ko": ", 약 {n}분", "en": ", about {n} min"},
    "train.about_seconds": {"ko": ", 약 {n}초", "en": ", about {n} s"},
    "train.elapsed": {"ko": "경과 {elapsed}", "en": "{elapsed} elapsed"},
    "train.left": {"ko": "남은 시간{eta}", "en": "time left{eta}"},
    "train.done": {"ko": "✅ 학습을 마쳤고, 새 가중치를 이 탭에서 사용합니다.",
                   "en": "✅ Training finished; this tab now uses the new weights."},
    "train.stopped": {"ko": "⏹ 학습을 중지했습니다. 이전 가중치가 그대로입니다.",
                      "en": "⏹ Training stopped; the previous weights are unchanged."},
    "train.stopped_saved": {"ko": "⏹ 학습을 중지했고, 그때까지 학습한 가중치를 저장해 이 탭에서 사용합니다.",
                            "en": "⏹ Training stopped; what it learnt so far was saved and this tab now uses it."},
    "train.left_line": {"ko": "대기열에서 나왔습니다. 아무것도 학습하지 않았습니다.",
                        "en": "You left the line; nothing was trained."},
    "train.stopping": {"ko": "다음 배치가 끝나면 멈춥니다.", "en": "Stopping after the current batch."},
    # --- the judge's readout (every tab that generates images) ---
    "judge.header": {
        "ko": "**판정기** ({dataset} 분류기, 테스트 정확도 {accuracy:.1%})",
        "en": "**Judge** ({dataset} classifier, test accuracy {accuracy:.1%})",
    },
    "judge.agreement": {
        "ko": "위 샘플 {n}개 중 **{hits}개**가 '{name}'(으)로 보입니다. 같은 시드로 뽑은 {big:,}개 중에서는 {share:.1%}.",
        "en": "**{hits} of the {n}** samples above look like '{name}'; {share:.1%} of {big:,} samples from the same seed.",
    },
    "judge.fid": {
        "ko": "FID(판정기 특징, 샘플 {big:,}개 vs 테스트 {target}): **{fid:.1f}** — 실제 학습 영상이면 {floor:.1f}. "
              "낮을수록 실제 영상에 가깝습니다. Inception FID와는 비교할 수 없는 값입니다.",
        "en": "FID in judge features ({big:,} samples vs the test {target}): **{fid:.1f}** — real training images score "
              "{floor:.1f}. Lower is closer to real images; not comparable with Inception FID numbers.",
    },
    "judge.coverage": {
        "ko": "판정된 부류 분포 ({big:,}개): {shares} · 균등도 {ratio:.2f} (1 = 모든 부류가 고르게)",
        "en": "Judged classes over {big:,} samples: {shares} · evenness {ratio:.2f} (1 = all classes equally)",
    },
    "judge.collapse": {
        "ko": "⚠️ 모드 붕괴 경고: {reason}",
        "en": "⚠️ Mode-collapse warning: {reason}",
    },
    "judge.missing": {"ko": "한 번도 나오지 않은 부류 {classes}", "en": "no sample judged as {classes}"},
    "judge.dominant": {"ko": "'{name}' 부류가 {share:.0%}를 차지", "en": "'{name}' takes {share:.0%} of the samples"},
    "judge.all_test": {"ko": "영상 전체", "en": "images"},
    "judge.class_test": {"ko": "'{name}' 영상", "en": "'{name}' images"},
    "judge.unavailable": {
        "ko": "판정기를 쓸 수 없습니다: {reason}",
        "en": "The judge is not available: {reason}",
    },
    "judge.pending": {"ko": "판정기가 샘플을 평가하는 중…", "en": "The judge is assessing the samples…"},
}
# The tabs' own texts live in studio/ui/texts/<tab>.py.
_shared_clash = STRINGS.keys() & texts.collect().keys()
if _shared_clash:
    raise KeyError(f"Interface texts defined twice: {sorted(_shared_clash)}")
STRINGS.update(texts.collect())


def text(key: str, lang: str, **fmt: Any) -> str:
    """The string ``key`` in ``lang`` (falling back to English), formatted with ``fmt``."""
    entry = STRINGS[key]
    template = entry.get(lang) or entry["en"]
    return template.format(**fmt) if fmt else template


Text = str | Callable[[str], Any]  # a key of STRINGS, or a function of the language


class Translator:
    """Makes components whose texts follow the language switch.

    ``tr.make(gr.Slider, {"label": "pixel.row"}, minimum=0)`` creates the slider with the label in the
    current language and remembers it; ``tr.updates(lang)`` then gives every remembered component
    its texts in ``lang``, in the order of ``tr.components``.
    """

    def __init__(self, lang: str = DEFAULT_LANGUAGE) -> None:
        self.lang = lang if lang in LANGUAGES else DEFAULT_LANGUAGE
        self._bindings: list[tuple[gr.components.Component, dict[str, Text]]] = []

    def __call__(self, key: str, **fmt: Any) -> str:
        return text(key, self.lang, **fmt)

    def make(self, cls: type, texts: dict[str, Text], **kwargs: Any):
        """Create ``cls(**kwargs)`` with the translated ``texts`` (attribute -> key) and register it."""
        component = cls(**{attr: self._resolve(t, self.lang) for attr, t in texts.items()}, **kwargs)
        self._bindings.append((component, texts))
        return component

    @property
    def components(self) -> list:
        """Every component made through this translator."""
        return [component for component, _ in self._bindings]

    def updates(self, lang: str) -> list:
        """One ``gr.update`` per registered component, carrying its texts in ``lang``."""
        return [gr.update(**{attr: self._resolve(t, lang) for attr, t in texts.items()})
                for _, texts in self._bindings]

    @staticmethod
    def _resolve(t: Text, lang: str) -> Any:
        return t(lang) if callable(t) else text(t, lang)
