"""Table-driven tests for scraper.text.datelines (split_dateline, Dateline)."""

from __future__ import annotations

import dataclasses
import datetime
import subprocess
import sys
import unicodedata

import pytest

from scraper.text.datelines import IOM_ACRONYMS, Dateline, split_dateline

D = datetime.date
NOV2 = D(2022, 11, 2)


DATELINE_CASES: list[tuple[str, str | None, Dateline | None]] = [
    # positive
    ("Astana, November 2, 2022 - The Ministry of Labour…", "en",
     Dateline("Astana", NOV2, "Astana, November 2, 2022 -")),
    ("ASTANA, 30 July 2015. The Ministry of Internal Affairs…", "en",
     Dateline("ASTANA", D(2015, 7, 30), "ASTANA, 30 July 2015.")),
    ("Almaty – The International Organization for Migration…", "en",
     Dateline("Almaty", None, "Almaty –")),
    ("Berlin – Prepared by the IOM office…", "en",
     Dateline("Berlin", None, "Berlin –")),
    ("Алматы, 15 марта 2023 года – Международная организация по миграции…", "ru",
     Dateline("Алматы", D(2023, 3, 15), "Алматы, 15 марта 2023 года –")),
    ("Астана – Халықаралық көші-қон ұйымы…", "kk",
     Dateline("Астана", None, "Астана –")),
    ("Астана қ., 2024 жылғы 12 ақпан – Халықаралық көші-қон ұйымы…", "kk",
     Dateline("Астана қ.", D(2024, 2, 12), "Астана қ., 2024 жылғы 12 ақпан –")),
    ("Nur-Sultan, 5 May 2021 – IOM and the Government…", "en",
     Dateline("Nur-Sultan", D(2021, 5, 5), "Nur-Sultan, 5 May 2021 –")),
    ("Bishkek/Almaty – Representatives of…", "en",
     Dateline("Bishkek/Almaty", None, "Bishkek/Almaty –")),
    ("Geneva/Astana, 12 June 2023 - IOM welcomes…", "en",
     Dateline("Geneva/Astana", D(2023, 6, 12), "Geneva/Astana, 12 June 2023 -")),
    ("г. Алматы, 2 ноября 2022 г. — Сегодня в Алматы…", "ru",
     Dateline("г. Алматы", NOV2, "г. Алматы, 2 ноября 2022 г. —")),
    ("Astana, Nov. 2, 2022 - The Ministry…", "en",
     Dateline("Astana", NOV2, "Astana, Nov. 2, 2022 -")),
    ("Astana, Kazakhstan, 2 November 2022 – The Ministry…", "en",
     Dateline("Astana, Kazakhstan", NOV2, "Astana, Kazakhstan, 2 November 2022 –")),
    ("Astana, 02.11.2022: The Ministry…", None,
     Dateline("Astana", NOV2, "Astana, 02.11.2022:")),
    ("Geneva (IOM) – The International Organization…", "en",
     Dateline("Geneva (IOM)", None, "Geneva (IOM) –")),
    ("  New York—Member States adopted…", "en",
     Dateline("New York", None, "New York—")),
    ("Астана қаласы, 2022 жылы 2 қарашада – Бүгін…", "kk",
     Dateline("Астана қаласы", NOV2, "Астана қаласы, 2022 жылы 2 қарашада –")),
    ("Астана, 2 қараша 2022 ж. – Бүгін…", "kk",
     Dateline("Астана", NOV2, "Астана, 2 қараша 2022 ж. –")),
    ("ALMATY, 2 November 2022 - IOM…", None,
     Dateline("ALMATY", NOV2, "ALMATY, 2 November 2022 -")),
    ("Astana\u00a0– The Ministry…", "en",
     Dateline("Astana", None, "Astana\u00a0–")),
    ("Астана\u202f– Бүгін…", "kk",
     Dateline("Астана", None, "Астана\u202f–")),
    ("Астана (ХКҰ) – Халықаралық көші-қон ұйымы…", "kk",
     Dateline("Астана (ХКҰ)", None, "Астана (ХКҰ) –")),
    ("Алматы (МОМ), 2 ноября 2022 г. – Сегодня…", "ru",
     Dateline("Алматы (МОМ)", NOV2, "Алматы (МОМ), 2 ноября 2022 г. –")),
    # negative
    ("The Ministry of Internal Affairs – together with IOM – held…", "en", None),
    ("IOM – the UN Migration Agency – today launched…", "en", None),
    ("IOM – The UN Migration Agency launched…", "en", None),
    ("МОМ – Агентство ООН по миграции…", "ru", None),
    # IOM's Kazakh acronym ХКҰ (Халықаралық көші-қон ұйымы) is the agency, not a place; the
    # stop list once had it as "хқұ" (KA WITH DESCENDER instead of KA), so both were taken as places.
    ("ХКҰ – БҰҰ-ның көші-қон агенттігі…", "kk", None),
    ("ХКҰ, 2 қараша 2022 – Қазақстан Республикасының Ішкі істер министрлігі…", "kk", None),
    ("ХКҰ – Халықаралық көші-қон ұйымы…", None, None),
    ("ХКҰ Қазақстан – Бүгін…", "kk", None),
    ("In 2021, 50 million people – more than ever – moved…", "en", None),
    ("On 2 November 2022 – the Ministry…", "en", None),
    ("On 2 November 2022 – The Ministry…", "en", None),
    ("Today – on the International Day…", "en", None),
    ("Today – The Ministry…", "en", None),
    ("Countering human trafficking – a priority…", "en", None),
    ("This year — the tenth edition…", "en", None),
    ("Сегодня – Международный день мигранта.", "ru", None),
    ("Aujourd'hui – La journée internationale des migrants.", None, None),
    ("Aujourd’hui – La journée internationale des migrants.", None, None),  # curly apostrophe
    ("Aujourdʼhui – La journée internationale des migrants.", None, None),
    ("Бүгін – Халықаралық мигранттар күні.", "kk", None),
    ("In Astana – The forum…", "en", None),
    ("Astana, November 2022 – The Ministry…", "en", None),  # partial date
    ("Astana. The Ministry of Labour…", "en", None),  # ". " needs a date
    ("Human trafficking remains a serious crime in the region, and IOM – The agency…", "en", None),
    ("Note: This release was updated…", "en", None),
    ("Kazakhstan: Migrants return home", "en", None),  # ": " needs a date
    ("Astana: The Ministry…", "en", None),
    ("Migrants in Kazakhstan: a new survey", "en", None),
    ("", None, None),
    ("Astana", "en", None),
]


@pytest.mark.parametrize(("paragraph", "lang", "expected"), DATELINE_CASES)
def test_split_dateline(paragraph: str, lang: str | None, expected: Dateline | None) -> None:
    assert split_dateline(paragraph, lang) == expected


def test_dateline_raw_is_prefix_and_frozen() -> None:
    paragraph = "Astana, November 2, 2022 - The Ministry of Labour…"
    found = split_dateline(paragraph, "en")
    assert found is not None
    assert paragraph.startswith(found.raw)
    with pytest.raises(dataclasses.FrozenInstanceError):
        found.place = "Almaty"  # type: ignore[misc]


def test_split_dateline_never_raises() -> None:
    assert split_dateline(None) is None  # type: ignore[arg-type]
    assert split_dateline("– – – : : . . .") is None


def test_iom_kazakh_acronym_is_spelt_with_plain_ka() -> None:
    # Халықаралық Көші-қон Ұйымы: К of "көші" (U+041A), not Қ (U+049A, KA WITH DESCENDER).
    (kazakh,) = [a for a in IOM_ACRONYMS if a.startswith("Х")]
    assert [unicodedata.name(c) for c in kazakh] == [
        "CYRILLIC CAPITAL LETTER HA", "CYRILLIC CAPITAL LETTER KA", "CYRILLIC CAPITAL LETTER STRAIGHT U WITH STROKE",
    ]


@pytest.mark.parametrize("acronym", IOM_ACRONYMS)
@pytest.mark.parametrize("spelling", [str, str.title, str.lower])
def test_iom_acronym_is_never_a_place(acronym: str, spelling) -> None:
    written = spelling(acronym)
    assert split_dateline(f"{written} – The agency launched…") is None
    assert split_dateline(f"{written}, 2 November 2022 – The agency launched…", "en") is None


@pytest.mark.parametrize("acronym", IOM_ACRONYMS)
def test_iom_acronym_is_an_agency_tag_after_a_place(acronym: str) -> None:
    found = split_dateline(f"Astana ({acronym}), 2 November 2022 – The Ministry…", "en")
    assert found == Dateline(f"Astana ({acronym})", NOV2, f"Astana ({acronym}), 2 November 2022 –")


def test_dates_does_not_import_datelines() -> None:
    # datelines uses dates.parse_date; the other way round would be an import cycle.
    code = "import sys, scraper.text.dates; print('scraper.text.datelines' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
