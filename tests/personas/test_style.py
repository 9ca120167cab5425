"""Style measures and the style-match score."""

from apps.personas.style import characteristic_phrases, style_compare, style_measure

FORMAL = [
    "The committee has therefore concluded that the proposed regulation requires substantial revision. "
    "Furthermore, the implementation timeline appears insufficiently justified. Consequently, additional "
    "consultation is recommended before any decision is finalised.",
]
CASUAL = [
    "OK so I tried the new app and wow, it's awesome! You gotta see it 🚀🔥 #tech #apps",
    "We're gonna keep using it. Honestly it's kinda cool stuff! #tech",
]


def test_measures_differ_between_formal_and_casual():
    formal, casual = style_measure(FORMAL), style_measure(CASUAL)
    assert formal["formality"] > casual["formality"] + 20
    assert formal["avg_sentence_length"] > casual["avg_sentence_length"]
    assert formal["reading_grade"] > casual["reading_grade"]
    assert casual["emoji_per_100_words"] > 0 and formal["emoji_per_100_words"] == 0
    assert casual["hashtags_per_text"] == 1.5
    assert casual["exclamations_share"] > 0
    assert 0 < formal["vocabulary_richness"] <= 1


def test_russian_text_is_measured():
    measures = style_measure(["Нейросеть не думает, как человек. Она угадывает следующее слово. Как думаете?"])
    assert measures["sentences"] == 3 and measures["words"] == 11 and measures["questions_share"] > 0.3


def test_characteristic_phrases_recur():
    texts = ["Worth watching: the scripts. A fine result.", "Worth watching: the changelog.", "Worth watching now."]
    phrases = characteristic_phrases(texts)
    assert phrases[0]["phrase"] == "worth watching" and phrases[0]["count"] == 3


def test_score_is_higher_for_a_matching_draft_and_reasons_name_measures():
    profile = style_measure(CASUAL)
    close = style_compare(profile=profile, phrases=[], text="Wow, it's awesome! You gotta try it 🔥 #tech")
    far = style_compare(profile=profile, phrases=[], text=FORMAL[0])
    assert close["score"] > far["score"]
    assert any("Formality" in reason for reason in far["reasons"])
    assert style_compare(profile={}, phrases=[], text="x")["score"] is None
