"""Korean and English texts of the autoencoder tab."""

STRINGS = {
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
}
