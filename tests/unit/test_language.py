"""Table-driven tests for scraper.text.language (identify, is_untranslated_fallback)."""

from __future__ import annotations

import dataclasses
import re

import py3langid.langid
import pytest

from support.helpers import expected_body, load_golden
from scraper.text.language import (
    PRIOR_CONFIDENCE,
    UNDETERMINED,
    LanguageGuess,
    identify,
    is_untranslated_fallback,
    normalize_code,
    supported_languages,
)

SITE = ("en", "ru", "kk")
GOLDEN = load_golden()
RELEASES = GOLDEN["releases"]

# (expected language, text): short paragraphs, candidates en/ru/kk, no prior.
SHORT_CASES: list[tuple[str, str]] = [
    # Kazakh, including sentences with few Kazakh-specific letters (ә ғ қ ң ө ұ ү һ і)
    ("kk", "Ол 2023 жылы басталды."),  # none at all: the model decides
    ("kk", "Жоба бойынша барлығы 500 адам оқытылды."),
    ("kk", "Семинар Алматы қаласында өтті."),
    ("kk", "Министрлік пен акимат өкілдері келді."),
    ("kk", "Бұл жоба жастарға арналған."),
    ("kk", "Мигранттар ақпарат алады."),
    ("kk", "Курс қатысушылары сертификат алды."),
    ("kk", "Программа аясында 120 отбасы қолдау алды."),  # Russian loanword first
    ("kk", "Алматы мен Шымкентте семинар өтті."),
    ("kk", "Ол жоба бойынша оқыды."),  # one marked word, the rest scored Kazakh
    ("kk", "Оларға кеңес берілді."),
    ("kk", "Семинарға 30 полиция қызметкері қатысты."),
    ("kk", "Телефон тәулік бойы жұмыс істейді."),
    ("kk", "ҚАЗАҚСТАНДА ЖАҢА ЖОБА БАСТАЛДЫ"),  # all-caps headline
    ("kk", "«Адам – тауар емес!» деді министр."),  # slogan without specific letters
    ("kk", "Бағдарлама «Еңбек» арқылы жүзеге асырылады."),
    ("kk", "«Человек и закон» бағдарламасында сөз сөйледі."),  # quoted Russian title
    ("kk", "2021 жылы 50 миллион адам қазіргі заманғы құлдық жағдайында болды."),
    ("kk", "Келесі кездесу 2026 жылы Бішкекте өтеді."),
    # Russian, including Kazakh place names (in Kazakh or Russian spelling) and loanwords
    ("ru", "Форум прошёл в Түркістане."),  # one Kazakh-spelled name
    ("ru", "Встреча прошла в Ақорде."),
    ("ru", "Делегации посетили Нұр-Сұлтан и Шымкент."),
    ("ru", "Участники из Қызылорды, Түркістана и Алматы обсудили проект."),
    ("ru", "Жителям Ақтөбе и Қызылорды помогли."),
    ("ru", "Невыплата зарплаты мигрантам в Нұр-Сұлтане."),  # hyphenated name: one word
    ("ru", "В 2021 году в Түркістане."),
    ("ru", "Программа «Еңбек» реализуется по всей стране."),
    ("ru", "Программа «Серпін» помогает молодёжи."),
    ("ru", "Акимат Алматы и Шымкента поддержал проект."),  # Russian spelling: the model wavers
    ("ru", "В Кызылорде состоялся круглый стол."),
    ("ru", "Семинар для акиматов Мангистауской и Актюбинской областей."),
    ("ru", "Аким Алматинской области открыл форум."),
    ("ru", "«Адам – тауар емес!» – заявил министр."),  # Kazakh slogan quoted in Russian
    ("ru", "МОМ И ПАРТНЁРЫ ЗАПУСТИЛИ КАМПАНИЮ"),  # all-caps headline
    ("ru", "В 2022 году – 4 000 звонков, в 2023 году – 5 000, в 2024 году – 6 200 (+24%)."),
    ("ru", "Горячая линия 1409 работает круглосуточно."),
    ("ru", "Мигранты получили помощь."),
    ("ru", "Участники семинара получили сертификаты."),
    ("ru", "Для получения дополнительной информации обращайтесь: iomkazakhstan@iom.int"),
    # English, including Kazakh names, a quoted Cyrillic slogan, digits and capitals
    ("en", "ASTANA, 18 March 2021."),
    ("en", "IOM KAZAKHSTAN LAUNCHES NEW CAMPAIGN"),
    ("en", "Under the slogan «Адам – тауар емес!» in Kazakh and «Человек – не товар!» in Russian, "
           "posters were shown."),
    ("en", "The «Серпін» programme helps young people."),
    ("en", "The Akimat of Almaty and Shymkent supported the project."),
    ("en", "Migrants from Kyzylorda, Turkestan and Zhambyl took part."),
    ("en", "In 2022: 4,000 calls; 2023: 5,000 calls; 2024: 6,200 calls (+24%)."),
    ("en", "Aigerim Zhaksylykova, Nur-Sultan"),
    ("en", "For more information, please contact: Aliya Sultanova, asultanova@iom.int"),
]

# (candidates, expected language, text): other sites' languages and scripts.
OTHER_CASES: list[tuple[tuple[str, ...], str, str]] = [
    (("en", "ru", "uk"), "uk", "Міграція та розвиток."),
    (("en", "ru", "uk"), "uk", "МОМ надала допомогу внутрішньо переміщеним особам у Харкові."),
    (("en", "ru", "uk"), "uk", "Проєкт фінансує Європейський Союз."),
    (("en", "ru", "uk"), "uk", "Вони отримали гроші на житло"),
    (("en", "ru", "uk"), "ru", "МОМ оказала помощь внутренне перемещённым лицам в Харькове."),
    (("en", "ru", "uk"), "ru", "Они получили деньги на жильё"),
    (("fr", "en", "ar"), "fr", "L'OIM a fourni une aide humanitaire aux migrants bloqués à la frontière."),
    (("fr", "en", "ar"), "fr", "Communiqué de presse : l'OIM et le gouvernement lancent une campagne."),
    (("fr", "en", "ar"), "en", "IOM provided humanitarian assistance to migrants stranded at the border."),
    (("fr", "en", "ar"), "ar", "قدمت المنظمة الدولية للهجرة مساعدات إنسانية للمهاجرين العالقين على الحدود."),
    (("es", "en", "fr"), "es", "La OIM brindó asistencia humanitaria a los migrantes varados."),
    (("es", "en", "fr"), "es", "Más de 300 personas recibieron apoyo psicosocial."),
    (("ro", "ru", "en", "uk"), "ro", "OIM a oferit asistență refugiaților din Ucraina în Republica Moldova."),
    (("ro", "ru", "en", "uk"), "ru", "МОМ оказала помощь беженцам из Украины в Республике Молдова."),
    (("uz", "ru", "en"), "uz", "XMT Oʻzbekistonda mehnat migrantlariga yordam koʻrsatdi."),
    (("uz", "ru", "en"), "ru", "Проект финансируется Европейским союзом."),
    (("ky", "ru", "en"), "ky", "ЭМУ Кыргызстандагы мигранттарга жардам көрсөттү."),
    (("ky", "ru", "en"), "ky", "Долбоор Европа Биримдиги тарабынан каржыланат."),
    (("tg", "ru", "en"), "tg", "Ин лоиҳа аз ҷониби Иттиҳоди Аврупо маблағгузорӣ мешавад."),
    (("kk", "ru", "en", "ky"), "kk", "Жоба Еуропалық Одақтың қаржылай қолдауымен жүзеге асырылып отыр."),
    (("kk", "ru", "en", "ky"), "ky", "Долбоор Европа Биримдиги тарабынан каржыланат."),
]


def body(release: dict) -> str:
    return expected_body(release["body"])


def first(lang: str) -> dict:
    return next(r for r in RELEASES if r["lang"] == lang)


# --------------------------------------------------------------------------- tables


def test_short_case_table_size() -> None:
    assert len(SHORT_CASES) >= 40
    assert {lang for lang, _ in SHORT_CASES} == set(SITE)


@pytest.mark.parametrize(("lang", "text"), SHORT_CASES, ids=[t[:40] for _, t in SHORT_CASES])
def test_short_paragraphs(lang: str, text: str) -> None:
    guess = identify(text, SITE)
    assert guess.lang == lang, guess
    assert guess.source == "text"


@pytest.mark.parametrize(("candidates", "lang", "text"), OTHER_CASES, ids=[t[:40] for *_, t in OTHER_CASES])
def test_other_languages_and_scripts(candidates: tuple[str, ...], lang: str, text: str) -> None:
    assert identify(text, candidates).lang == lang


@pytest.mark.parametrize("release", RELEASES, ids=[f"{r['node']}-{r['lang']}" for r in RELEASES])
def test_fixture_bodies_without_prior(release: dict) -> None:
    guess = identify(body(release), SITE)
    assert guess.lang == release["lang"]
    assert guess.confidence >= 0.9, guess


KAZAKH_SPELLED_NAMES = ["Қызылорда", "Түркістан", "Ақтөбе", "Өскемен", "Нұр-Сұлтан"]


def sentences(lang: str) -> list[str]:
    """Every sentence of the fixture bodies in *lang* (paragraphs and list items split on . ! ?)."""
    found = []
    for release in RELEASES:
        if release["lang"] == lang:
            for line in body(release).split("\n"):
                found += [s for s in re.split(r"(?<=[.!?])\s+", line) if s]
    return found


@pytest.mark.parametrize("name", KAZAKH_SPELLED_NAMES)
def test_one_kazakh_spelled_name_never_makes_russian_kazakh(name: str) -> None:
    for index, sentence in enumerate(sentences("ru")):
        words = sentence.split()
        position = 1 + index % len(words)  # the name after word 1, 2, 3, …
        text = " ".join([*words[:position], name, *words[position:]])
        assert identify(text, SITE).lang == "ru", text


# --------------------------------------------------------------------------- mixed languages


def test_english_release_quoting_kazakh_and_russian_slogans_stays_english() -> None:
    text = "\n\n".join([
        "Almaty – IOM and the Ministry of Internal Affairs launched a campaign against human trafficking.",
        "«Адам – тауар емес! Әрқайсымыз жауаптымыз!»",
        "«Человек – не товар! Каждый из нас в ответе!»",
        "The campaign slogans, “A person is not a commodity!”, appear in 17 regions.",
    ])
    guess = identify(text, SITE)
    assert guess.lang == "en"
    assert guess.score("kk") > 0 and guess.score("ru") > 0  # the slogans count, for their letters


def test_majority_of_letters_not_of_paragraphs() -> None:
    english = (
        "The International Organization for Migration, together with the Government, opened a "
        "resource centre that will provide free consultations to migrants and returnees."
    )
    lines = ["Миграция и развитие.", "Безопасная миграция.", "Қауіпсіз көші-қон."]
    guess = identify("\n".join([english, *lines]), SITE)
    assert guess.lang == "en"  # three Cyrillic lines against one English paragraph
    assert 0.5 < guess.confidence < 0.9


def test_russian_release_with_kazakh_quote_and_english_contact_stays_russian() -> None:
    text = "\n\n".join([
        body(first("ru")),
        "«Адам саудасына қарсы күрес – біздің ортақ міндетіміз», – деді министр.",
        "For more information, please contact: IOM Kazakhstan, iomkazakhstan@iom.int",
    ])
    assert identify(text, SITE).lang == "ru"


def test_urls_and_emails_do_not_count_as_letters() -> None:
    guess = identify("Пишите: asultanova@iom.int https://kazakhstan.iom.int/ru/news", SITE, "ru")
    assert guess.letters == len("Пишите")
    assert guess.source == "prior"


# --------------------------------------------------------------------------- the prior


@pytest.mark.parametrize(
    ("text", "prior", "lang"),
    [
        ("", "ru", "ru"),
        ("   \n\n  ", "kk", "kk"),
        ("2022 – 1409 – 17.05.2023", "kk", "kk"),
        ("Кто мы", "kk", "kk"),  # under 20 letters: the prior decides, even against the text
        ("Read more", "ru-RU", "ru"),  # tags are reduced to the primary subtag
    ],
)
def test_prior_decides_very_short_texts(text: str, prior: str, lang: str) -> None:
    guess = identify(text, SITE, prior)
    assert (guess.lang, guess.source, guess.confidence) == (lang, "prior", PRIOR_CONFIDENCE)


def test_no_letters_and_no_prior_is_undetermined() -> None:
    assert identify("2022 – 1409", SITE) == LanguageGuess(UNDETERMINED, 0.0, "none", 0)


def test_prior_outside_candidates_is_ignored() -> None:
    assert identify("", SITE, "fr").lang == UNDETERMINED
    assert identify("", SITE, "").lang == UNDETERMINED


def test_short_text_without_prior_gets_a_low_confidence_guess() -> None:
    guess = identify("Our work", SITE)
    assert guess.lang == "en" and guess.source == "text"
    assert guess.confidence < 0.5


@pytest.mark.parametrize(("prior", "lang", "source"), [(None, "en", "text"), ("en", "en", "text"),
                                                       ("ru", "ru", "text+prior"), ("kk", "en", "text")])
def test_prior_breaks_near_ties_only(prior: str | None, lang: str, source: str) -> None:
    text = "Migration and development. Миграция и развитие."  # 23 Latin letters, 17 Cyrillic
    guess = identify(text, SITE, prior)
    assert (guess.lang, guess.source) == (lang, source)


@pytest.mark.parametrize("prior", ["ru", "kk"])
def test_prior_does_not_override_a_clear_text(prior: str) -> None:
    assert identify(body(first("en")), SITE, prior).lang == "en"


# --------------------------------------------------------------------------- untranslated fallbacks


@pytest.mark.parametrize("release", RELEASES, ids=[f"{r['node']}-{r['lang']}" for r in RELEASES])
def test_fixture_pages_are_not_fallbacks_under_their_own_prefix(release: dict) -> None:
    assert not is_untranslated_fallback(body(release), release["lang"], SITE)


@pytest.mark.parametrize(
    ("served", "url_lang"), [("en", "ru"), ("en", "kk"), ("ru", "kk"), ("kk", "ru"), ("ru", "en")]
)
def test_other_language_under_a_prefix_is_a_fallback(served: str, url_lang: str) -> None:
    assert is_untranslated_fallback(body(first(served)), url_lang, SITE)


def test_english_with_slogans_under_ru_is_a_fallback() -> None:
    english = next(r for r in RELEASES if r["lang"] == "en" and r["node"] == 102)  # quotes both slogans
    assert is_untranslated_fallback(body(english), "ru", SITE)
    assert not is_untranslated_fallback(body(english), "en", SITE)


@pytest.mark.parametrize("text", ["", "Read more", "2022 – 1409"])
def test_too_short_to_tell_is_not_a_fallback(text: str) -> None:
    assert not is_untranslated_fallback(text, "ru", SITE)


def test_fallback_url_language_must_be_a_candidate() -> None:
    with pytest.raises(ValueError, match="not one of the candidates"):
        is_untranslated_fallback("text", "fr", SITE)


# --------------------------------------------------------------------------- candidates and API


def test_candidate_sets_do_not_interfere() -> None:
    french = "L'OIM a fourni une aide humanitaire aux migrants bloqués à la frontière."
    before = py3langid.langid.IDENTIFIER
    assert identify(french, ("en", "fr")).lang == "fr"
    assert identify(french, SITE).lang == "en"  # restricted to en/ru/kk: never fr
    assert identify(french, ("en", "fr")).lang == "fr"
    assert py3langid.langid.IDENTIFIER is before  # py3langid's module-level identifier untouched


def test_candidates_are_normalised() -> None:
    text = body(first("kk"))
    assert identify(text, ["EN", "ru-RU", "kk_KZ", "en"]) == identify(text, SITE)


@pytest.mark.parametrize(
    ("candidates", "error"),
    [(("en", "xx"), ValueError), ((), ValueError), ("en", TypeError), (("en", ""), ValueError)],
)
def test_bad_candidates(candidates: object, error: type[Exception]) -> None:
    with pytest.raises(error):
        identify("Some English text about migration.", candidates)  # type: ignore[arg-type]


def test_single_candidate() -> None:
    assert identify(body(first("ru")), ["en"]) == identify(body(first("ru")), ["en"])
    assert identify(body(first("ru")), ["en"]).lang == "en"


@pytest.mark.parametrize(
    ("code", "expected"), [("en", "en"), (" EN ", "en"), ("ru-RU", "ru"), ("kk_KZ", "kk"), ("zh-Hans", "zh")]
)
def test_normalize_code(code: str, expected: str) -> None:
    assert normalize_code(code) == expected


def test_supported_languages_cover_iom_sites() -> None:
    assert {"en", "ru", "kk", "fr", "es", "ar", "uk", "ro", "uz", "ky", "tg"} <= supported_languages()


def test_guess_is_frozen_with_scores_best_first() -> None:
    guess = identify(body(first("kk")), SITE)
    with pytest.raises(dataclasses.FrozenInstanceError):
        guess.lang = "ru"  # type: ignore[misc]
    assert [lang for lang, _ in guess.scores][0] == "kk"
    assert sum(share for _, share in guess.scores) == pytest.approx(1.0, abs=1e-3)
    assert guess.score("kk") == guess.confidence
    assert guess.score("fr") == 0.0
