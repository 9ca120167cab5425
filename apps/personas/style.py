"""Style measures of a body of text, and how far a draft is from a persona's measures.

Pure functions (no database): the profile is learned from samples and published posts in services."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from apps.core.stopwords import ENGLISH, RUSSIAN

WORD_RE = re.compile(r"[^\W\d_][\w'’-]*", re.UNICODE)
SENTENCE_RE = re.compile(r"(?<=[.!?…])\s+(?=[\"'“«(\[]?[A-ZА-ЯЁ0-9])|\n{2,}")
HASHTAG_RE = re.compile(r"(?<!\w)#\w+", re.UNICODE)
MENTION_RE = re.compile(r"(?<!\w)@\w+", re.UNICODE)
URL_RE = re.compile(r"https?://\S+")
EMOJI_RE = re.compile(
    "[\U0001f300-\U0001faff\U00002600-\U000027bf\U0001f1e6-\U0001f1ff\U00002b50\U00002b55\U0000231a-\U0000231b]"
)
VOWELS_RE = re.compile(r"[aeiouyаеёиоуыэюя]+", re.IGNORECASE)
CONTRACTION_RE = re.compile(r"\b\w+(?:'|’)(?:t|s|re|ve|ll|d|m)\b", re.IGNORECASE)

# Plus the pieces contractions leave when split ("don't" -> don, t).
STOPWORDS = (
    ENGLISH
    | RUSSIAN
    | frozenset(
        [
            "s",
            "t",
            "don",
            "isn",
            "aren",
            "wasn",
            "weren",
        ]
    )
)
# Words that mark an informal register (first/second person, chatty fillers) and a formal one.
INFORMAL_MARKERS = frozenset(
    [
        "i",
        "you",
        "we",
        "me",
        "my",
        "your",
        "our",
        "lol",
        "wow",
        "hey",
        "gonna",
        "wanna",
        "kinda",
        "yeah",
        "ok",
        "okay",
        "awesome",
        "cool",
        "stuff",
        "really",
        "pretty",
        "я",
        "ты",
        "мы",
        "мне",
        "мой",
        "твой",
        "наш",
        "привет",
        "круто",
        "класс",
        "короче",
        "ну",
        "вот",
    ]
)
FORMAL_MARKERS = frozenset(
    [
        "therefore",
        "however",
        "furthermore",
        "moreover",
        "consequently",
        "thus",
        "hence",
        "accordingly",
        "nevertheless",
        "whereas",
        "regarding",
        "pursuant",
        "respectively",
        "notably",
        "significant",
        "substantial",
        "additionally",
        "subsequently",
        "следовательно",
        "однако",
        "кроме",
        "того",
        "таким",
        "образом",
        "соответственно",
        "вследствие",
    ]
)


def words_of(text: str) -> list[str]:
    return [w.lower().strip("'’-") for w in WORD_RE.findall(URL_RE.sub(" ", text))]


def sentences_of(text: str) -> list[str]:
    cleaned = URL_RE.sub(" ", text).strip()
    if not cleaned:
        return []
    parts = [p.strip() for p in SENTENCE_RE.split(cleaned)]
    return [p for p in parts if p and WORD_RE.search(p)]


def syllables(word: str) -> int:
    return max(1, len(VOWELS_RE.findall(word)))


def _mattr(words: list[str], window: int = 50) -> float:
    """Moving-average type-token ratio: vocabulary richness that does not fall with text length."""
    if not words:
        return 0.0
    if len(words) <= window:
        return len(set(words)) / len(words)
    ratios = [len(set(words[i : i + window])) / window for i in range(0, len(words) - window + 1, 10)]
    return sum(ratios) / len(ratios)


def characteristic_phrases(texts: Iterable[str], *, limit: int = 12) -> list[dict]:
    """Recurring 2–4 word phrases (not made only of stop words), most frequent first."""
    counts: Counter[str] = Counter()
    for text in texts:
        for sentence in sentences_of(text):
            tokens = words_of(sentence)
            seen: set[str] = set()
            for n in (2, 3, 4):
                for i in range(len(tokens) - n + 1):
                    gram = tokens[i : i + n]
                    if gram[0] in STOPWORDS or gram[-1] in STOPWORDS:
                        continue
                    phrase = " ".join(gram)
                    if phrase not in seen:
                        seen.add(phrase)
                        counts[phrase] += 1
    frequent = [(p, c) for p, c in counts.items() if c >= 2]
    frequent.sort(key=lambda pc: (-pc[1] * len(pc[0].split()), pc[0]))
    chosen: list[dict] = []
    for phrase, count in frequent:
        if any(phrase in c["phrase"] or c["phrase"] in phrase for c in chosen):
            continue
        chosen.append({"phrase": phrase, "count": count})
        if len(chosen) >= limit:
            break
    return chosen


def style_measure(texts: list[str]) -> dict:
    """Measures of a body of texts (each text is one sample or post)."""
    texts = [t for t in texts if t and t.strip()]
    all_words: list[str] = []
    sentence_lengths: list[int] = []
    syllable_count = 0
    emoji = hashtags = contractions = questions = exclamations = informal = formal = long_words = 0
    for text in texts:
        sentences = sentences_of(text)
        for sentence in sentences:
            sentence_lengths.append(len(words_of(sentence)))
            questions += sentence.rstrip().endswith("?")
            exclamations += sentence.rstrip().endswith("!")
        tokens = words_of(text)
        all_words += tokens
        syllable_count += sum(syllables(w) for w in tokens)
        long_words += sum(1 for w in tokens if len(w) >= 7)
        emoji += len(EMOJI_RE.findall(text))
        hashtags += len(HASHTAG_RE.findall(text))
        contractions += len(CONTRACTION_RE.findall(text))
        informal += sum(1 for w in tokens if w in INFORMAL_MARKERS)
        formal += sum(1 for w in tokens if w in FORMAL_MARKERS)
    n_words = len(all_words)
    n_sentences = max(1, len(sentence_lengths))
    n_texts = max(1, len(texts))
    per100 = 100.0 / n_words if n_words else 0.0
    mean_len = sum(sentence_lengths) / n_sentences if sentence_lengths else 0.0
    sd_len = math.sqrt(sum((x - mean_len) ** 2 for x in sentence_lengths) / n_sentences) if sentence_lengths else 0.0
    # Flesch–Kincaid grade; vowel groups stand in for syllables, which also works for Russian.
    grade = 0.39 * (n_words / n_sentences) + 11.8 * (syllable_count / n_words) - 15.59 if n_words else 0.0
    # Formality on 0..100: long words and formal connectives raise it, contractions, first and
    # second person, exclamations and emoji lower it (a heuristic in the spirit of Heylighen's F-score).
    raw = 50 + (long_words * per100) * 1.2 + formal * per100 * 8
    raw -= contractions * per100 * 6 + informal * per100 * 3 + exclamations / n_sentences * 30 + emoji * per100 * 4
    return {
        "texts": len(texts),
        "words": n_words,
        "sentences": len(sentence_lengths),
        "avg_sentence_length": round(mean_len, 1),
        "sentence_length_sd": round(sd_len, 1),
        "vocabulary_richness": round(_mattr(all_words), 3),
        "reading_grade": round(max(0.0, grade), 1),
        "formality": round(min(100.0, max(0.0, raw)), 1),
        "emoji_per_100_words": round(emoji * per100, 2),
        "hashtags_per_text": round(hashtags / n_texts, 2),
        "questions_share": round(questions / n_sentences, 3),
        "exclamations_share": round(exclamations / n_sentences, 3),
    }


# Each compared measure: its label and the difference that counts as "completely different".
COMPARED: dict[str, tuple[str, float]] = {
    "avg_sentence_length": ("sentence length", 12.0),
    "vocabulary_richness": ("vocabulary richness", 0.25),
    "formality": ("formality", 40.0),
    "reading_grade": ("reading level", 6.0),
    "emoji_per_100_words": ("emoji use", 3.0),
    "hashtags_per_text": ("hashtags", 4.0),
    "exclamations_share": ("exclamations", 0.3),
}


MEASURE_LABELS = {
    "avg_sentence_length": _lazy("Average sentence length (words)"),
    "sentence_length_sd": _lazy("Sentence length spread"),
    "vocabulary_richness": _lazy("Vocabulary richness"),
    "formality": _lazy("Formality"),
    "reading_grade": _lazy("Reading level (grade)"),
    "emoji_per_100_words": _lazy("Emoji per 100 words"),
    "hashtags_per_text": _lazy("Hashtags per text"),
    "questions_share": _lazy("Share of questions"),
    "exclamations_share": _lazy("Share of exclamations"),
}
MEASURE_HINTS = {
    "avg_sentence_length": _lazy("Mean words per sentence."),
    "sentence_length_sd": _lazy("How much sentence lengths vary."),
    "vocabulary_richness": _lazy("Distinct words per 50-word window (0–1; higher is richer)."),
    "formality": _lazy("0 chatty … 100 formal: long words and connectives versus contractions, 'I/you', emoji."),
    "reading_grade": _lazy("Flesch–Kincaid grade: years of school needed to read it."),
    "emoji_per_100_words": _lazy("How often emoji appear."),
    "hashtags_per_text": _lazy("Hashtags in a typical text."),
    "questions_share": _lazy("Sentences that are questions."),
    "exclamations_share": _lazy("Sentences ending with an exclamation mark."),
}


def _label(key: str) -> str:
    labels = {
        "avg_sentence_length": _("sentence length"),
        "vocabulary_richness": _("vocabulary richness"),
        "formality": _("formality"),
        "reading_grade": _("reading level"),
        "emoji_per_100_words": _("emoji use"),
        "hashtags_per_text": _("hashtags"),
        "exclamations_share": _("exclamations"),
        "phrases": _("characteristic phrases"),
    }
    return labels.get(key, key)


def style_compare(*, profile: dict, phrases: list[dict], text: str) -> dict:
    """Score 0..100 of how well `text` matches the profile, with the measures that differ most."""
    if not profile or not profile.get("words"):
        return {"score": None, "reasons": [_("The persona has no style profile yet: add sample texts.")]}
    draft = style_measure([text])
    if not draft["words"]:
        return {"score": None, "reasons": [_("The draft is empty.")]}
    parts: list[dict] = []
    total = 0.0
    for key, (_name, scale) in COMPARED.items():
        expected, actual = float(profile.get(key, 0.0)), float(draft.get(key, 0.0))
        closeness = max(0.0, 1.0 - abs(actual - expected) / scale)
        total += closeness
        parts.append({"measure": key, "label": _label(key), "persona": expected, "draft": actual, "match": closeness})
    weight = len(COMPARED)
    if phrases:
        lowered = " ".join(words_of(text))
        used = [p["phrase"] for p in phrases if p["phrase"] in lowered]
        closeness = min(1.0, len(used) / min(3, len(phrases)))
        total += closeness
        weight += 1
        parts.append(
            {
                "measure": "phrases",
                "label": _label("phrases"),
                "persona": len(phrases),
                "draft": len(used),
                "match": closeness,
            }
        )
    score = round(100 * total / weight)
    reasons = []
    for part in sorted(parts, key=lambda p: p["match"]):
        if part["match"] >= 0.75:
            continue
        if part["measure"] == "phrases":
            reasons.append(_("Uses few of the persona's characteristic phrases."))
            continue
        direction = _("higher") if part["draft"] > part["persona"] else _("lower")
        reasons.append(
            _("%(label)s is %(direction)s than the persona's (%(draft)s vs %(persona)s).")
            % {
                "label": part["label"].capitalize(),
                "direction": direction,
                "draft": part["draft"],
                "persona": part["persona"],
            }
        )
    if not reasons:
        reasons.append(_("Close to the persona on every measure."))
    return {"score": score, "reasons": reasons, "measures": parts, "draft": draft}
