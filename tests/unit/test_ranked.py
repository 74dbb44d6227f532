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


def random_columns(seed: int, count: int) -> tuple[ranked.Columns, list[tuple]]:
    """An archive of ``count`` releases with gaps in the ids, many releases a day, undated ones, NULLs."""
    rng = np.random.default_rng(seed)
    rows = []
    for release in np.sort(rng.choice(count * 3, size=count, replace=False)).tolist():
        date = None if rng.random() < 0.05 else f"{rng.integers(2015, 2026)}-0{rng.integers(1, 10)}-1{rng.integers(0, 3)}"
        rows.append((release, date, ["kz", "uz", "tj", None][rng.integers(0, 4)], ["en", "ru", "kk"][rng.integers(0, 3)],
                     ["live", "removed"][rng.integers(0, 2)], int(rng.integers(0, 2)), int(rng.random() < 0.2), "[]"))
    return ranked.Columns.from_rows(rows), rows


def reference_order(rows: list[tuple], chosen: set[int]) -> list[int]:
    """Newest first, ties by id, undated last: Datasette's order, by sorting the rows."""
    dated = sorted((row for row in rows if row[0] in chosen and row[1] is not None), key=lambda row: row[0])
    dated.sort(key=lambda row: row[1], reverse=True)
    return [row[0] for row in dated] + sorted(row[0] for row in rows if row[0] in chosen and row[1] is None)


def test_pages_filters_and_facets_agree_with_sorting_and_counting_the_rows():
    """Many matches (a page found by walking the archive's order) and few (by sorting them), with
    every filter: the same pages, _next keys and counts as worked out row by row."""
    from collections import Counter

    for seed in range(6):
        found, rows = random_columns(seed, 3000)
        by_id = {row[0]: row for row in rows}
        rng = np.random.default_rng(100 + seed)
        for share in (0.9, 0.3, 0.02, 0.002):
            matches = np.sort(rng.choice(9000, size=int(9000 * share), replace=False)).astype(np.int64)
            for filters in (ranked.Filters(), ranked.Filters((("lang", "ru"),)), ranked.Filters(year=2020),
                            ranked.Filters((("site", "kz"), ("needs_review", "1")), unique=True)):
                kept = ranked.keep(found, matches, filters)

                def passes(row) -> bool:
                    return (all(str(row[2 + ranked.CODED.index(c)]) == v for c, v in filters.equal)
                            and (filters.year is None or (row[1] or "").startswith(str(filters.year)))
                            and not (filters.unique and row[6]))
                chosen = {int(i) for i in matches if int(i) in by_id and passes(by_id[int(i)])}
                assert sorted(kept.tolist()) == sorted(chosen)
                expected = reference_order(rows, chosen)
                walked, after = [], None
                while True:  # page by page, as _next keys continue
                    got = ranked.page(found, kept, 25, after=after).tolist()
                    walked += got
                    if len(got) < 25:
                        break
                    after = ranked.after_key(found, by_id[got[-1]][1], got[-1])
                assert walked == expected
                assert ranked.page(found, kept, 25, offset=40).tolist() == expected[40:65]
                groups = ranked.group_counts(found, kept)
                for facet, position in (("site", 2), ("lang", 3), ("status", 4), ("needs_review", 5)):
                    counted = Counter(by_id[i][position] for i in chosen if by_id[i][position] is not None)
                    assert dict(ranked.facet_counts(found, kept, facet, groups)) == dict(counted)
                    assert dict(ranked.facet_counts(found, kept, facet)) == dict(counted)
                years = Counter(by_id[i][1][:4] for i in chosen if by_id[i][1])
                assert dict(ranked.facet_counts(found, kept, "year", groups)) == dict(years)
