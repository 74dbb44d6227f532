"""The pure parts of release history (issue 12): what a version changed, which date is kept, the
page's last-edited time, and when it is a hint to check the other language versions."""

from __future__ import annotations

import pytest
from selectolax.lexbor import LexborHTMLParser

from archive.columns import version_changes
from scraper.dedupe.identity import kept_date
from scraper.extract.metadata import modified_time
from scraper.pipeline.collect import edited_since


@pytest.mark.parametrize("before, after, expected", [
    (("T", "B", "2024-01-01"), ("T", "B", "2024-01-01"), []),
    (("T", "B", "2024-01-01"), ("T ", "B\n\n", "2024-01-01"), []),  # whitespace only: as content_hash
    (("T", "B", "2024-01-01"), ("T2", "B", "2024-01-01"), ["title"]),
    (("T", "B", "2024-01-01"), ("T", "B2", "2024-01-02"), ["body", "date"]),
    (("T", "B", None), ("T2", "B2", "2024-01-02"), ["title", "body", "date"]),
    (("Миграция", "Текст", None), ("Миграция", "Текст", None), []),
])
def test_version_changes_names_what_differs_in_order(before, after, expected):
    assert version_changes(before, after) == expected


def test_a_page_without_a_date_keeps_the_archived_one():
    assert kept_date(None, "2024-01-01") == "2024-01-01"
    assert kept_date("2024-02-01", "2024-01-01") == "2024-02-01"
    assert kept_date(None, None) is None


@pytest.mark.parametrize("head, expected", [
    ('<meta property="article:modified_time" content="2025-10-15T09:30:00+05:00">', "2025-10-15T04:30:00Z"),
    ('<meta property="og:updated_time" content="2025-10-15T09:30:00Z">', "2025-10-15T09:30:00Z"),
    ('<meta itemprop="dateModified" content="2025-10-15">', "2025-10-15"),
    ('<meta name="dcterms.modified" content="2025-10-15T09:30:00">', "2025-10-15T09:30:00"),
    (('<meta property="article:modified_time" content="yesterday">'
      '<meta property="og:updated_time" content="2025-10-15T09:30:00+00:00">'), "2025-10-15T09:30:00Z"),
    ('<meta property="article:published_time" content="2025-10-15T09:30:00+05:00">', None),
    ("", None),
])
def test_modified_time_reads_the_pages_last_edit_in_utc(head, expected):
    tree = LexborHTMLParser(f"<html><head>{head}</head><body><p>x</p></body></html>")
    assert modified_time(tree) == expected


def test_only_a_later_edit_time_than_the_archived_one_is_a_hint():
    assert edited_since("2025-12-01T05:00:00Z", "2025-10-15T04:30:00Z")
    assert not edited_since("2025-10-15T04:30:00Z", "2025-10-15T04:30:00Z")
    assert not edited_since("2025-12-01T05:00:00Z", None)  # first sighting: says nothing of an edit
    assert not edited_since(None, "2025-10-15T04:30:00Z")
