"""Korean and English texts of the Pix2Pix tab (lecture 004)."""

STRINGS = {
    "p2p.tab": {"ko": "⑥ Pix2Pix (윤곽선 → 신발)", "en": "⑥ Pix2Pix (outline → shoe)"},
    "p2p.intro": {
        "ko": "### Pix2Pix: 영상을 조건으로 주는 영상 변환 (강의 004)\n"
              "단순화된 영상(윤곽선)과 실제 영상(신발)이 **쌍을 이루는** 데이터로 학습합니다. 생성자는 윤곽선을 받아 신발을 그리고, "
              "**PatchGAN** 판별자는 (윤곽선, 신발) 쌍을 보고 영상의 **작은 영역(patch)마다** 진짜/가짜를 판정합니다. "
              "손실은 **GAN 손실 + 100 × L1 손실**입니다. 여기서는 Fashion-MNIST의 샌들·운동화·앵클부츠 18,000장에서 윤곽선을 뽑아 "
              "32×32 크기로 만든 edges→shoes 데이터를 씁니다 (원 논문의 edges2shoes와 같은 방식).",
        "en": "### Pix2Pix: image-to-image translation conditioned on an image (lecture 004)\n"
              "It learns from **pairs**: a simplified image (an outline) and the real image (a shoe). The generator turns the "
              "outline into a shoe; the **PatchGAN** discriminator looks at the (outline, shoe) pair and judges every **patch** "
              "as real or fake. The loss is **GAN + 100 × L1**. The data: outlines extracted from Fashion-MNIST's 18,000 "
              "sandals, sneakers and ankle boots at 32×32, built the way the paper's edges2shoes set was.",
    },
    "p2p.sketch": {"ko": "신발 윤곽선을 그리세요 (흰 바탕, 검은 펜; 앞코는 왼쪽) 또는 그림 올리기",
                   "en": "Draw a shoe outline (white paper, black pen; toe on the left) or upload a drawing"},
    "p2p.sketch_tip": {
        "ko": "Fashion-MNIST의 신발은 모두 **앞코가 왼쪽**을 향하고 가로로 꽉 차 있습니다. 그렇게 그리면 가장 잘 됩니다. "
              "그림은 자동으로 잘라 32×32로 줄이고 선을 1픽셀로 가늘게 만듭니다 (오른쪽 위: 모델이 실제로 보는 입력).",
        "en": "Fashion-MNIST's shoes all face **left (toe on the left)** and fill the width: drawn that way works best. "
              "The drawing is cropped, shrunk to 32×32 and its strokes thinned to 1 pixel (top right: what the model sees).",
    },
    "p2p.translate_btn": {"ko": "내 그림 변환", "en": "Translate my drawing"},
    "p2p.example": {"ko": "테스트 예제 번호", "en": "Test example"},
    "p2p.example_btn": {"ko": "테스트 예제 변환 (정답과 비교)", "en": "Translate the test example (with ground truth)"},
    "p2p.input": {"ko": "모델이 보는 입력 (32×32)", "en": "What the model sees (32×32)"},
    "p2p.compare": {"ko": "#### 같은 입력, 세 생성자", "en": "#### The same input, three generators"},
    "p2p.patch": {"ko": "PatchGAN 판정", "en": "PatchGAN verdict"},
    "p2p.patch_caption": {"ko": "U-Net 출력 위의 PatchGAN 판정: 빨강 = 가장 가짜 같은 패치, 초록 = 가장 진짜 같은 패치",
                          "en": "PatchGAN's verdict over the U-Net output: red = most fake-looking patches, "
                                "green = most real-looking"},
    "p2p.notes": {
        "ko": "- **U-Net + GAN**: 인코더의 각 층이 같은 크기의 디코더 층으로 바로 이어져(skip connection) 윤곽선의 위치와 세부가 그대로 전달되고, GAN 손실이 흐림을 없앱니다.\n"
              "- **인코더-디코더 + GAN**: skip 없이 1×1 병목(bottleneck)만 거치므로 윤곽의 정확한 위치를 잃어 모양이 어긋나고 세부가 뭉개집니다.\n"
              "- **U-Net, L1만**: L1은 가능한 신발들의 중간값을 정답으로 삼으므로 모양은 맞지만 무늬와 경계가 흐릿합니다. GAN 손실이 이 흐림을 벌합니다.",
        "en": "- **U-Net + GAN**: each encoder level feeds the decoder level of the same size (skip connections), so the outline's "
              "position and detail pass straight through, and the GAN term removes the blur.\n"
              "- **Encoder-decoder + GAN**: without skips everything squeezes through the 1×1 bottleneck, so the exact outline is "
              "lost: shapes drift and details smear.\n"
              "- **U-Net, L1 only**: L1 is minimised by the median of the plausible shoes, so the shape is right but textures and "
              "edges are blurred; the GAN term is what punishes that blur.",
    },
    "p2p.result": {
        "ko": "변환 시간 {ms:.0f} ms (세 생성자). PatchGAN이 본 U-Net 출력의 '진짜' 확률: 평균 {real:.2f}, 패치별 {low:.2f}–{high:.2f} "
              "(학습된 판별자는 균형점인 0.5 근처에 머뭅니다; 색은 이 범위 안에서 빨강 = 가장 가짜 같음, 초록 = 가장 진짜 같음). "
              "선명도(경사 크기) U-Net {s_unet:.3f} · 인코더-디코더 {s_encdec:.3f} · L1만 {s_l1:.3f}.",
        "en": "Translated in {ms:.0f} ms (three generators). PatchGAN's P(real) for the U-Net output: mean {real:.2f}, patches "
              "{low:.2f}–{high:.2f} (a trained discriminator hovers near 0.5, the GAN's equilibrium; the colours span this "
              "range: red = most fake-looking, green = most real-looking). Sharpness (gradient magnitude): U-Net {s_unet:.3f} · "
              "encoder-decoder {s_encdec:.3f} · L1 only {s_l1:.3f}.",
    },
    "p2p.truth_l1": {
        "ko": " 정답과의 L1: U-Net {unet:.3f} · 인코더-디코더 {encdec:.3f} · L1만 {l1:.3f} (L1만 모델이 가장 낮아도 가장 흐릿할 수 있습니다).",
        "en": " L1 to the ground truth: U-Net {unet:.3f} · encoder-decoder {encdec:.3f} · L1 only {l1:.3f} (the L1-only model may "
              "score lowest and still be the blurriest).",
    },
    "p2p.metrics": {
        "ko": "#### 테스트 신발 {n}장에서 잰 값\n| 생성자 | 테스트 L1 | FID (Fashion 판정기 특징) | 선명도 비율 (실제 = 1) |\n|---|---|---|---|\n{rows}\n\n"
              "FID 바닥값(실제 학습 신발 vs 실제 테스트 신발): {floor}. FID는 낮을수록, 선명도 비율은 1에 가까울수록 좋습니다.",
        "en": "#### Measured on {n} test shoes\n| generator | test L1 | FID (Fashion judge features) | sharpness ratio (real = 1) |\n|---|---|---|---|\n{rows}\n\n"
              "FID floor (real training shoes vs real test shoes): {floor}. Lower FID is better; a sharpness ratio near 1 is as sharp as real shoes.",
    },
    "p2p.name_unet": {"ko": "U-Net + GAN", "en": "U-Net + GAN"},
    "p2p.name_encdec": {"ko": "인코더-디코더 + GAN", "en": "Encoder-decoder + GAN"},
    "p2p.name_l1": {"ko": "U-Net, L1만", "en": "U-Net, L1 only"},
    "p2p.variant": {"ko": "학습할 모델", "en": "Model to train"},
    "p2p.train_intro": {
        "ko": "고른 모델을 Fashion-MNIST 신발 18,000쌍으로 다시 학습합니다 (이 CPU에서 에포크당 약 35초). 데이터셋이 필요합니다 (`--data-dir`). "
              "미리 보기는 고정된 테스트 6쌍(위: 윤곽선, 가운데: 출력, 아래: 정답), 곡선은 생성자의 GAN·L1 손실과 판별자 손실입니다 (val_ = 테스트 L1).",
        "en": "Retrain the chosen model on the 18,000 Fashion-MNIST shoe pairs (about 35 s an epoch on this CPU). Needs the data "
              "set (`--data-dir`). The preview shows six fixed test pairs (top: outlines, middle: output, bottom: truth); the curves "
              "are the generator's GAN and L1 losses and the discriminator's loss (val_ = test L1).",
    },
    "p2p.status": {
        "ko": "{source} 가중치 (`{command}`, {created}) · 테스트 L1 {l1} · FID {fid} · 선명도 비율 {sharp}",
        "en": "{source} weights (`{command}`, {created}) · test L1 {l1} · FID {fid} · sharpness ratio {sharp}",
    },
}
