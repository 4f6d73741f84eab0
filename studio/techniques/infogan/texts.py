"""Korean and English texts of the GAN tab's InfoGAN part (lecture 000, section 10.5.1, Fig. 10-11)."""

STRINGS = {
    "infogan.tab": {"ko": "InfoGAN · 뜻을 배운 코드 (그림 10-11)", "en": "InfoGAN · codes that learnt a meaning (Fig. 10-11)"},
    "infogan.intro": {
        "ko": "**InfoGAN** (Chen 외 2016; 0강 10.5.1절, 그림 10-11): 생성망은 잡음 z와 함께 코드 c를 받습니다. 10가지 값의 "
              "범주 코드 c1과 연속 코드 c2, c3입니다. 분별망과 몸통을 나눠 쓰는 Q 머리가 영상에서 c를 맞히도록 학습하고 "
              "(상호 정보량의 하한), G도 c가 영상에서 읽히도록 학습합니다. **아무도 숫자 레이블을 알려 주지 않았는데** "
              "c1은 숫자의 종류, 연속 코드는 기울기와 획 굵기가 됩니다. 어느 c1 값이 어느 숫자인지는 모델이 정한 것이라, "
              "판정기가 읽은 숫자와 일대일로 짝지어(헝가리안 매칭) 보여 줍니다. 슬라이더는 학습 때의 범위 [-1, 1]을 "
              "넘어 -2에서 2까지 움직입니다 (그림 10-11과 같이).",
        "en": "**InfoGAN** (Chen et al. 2016; lecture 000, section 10.5.1, Fig. 10-11): the generator reads noise z "
              "plus a code c: a 10-valued categorical code c1 and two continuous codes c2, c3. A Q head sharing the "
              "discriminator's trunk learns to read c back from the image (a lower bound on the mutual information), "
              "and G learns to keep c readable. **Nobody gave it digit labels**, yet c1 becomes the kind of digit "
              "and the continuous codes the slant and the stroke width. Which c1 value is which digit is the "
              "model's choice, so each value is shown with the digit the judge matched it to one-to-one (Hungarian "
              "matching). The sliders go from -2 to 2, beyond the [-1, 1] it was trained on (as in Fig. 10-11).",
    },
    "infogan.c1": {"ko": "c1 (범주 코드 → 판정기가 짝지은 숫자)", "en": "c1 (categorical code → the judge's matched digit)"},
    "infogan.c2": {"ko": "c2 (연속 코드)", "en": "c2 (continuous code)"},
    "infogan.c3": {"ko": "c3 (연속 코드)", "en": "c3 (continuous code)"},
    "infogan.live": {"ko": "코드 (c1, c2, c3)와 시드의 잡음으로 만든 영상", "en": "The sample for code (c1, c2, c3) and the seed's noise"},
    "infogan.grid_code": {"ko": "그림 10-11의 격자: 움직일 코드", "en": "Fig. 10-11's grid: the code to move"},
    "infogan.grid_btn": {"ko": "격자 그리기", "en": "Draw the grid"},
    "infogan.grid": {"ko": "행: c1 값 (짝지은 숫자 순서), 열: 코드를 -2에서 2까지",
                     "en": "Rows: c1 values (in the order of their matched digits); columns: the code from -2 to 2"},
    "infogan.status": {
        "ko": "사용 중인 가중치: **{source}** (`{command}`, {created}) · 레이블 없이 학습",
        "en": "Weights in use: **{source}** (`{command}`, {created}) · trained without labels",
    },
    "infogan.measured": {
        "ko": "판정기와 c1의 일치율 **{agreement}** (목표 90% 이상) · 기울기 코드 {slant_code}: 단조 변화 {slant} · "
              "굵기 코드 {thickness_code}: 단조 변화 {thickness} (목표 90% 이상) · FID {fid} (실제 영상 {floor})",
        "en": "c1 agrees with the judge on **{agreement}** of samples (target ≥ 90%) · slant code {slant_code}: "
              "monotonic in {slant} · thickness code {thickness_code}: monotonic in {thickness} (targets ≥ 90%) · "
              "FID {fid} (real images {floor})",
    },
    "infogan.table_c1": {"ko": "c1 값", "en": "c1 value"},
    "infogan.table_digit": {"ko": "판정기가 짝지은 숫자", "en": "the judge's matched digit"},
    "infogan.not_measured": {"ko": "이 가중치는 코드의 뜻을 아직 측정하지 않았습니다.",
                             "en": "What the codes mean was not measured for these weights."},
    "infogan.train_intro": {
        "ko": "`python -m studio.train infogan`과 같은 학습을 별도 프로세스에서 실행합니다. 레이블은 쓰지 않습니다. "
              "논문 크기의 망은 이 2코어 CPU에서 에포크마다 약 3분이 걸립니다 (배포된 8 에포크: 25분). 에포크마다 미리보기(같은 잡음, c1 값마다 한 열)가 "
              "바뀌어 c1이 서로 다른 숫자가 되어 가는 모습을 볼 수 있습니다.",
        "en": "Runs the same training as `python -m studio.train infogan` in a separate process, without labels. The "
              "paper-size networks take about 3 minutes an epoch on this 2-core CPU (the shipped 8 epochs: 25 min). The preview (one noise vector, a "
              "column per c1 value) changes every epoch: watch the columns become different digits.",
    },
    "infogan.classroom": {
        "ko": "수업용 빠른 설정: 학습 숫자 앞 20,000개를 배치 64로 3번 (939단계, 미리보기 3장) · 이 2코어 CPU에서 학습 약 "
              "3.7분 (측정). c1 값마다 행이 서로 다른 거친 모양(0, 6, 1 비슷한)으로 갈라지기 시작합니다 (판정기 일치율 25%, "
              "FID 692). 또렷한 숫자와 기울기·굵기 코드는 전체 학습(약 25분)이 필요합니다.",
        "en": "Classroom preset: 3 passes over the first 20,000 training digits at batch 64 (939 steps, 3 previews) · "
              "measured on this 2-core CPU: about 3.7 min of training. The c1 rows start to split into different rough "
              "shapes (something like a 0, a 6, a 1; judge agreement 25%, FID 692). Clean digits and the slant and "
              "thickness codes need the full run (about 25 min).",
    },
}
