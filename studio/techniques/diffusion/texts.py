"""Korean and English texts of the diffusion tab (beyond the lectures: DDPM, DDIM, classifier-free guidance)."""

STRINGS = {
    "diffusion.tab": {"ko": "⑩ 확산 모델", "en": "⑩ Diffusion"},
    "diffusion.intro": {
        "ko": "**확산 모델**: GAN 다음에 온 생성 모델입니다. 숫자 영상에 가우시안 잡음을 조금씩 더하면 결국 잡음만 남습니다 "
              "(정방향 과정). U-Net이 잡음 섞인 영상 x_t와 시각 t에서 *더해진 잡음*을 맞히도록 학습하고 (DDPM, Ho 외 2020), "
              "샘플링은 순수한 잡음에서 출발해 그 예측으로 잡음을 조금씩 걷어 냅니다. DDIM(Song 외 2021)은 1,000단계 대신 "
              "몇십 단계로, 같은 잡음에서 늘 같은 숫자를 만듭니다. 잡음 일정은 코사인 일정(Nichol & Dhariwal 2021), "
              "레이블은 분류기 없는 가이던스(Ho & Salimans 2022)로 따릅니다: 가중치 w가 클수록 레이블을 더 강하게 따릅니다.",
        "en": "**Diffusion model**: the generative model that followed GANs. Adding Gaussian noise to a digit bit by bit "
              "leaves only noise in the end (the forward process). A U-Net learns to predict *the noise that was "
              "added* from the noisy image x_t and the time t (DDPM, Ho et al. 2020); sampling starts from pure noise "
              "and removes it little by little with that prediction. DDIM (Song et al. 2021) needs tens of steps "
              "instead of 1,000 and always turns the same noise into the same digit. The noise follows the cosine "
              "schedule (Nichol & Dhariwal 2021); labels are followed with classifier-free guidance (Ho & Salimans "
              "2022): the larger the weight w, the harder the sample follows its label.",
    },
    "diffusion.steps": {"ko": "DDIM 단계 수", "en": "DDIM steps"},
    "diffusion.guidance": {"ko": "가이던스 가중치 w (1: 조건부 망 그대로, 0: 레이블 무시)",
                           "en": "Guidance weight w (1: the conditional network as is, 0: label ignored)"},
    "diffusion.label": {"ko": "그릴 숫자", "en": "Digits to draw"},
    "diffusion.label_each": {"ko": "0부터 9까지 차례로", "en": "each digit in turn"},
    "diffusion.label_none": {"ko": "레이블 없음 (모델이 고름)", "en": "no label (the model chooses)"},
    "diffusion.label_digit": {"ko": "숫자 {digit}", "en": "digit {digit}"},
    "diffusion.grid_tab": {"ko": "샘플 격자", "en": "Sample a grid"},
    "diffusion.count": {"ko": "샘플 수", "en": "Samples"},
    "diffusion.sample_btn": {"ko": "샘플 만들기", "en": "Sample"},
    "diffusion.grid": {"ko": "DDIM 샘플 (한 줄에 10개; 도는 동안에는 망이 지금 추측한 깨끗한 숫자)",
                       "en": "DDIM samples (10 a row; while running, the network's current guess of the clean digits)"},
    "diffusion.judge_each": {
        "ko": "판정기(MNIST 분류기)가 보기에 {n}개 중 {hits}개({share:.0%})가 요청한 숫자입니다.",
        "en": "The judge (an MNIST classifier) reads {hits} of {n} ({share:.0%}) as the digit asked for.",
    },
    "diffusion.scrub_tab": {"ko": "한 샘플을 단계별로", "en": "Step through one sample"},
    "diffusion.scrub_intro": {
        "ko": "샘플 하나의 DDIM 실행 전체를 기록합니다. 슬라이더로 단계를 옮기면 그 순간의 x_t(왼쪽)와, 그 순간 망이 "
              "추측한 깨끗한 숫자(오른쪽)를 봅니다. 처음에는 추측이 흐릿한 '평균 숫자'이다가 단계가 지날수록 또렷해집니다.",
        "en": "Records one sample's whole DDIM run. Move the slider to a step to see x_t at that moment (left) and the "
              "network's guess of the clean digit at that moment (right). The guess starts as a blurred 'average "
              "digit' and sharpens step by step.",
    },
    "diffusion.scrub_btn": {"ko": "한 샘플의 궤적 만들기", "en": "Sample one trajectory"},
    "diffusion.scrub_step": {"ko": "단계 (0: 순수한 잡음)", "en": "Step (0: pure noise)"},
    "diffusion.scrub_frame": {"ko": "이 단계의 x_t와 깨끗한 숫자 추측", "en": "x_t at this step and the guess of the clean digit"},
    "diffusion.scrub_strip": {"ko": "위: 단계마다 x_t · 아래: 단계마다 추측", "en": "Top: x_t after each step · bottom: each step's guess"},
    "diffusion.forward_tab": {"ko": "정방향 과정", "en": "The forward process"},
    "diffusion.forward_intro": {
        "ko": "시험 숫자 하나에 같은 잡음을 점점 더 섞습니다: x_t = √a(t)·x_0 + √(1−a(t))·ε. 글자 아래 숫자는 남은 "
              "신호 a(t)입니다. 모델이 배우는 것은 이 과정을 거꾸로 되돌리는 일입니다.",
        "en": "One test digit mixed with more and more of the same noise: x_t = √a(t)·x_0 + √(1−a(t))·ε. The captions "
              "give t and the signal a(t) left. What the model learns is to run this backwards.",
    },
    "diffusion.index": {"ko": "시험 숫자 번호 (0~999)", "en": "Test digit (0-999)"},
    "diffusion.forward_btn": {"ko": "잡음 더하기", "en": "Add noise"},
    "diffusion.forward": {"ko": "t = 0에서 1까지", "en": "From t = 0 to 1"},
    "diffusion.status": {
        "ko": "사용 중인 가중치: **{source}** (`{command}`, {created}) · 숫자마다 100개, w = {guidance}: 판정기 FID {fid} "
              "(실제 영상 {floor}), 레이블 일치율 {agreement} · 레이블 없이: FID {fid_u}, 가장 적은 숫자의 비율 {smallest} "
              "(이 학습 길이에서는 레이블 없는 샘플이 아직 흐트러진 획이 많습니다)",
        "en": "Weights in use: **{source}** (`{command}`, {created}) · 100 per digit at w = {guidance}: judge FID {fid} "
              "(real images {floor}), label agreement {agreement} · without a label: FID {fid_u}, the rarest digit's "
              "share {smallest} (at this training length, samples without a label are still often scribbles)",
    },
    "diffusion.train_intro": {
        "ko": "`python -m studio.train diffusion`과 같은 학습을 별도 프로세스에서 실행합니다. 에포크마다 같은 잡음에서 "
              "만든 숫자 10개(0~9)가 미리보기로 바뀝니다.",
        "en": "Runs the same training as `python -m studio.train diffusion` in a separate process. After each epoch the "
              "preview shows ten digits (0 to 9) made from the same noise.",
    },
    "diffusion.classroom": {
        "ko": "수업용 빠른 설정: 학습 숫자 앞 6,400개를 배치 64로 4번 (400단계, 미리보기 4장) · 이 2코어 CPU에서 학습 약 "
              "1.5분, 판정기 읽기까지 약 2.7분 (측정). 미리보기에서 잡음이 덩어리와 첫 획으로 바뀌는 것을 볼 수 있지만, "
              "아직 숫자는 아닙니다 (FID 약 2,100; 배포된 20 에포크 모델은 10.7).",
        "en": "Classroom preset: 4 passes over the first 6,400 training digits at batch 64 (400 steps, 4 previews) · "
              "measured on this 2-core CPU: about 1.5 min of training, 2.7 min with the judge's readings. The previews "
              "show noise turning into blobs and first strokes, not yet digits (FID about 2,100; the shipped 20-epoch "
              "model: 10.7).",
    },
}
