"""Korean and English texts of the DeepDream tab (Keras book 12.2)."""

STRINGS = {
    "dream.tab": {"ko": "⑦ 딥드림", "en": "⑦ DeepDream"},
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
    "dream.ready_example": {
        "ko": "🖼 **미리 만들어 둔 예시**입니다: 예시 초상화를 기본 설정(MobileNetV2, 옥타브 3 × 30스텝, 400 px)으로 "
              "`{command}`가 {seconds:.0f}초에 만들었습니다. 사진과 설정을 바꾸고 **꿈꾸기**를 눌러 직접 만들어 보세요.",
        "en": "🖼 **A ready example**, made from the example portrait with the default settings (MobileNetV2, 3 "
              "octaves × 30 steps, 400 px) by `{command}` in {seconds:.0f} s. Change the picture or the settings "
              "and press **Dream** to make your own.",
    },
}
