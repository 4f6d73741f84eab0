"""Korean and English texts of the cGAN tab (lecture 004)."""

STRINGS = {
    "cgan.tab": {"ko": "⑤ 조건부 GAN (cGAN)", "en": "⑤ Conditional GAN (cGAN)"},
    "cgan.intro": {
        "ko": "### 조건부 GAN (강의 004: cGAN으로 MNIST 학습하기)\n"
              "생성자는 노이즈 z와 함께 **원-핫 레이블 y**를 받고, 판별자도 영상과 함께 같은 레이블을 받아 '이 영상이 y의 진짜 영상인가?'를 판정합니다. "
              "그래서 원하는 숫자를 바로 만들 수 있습니다: **레이블은 부류를, 노이즈는 모양(기울기, 굵기)을** 정합니다. "
              "강의의 모델은 완전연결층 생성자와 Maxout 판별자(이진 교차 엔트로피, Adam 1e-4)이고, 기본 모델은 같은 손실로 학습한 작은 합성곱 cGAN(cDCGAN)에 보조 분류기(AC-GAN)를 더한 것입니다: 판별자가 숫자도 맞히도록 배우고, 생성자는 요청한 숫자로 읽히도록 배웁니다.",
        "en": "### Conditional GAN (lecture 004: training a cGAN on MNIST)\n"
              "The generator takes a **one-hot label y** beside the noise z, and the discriminator sees the same label "
              "beside the image and asks 'is this a real image of y?'. So you get the digit you ask for: **the label sets "
              "the class, the noise the style** (slant, thickness). The lecture's model is a dense generator with a "
              "Maxout discriminator (binary cross-entropy, Adam 1e-4); the default is a small convolutional cGAN (cDCGAN) "
              "trained with the same losses plus an auxiliary classifier (AC-GAN): the discriminator also learns to name "
              "the digit, and the generator to be named as the digit it was asked for.",
    },
    "cgan.variant": {"ko": "모델", "en": "Model"},
    "cgan.variant_info": {
        "ko": "conv = 합성곱 cGAN (기본) · dense = 강의 004의 GeneratorCGAN / DiscriminatorCGAN을 강의 설정 그대로 (Adam 1e-4, 배치 128) "
              "250 에포크 학습한 것: 판정기가 요청한 숫자로 읽는 비율 97.2% (숫자마다 95% 이상). 레이블을 쓰기 시작하는 데 "
              "15~30 에포크, 95%에 이르는 데 146 에포크가 걸렸습니다 (강의는 500 에포크 가중치를 불러옵니다).",
        "en": "conv = convolutional cGAN (default) · dense = lecture 004's GeneratorCGAN / DiscriminatorCGAN trained with "
              "the lecture's settings (Adam 1e-4, batch 128) for 250 epochs: the judge reads 97.2% of its samples as the "
              "requested digit (every digit at least 95%). It starts using the label from epoch 15 to 30 and first reached "
              "95% at epoch 146 (the lecture loads weights trained for 500 epochs).",
    },
    "cgan.scale": {"ko": "노이즈 크기 (z ~ N(0, 크기²))", "en": "Noise scale (z ~ N(0, scale²))"},
    "cgan.scale_info": {
        "ko": "기본값 1은 학습 때와 같습니다. 1보다 작으면 (절단 기법) 다양성은 줄고 숫자가 더 또렷해집니다. 그림 아래 판정기의 일치율로 효과를 확인하세요.",
        "en": "The default 1 is what training uses. Below 1 (the truncation trick) trades variety for cleaner digits: "
              "the judge's agreement under the grid shows the effect.",
    },
    "cgan.digit_tab": {"ko": "숫자 고르기", "en": "Pick a digit"},
    "cgan.digit": {"ko": "만들 숫자 (레이블)", "en": "Digit to draw (the label)"},
    "cgan.n": {"ko": "샘플 수 (강의: 10)", "en": "Number of samples (lecture: 10)"},
    "cgan.sample_btn": {"ko": "생성", "en": "Generate"},
    "cgan.samples_out": {"ko": "고른 숫자의 샘플 (샘플마다 다른 노이즈)", "en": "Samples of the chosen digit (a different noise each)"},
    "cgan.table_tab": {"ko": "10×10 표: 레이블 × 노이즈", "en": "10×10 table: label × noise"},
    "cgan.table_intro": {
        "ko": "행마다 레이블(0~9)이, 열마다 노이즈 벡터가 같습니다. 한 열을 위아래로 보면 레이블만 바뀌어도 **같은 필체(기울기, 굵기)** 로 다른 숫자가 나오고, "
              "한 행을 좌우로 보면 노이즈가 같은 숫자의 모양을 바꿉니다.",
        "en": "Each row shares a label (0-9), each column a noise vector. Read a column top to bottom: only the label "
              "changes, and the digits keep **the same handwriting** (slant, thickness). Read a row: the noise changes "
              "the style of one digit.",
    },
    "cgan.table_btn": {"ko": "표 만들기", "en": "Draw the table"},
    "cgan.table_out": {"ko": "행 = 숫자, 열 = 노이즈 (한 번의 배치 호출)", "en": "Rows = digits, columns = noise (one batched call)"},
    "cgan.table_time": {"ko": "100개를 {ms:.0f} ms에 생성했습니다.", "en": "Generated 100 digits in {ms:.0f} ms."},
    "cgan.table_judge": {
        "ko": "**판정기**: 100칸 중 **{hits}칸**을 그 행의 숫자로 읽습니다. 행별: {rows}",
        "en": "**Judge**: reads **{hits} of the 100** cells as their row's digit. Per row: {rows}",
    },
    "cgan.morph_tab": {"ko": "레이블 섞기", "en": "Label morph"},
    "cgan.morph_intro": {
        "ko": "노이즈는 고정하고 레이블만 (1 − t)·원-핫(a) + t·원-핫(b) 로 섞습니다. 학습 때 본 적 없는 '섞인 레이블'에서 생성자가 무엇을 그리는지 보세요. "
              "모든 프레임을 한 번의 배치로 만듭니다.",
        "en": "The noise stays fixed; only the label is blended, (1 − t)·one-hot(a) + t·one-hot(b). Watch what the "
              "generator draws for blended labels it never saw in training. All frames come from one batch.",
    },
    "cgan.digit_a": {"ko": "처음 숫자 a", "en": "From digit a"},
    "cgan.digit_b": {"ko": "나중 숫자 b", "en": "To digit b"},
    "cgan.blend": {"ko": "섞는 정도 t (0 = a, 1 = b)", "en": "Blend t (0 = a, 1 = b)"},
    "cgan.morph_out": {"ko": "t = 0 … 1", "en": "t = 0 … 1"},
    "cgan.morph_now": {"ko": "지금의 t", "en": "At the chosen t"},
    "cgan.gif": {"ko": "GIF 내려받기", "en": "Download the GIF"},
    "cgan.morph_judge": {
        "ko": "**판정기**가 읽은 숫자 (t = 0 … 1): {classes}",
        "en": "**Judge** reads (t = 0 … 1): {classes}",
    },
    "cgan.train_intro": {
        "ko": "고른 모델을 MNIST 학습 영상 60,000장으로 처음부터 다시 학습합니다 (이 CPU에서 에포크당 dense 약 25초, conv 약 60초). "
              "데이터셋이 필요합니다 (`--data-dir`). 미리 보기는 10×10 표(고정 노이즈)이고, 곡선은 D/G 손실과 판정기 일치율입니다.",
        "en": "Retrain the chosen model from scratch on the 60,000 MNIST training digits (on this CPU about 25 s an epoch "
              "for dense, 60 s for conv). Needs the data set (`--data-dir`). The preview is the 10×10 table at a fixed "
              "noise; the curves are the D and G losses and the judge's label agreement.",
    },
    "cgan.classroom": {
        "ko": "수업용 빠른 설정: conv, 배치 64, Adam(5e-4), 150단계마다 판정기 읽기 · 이 CPU에서 약 2분",
        "en": "Classroom preset: conv, batch 64, Adam(5e-4), the judge every 150 steps · about 2 min on this CPU",
    },
    "cgan.status": {
        "ko": "{variant}: {source} 가중치 (`{command}`, {created}) · 노이즈 크기 {scale}에서 레이블 일치율 {agreement} (숫자마다 1,000개), FID {fid}",
        "en": "{variant}: {source} weights (`{command}`, {created}) · at noise scale {scale}: label agreement {agreement} (1,000 per digit), FID {fid}",
    },
}
