"""Table-driven tests for scraper.text.normalize: the one place text is normalised."""

from __future__ import annotations

import unicodedata

import pytest

from scraper.text import normalize as n


def NFD(text: str) -> str:
    return unicodedata.normalize("NFD", text)


SHY, ZWSP, ZWNJ, ZWJ, WJ, BOM = "\u00ad", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"
NBSP, NNBSP = "\u00a0", "\u202f"

# (input, normalize_space(input))
NORMALIZE_SPACE_CASES: list[tuple[str, str]] = [
    ("", ""),
    ("   ", ""),
    ("plain ascii  text ", "plain ascii text"),
    (f"IOM{NBSP}Kazakhstan", "IOM Kazakhstan"),
    (f"5{NNBSP}000{NBSP}{NBSP}мигрантов", "5 000 мигрантов"),
    ("a\u2007b\u3000c\u2028d\u0085e", "a b c d e"),
    ("tab\tnew\nline\r\nend", "tab new line end"),
    (f"көші{SHY}қон", "көшіқон"),
    (f"zero{ZWSP}width", "zerowidth"),
    (f"{BOM}Астана", "Астана"),
    (f"a{ZWNJ}b{ZWJ}c{WJ}d", "abcd"),
    (f"{ZWSP} {NBSP} {ZWSP}", ""),  # invisible and blank: nothing left
    (NFD("бойынша ёлка Йошкар-Ола"), "бойынша ёлка Йошкар-Ола"),  # NFD й / ё recomposed
    ("Қазақстан", "Қазақстан"),
    ("көші-қон", "көші-қон"),  # hyphens are kept
]


@pytest.mark.parametrize(("text", "expected"), NORMALIZE_SPACE_CASES)
def test_normalize_space(text: str, expected: str) -> None:
    assert n.normalize_space(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", ""),
        (f"a{SHY}b{ZWSP}c{ZWNJ}d{ZWJ}e{WJ}f{BOM}g", "abcdefg"),
        (f"a{NBSP}b", f"a{NBSP}b"),  # a no-break space is visible: not removed
        ("көші-қон", "көші-қон"),
    ],
)
def test_strip_invisible(text: str, expected: str) -> None:
    assert n.strip_invisible(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", ""),
        ("  a \t b\n\nc  ", "a b c"),
        (f"a{NBSP}{NNBSP}b", "a b"),
        (f"a{ZWSP}b", f"a{ZWSP}b"),  # zero-width space is not whitespace to str.split
        ("a\x1cb\x1fc", "a b c"),  # str.split's and re's \s agree on every code point
    ],
)
def test_collapse_whitespace(text: str, expected: str) -> None:
    assert n.collapse_whitespace(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"Astana{NBSP}– The", "Astana – The"),
        (f"5{NNBSP}000", "5 000"),
        ("a\u2007b", "a\u2007b"),  # figure space is not one of NO_BREAK_SPACES
    ],
)
def test_ordinary_spaces_keeps_length(text: str, expected: str) -> None:
    assert n.ordinary_spaces(text) == expected
    assert len(n.ordinary_spaces(text)) == len(text)


# NFC vs NFD: Kazakh's own letters (ә ғ қ ң ө ұ ү һ і) have no decomposition, so NFD leaves them;
# й and ё, which Kazakh and Russian share, do decompose.
@pytest.mark.parametrize("word", ["Қазақстан", "көші-қон", "әлеуметтік", "ұлттық", "үшін", "Өскемен", "ҒЫЛЫМ"])
def test_kazakh_letters_are_atomic(word: str) -> None:
    assert NFD(word) == word
    assert n.nfc(word) == word


@pytest.mark.parametrize("word", ["бойынша", "жайлы", "ёлка", "Йошкар-Ола", "Zürich"])
def test_nfc_recomposes_nfd(word: str) -> None:
    assert NFD(word) != word
    assert n.nfc(NFD(word)) == word
    assert n.fold(NFD(word)) == n.fold(word)


@pytest.mark.parametrize(
    ("text", "nfc", "nfkc"),
    [
        (f"a{NBSP}b", f"a{NBSP}b", "a b"),
        ("ﬁnance", "ﬁnance", "finance"),
        ("x²", "x²", "x2"),
        ("е\u0308", "ё", "ё"),
    ],
)
def test_nfc_and_nfkc(text: str, nfc: str, nfkc: str) -> None:
    assert n.nfc(text) == nfc
    assert n.nfkc(text) == nfkc


def test_invisible_characters_block_composition_until_removed() -> None:
    # Why the near-duplicate words run NFKC *before* removing invisible characters (frozen order).
    text = f"e{SHY}\u0301"
    assert n.strip_invisible(n.nfkc(text)) == "e\u0301"
    assert n.nfkc(n.strip_invisible(text)) == "é"


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("ХКҰ", "хкұ"),
        ("МОМ", "мом"),
        ("IOM", "iom"),
        ("Straße", "strasse"),
        ("ЁЛКА", "ёлка"),
        (NFD("ЁЛКА"), "ёлка"),
        ("Қазақстан", "қазақстан"),
        ("Aujourd’hui", "aujourd'hui"),
        ("Aujourdʼhui", "aujourd'hui"),
    ],
)
def test_fold(text: str, folded: str) -> None:
    assert n.fold(text) == folded


def test_fold_keeps_ka_and_ka_with_descender_apart() -> None:
    # ХКҰ (IOM) and ХҚҰ differ by one letter, К U+041A vs Қ U+049A: folding must not merge them.
    assert n.fold("ХКҰ") != n.fold("ХҚҰ")


@pytest.mark.parametrize(
    ("text", "expected"),
    [("ёлка", "елка"), ("Ёлка", "Ёлка"), (n.fold_case("Ёлка"), "елка"), ("еж", "еж")],
)
def test_fold_yo(text: str, expected: str) -> None:
    assert n.fold_yo(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("٢٠٢٢-١١-٠٢", "2022-11-02"),
        ("۰۲.۱۱.۲۰۲۲", "02.11.2022"),
        ("2022", "2022"),
        ("२०२२", "२०२२"),  # only Arabic-Indic digits are folded
    ],
)
def test_fold_digits(text: str, expected: str) -> None:
    assert n.fold_digits(text) == expected


# (text, words, alnum_runs, letter_words)
TOKEN_CASES: list[tuple[str, list[str], list[str], list[str]]] = [
    ("", [], [], []),
    ("Халықаралық көші-қон ұйымы", ["халықаралық", "көші-қон", "ұйымы"],
     ["Халықаралық", "көші", "қон", "ұйымы"], ["Халықаралық", "көші-қон", "ұйымы"]),
    ("Нұр-Сұлтан", ["нұр-сұлтан"], ["Нұр", "Сұлтан"], ["Нұр-Сұлтан"]),
    ("COVID-19, 5 000", ["covid-19", "5", "000"], ["COVID", "19", "5", "000"], ["COVID"]),
    ("don't rock’n’roll", ["don't", "rock'n'roll"], ["don", "t", "rock", "n", "roll"], ["don", "t", "rock", "n", "roll"]),
    ("snake_case", ["snake_case"], ["snake", "case"], ["snake", "case"]),
    ("x- -y a--b", ["x", "y", "a", "b"], ["x", "y", "a", "b"], ["x", "y", "a", "b"]),
    ("Ёлка ЁЛКА", ["ёлка", "ёлка"], ["Ёлка", "ЁЛКА"], ["Ёлка", "ЁЛКА"]),
    ("हिन्दी", ["ह", "न", "द"], ["ह", "न", "द"], ["हिन्दी"]),  # marks: only letter_words keeps them
]


@pytest.mark.parametrize(("text", "words", "runs", "letter_words"), TOKEN_CASES)
def test_tokenisers(text: str, words: list[str], runs: list[str], letter_words: list[str]) -> None:
    assert n.words(text) == words
    assert n.word_count(text) == len(words)
    assert n.alnum_runs(text) == runs
    assert n.letter_words(text) == letter_words


# Characters that tell the regex's words apart: letters of the archive's scripts, digits of several
# scripts, the underscore, hyphens and apostrophes, punctuation, every kind of whitespace, combining
# marks, controls, and characters outside the BMP.
_ALPHABET = ("aZé" "жЁқұә" "मि" "05٣²½" "_" "-'’" "\"(),.;:!?«»—–…/*%#|[]{}<>" " \t\n\xa0\u2009\u3000\x1c\x85"
             "\u0306\u0301" "\x00\x7f" "😀𝐀" "©™•")


def test_find_words_is_the_word_regex() -> None:
    import random

    rng = random.Random(11)
    everything = "".join(chr(code) for code in range(0x20, 0x3000) if not 0xD800 <= code < 0xE000)
    texts = ["".join(rng.choice(_ALPHABET) for _ in range(rng.randint(0, 40))) for _ in range(20_000)]
    texts += ["".join(rng.choice(everything) for _ in range(rng.randint(0, 60))) for _ in range(5_000)]
    texts += [" ".join(rng.choice(everything) + rng.choice(_ALPHABET) for _ in range(30)) for _ in range(2_000)]
    for text in texts:
        assert n.find_words(text) == n.WORD_RE.findall(text), repr(text)


@pytest.mark.parametrize(
    ("text", "count"),
    [("", 0), ("көші-қон", 7), ("COVID-19", 5), ("हिन्दी", 3), ("مُحَمَّد", 4), ("Ёлка", 4)],
)
def test_letter_count(text: str, count: int) -> None:
    assert n.letter_count(text) == count


@pytest.mark.parametrize(
    ("tag", "primary"),
    [("ru-RU", "ru"), ("kk_KZ", "kk"), (" EN ", "en"), ("kk", "kk"), ("", ""), ("  ", ""), ("-x", "")],
)
def test_primary_subtag(tag: str, primary: str) -> None:
    assert n.primary_subtag(tag) == primary


def test_clean_keeps_its_public_functions() -> None:
    from scraper import clean

    assert clean.normalize_space is n.normalize_space
    assert clean.words is n.words
    assert clean.word_count is n.word_count
    assert clean.same_text("Көші-қон, ұйымы!", f"КӨШІ-ҚОН{NBSP} ұйымы")


@pytest.mark.parametrize(
    "text",
    ["Йошкар-Ола, ёлка", "Қазақстан, көші-қон ұйымы, Өскемен, Үкімет, Ғалым, Ұйым, Һ", "Ещё й Й Ё"],
)
def test_words_and_same_text_ignore_composition(text: str) -> None:
    # A CMS or an editor may store "й", "ё", "ә", "ө", "ү"... decomposed (letter + combining mark):
    # the words a comparison sees, and same_text, must not tell the two forms apart.
    from scraper import clean

    decomposed = NFD(text)
    assert decomposed != text
    assert n.words(decomposed) == n.words(text)
    assert clean.same_text(decomposed, text)
    assert clean.said(decomposed) == clean.said(text)


def test_words_and_same_text_ignore_the_apostrophe_form() -> None:
    from scraper import clean

    assert n.words("Aujourd’hui, don’t") == n.words("aujourd'hui, don't") == ["aujourd'hui", "don't"]
    assert clean.same_text("Don’t leave", "don't leave")
    assert not clean.same_text("dont leave", "don't leave")
