"""Table-driven tests for scraper.text.dates (parse_date); datelines are in test_datelines.py."""

from __future__ import annotations

import datetime

import pytest

from scraper.text.dates import KK_MONTHS, parse_date

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
    ("Wed, 11/02/2022 - 12:00", None, NOV2),  # Drupal's medium format: month first, the weekday agrees
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


def test_arabic_indic_digits_and_odd_whitespace() -> None:
    assert parse_date("٢٠٢٢-١١-٠٢") == NOV2
    assert parse_date("۰۲.۱۱.۲۰۲۲") == NOV2
    assert parse_date("2\u202fNovember\t 2022", "en") == NOV2
