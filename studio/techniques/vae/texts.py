"""Korean and English texts of the VAE tab (Keras book 12.4)."""

STRINGS = {
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
}
