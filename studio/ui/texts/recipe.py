"""Korean and English texts of the recipe panel (reproducible exports, studio.ui.exports)."""

STRINGS = {
    "recipe.panel": {"ko": "🧾 레시피로 결과 다시 만들기", "en": "🧾 Reproduce a result from its recipe"},
    "recipe.intro": {
        "ko": "스튜디오에서 내려받은 PNG·GIF에는 만든 방법(기법, 모델과 가중치 sha256, 시드, 매개변수, 스튜디오 버전)이 "
              "들어 있고, 결과 아래에도 `studio-recipe:`로 시작하는 한 줄로 보입니다. 그 줄을 붙여 넣거나 파일을 올리면 "
              "같은 결과를 다시 만듭니다(시드가 같으면 같은 그림). 텍스트 탭의 생성 결과는 첫 줄에 레시피가 적힌 .txt 파일로 내려받고 "
              "다시 만들 수 있습니다.",
        "en": "Every PNG and GIF downloaded from the studio carries how it was made (technique, model and weights "
              "sha256, seed, parameters, studio version), also shown under the result as one line starting with "
              "`studio-recipe:`. Paste that line or drop the file here to make the same result again (same seed, "
              "same picture). The text tab's generations download as a .txt whose first line is their recipe, and "
              "come back the same way.",
    },
    "recipe.text": {"ko": "레시피 한 줄", "en": "Recipe line"},
    "recipe.file": {"ko": "또는 내려받은 PNG / GIF / TXT", "en": "or a downloaded PNG / GIF / TXT"},
    "recipe.download": {"ko": "다시 만든 파일 내려받기", "en": "Download the reproduced file"},
    "recipe.run": {"ko": "다시 만들기", "en": "Reproduce"},
    "recipe.result": {"ko": "다시 만든 결과", "en": "Reproduced result"},
    "recipe.same_weights": {"ko": "✅ 기록된 것과 같은 가중치로 다시 만들었습니다.",
                            "en": "✅ Made again with the same weights as recorded."},
    "recipe.other_weights": {"ko": "⚠️ 지금 쓰는 가중치가 레시피에 기록된 것과 다릅니다(다시 학습했거나 버전이 다름). 그림이 조금 다를 수 있습니다.",
                             "en": "⚠️ The weights in use differ from the recipe's (retrained, or another version); "
                                   "the picture may differ."},
}
