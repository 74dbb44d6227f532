"""The Kazakh suffix stemmer (archive/search/kazakh.py): real word forms, table-driven.

Each row is a lemma and forms of it met in IOM's Kazakh releases or formed by the grammar's rules
(case, possessive, plural, in the allomorph each sound calls for); every form must give the lemma's
stem, and words that only look inflected must keep theirs."""

from __future__ import annotations

import pytest

from archive.search import kazakh
from archive.search.stemmers import stem_text

FORMS = {
    # lemma: its forms
    "мигрант": ["мигрант", "мигранттар", "мигранттарға", "мигранттардың", "мигранттарының", "мигранттарды",
                "мигранттардан", "мигранттармен", "мигрантқа", "мигранттың", "мигранттарына", "мигранттарын",
                "мигранттарда", "мигранттардағы"],
    "көмек": ["көмек", "көмегі", "көмегін", "көмекке", "көмектің", "көмекті", "көмекпен", "көмектен"],
    "облыс": ["облыс", "облысы", "облысында", "облыстар", "облыстың", "облысына", "облысындағы"],
    "бала": ["бала", "баласы", "балаға", "балалар", "балаларға", "баланың", "балаларды", "баладан"],
    "ел": ["ел", "елдер", "елдерінде", "елдің", "елге", "елде", "елден", "елімізде", "еліміз", "елдері"],
    "адам": ["адам", "адамдар", "адамның", "адамға", "адамдарға", "адамдардың", "адамды"],
    "қазақстан": ["қазақстан", "қазақстанда", "қазақстандағы", "қазақстанның", "қазақстанға", "қазақстаннан"],
    "өзбекстан": ["өзбекстан", "өзбекстаннан", "өзбекстанның", "өзбекстанға"],
    "жыл": ["жыл", "жылғы", "жылы", "жылдар", "жылдары", "жылдың"],
    "мәселе": ["мәселе", "мәселелері", "мәселелерін", "мәселелер", "мәселеге", "мәселесі"],
    "заңнама": ["заңнама", "заңнаманы", "заңнамасы", "заңнаманың"],
    "кітап": ["кітап", "кітабы", "кітаптар", "кітапқа", "кітаптың"],
    "тіл": ["тіл", "тілдер", "тілі", "тілде", "тілдің"],
    "ұйым": ["ұйым", "ұйымы", "ұйымдар", "ұйымның", "ұйымға"],
    "қатысушы": ["қатысушы", "қатысушылар", "қатысушыларға", "қатысушылардың"],
    "жұмыс": ["жұмыс", "жұмысы", "жұмыспен", "жұмысқа", "жұмыстың"],
    "үй": ["үй", "үйі", "үйге", "үйде", "үйлер", "үйіне"],
}

UNCHANGED = ["жоспар", "машина", "мен", "және", "үшін", "кейін", "бойынша", "туралы", "арқылы", "ол", "су"]


@pytest.mark.parametrize("lemma, form", [(lemma, form) for lemma, forms in FORMS.items() for form in forms])
def test_every_form_has_the_stem_of_its_lemma(lemma, form):
    assert kazakh.stem(form) == kazakh.stem(lemma), f"{form} -> {kazakh.stem(form)}, {lemma} -> {kazakh.stem(lemma)}"


@pytest.mark.parametrize("word", UNCHANGED)
def test_words_that_only_look_inflected_keep_their_form(word):
    assert kazakh.stem(word) == word


@pytest.mark.parametrize("word, stem", [
    ("мигранттарының", "мигрант"),  # plural + possessive + genitive
    ("көмегін", "көмек"),  # г -> к at the end of the root
    ("облысы", "облы"), ("облыс", "облы"),  # -сы / -ы undecidable: both give облы
    ("қазақстан", "қазақстан"),  # -стан is not the ablative -тан
    ("адам", "адам"),  # the 1st person -м is not stripped
])
def test_documented_rules(word, stem):
    assert kazakh.stem(word) == stem


def test_different_lemmas_keep_different_stems():
    stems = {kazakh.stem(lemma) for lemma in FORMS}
    assert len(stems) == len(FORMS)


@pytest.mark.parametrize("token, ending", [("ның", True), ("дың", True), ("дағы", True), ("лары", True),
                                           ("тардың", True), ("қон", False), ("мигрант", False)])
def test_endings_written_after_a_hyphen(token, ending):
    assert kazakh.is_ending(token) is ending


def test_hyphenated_endings_of_acronyms_and_numbers_are_dropped_from_the_stemmed_text():
    assert stem_text("kk", "ХКҰ-ның көмегімен COVID-19-дың кезінде") == stem_text("kk", "ХКҰ көмегімен COVID-19 кезінде")
    assert stem_text("kk", "көші-қонның") == "көші қон"  # көші keeps -ші: see PROTECTED_ENDS
