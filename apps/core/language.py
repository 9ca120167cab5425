"""Language detection for items, personas and speech voices: py3langid (a maintained fork of langid.py,
naive Bayes over byte n-grams, model shipped in the wheel), restricted to the languages news comes in so
short headlines are not called Wu Chinese or Luxembourgish. Returns ISO 639-1 codes.

    detect_language("Rząd przyjął projekt ustawy")  -> "pl"
    detect_language("", hint="de-AT")               -> "de"   (nothing to read: the declared language)
"""

from __future__ import annotations

import re
import threading

# The languages a newsroom's feeds come in (all in py3langid's model).
LANGUAGES = [
    "en",
    "ru",
    "uk",
    "be",
    "kk",
    "de",
    "fr",
    "es",
    "it",
    "pt",
    "nl",
    "pl",
    "cs",
    "sk",
    "sl",
    "hr",
    "sr",
    "bg",
    "ro",
    "hu",
    "el",
    "tr",
    "sv",
    "da",
    "no",
    "fi",
    "et",
    "lv",
    "lt",
    "ca",
    "zh",
    "ja",
    "ko",
    "ar",
    "he",
    "fa",
    "ur",
    "hi",
    "bn",
    "ta",
    "ka",
    "hy",
    "az",
    "mk",
    "th",
    "vi",
    "id",
    "ms",
]
MIN_CONFIDENCE = 0.5
_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)
_KANA = re.compile(r"[\u3040-\u30ff]")
_HANGUL = re.compile(r"[\uac00-\ud7af]")
_UK_ONLY = re.compile(r"[іїєґІЇЄҐ]")

_identifier = None
_lock = threading.Lock()


def _get():
    global _identifier
    if _identifier is None:
        with _lock:
            if _identifier is None:
                # heavy (0.4 s, then its model): loaded on the first detection, not at start-up
                from py3langid.langid import MODEL_FILE, LanguageIdentifier

                identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
                identifier.set_languages(LANGUAGES)
                _identifier = identifier
    return _identifier


def _clean_hint(hint: str) -> str:
    return (hint or "").replace("_", "-").split("-")[0].lower()[:8]


def detect_language_with_confidence(text: str, *, hint: str = "") -> tuple[str, float]:
    """(code, probability); the hint (a feed's or persona's declared language) wins when the text has
    too few letters to say, or the detector is unsure and the hint is one of the candidates."""
    hint = _clean_hint(hint)
    sample = (text or "")[:2000]
    letters = len(_LETTER.findall(sample))
    if letters < 3:
        return hint, 0.0
    # Scripts that settle it outright.
    if _KANA.search(sample):
        return "ja", 1.0
    if _HANGUL.search(sample):
        return "ko", 1.0
    code, probability = _get().classify(sample)
    if code == "ru" and _UK_ONLY.search(sample):
        code = "uk"
    if probability < MIN_CONFIDENCE and hint in LANGUAGES:
        return hint, float(probability)
    return code, float(probability)


def detect_language(text: str, *, hint: str = "") -> str:
    return detect_language_with_confidence(text, hint=hint)[0]
