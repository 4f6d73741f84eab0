"""Korean and English texts of the GAN tab (Programs 10-4, 10-5(a)(b), lecture 001, Fig. 10-9)."""

STRINGS = {
    "gan.tab": {"ko": "④ GAN (생성 적대 신경망)", "en": "④ GAN"},
    "gan.intro": {
        "ko": "**생성 적대 신경망**: 생성망 G는 잡음 z에서 영상을 만들고, 분별망 D는 진짜와 가짜를 가립니다. 둘이 번갈아 "
              "학습하며 서로를 이기려 하다 보면 G의 영상이 점점 진짜처럼 됩니다 ([프로그램 10-4], 그림 10-7). "
              "아래에서 세 생성망을 고를 수 있습니다: 프로그램 10-4의 DCGAN(MNIST), 같은 DCGAN을 앵클부츠로만 학습한 "
              "[프로그램 10-5(a)], 8강의 완전연결 GAN.",
        "en": "**Generative adversarial network**: the generator G turns noise z into an image; the discriminator D "
              "tells real from fake. Trained in turns, each trying to beat the other, G's images become more and more "
              "real-looking (Program 10-4, Fig. 10-7). Pick one of three generators below: Program 10-4's DCGAN "
              "(MNIST), the same DCGAN trained on ankle boots only (Program 10-5(a)), and lecture 8's dense GAN.",
    },
    "gan.variant": {"ko": "생성망", "en": "Generator"},
    "gan.variant_dcgan_mnist": {"ko": "DCGAN · MNIST 숫자 (프로그램 10-4)", "en": "DCGAN · MNIST digits (Program 10-4)"},
    "gan.variant_dcgan_ankle_boot": {"ko": "DCGAN · 앵클부츠 (프로그램 10-5(a))",
                                     "en": "DCGAN · ankle boots (Program 10-5(a))"},
    "gan.variant_dense_mnist": {"ko": "완전연결 GAN · MNIST (8강)", "en": "Dense GAN · MNIST (lecture 8)"},
    "gan.status": {
        "ko": "사용 중인 가중치: **{source}** (`{command}`, {created}) · 판정기 FID {fid} (실제 영상 {floor}) · "
              "가장 가까운 학습 영상까지 평균 거리 {nn}",
        "en": "Weights in use: **{source}** (`{command}`, {created}) · judge FID {fid} (real images {floor}) · "
              "mean distance to the nearest training image {nn}",
    },
    "gan.status_shares": {"ko": "샘플 1,000개를 판정기가 읽은 숫자 비율: {shares}",
                          "en": "Digits the judge reads in 1,000 samples: {shares}"},
    "gan.samples_tab": {"ko": "샘플", "en": "Samples"},
    "gan.count": {"ko": "샘플 수 (강의: 5 × 10 = 50)", "en": "Samples (the lecture: 5 × 10 = 50)"},
    "gan.sample_btn": {"ko": "샘플 생성", "en": "Generate"},
    "gan.grid": {"ko": "생성된 샘플", "en": "Generated samples"},
    "gan.walk_tab": {"ko": "잠복 공간 걷기", "en": "Latent walk"},
    "gan.walk_intro": {
        "ko": "두 시드의 잠복 벡터 z 사이를 구면 보간(slerp)으로 이동하며 영상을 만듭니다. 가우시안 벡터끼리의 직선은 원점 "
              "가까이를 지나는데, 그곳은 학습 때 거의 보지 못한 z라서 원호를 따라갑니다. 영상이 부드럽게 변하면 G가 외운 것이 "
              "아니라 연속적인 공간을 배웠다는 뜻입니다.",
        "en": "Images along the great circle (slerp) between the latent vectors z of two seeds. A straight line between "
              "Gaussian vectors passes near the origin, where training hardly ever drew a z, so the walk follows the arc. "
              "Smooth changes mean G learned a continuous space rather than memorising images.",
    },
    "gan.seed_a": {"ko": "시작 시드", "en": "Start seed"},
    "gan.seed_b": {"ko": "끝 시드", "en": "End seed"},
    "gan.frames": {"ko": "프레임 수", "en": "Frames"},
    "gan.walk_btn": {"ko": "걷기", "en": "Walk"},
    "gan.walk_out": {"ko": "보간된 영상 (숫자 = 진행 비율)", "en": "Interpolated images (number = fraction of the way)"},
    "gan.nn_tab": {"ko": "가장 가까운 진짜 영상", "en": "Nearest real images"},
    "gan.nn_intro": {
        "ko": "[프로그램 10-5(b)]: 생성된 샘플마다 학습 집합 전체에서 평균 절대 차이가 가장 작은 진짜 영상을 찾아 아래 줄에 "
              "놓습니다. 강의는 파이썬 반복문으로 샘플 하나에 학습 영상을 하나씩 비교하지만, 여기서는 행렬곱으로 만든 하한으로 "
              "후보를 걸러낸 뒤 정확히 비교합니다(결과는 같고 훨씬 빠릅니다). 위 시드의 첫 샘플들을 씁니다.",
        "en": "Program 10-5(b): for each generated sample, the real training image with the smallest mean absolute "
              "difference, placed under it. The lecture compares one training image at a time in a Python loop; here "
              "a lower bound from one matrix product rules out most candidates before the exact comparison (same "
              "answer, much faster). Uses the first samples of the seed above.",
    },
    "gan.nn_count": {"ko": "샘플 수", "en": "Samples"},
    "gan.nn_btn": {"ko": "가장 가까운 학습 영상 찾기", "en": "Find the nearest training images"},
    "gan.nn_out": {"ko": "위: 생성 · 아래: 가장 가까운 학습 영상과 거리 d (0~1)",
                   "en": "Top: generated · below: the nearest training image and its distance d (0 to 1)"},
    "gan.nn_note": {
        "ko": "쌍마다 비슷하지만 같지는 않습니다 (그림 10-8). d가 0에 가까우면 G가 학습 영상을 베낀 것이고, 클수록 새로운 "
              "영상입니다. 실제 테스트 영상도 가장 가까운 학습 영상까지 d ≈ 0.05입니다 (MNIST 0.046, Fashion-MNIST 0.059; benchmarks/quality.py).",
        "en": "Each pair is similar but not the same (Fig. 10-8). A d near 0 would mean G copies training images; larger "
              "means new images. Real test images sit at d ≈ 0.05 from their nearest training image too (MNIST 0.046, Fashion-MNIST 0.059; benchmarks/quality.py).",
    },
    "gan.game_tab": {"ko": "어느 것이 진짜일까?", "en": "Which is real?"},
    "gan.game_intro": {
        "ko": "그림 10-9의 실험: 진짜 테스트 영상 4장과 생성된 영상 4장을 섞어 보여 줍니다. 가짜라고 생각하는 번호를 고르고 "
              "'채점'을 누르세요. 정확률 50%는 동전 던지기와 같습니다. 즉 모델이 여러분을 완전히 속인 것입니다. 점수는 이 "
              "브라우저 세션에만 저장됩니다.",
        "en": "Fig. 10-9's experiment: four real test images and four generated ones, shuffled. Tick the numbers you think "
              "are fake and press Check. 50% accuracy is a coin toss, i.e. the model fooled you completely. Your score "
              "is kept for this browser session only.",
    },
    "gan.new_round": {"ko": "새 문제", "en": "New round"},
    "gan.picks": {"ko": "가짜라고 생각하는 영상 번호", "en": "The images you think are fake"},
    "gan.check": {"ko": "채점", "en": "Check"},
    "gan.game_prompt": {"ko": "가짜를 골라 보세요. {score}", "en": "Pick the fakes. {score}"},
    "gan.verdict": {
        "ko": "이번 문제: **{correct}/{total}** 맞음 (가짜 {fakes}장 중 {found}장 발견). {reading}  \n{score}",
        "en": "This round: **{correct}/{total}** right ({found} of the {fakes} fakes found). {reading}  \n{score}",
    },
    "gan.reading_fooled": {"ko": "50% 근처라면 생성망이 여러분을 속이고 있습니다.",
                           "en": "Near 50%, the generator is fooling you."},
    "gan.reading_spotted": {"ko": "가짜를 잘 가려냈습니다. 생성망이 아직 완벽하지 않습니다.",
                            "en": "You spotted the fakes: the generator is not perfect yet."},
    "gan.score": {"ko": "지금까지 {rounds}문제, {shown}장 중 {correct}장 맞음 ({share:.0%}).",
                  "en": "So far: {rounds} rounds, {correct} of {shown} images right ({share:.0%})."},
    "gan.score_none": {"ko": "아직 채점한 문제가 없습니다.", "en": "No rounds checked yet."},
    "gan.train_intro": {
        "ko": "고른 생성망을 처음부터 학습합니다. 한 라운드 = 100단계(배치 64, 강의처럼 100단계마다 고정된 잡음으로 만든 "
              "샘플을 보여 줌). 손실 곡선의 점선은 ln 2 ≈ 0.69입니다: 균형에서는 D가 모든 영상에 1/2을 출력하므로 두 손실이 "
              "모두 ln 2가 됩니다. D 손실이 0으로 떨어지면 D가 이기고 있는 것이고, G 손실이 치솟으면 G가 배우지 못하는 "
              "것입니다. 이 CPU에서 DCGAN은 100단계에 30초 이상 걸립니다.",
        "en": "Trains the chosen generator from scratch. One round = 100 steps (batch 64; as in the lecture, samples "
              "from a fixed noise every 100 steps). The dashed line in the loss plot is ln 2 ≈ 0.69: at equilibrium D "
              "outputs 1/2 for every image, so both losses equal ln 2. A D loss falling to 0 means D is winning; a G "
              "loss shooting up means G has stopped learning. On this CPU the DCGAN takes over 30 s per 100 steps.",
    },
    "gan.classroom": {
        "ko": "수업용 빠른 설정: DCGAN, 배치 32, Adam(5e-4), 600단계, 100단계마다 판정기 FID · 2코어 CPU에서 약 3분. "
              "3분 뒤의 샘플은 아직 흐릿한 획입니다 (측정: FID 약 500, 강의 설정은 같은 시간에 약 700). "
              "배포된 가중치 수준(FID 약 14)에는 수천 단계가 필요합니다.",
        "en": "Classroom preset: DCGAN, batch 32, Adam(5e-4), 600 steps, the judge's FID every 100 steps · about 3 min "
              "on a 2-core CPU. After 3 minutes the samples are still blurred strokes (measured: FID about 500; the "
              "lecture's settings reach about 700 in the same time); the shipped weights' quality (FID about 14) "
              "takes thousands of steps.",
    },
    "gan.train_variant": {"ko": "학습할 생성망", "en": "Generator to train"},
    "gan.rounds": {"ko": "라운드 수 (× 100단계)", "en": "Rounds (× 100 steps)"},
    "gan.record": {"ko": "이 가중치의 학습 기록 (손실, 스텝별 FID)", "en": "How these weights were trained (losses, FID per step)"},
}
