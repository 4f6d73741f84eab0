"""Korean and English texts of the per-pixel probabilistic model tab (Program 10-1)."""

STRINGS = {
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
}
