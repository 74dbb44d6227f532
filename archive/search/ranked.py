"""A search's matches ordered, filtered and counted in memory: the results page of a large archive.

Datasette's table page answers ``?_search=`` with SQL that looks up every matching release
(``id IN (select rowid from the index …)``) once for the page (sorted by date), once for the count
and once per facet: about 2 µs a match, so 150-200 ms a statement for a word in 7% of a million
releases. What the page needs of each release besides its text is small and fixed: date, site,
language, status, review flag, whether it is a cross-post, tags. :class:`Columns` holds these for
every release in numpy arrays indexed by release id (about 12 bytes a release), built once from
one scan of the ``published_date`` index (schema 10, covering these columns) and again only when
the archive changes. Then, for the matches of a search (the index's rowids, a few ms even for
tens of thousands): :func:`keep` applies the facet filters, :func:`page` picks one page in the
page's order (newest first, ties by id, undated last; after a ``_next`` key), and
:func:`facet_counts` counts the facets' values (``bincount``), each in well under a millisecond.

Two shapes make a search that matches a quarter of a million releases cost about what one of a few
thousand does (one gather and one ``bincount``, not one per facet and filter):

* each release's *group*, the code of its combination of site, language, status, review flag, year
  and cross-post (an archive has a few thousand such combinations at most): the filters are a mask
  over the groups, and the facets are the matches counted per group (:func:`group_counts`), then
  summed per value of the facet's column over the groups;
* every release in the page's order (:attr:`Columns.order`, sorted once as the columns are read): a
  page of many matches is the first of them met walking that order (a mask of the matches), not a
  partial sort of all of them.

Pure functions over arrays; reading the archive is :mod:`archive.serve.searchpage`'s.
"""

from __future__ import annotations

import bisect
import json
import re
from dataclasses import dataclass, field
from typing import Iterable, Sequence

import numpy as np

#: The index (schema 10) that serves ``order by published_date`` and covers what :data:`SQL` reads.
INDEX = "idx_releases_published_date"
INDEX_COLUMNS = ("published_date", "site", "lang", "status", "needs_review", "duplicate_of", "tags")
#: What :meth:`Columns.from_rows` reads, in this order: one scan of :data:`INDEX`.
SQL = ("select id, published_date, site, lang, status, needs_review, duplicate_of is not null, tags "
       "from releases")
_YEAR = re.compile(r"^[0-9]{4}")
#: Columns a filter or a facet can be on: their values are coded per release.
CODED = ("site", "lang", "status", "needs_review")
#: What a release's group (:attr:`Columns.group`) is the combination of.
GROUPED = CODED + ("year", "duplicate")


def _codes(values: Sequence, n: int, ids: np.ndarray) -> tuple[np.ndarray, list]:
    """Dense codes of ``values`` (one per id), as an array indexed by id (-1 where no release)."""
    distinct = sorted({v for v in values if v is not None}, key=lambda v: (str(type(v)), v))
    index = {value: code for code, value in enumerate(distinct)}
    codes = np.full(n, -1, dtype=np.int32)
    codes[ids] = np.fromiter((index.get(v, -1) for v in values), dtype=np.int32, count=len(values))
    return codes, distinct


@dataclass
class Columns:
    """Per-release values the results page sorts, filters and counts on, indexed by release id."""

    present: np.ndarray  # bool: a release has this id
    date_rank: np.ndarray  # int32: rank of published_date among the distinct dates (ascending), -1 undated
    dates: list[str]  # the distinct dates, by rank
    year: np.ndarray  # int32: the year (first 4 digits of the date), -1 without
    duplicate: np.ndarray  # bool: a cross-post (duplicate_of is set)
    codes: dict[str, np.ndarray] = field(default_factory=dict)  # CODED column -> codes by id
    values: dict[str, list] = field(default_factory=dict)  # CODED column -> its values, by code
    tag_start: np.ndarray = field(default_factory=lambda: np.zeros(1, dtype=np.int64))  # CSR of tag codes
    tag_codes: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int32))
    tags: list[str] = field(default_factory=list)
    order: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))  # ids in the page's order
    order_keys: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))  # their keys, ascending
    group: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int32))  # group code by id, -1 none
    group_parts: dict[str, np.ndarray] = field(default_factory=dict)  # GROUPED -> its code (year: the year) by group

    @property
    def size(self) -> int:
        return len(self.present)

    @classmethod
    def from_rows(cls, rows: Iterable[Sequence]) -> "Columns":
        """From rows of :data:`SQL`."""
        rows = list(rows)
        ids = np.fromiter((row[0] for row in rows), dtype=np.int64, count=len(rows))
        n = int(ids.max()) + 1 if len(ids) else 1
        present = np.zeros(n, dtype=bool)
        present[ids] = True
        published = [row[1] for row in rows]
        date_rank, dates = _codes(published, n, ids)
        years = np.full(n, -1, dtype=np.int32)
        years[ids] = np.fromiter((int(d[:4]) if isinstance(d, str) and _YEAR.match(d) else -1 for d in published),
                                 dtype=np.int32, count=len(rows))
        duplicate = np.zeros(n, dtype=bool)
        duplicate[ids] = np.fromiter((bool(row[6]) for row in rows), dtype=bool, count=len(rows))
        found = cls(present, date_rank, dates, years, duplicate)
        for position, column in enumerate(CODED, start=2):
            found.codes[column], found.values[column] = _codes([row[position] for row in rows], n, ids)
        found._set_tags(ids, [row[7] for row in rows])
        found._set_order(ids)
        found._set_groups(ids)
        return found

    def _set_order(self, ids: np.ndarray) -> None:
        keys = _order_keys(self, ids)
        by_key = np.argsort(keys, kind="stable")
        self.order, self.order_keys = ids[by_key], keys[by_key]

    def _set_groups(self, ids: np.ndarray) -> None:
        """Each release's group: the code of its values of :data:`GROUPED`, numbered densely."""
        parts = [self.codes[column][ids].astype(np.int64) for column in CODED]
        parts += [self.year[ids].astype(np.int64), self.duplicate[ids].astype(np.int64)]
        combined = np.zeros(len(ids), dtype=np.int64)
        radices = []
        for part in parts:  # mixed radix over the parts' ranges (-1, no value, included)
            low, high = (int(part.min()), int(part.max())) if len(part) else (0, 0)
            radices.append((low, high - low + 1))
            combined = combined * (high - low + 1) + (part - low)
        distinct, inverse = np.unique(combined, return_inverse=True)
        self.group = np.full(self.size, -1, dtype=np.int32)
        self.group[ids] = inverse
        remainder = distinct
        for name, (low, span) in reversed(list(zip(GROUPED, radices))):
            self.group_parts[name] = (remainder % span + low).astype(np.int32)
            remainder = remainder // span

    def _set_tags(self, ids: np.ndarray, raw: list) -> None:
        per_id: dict[int, list[str]] = {}
        for release, text in zip(ids.tolist(), raw):
            if text and text != "[]":
                try:
                    listed = json.loads(text)
                except ValueError:
                    continue
                if isinstance(listed, list):
                    per_id[release] = [str(tag) for tag in dict.fromkeys(listed) if tag is not None]
        self.tags = sorted({tag for listed in per_id.values() for tag in listed})
        index = {tag: code for code, tag in enumerate(self.tags)}
        counts = np.zeros(self.size + 1, dtype=np.int64)
        for release, listed in per_id.items():
            counts[release + 1] = len(listed)
        self.tag_start = np.cumsum(counts)
        self.tag_codes = np.zeros(int(self.tag_start[-1]), dtype=np.int32)
        for release, listed in per_id.items():
            start = self.tag_start[release]
            self.tag_codes[start:start + len(listed)] = [index[tag] for tag in listed]

    def known(self, ids: np.ndarray) -> np.ndarray:
        """``ids`` that are releases of these columns (a match newer than the columns is left out)."""
        if len(ids) and (ids.min() < 0 or ids.max() >= self.size):
            ids = ids[(ids >= 0) & (ids < self.size)]
        return ids[self.present[ids]]

    def tag_codes_of(self, ids: np.ndarray) -> np.ndarray:
        """The tag codes of every release in ``ids``, concatenated."""
        if not len(self.tag_codes):
            return self.tag_codes
        starts, ends = self.tag_start[ids], self.tag_start[ids + 1]
        lengths = ends - starts
        total = int(lengths.sum())
        if not total:
            return np.zeros(0, dtype=np.int32)
        offsets = np.repeat(starts - np.cumsum(lengths) + lengths, lengths) + np.arange(total)
        return self.tag_codes[offsets]


@dataclass(frozen=True)
class Filters:
    """The facet filters a results page can have: ``column=value`` on :data:`CODED` columns, a year
    (``published_date__startswith=2024``), a tag (``tags__arraycontains=x``), and no cross-posts."""

    equal: tuple[tuple[str, str], ...] = ()
    year: int | None = None
    tag: str | None = None
    unique: bool = False


def _value_code(columns: Columns, column: str, value: str) -> int:
    """The code of a filter's value as SQLite compares it (``needs_review = '1'`` is ``= 1``)."""
    for code, known in enumerate(columns.values[column]):
        if str(known) == value:
            return code
    return -2  # nothing has it


def keep(columns: Columns, ids: np.ndarray, filters: Filters) -> np.ndarray:
    """The matches that pass the filters."""
    ids = columns.known(ids)
    if filters.equal or filters.year is not None or filters.unique:
        allowed = np.ones(len(columns.group_parts["year"]), dtype=bool)  # per group
        for column, value in filters.equal:
            allowed &= columns.group_parts[column] == _value_code(columns, column, value)
        if filters.year is not None:
            allowed &= columns.group_parts["year"] == filters.year
        if filters.unique:
            allowed &= columns.group_parts["duplicate"] == 0
        ids = ids[allowed[columns.group[ids]]]
    if filters.tag is not None:
        if filters.tag not in columns.tags:
            return ids[:0]
        owners = np.repeat(np.arange(columns.size), np.diff(columns.tag_start))
        tagged = np.zeros(columns.size, dtype=bool)
        tagged[owners[columns.tag_codes == columns.tags.index(filters.tag)]] = True
        ids = ids[tagged[ids]]
    return ids


def _order_keys(columns: Columns, ids: np.ndarray) -> np.ndarray:
    """One int64 per match, ascending in the page's order: newest date first, then id; undated last."""
    rank = columns.date_rank[ids].astype(np.int64)  # -1 for undated
    top = len(columns.dates)
    return (top - rank) * columns.size + ids  # undated: (top + 1) * size + id, after every dated one


def after_key(columns: Columns, date: str | None, release: int) -> int:
    """The order key of the release a ``_next`` token names (its date, ``None`` for undated, and id):
    the page continues with the matches whose key is larger."""
    top = len(columns.dates)
    if date is None:
        return (top + 1) * columns.size + release
    rank = bisect.bisect_left(columns.dates, date)
    if rank < len(columns.dates) and columns.dates[rank] == date:
        return (top - rank) * columns.size + release
    return (top - rank + 1) * columns.size - 1  # a date no release has: every older date comes next


def page(columns: Columns, ids: np.ndarray, size: int, after: int | None = None, offset: int = 0) -> np.ndarray:
    """Up to ``size`` matches in the page's order, after the key ``after`` (see :func:`after_key`) or
    skipping ``offset`` of them."""
    wanted = offset + size
    if len(ids) and wanted * columns.size <= len(ids) ** 2:
        return _page_walking(columns, ids, wanted, after)[offset:wanted]
    keys = _order_keys(columns, ids)
    if after is not None:
        chosen = keys > after
        ids, keys = ids[chosen], keys[chosen]
    if len(keys) > wanted:
        cut = np.argpartition(keys, wanted - 1)[:wanted]
        ids, keys = ids[cut], keys[cut]
    return ids[np.argsort(keys, kind="stable")][offset:offset + size]


def _page_walking(columns: Columns, ids: np.ndarray, wanted: int, after: int | None) -> np.ndarray:
    """The first ``wanted`` of many matches (``ids``, releases of the columns): :attr:`Columns.order` walked
    from ``after`` on, in stretches that double, through a mask of the matches (about ``wanted`` times
    the archive's size over the matches' number of releases looked at, rather than every match sorted)."""
    matched = np.zeros(columns.size, dtype=bool)
    matched[ids] = True
    position = 0 if after is None else int(np.searchsorted(columns.order_keys, after, side="right"))
    step = max(1024, 2 * wanted * columns.size // len(ids))
    found, total = [], 0
    while position < len(columns.order) and total < wanted:
        stretch = columns.order[position:position + step]
        hits = stretch[matched[stretch]]
        found.append(hits)
        total += len(hits)
        position += step
        step *= 2
    return np.concatenate(found) if found else ids[:0]


def date_of(columns: Columns, release: int) -> str | None:
    rank = int(columns.date_rank[release])
    return columns.dates[rank] if rank >= 0 else None


def group_counts(columns: Columns, ids: np.ndarray) -> np.ndarray:
    """How many of the matches (releases of the columns) each group has: what :func:`facet_counts` sums."""
    return np.bincount(columns.group[ids], minlength=len(columns.group_parts["year"]))


def facet_counts(columns: Columns, ids: np.ndarray, facet: str,
                 groups: np.ndarray | None = None) -> list[tuple[object, int]]:
    """``[(value, count)]`` of the matches for a column (:data:`CODED`), ``"year"`` or ``"tags"``, values
    with no match left out, unordered. ``groups``: :func:`group_counts` of the same matches, when the
    caller counts several facets."""
    if facet == "tags":
        codes, values = columns.tag_codes_of(ids), columns.tags
        counts = np.bincount(codes, minlength=len(values)) if len(codes) else np.zeros(len(values), dtype=np.int64)
        return [(values[code], int(count)) for code, count in enumerate(counts.tolist()) if count]
    if groups is None:
        groups = group_counts(columns, ids)
    parts = columns.group_parts[facet]
    valued = (parts >= 0) & (groups > 0)
    parts, weights = parts[valued], groups[valued]
    if not len(parts):
        return []
    first = int(parts.min()) if facet == "year" else 0
    counts = np.bincount(parts - first, weights=weights).astype(np.int64).tolist()
    if facet == "year":  # (a count per year: no sort, unlike np.unique)
        return [(f"{first + offset:04d}", count) for offset, count in enumerate(counts) if count]
    values = columns.values[facet]
    return [(values[code], count) for code, count in enumerate(counts) if count]
