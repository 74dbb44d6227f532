"""Which web-archive captures ``scrape recover`` reads (scraper/pipeline/recover.py: chosen_captures)."""

from __future__ import annotations

from scraper.config import Site
from scraper.discover.cdx import CdxCapture
from scraper.pipeline.recover import chosen_captures

SITE = Site(key="kazakhstan", base_url="https://kazakhstan.iom.int", languages={"en": "", "ru": "/ru"})
A, B = "https://kazakhstan.iom.int/news/a", "https://kazakhstan.iom.int/ru/news/b"


def capture(timestamp: str, url: str, digest: str) -> CdxCapture:
    return CdxCapture(timestamp, url, "200", "text/html", digest)


def test_the_newest_distinct_texts_each_at_its_first_capture():
    captures = [capture("2015", A, "T1"), capture("2016", A, "T2"), capture("2017", A, "T1"),  # T1 again
                capture("2018", A, "T3"), capture("2019", A, "T4"), capture("2016", B, "R1"),
                capture("2016", "https://kazakhstan.iom.int/news", "L")]  # a listing: not a release
    chosen = chosen_captures(captures, SITE, ["en", "ru"], lambda url: None, limit=3)
    assert [(c.timestamp, url, lang) for c, url, lang in chosen] == [
        ("2016", A, "en"), ("2016", B, "ru"), ("2018", A, "en"), ("2019", A, "en")]
    assert [c.timestamp for c, url, _ in chosen_captures(captures, SITE, ["en"], lambda url: None, 10)] == [
        "2015", "2016", "2018", "2019"]  # T1 at its first capture, 2015, not 2017


def test_for_an_archived_release_only_captures_from_before_the_archive_saw_it():
    captures = [capture("20150101000000", A, "T1"), capture("20200101000000", A, "T2"),
                capture("20240101000000", A, "T3")]
    first_seen = {A: "2020-06-01T00:00:00+00:00"}.get
    assert [c.digest for c, _, _ in chosen_captures(captures, SITE, ["en"], first_seen, 3)] == ["T1", "T2"]


def test_languages_not_asked_for_are_left_out():
    assert chosen_captures([capture("2016", B, "R1")], SITE, ["en"], lambda url: None, 3) == []
