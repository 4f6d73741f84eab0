"""Korean and English texts of the text tab (Keras book 12.1)."""

STRINGS = {
    "text.tab": {"ko": "⑨ 텍스트 생성 (트랜스포머)", "en": "⑨ Text generation (transformer)"},
    "text.intro": {
        "ko": "### 트랜스포머 언어 모델 (케라스 창시자에게 배우는 딥러닝 12.1절)\n"
              "IMDB 영화 리뷰로 학습한 **디코더 하나짜리 트랜스포머**가 지금까지의 단어를 보고 **다음 단어의 확률분포**를 냅니다. "
              "그 분포에서 단어를 하나 뽑아 붙이고, 다시 예측하기를 반복하면 글이 됩니다. "
              "**소프트맥스 온도**가 낮으면 가장 그럴듯한 단어만 고르고(반복적이고 뻔한 글), 높으면 드문 단어도 뽑습니다(새롭지만 엉뚱한 글).",
        "en": "### A transformer language model (Deep Learning with Python, section 12.1)\n"
              "A **one-block transformer decoder** trained on IMDB movie reviews reads the words so far and outputs a "
              "**probability distribution over the next word**. Sample a word, append it, predict again: that is text "
              "generation. A low **softmax temperature** keeps to the likeliest words (repetitive, predictable text); a "
              "high one lets rare words through (surprising, then incoherent text).",
    },
    "text.side_tab": {"ko": "온도별 생성 비교", "en": "Temperatures side by side"},
    "text.prompt": {"ko": "프롬프트 (영어 영화 리뷰 단어)", "en": "Prompt (English movie-review words)"},
    "text.length": {"ko": "생성할 단어 수 (책: 50)", "en": "Words to generate (book: 50)"},
    "text.temperatures": {"ko": "온도 (여러 개 선택; 책: 0.2 / 0.5 / 0.7 / 1.0 / 1.5)",
                          "en": "Temperatures (pick several; book: 0.2 / 0.5 / 0.7 / 1.0 / 1.5)"},
    "text.beyond": {"ko": "책에 없는 옵션: top-k / top-p 샘플링", "en": "Beyond the book: top-k / top-p sampling"},
    "text.top_k": {"ko": "top-k (0 = 끄기): 확률이 가장 높은 k개 단어에서만 뽑기",
                   "en": "top-k (0 = off): sample only among the k likeliest words"},
    "text.top_p": {"ko": "top-p (1 = 끄기): 누적 확률이 p가 될 때까지의 단어에서만 뽑기",
                   "en": "top-p (1 = off): sample only among the likeliest words whose probabilities add up to p"},
    "text.generate": {"ko": "생성", "en": "Generate"},
    "text.same_seed": {
        "ko": "모든 온도가 **같은 시드**(같은 난수)를 씁니다. 그래서 칸마다 다른 것은 온도뿐입니다. {ms:.0f} ms 동안 {count}개를 한 번의 배치 호출로 생성했습니다.",
        "en": "Every temperature uses **the same seed** (the same random numbers), so the temperature is the only "
              "difference between the columns. {count} generations in one batched call, {ms:.0f} ms.",
    },
    "text.unknown_words": {"ko": "⚠️ 어휘에 없는 단어는 [UNK]로 바뀌었습니다: {words}",
                           "en": "⚠️ Words outside the vocabulary became [UNK]: {words}"},
    "text.truncated": {"ko": "✂️ 모델은 마지막 100단어만 봅니다: 앞의 {n}단어는 쓰이지 않았습니다.",
                       "en": "✂️ The model reads only the last 100 words: the first {n} were left out."},
    "text.card_greedy": {"ko": "탐욕적 (argmax)", "en": "greedy (argmax)"},
    "text.card_stats": {"ko": "반복된 3-gram {share:.0%} · 서로 다른 단어 {distinct}개",
                        "en": "repeated 3-grams {share:.0%} · {distinct} distinct words"},
    "text.greedy_vs_stochastic": {
        "ko": "**탐욕적 샘플링 vs 확률적 샘플링.** 탐욕적 샘플링은 늘 가장 확률이 높은 단어를 고릅니다. 같은 입력에는 늘 같은 글이 나오고, 금세 같은 구절을 되풀이합니다 "
              "(카드의 '반복된 3-gram' 비율을 보세요). 확률적 샘플링은 분포에 따라 단어를 뽑으므로 확률 0.3인 단어는 열 번 중 세 번쯤 뽑힙니다. "
              "온도 T는 그 분포를 `p^(1/T)`로 바꿔 다시 정규화합니다 (코드 12-1 `reweight_distribution`): T→0이면 탐욕적, T=1이면 모델 그대로, T가 크면 균등분포에 가까워집니다. "
              "top-k와 top-p는 확률이 낮은 꼬리를 잘라 높은 온도에서도 엉뚱한 단어를 막습니다.",
        "en": "**Greedy vs stochastic sampling.** Greedy sampling always takes the likeliest word: the same prompt always "
              "gives the same text, and it soon loops (see each card's repeated 3-gram share). Stochastic sampling draws "
              "from the distribution, so a word of probability 0.3 comes out about three times in ten. The temperature T "
              "reweights the distribution to `p^(1/T)`, renormalised (code 12-1, `reweight_distribution`): T → 0 is "
              "greedy, T = 1 is the model itself, a large T approaches uniform. top-k and top-p cut the unlikely tail, "
              "which keeps nonsense words out even at a high temperature.",
    },
    "text.dist_tab": {"ko": "다음 단어 분포", "en": "Next-word distribution"},
    "text.dist_intro": {
        "ko": "지금까지의 글 다음에 올 단어의 확률 상위 k개를 모델의 소프트맥스(왼쪽)와 온도로 다시 가중한 분포(오른쪽)로 보여 줍니다. "
              "엔트로피(비트)는 전체 어휘에 대한 값으로, 낮을수록 분포가 한 단어에 몰려 있습니다. "
              "**한 단어씩** 버튼을 누르면 오른쪽 분포에서 한 단어를 뽑아 붙이고 막대가 바뀌는 것을 볼 수 있습니다.",
        "en": "The k likeliest next words after the text so far, under the model's softmax (left) and after reweighting at "
              "the temperature (right). Entropies (bits) are over the whole vocabulary: the lower, the more the "
              "distribution piles onto few words. **One word at a time** samples a word from the right-hand "
              "distribution, appends it, and shows the new bars.",
    },
    "text.prefix": {"ko": "지금까지의 글", "en": "Text so far"},
    "text.temperature": {"ko": "온도 T", "en": "Temperature T"},
    "text.top_words": {"ko": "보여 줄 단어 수 k", "en": "Words shown (k)"},
    "text.show": {"ko": "분포 보기", "en": "Show the distribution"},
    "text.one_word": {"ko": "한 단어씩 뽑기", "en": "One word at a time"},
    "text.reset": {"ko": "처음으로", "en": "Reset"},
    "text.bars": {"ko": "다음 단어 확률: 소프트맥스 vs 온도 적용", "en": "Next-word probabilities: softmax vs reweighted"},
    "text.dist_summary": {
        "ko": "엔트로피: 모델 **{before:.2f}비트** → T = {t} 적용 후 **{after:.2f}비트**. 상위 {k}개 단어가 가진 확률: {share_before:.0%} → {share_after:.0%}.",
        "en": "Entropy: model **{before:.2f} bits** → **{after:.2f} bits** at T = {t}. The top {k} words hold "
              "{share_before:.0%} → {share_after:.0%} of the probability.",
    },
    "text.status": {
        "ko": "{source} 가중치 (`{command}`, {created}) · 검증 퍼플렉서티 **{ppl}** (스무딩한 바이그램: {bigram}; 낮을수록 좋음)",
        "en": "{source} weights (`{command}`, {created}) · validation perplexity **{ppl}** (smoothed bigram: {bigram}; "
              "lower is better)",
    },
    "text.shipped": {"ko": "기본 제공", "en": "Shipped"},
    "text.user": {"ko": "직접 학습한", "en": "Your own"},
    "text.own_tab": {"ko": "내 글로 학습하기", "en": "Train on your own text"},
    "text.own_intro": {
        "ko": "**책에 없는 실습.** `.txt` 파일(한국어도 됩니다)을 올리고 같은 구조의 작은 **문자 단위** 트랜스포머(임베딩 128, 피드포워드 512)를 몇 분 학습해 보세요. "
              "문자 단위라 어휘 사전이 필요 없고, 한글 음절 하나하나가 토큰이 됩니다. 에포크마다 T = 0.5와 1.0의 샘플이 진행 줄에 나옵니다 (책의 콜백처럼). "
              "글의 마지막 10%는 검증용입니다. 중지하면 이전 모델이 그대로 남습니다.",
        "en": "**Beyond the book.** Upload a `.txt` file (Korean works) and train a small **character-level** transformer "
              "of the same design (embedding 128, feed-forward 512) for a few minutes. Characters need no vocabulary "
              "file, and every Hangul syllable is one token. After each epoch a sample at T = 0.5 and 1.0 appears in "
              "the progress line, as the book's callback prints them. The last 10% of the text is held out for "
              "validation. Stop keeps the previous model.",
    },
    "text.own_file": {"ko": "학습할 글 (.txt, 최대 3 MB, 최소 2,000자)", "en": "Text to learn (.txt, at most 3 MB, at least 2,000 characters)"},
    "text.own_train_intro": {
        "ko": "에포크 하나는 글 전체를 한 번 보는 것입니다. 10만 자짜리 글이면 이 CPU에서 에포크당 수십 초 걸립니다.",
        "en": "An epoch is one pass over the whole text; a 100,000-character text takes some tens of seconds an epoch on this CPU.",
    },
    "text.own_prompt": {"ko": "시작 글 (학습한 글에 나오는 문자로)", "en": "Prompt (characters of the learned text)"},
    "text.own_length": {"ko": "생성할 문자 수", "en": "Characters to generate"},
    "text.own_out": {"ko": "내 모델이 쓴 글", "en": "Your model's text"},
    "text.download": {"ko": "생성 결과 내려받기 (.txt, 첫 줄이 레시피)",
                      "en": "Download the generations (.txt, its first line the recipe)"},
    "text.own_none": {"ko": "아직 내 글로 학습한 모델이 없습니다.", "en": "No model of your own text yet."},
    "text.own_status": {"ko": "내 모델: {command} · 검증 퍼플렉서티 {ppl} (문자당)",
                        "en": "Your model: {command} · validation perplexity {ppl} per character"},
}
