"""Table-driven tests for scraper.text.dates (parse_date, split_dateline)."""

from __future__ import annotations

import dataclasses
import datetime

import pytest

from scraper.text.dates import KK_MONTHS, Dateline, parse_date, split_dateline

D = datetime.date
NOV2 = D(2022, 11, 2)

PARSE_CASES: list[tuple[str, str | None, datetime.date | None]] = [
    # ISO and machine forms (date as written, no timezone conversion)
    ("2022-11-02", None, NOV2),
    ("2022-11-02T12:00:00Z", None, NOV2),
    ("2022-11-02T12:00:00+06:00", None, NOV2),
    ("2022-11-02T00:30:00+06:00", "en", NOV2),
    ("2022-11-02T23:30:00-06:00", "en", NOV2),
    ("2022-11-02T12:00:00.000Z", "kk", NOV2),
    ("2022-11-02 12:00", None, NOV2),
    ("  2022-11-02\n", "ru", NOV2),
    # English
    ("02 November 2022", "en", NOV2),
    ("2 Nov 2022", "en", NOV2),
    ("November 2, 2022", "en", NOV2),
    ("Nov. 2, 2022", "en", NOV2),
    ("Wednesday, 2 November 2022", "en", NOV2),
    ("30 July 2015", "en", D(2015, 7, 30)),
    ("NOVEMBER 2, 2022", "en", NOV2),
    ("2nd November 2022", "en", NOV2),
    ("Tuesday, 2 November 2022", "en", None),  # contradicting weekday
    ("Wed, 11/02/2022 - 12:00", None, None),  # Drupal month-first medium format
    ("Fri, 11/02/2022 - 12:00", None, D(2022, 2, 11)),
    ("среда, 2 ноября 2022", "ru", NOV2),
    ("02 November 2022", None, NOV2),
    ("02\u00a0November\u00a02022", "en", NOV2),
    ("en-GB hint: 2 Nov 2022", "xx", None),  # garbage with an unknown language
    ("2 Nov 2022", "en-GB", NOV2),
    # Russian
    ("2 ноября 2022", "ru", NOV2),
    ("2 ноября 2022 г.", "ru", NOV2),
    ("2 ноября 2022 года", "ru", NOV2),
    ("02 ноября 2022г.", "ru", NOV2),
    ("15 марта 2023 года", "ru", D(2023, 3, 15)),
    ("2 НОЯБРЯ 2022 ГОДА", "ru", NOV2),
    ("2 ноября 2022", None, NOV2),
    ("2 ноября 2022", "kk", NOV2),  # wrong hint: falls back to en/ru/kk
    # Kazakh
    ("2022 жылғы 2 қараша", "kk", NOV2),
    ("2022 жылы 2 қарашада", "kk", NOV2),
    ("2 қараша 2022 ж.", "kk", NOV2),
    ("2 қараша 2022 жыл", "kk", NOV2),
    ("2024 жылғы 12 ақпан", "kk", D(2024, 2, 12)),
    ("2024 жылғы 12 ақпан", None, D(2024, 2, 12)),
    ("2023 жылғы 1 қаңтарда", "kk", D(2023, 1, 1)),
    ("2023 ж. 5 сәуір", "kk", D(2023, 4, 5)),
    ("2021 жылғы 30 желтоқсан", "kk", D(2021, 12, 30)),
    ("2020 жылдың 9 қыркүйегі", "kk", D(2020, 9, 9)),
    ("2019 жылғы 15 қазанда", "kk", D(2019, 10, 15)),
    ("2022 ЖЫЛҒЫ 2 ҚАРАША", "kk", NOV2),
    ("2022 жылғы 31 қараша", "kk", None),  # no 31 November
    # Numeric: day-first, never month-first; ISO-like year-first
    ("02.11.2022", None, NOV2),
    ("02.11.2022", "kk", NOV2),
    ("2/11/2022", "en", NOV2),
    ("02-11-2022", "ru", NOV2),
    ("02.11.2022 г.", "ru", NOV2),
    ("11/02/2022", "en", D(2022, 2, 11)),
    ("12/25/2022", "en", None),  # month 25 does not exist: never swapped
    ("2022/11/02", None, NOV2),
    ("2022.11.02", None, NOV2),
    ("02.11.22", "ru", None),  # two-digit year: ambiguous
    # French, Spanish, Arabic, Ukrainian
    ("2 novembre 2022", "fr", NOV2),
    ("2 de noviembre de 2022", "es", NOV2),
    ("2 نوفمبر 2022", "ar", NOV2),
    ("٢ نوفمبر ٢٠٢٢", "ar", NOV2),
    ("2 листопада 2022", "uk", NOV2),
    # None: partial, relative, ambiguous, garbage, out of the sanity window
    ("November 2022", "en", None),
    ("ноябрь 2022", "ru", None),
    ("қараша 2022", "kk", None),
    ("2 November", "en", None),
    ("2 Nov 22", "en", None),
    ("2022", None, None),
    ("20221102", None, None),
    ("1667347200", None, None),
    ("today", "en", None),
    ("yesterday", None, None),
    ("", None, None),
    ("   ", "en", None),
    ("lorem ipsum dolor", None, None),
    ("Astana, Kazakhstan", "en", None),
    ("30 February 2022", "en", None),
    ("2 November 2099", "en", None),
    ("2099-01-01", None, None),
    ("2 November 1985", "en", None),
    ("2022-13-45", None, None),
    ("x" * 500 + " 2 November 2022", "en", None),
]


@pytest.mark.parametrize(("text", "lang", "expected"), PARSE_CASES)
def test_parse_date(text: str, lang: str | None, expected: datetime.date | None) -> None:
    assert parse_date(text, lang) == expected


@pytest.mark.parametrize("garbage", [None, 20221102, b"2022-11-02", ["2022-11-02"], "\x00\x01", "—", "2022-"])
def test_parse_date_never_raises(garbage: object) -> None:
    assert parse_date(garbage) is None  # type: ignore[arg-type]


def test_next_year_accepted_year_after_rejected() -> None:
    year = datetime.date.today().year
    assert parse_date(f"{year + 1}-01-01") == D(year + 1, 1, 1)
    assert parse_date(f"{year + 2}-01-01") is None


def test_kk_months_complete() -> None:
    assert sorted(KK_MONTHS.values()) == list(range(1, 13))
    for name, month in KK_MONTHS.items():
        assert parse_date(f"2 {name} 2022", "kk") == D(2022, month, 2)
        assert parse_date(f"2022 жылғы 2 {name}", "kk") == D(2022, month, 2)


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
    # negative
    ("The Ministry of Internal Affairs – together with IOM – held…", "en", None),
    ("IOM – the UN Migration Agency – today launched…", "en", None),
    ("IOM – The UN Migration Agency launched…", "en", None),
    ("МОМ – Агентство ООН по миграции…", "ru", None),
    ("ХҚҰ – БҰҰ-ның көші-қон агенттігі…", "kk", None),
    ("In 2021, 50 million people – more than ever – moved…", "en", None),
    ("On 2 November 2022 – the Ministry…", "en", None),
    ("On 2 November 2022 – The Ministry…", "en", None),
    ("Today – on the International Day…", "en", None),
    ("Today – The Ministry…", "en", None),
    ("Countering human trafficking – a priority…", "en", None),
    ("This year — the tenth edition…", "en", None),
    ("Сегодня – Международный день мигранта.", "ru", None),
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
