"""Which language each text is in: a given language column when there is one, else offline detection.

Detection uses ``py3langid`` (a naive-Bayes byte n-gram model shipped inside the wheel: no download, about
20 µs per short text after a one-off 1 s load). Codes are ISO 639-1 where one exists; the model's few ISO 639-3
labels without a two-letter code (e.g. "ace", "yue") are kept, and "und" means undetermined.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

UNDETERMINED = "und"

#: (ISO 639-1, ISO 639-3 codes, English name) of the languages users of a multilingual model meet most.
#: The 639-3 codes map the FLORES/Tatoeba style ("deu_Latn", "swh") to the two-letter form.
_LANGUAGES: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("af", ("afr",), "Afrikaans"), ("am", ("amh",), "Amharic"), ("ar", ("ara", "arb"), "Arabic"),
    ("az", ("aze", "azj"), "Azerbaijani"), ("be", ("bel",), "Belarusian"), ("bg", ("bul",), "Bulgarian"),
    ("bn", ("ben",), "Bengali"), ("ca", ("cat",), "Catalan"), ("cs", ("ces",), "Czech"), ("cy", ("cym",), "Welsh"),
    ("da", ("dan",), "Danish"), ("de", ("deu",), "German"), ("el", ("ell",), "Greek"), ("en", ("eng",), "English"),
    ("es", ("spa",), "Spanish"), ("et", ("est", "ekk"), "Estonian"), ("eu", ("eus",), "Basque"),
    ("fa", ("fas", "pes"), "Persian"), ("fi", ("fin",), "Finnish"), ("fr", ("fra",), "French"),
    ("ga", ("gle",), "Irish"), ("gl", ("glg",), "Galician"), ("gu", ("guj",), "Gujarati"), ("ha", ("hau",), "Hausa"),
    ("he", ("heb",), "Hebrew"), ("hi", ("hin",), "Hindi"), ("hr", ("hrv",), "Croatian"),
    ("hu", ("hun",), "Hungarian"), ("hy", ("hye",), "Armenian"), ("id", ("ind",), "Indonesian"),
    ("ig", ("ibo",), "Igbo"), ("is", ("isl",), "Icelandic"), ("it", ("ita",), "Italian"),
    ("ja", ("jpn",), "Japanese"), ("jv", ("jav",), "Javanese"), ("ka", ("kat",), "Georgian"),
    ("kk", ("kaz",), "Kazakh"), ("km", ("khm",), "Khmer"), ("kn", ("kan",), "Kannada"), ("ko", ("kor",), "Korean"),
    ("lt", ("lit",), "Lithuanian"), ("lv", ("lav", "lvs"), "Latvian"), ("mk", ("mkd",), "Macedonian"),
    ("ml", ("mal",), "Malayalam"), ("mn", ("mon", "khk"), "Mongolian"), ("mr", ("mar",), "Marathi"),
    ("ms", ("msa", "zsm"), "Malay"), ("my", ("mya",), "Burmese"), ("ne", ("nep", "npi"), "Nepali"),
    ("nl", ("nld",), "Dutch"), ("no", ("nor", "nob"), "Norwegian"), ("pa", ("pan",), "Punjabi"),
    ("pl", ("pol",), "Polish"), ("pt", ("por",), "Portuguese"), ("ro", ("ron",), "Romanian"),
    ("ru", ("rus",), "Russian"), ("si", ("sin",), "Sinhala"), ("sk", ("slk",), "Slovak"),
    ("sl", ("slv",), "Slovenian"), ("so", ("som",), "Somali"), ("sq", ("sqi", "als"), "Albanian"),
    ("sr", ("srp",), "Serbian"), ("sv", ("swe",), "Swedish"), ("sw", ("swa", "swh"), "Swahili"),
    ("ta", ("tam",), "Tamil"), ("te", ("tel",), "Telugu"), ("th", ("tha",), "Thai"), ("tl", ("tgl",), "Tagalog"),
    ("tr", ("tur",), "Turkish"), ("uk", ("ukr",), "Ukrainian"), ("ur", ("urd",), "Urdu"),
    ("uz", ("uzb", "uzn", "uzs"), "Uzbek"), ("vi", ("vie",), "Vietnamese"), ("xh", ("xho",), "Xhosa"),
    ("yo", ("yor",), "Yoruba"), ("zh", ("zho", "cmn"), "Chinese"), ("zu", ("zul",), "Zulu"),
)
_NAMES = {iso1: name for iso1, _, name in _LANGUAGES}
_TO_ISO1 = {iso3: iso1 for iso1, iso3s, _ in _LANGUAGES for iso3 in iso3s}
#: py3langid labels that are not the code we want: "zxx" is its "no linguistic content" class; "gug" (Paraguayan
#: Guarani) has the two-letter code "gn"; its Wu/Cantonese and Egyptian/Moroccan Arabic classes fire on short
#: standard Chinese and Arabic (e.g. a FLORES zho_Hans sentence comes out "wuu"), so they fold into "zh" and "ar".
_LABEL_FIXES = {"zxx": UNDETERMINED, "gug": "gn", "wuu": "zh", "yue": "zh", "arz": "ar", "ary": "ar"}
_HAS_LETTER = re.compile(r"[^\W\d_]")


@functools.cache
def _identifier():
    """The py3langid model, loaded once per process (about 1 s)."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def normalize_code(code: str | None) -> str:
    """Map a language tag ("de", "de-AT", "deu", "deu_Latn") to ISO 639-1 when known.

    Returns the lower-cased primary subtag unchanged when it has no known two-letter form, and "und" for
    None or blank input.
    """
    if code is None or not code.strip():
        return UNDETERMINED
    primary = re.split(r"[-_]", code.strip().lower(), maxsplit=1)[0]
    return _TO_ISO1.get(primary, primary)


def language_name(code: str | None) -> str:
    """English display name of a language code ("de" → "German"); unknown codes are returned as given."""
    iso1 = normalize_code(code)
    if iso1 == UNDETERMINED:
        return "Undetermined"
    return _NAMES.get(iso1, code or iso1)


def detect_language(text: str) -> str:
    """ISO 639-1 code of the most likely language of ``text``; "und" when it holds no letters."""
    if not _HAS_LETTER.search(text):
        return UNDETERMINED  # digits/punctuation only: any label would be noise
    label, _ = _identifier().classify(text)
    return normalize_code(_LABEL_FIXES.get(label, label))


def detect_languages(texts: Sequence[str]) -> list[str]:
    """``detect_language`` for each text, in order (10k short texts take well under a second)."""
    return [detect_language(t) for t in texts]


def resolve_languages(texts: Sequence[str], given: Sequence[str | None] | None = None) -> list[str]:
    """Language per text: the given code (normalized) where present, detected otherwise.

    Args:
        texts: the texts.
        given: optional codes parallel to ``texts`` (e.g. a file's language column); None or "" entries are detected.

    Returns:
        One ISO 639-1 code (or "und") per text.
    """
    if given is None:
        return detect_languages(texts)
    if len(given) != len(texts):
        raise ValueError(f"{len(given)} language codes for {len(texts)} texts")
    return [normalize_code(g) if g and g.strip() else detect_language(t) for t, g in zip(texts, given)]
