"""A suffix-stripping stemmer for Kazakh nouns: case, possessive and plural endings.

Kazakh is agglutinative: a noun is ``root + plural + possessive + case``, each ending taking the
form its neighbour's last sound calls for (``мигрант-тар-ы-ның`` "of the migrants' …",
``ел-дер-і-нде`` "in the countries of …"). :func:`stem` strips, from the end, at most one ending of
each layer in :data:`LAYERS` (case, then possessive, then plural), then normalises the end of the
root (:func:`normalise_end`), so the forms of one word share one stem::

    мигрант, мигранттар, мигранттарға, мигранттардың, мигранттарының -> мигрант
    көмек, көмегі, көмегін, көмекке, көмектің                          -> көмек
    облыс, облысы, облысында, облыстар, облыстың                        -> облы

The rules (each documented where it is defined, and tested with real word forms in
``tests/unit/test_kazakh_stemmer.py``):

* An ending is stripped only after the sounds that take that form of it (:data:`AFTER`): the
  genitive is ``-ның`` after a vowel or м н ң, ``-дың`` after ж з л р й у, ``-тың`` after a voiceless
  consonant. This keeps roots that merely end like an ending (``жоспар`` "plan" is not ``жоспа-р``,
  ``машина`` is not ``маши-на``).
* What is left must be at least :data:`MIN_STEM` letters long and hold a vowel.
* Endings that would be ambiguous with ordinary word ends are left out on purpose: the bare
  dative ``-а/-е`` and the 1st/2nd person singular possessives ``-м/-ым``, ``-ң/-ың`` ("my", "your",
  rare in press releases; ``адам`` "person" would become ``ада``).
* The end of the root is normalised, the same way for every form: a final б г ғ becomes п к қ
  (``кітабы`` -> ``кітап``: the consonant voices before a vowel ending), and a final с after a vowel
  is dropped, because ``-сы`` ("its", after a vowel) and ``-ы`` (after a consonant) cannot be told apart
  (``облыс-ы`` or ``облы-сы``?): ``облыс`` and ``облысы`` both give ``облы``, ``бала`` and ``баласы`` both
  ``бала``.
* A token that is only an ending, written after a hyphen as Kazakh does after acronyms and numbers
  (``ХКҰ-ның``, ``COVID-19-дың``), is dropped (:func:`is_ending`).

Not handled (known limits): verb forms, derivational suffixes (``-лық``, ``-шы``: another word),
roots that lose a vowel before an ending (``орын`` / ``орны``).
"""

from __future__ import annotations

from functools import lru_cache

VERSION = 1  # bump when a rule changes: archives rebuild their stemmed index (archive.search.index)

VOWELS = frozenset("аәеёиоөұүыіэюя")
VOICED = frozenset("жз")
SONORANT = frozenset("лрйу")
NASAL = frozenset("мнң")
VOICELESS = frozenset("кқпстфхцчшщбвгд")  # б в г д: only at the end of loanwords, where they sound voiceless
POSSESSIVE_3 = frozenset("ыі")  # the -ы/-і/-сы/-сі of the 3rd person, after which case endings take an н

#: Which sounds each form of an ending follows: the last letter before the ending must be in the set.
AFTER = {
    "vowel": VOWELS,
    "voiced": VOWELS | VOICED | SONORANT | NASAL,  # vowels, ж з, л р й у, м н ң
    "vowel_nasal": VOWELS | NASAL,
    "voiced_sonorant": VOICED | SONORANT,
    "voiced_sonorant_nasal": VOICED | SONORANT | NASAL,
    "soft": VOWELS | VOICED | SONORANT,  # vowels, ж з, л р й у
    "vowel_sonorant": VOWELS | SONORANT,
    "nasal_voiced": NASAL | VOICED,
    "voiceless": VOICELESS,
    "nasal": NASAL,
    "possessive_3": POSSESSIVE_3,
    "nasal_possessive_3": NASAL | POSSESSIVE_3,
    "consonant": VOICED | SONORANT | NASAL | VOICELESS,
    "voiced_consonant": VOICED | SONORANT | NASAL,
    "vowel_ryu": VOWELS | frozenset("рйу"),
    "l_nasal_voiced": frozenset("л") | NASAL | VOICED,
    "any": None,
}


def _forms(condition: str, *suffixes: str) -> list[tuple[str, str]]:
    return [(suffix, condition) for suffix in suffixes]


#: Case endings (one per word, the last ending of a noun).
CASE = [
    *_forms("vowel_nasal", "ның", "нің"),  # genitive
    *_forms("voiced_sonorant", "дың", "дің"),
    *_forms("voiceless", "тың", "тің"),
    *_forms("voiced", "ға", "ге"),  # dative
    *_forms("voiceless", "қа", "ке"),
    *_forms("possessive_3", "на", "не"),  # dative after -ы/-і: үй-і-не
    *_forms("vowel", "ны", "ні"),  # accusative
    *_forms("voiced_sonorant_nasal", "ды", "ді"),
    *_forms("voiceless", "ты", "ті"),
    *_forms("possessive_3", "н"),  # accusative after -ы/-і: көмег-і-н
    *_forms("voiced", "да", "де", "дағы", "дегі"),  # locative (and its attributive -дағы)
    *_forms("voiceless", "та", "те", "тағы", "тегі"),
    *_forms("possessive_3", "нда", "нде", "ндағы", "ндегі"),
    *_forms("soft", "дан", "ден"),  # ablative
    *_forms("voiceless", "тан", "тен"),
    *_forms("nasal_possessive_3", "нан", "нен"),
    *_forms("vowel_sonorant", "мен", "менен"),  # instrumental
    *_forms("nasal_voiced", "бен", "бенен"),
    *_forms("voiceless", "пен", "пенен"),
    *_forms("voiced_consonant", "ғы", "гі"),  # attributive of time and place after a consonant: жыл-ғы, іш-кі
    *_forms("voiceless", "қы", "кі"),
]

#: Possessive endings (3rd person, and 1st and 2nd person plural / polite).
POSSESSIVE = [
    *_forms("consonant", "ымыз", "іміз", "ыңыз", "іңіз", "ы", "і"),
    *_forms("vowel", "мыз", "міз", "ңыз", "ңіз", "сы", "сі"),
]

#: Plural endings.
PLURAL = [
    *_forms("vowel_ryu", "лар", "лер"),
    *_forms("l_nasal_voiced", "дар", "дер"),
    *_forms("voiceless", "тар", "тер"),
]

#: The layers, stripped in this order from the end of the word, at most one ending of each.
LAYERS = (("case", CASE), ("possessive", POSSESSIVE), ("plural", PLURAL))

MIN_STEM = 2

#: Word ends that are part of the root although they look like an ending: the countries in -стан
#: (Қазақстан is not Қазақс + ablative -тан), and nouns of agents in -шы/-ші (қатысушы "participant"
#: is not қатысуш + possessive -ы).
PROTECTED_ENDS = ("стан", "шы", "ші")

#: Frequent words that end like an inflected form but do not inflect (postpositions, conjunctions).
INVARIABLE = frozenset({"үшін", "кейін", "дейін", "бірге", "бірақ", "және", "немесе", "арқылы", "туралы",
                        "бойынша", "қарсы", "сияқты", "ретінде", "бірнеше", "әрі", "мен", "пен", "бен"})
FINAL_DEVOICING = str.maketrans({"б": "п", "г": "к", "ғ": "қ"})
ENDINGS = frozenset(suffix for _, layer in LAYERS for suffix, _ in layer)


def _longest_first(layer: list[tuple[str, str]]) -> list[tuple[str, frozenset | None]]:
    return sorted(((suffix, AFTER[condition]) for suffix, condition in layer), key=lambda item: -len(item[0]))


_ORDERED = tuple((name, _longest_first(layer)) for name, layer in LAYERS)


def _stem_ok(stem: str) -> bool:
    return len(stem) >= MIN_STEM and any(letter in VOWELS for letter in stem)


def strip_layer(word: str, layer: list[tuple[str, frozenset | None]]) -> str:
    """``word`` without the longest ending of ``layer`` that fits (its condition met, stem long enough,
    not the end of a :data:`PROTECTED_ENDS`)."""
    protected = next((end for end in PROTECTED_ENDS if word.endswith(end)), "")
    for suffix, after in layer:
        if len(word) > len(suffix) and word.endswith(suffix) and not protected.endswith(suffix):
            stem = word[: -len(suffix)]
            if (after is None or stem[-1] in after) and _stem_ok(stem):
                return stem
    return word


def normalise_end(stem: str) -> str:
    """Final б г ғ -> п к қ; a final с after a vowel dropped (see the module docstring)."""
    stem = stem[:-1] + stem[-1].translate(FINAL_DEVOICING) if stem else stem
    if len(stem) > MIN_STEM and stem.endswith("с") and stem[-2] in VOWELS:
        stem = stem[:-1]
    return stem


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The stem of one lower-case Kazakh word (other words come back unchanged or nearly)."""
    if len(word) <= MIN_STEM or word in INVARIABLE:
        return word
    for _, layer in _ORDERED:
        word = strip_layer(word, layer)
    return normalise_end(word)


def is_ending(token: str) -> bool:
    """True for a token that is only endings (``ның``, ``дағы``, ``лары``, ``тардың``): the tail of a
    hyphenated acronym or number such as ``ХКҰ-ның``."""
    rest = token
    for _, layer in _ORDERED:
        for suffix, _after in layer:
            if rest.endswith(suffix):
                rest = rest[: -len(suffix)]
                break
        if not rest:
            return True
    return False
