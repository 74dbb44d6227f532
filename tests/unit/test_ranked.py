"""archive/search/ranked.py: a search's matches filtered, paged and counted in memory."""

from __future__ import annotations

import numpy as np

from archive.search import ranked


def columns() -> ranked.Columns:
    rows = [  # id, published_date, site, lang, status, needs_review, is a cross-post, tags
        (1, "2024-05-01", "kz", "en", "live", 0, 0, '["Health", "Border"]'),
        (2, "2024-05-01", "kz", "ru", "live", 1, 0, "[]"),
        (4, "2023-01-10", "uz", "kk", "removed", 0, 1, '["Border"]'),
        (5, None, "kz", "en", "live", 0, 0, "not json"),
        (7, "2025", "uz", "ru", "live", 0, 0, '["Health", "Health"]'),
        (9, "2024-05-01", "kz", "en", "live", 0, 0, "[]"),
    ]
    return ranked.Columns.from_rows(rows)


def ids(*values: int) -> np.ndarray:
    return np.array(values, dtype=np.int64)


def test_page_order_is_newest_first_ties_by_id_undated_last():
    found = columns()
    every = ids(9, 5, 4, 2, 1, 7, 8, 100)  # 8 and 100: not releases (newer than the columns)
    assert ranked.page(found, ranked.keep(found, every, ranked.Filters()), 10).tolist() == [7, 1, 2, 9, 4, 5]
    assert ranked.page(found, ranked.keep(found, every, ranked.Filters()), 2, offset=2).tolist() == [2, 9]


def test_next_keys_continue_after_the_named_release_as_datasette_does():
    found = columns()
    kept = ranked.keep(found, ids(1, 2, 4, 5, 7, 9), ranked.Filters())
    after = ranked.after_key(found, "2024-05-01", 1)
    assert ranked.page(found, kept, 10, after=after).tolist() == [2, 9, 4, 5]
    # a date no release has (the archive changed between two pages): every older date comes next
    assert ranked.page(found, kept, 10, after=ranked.after_key(found, "2024-01-01", 3)).tolist() == [4, 5]
    assert ranked.page(found, kept, 10, after=ranked.after_key(found, "2030-01-01", 0)).tolist() == [7, 1, 2, 9, 4, 5]
    assert ranked.page(found, kept, 10, after=ranked.after_key(found, "1999-01-01", 0)).tolist() == [5]
    assert ranked.page(found, kept, 10, after=ranked.after_key(found, None, 4)).tolist() == [5]
    assert ranked.page(found, kept, 10, after=ranked.after_key(found, None, 5)).tolist() == []


def test_filters_are_the_facet_links():
    found = columns()
    every = ids(1, 2, 4, 5, 7, 9)
    assert ranked.keep(found, every, ranked.Filters((("lang", "en"),))).tolist() == [1, 5, 9]
    assert ranked.keep(found, every, ranked.Filters((("needs_review", "1"),))).tolist() == [2]
    assert ranked.keep(found, every, ranked.Filters((("site", "uz"), ("status", "removed")))).tolist() == [4]
    assert ranked.keep(found, every, ranked.Filters((("lang", "fr"),))).tolist() == []
    assert ranked.keep(found, every, ranked.Filters(year=2024)).tolist() == [1, 2, 9]
    assert ranked.keep(found, every, ranked.Filters(tag="Health")).tolist() == [1, 7]
    assert ranked.keep(found, every, ranked.Filters(tag="Nothing")).tolist() == []
    assert ranked.keep(found, every, ranked.Filters(unique=True)).tolist() == [1, 2, 5, 7, 9]


def test_facet_counts():
    found = columns()
    every = ranked.keep(found, ids(1, 2, 4, 5, 7, 9), ranked.Filters())
    assert dict(ranked.facet_counts(found, every, "site")) == {"kz": 4, "uz": 2}
    assert dict(ranked.facet_counts(found, every, "needs_review")) == {0: 5, 1: 1}
    assert dict(ranked.facet_counts(found, every, "year")) == {"2023": 1, "2024": 3, "2025": 1}
    assert dict(ranked.facet_counts(found, every, "tags")) == {"Border": 2, "Health": 2}  # a tag twice counts once
    assert ranked.facet_counts(found, ids(), "tags") == []
