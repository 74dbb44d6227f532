"""Near-duplicate detection: which archived release is this text a lightly edited copy of?

A cross-post (a country release republished by the regional office or www.iom.int) is rarely
byte-identical: a sentence is added, a few words change, the boilerplate and contact paragraph
differ, the markup and punctuation differ. This module finds such copies by MinHash over word
shingles, with the signatures and their LSH bands kept in SQLite so the index scales to hundreds of
thousands of releases in a few MB of memory. It neither fetches nor writes releases: the pipeline
calls :class:`NearDuplicateIndex` and applies :func:`earliest_original`.

Method
------
1. :func:`normalise`: Unicode NFKC, casefold, ``ё`` -> ``е``, soft hyphens and zero-width characters
   dropped, every run of non-letters/digits (punctuation, whitespace, markup left-overs) -> one space.
   Whitespace-, case- and punctuation-only differences therefore give identical signatures.
2. :func:`shingles`: the set of word 3-grams. A text of fewer than 3 words is one shingle, itself,
   so very short texts only match the same very short text (never a crash, never a loose match).
3. :func:`signature`: 128-value MinHash. Each shingle gets a 32-bit key (:func:`shingle_keys`:
   CRC-32 of its words, chained and mixed) and is permuted by 128 multiply-add-shift functions
   ``((a*x + b) mod 2**64) >> 32`` (a strongly universal family for 32-bit keys), with ``a`` and
   ``b`` derived from BLAKE2b of fixed labels. The scheme is ours and
   depends only on the standard library and numpy arithmetic, so stored signatures never change
   meaning under a library upgrade (datasketch 2.0 changed its default scheme, for example); the
   scheme and parameters are recorded in ``dedup_meta`` and an index opened with other ones is refused.
   The fraction of equal values estimates the Jaccard similarity of the shingle sets
   (standard error <= 0.044 at 128 values).

Threshold: 0.5 (estimated Jaccard of the word 3-shingle sets)
--------------------------------------------------------------
- Copies are far above it. Changing a fraction p of the words breaks about 3p of the 3-shingles,
  so a copy with 3% of its words changed has J ~ 0.84, 10% changed ~ 0.57; adding or removing a
  sentence or a 100-word paragraph to a 350-word release gives 0.78-0.95. Measured on 11,500
  synthetic documents (shared/notes/libraries.md): 0.5 found every 3%-edited copy and every copy
  with added boilerplate, 0.8 only 70% and 23% of them.
- Different releases are far below it. Two releases of N shingles sharing S shingles of stock text
  (the "IOM is the leading inter-governmental organization ..." sentence, a contact paragraph) have
  J = S / (2N - S), which reaches 0.5 only when S >= 2N/3: stock text would have to be two thirds of
  each release. The sentence plus a contact paragraph (~55 words) against 300-word releases gives
  J ~ 0.10, against 120-word releases ~ 0.3.
- Translations share almost no shingles (J ~ 0), and are never compared anyway: the index only
  compares releases of the same language (the language is part of every band key).

LSH banding: the 128 values are cut into 32 bands of 4; two releases become candidates when any band
is equal, which happens with probability 1 - (1 - J**4)**32: 0.56 at J = 0.4, 0.87 at 0.5, 0.99 at
0.6, > 0.999 at 0.7. Candidates are then verified on their full signatures against the threshold.
So :meth:`NearDuplicateIndex.find` recalls practically every copy at J >= 0.6 (3%-10% edits) and
most of the borderline pairs that :func:`is_near_duplicate` accepts at 0.5-0.6. More bands of fewer
rows (42 x 3) would catch those too, at the price of ~30% more band rows and many more candidate
pairs from shared stock text.

Measured (benchmarks/near_duplicates.py, 100,000 synthetic 300-400-word releases, 2% planted
cross-posts): recall 99.7% (every copy with 3% or 8% of its words changed, a sentence swapped,
the regional intro and contact added, or restyled; 7 of 351 copies with all of these at once, at
J 0.48-0.57, were missed), 0 false pairs, ~1.7 ms per release with a commit each, 65 MB peak RSS,
1.2 KB of index per release.

Decision rule (applied by the pipeline)
---------------------------------------
A release whose near-duplicates include releases on *another* site gets ``duplicate_of`` = the
earliest of those, by ``published_date`` (releases without a date after every dated one), then by
``first_seen`` (the release the archive saw first), then by ``id``. If the new release is itself earlier than all of them, it is the original: it gets no
``duplicate_of`` and the pipeline may point the later copies at it. Near-duplicates on the same site
are not cross-posts and are ignored here; releases of different languages are never compared.
:func:`earliest_original` implements the rule.

Storage (in the archive itself)
-------------------------------
``dedup_signatures(release_id PRIMARY KEY, site, lang, signature BLOB)``: 512 bytes of signature;
``dedup_bands(band, hash, release_id)``, a WITHOUT ROWID table whose primary key (band, hash,
release_id) is the lookup index (32 rows per release); ``dedup_meta(key, value)``: the scheme.
Removing or replacing a release recomputes its band keys from its stored signature and deletes them
by primary key, so no second index on ``release_id`` is needed.

Every write is atomic (sqlite-utils' ``db.atomic()``): inside a transaction the caller opened with
``with db.atomic():`` it becomes a savepoint of that transaction, so indexing a release commits
together with the release row or not at all; outside one it commits by itself. (A bare
``with db.conn:`` block opens no transaction under sqlite-utils 4.2: ``db.execute`` commits each
write as it goes, so use ``db.atomic()``.)
"""

from __future__ import annotations

import hashlib
import sys
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import sqlite_utils

from archive.errors import DedupError
from scraper.text.normalize import alnum_runs, fold_case, fold_yo, nfkc, strip_invisible

SCHEME = "minhash/crc32-words+fmix64+multiply-add-shift/v1"

SIGNATURES_TABLE = "dedup_signatures"
BANDS_TABLE = "dedup_bands"
META_TABLE = "dedup_meta"

_CREATE_SQL = (
    f"""CREATE TABLE IF NOT EXISTS {SIGNATURES_TABLE} (
        release_id INTEGER PRIMARY KEY,
        site TEXT NOT NULL,
        lang TEXT NOT NULL,
        signature BLOB NOT NULL
    )""",
    f"""CREATE TABLE IF NOT EXISTS {BANDS_TABLE} (
        band INTEGER NOT NULL,
        hash INTEGER NOT NULL,
        release_id INTEGER NOT NULL,
        PRIMARY KEY (band, hash, release_id)
    ) WITHOUT ROWID""",
    f"CREATE TABLE IF NOT EXISTS {META_TABLE} (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
)


@dataclass(frozen=True)
class DedupSettings:
    """Parameters of the signatures and of the decision. Only ``threshold`` may change on an
    existing index; the others are fixed when its tables are created."""

    shingle_size: int = 3
    num_perm: int = 128
    bands: int = 32
    threshold: float = 0.5

    def __post_init__(self) -> None:
        if self.shingle_size < 1:
            raise ValueError("shingle_size must be at least 1")
        if self.num_perm < 1 or self.bands < 1 or self.num_perm % self.bands:
            raise ValueError("num_perm must be a positive multiple of bands")
        if not 0.0 < self.threshold <= 1.0:
            raise ValueError("threshold must be in (0, 1]")

    @property
    def rows(self) -> int:
        """Signature values per band."""
        return self.num_perm // self.bands

    @property
    def scheme(self) -> str:
        """What a stored signature and band key depend on (everything but the threshold)."""
        return f"{SCHEME} shingle_size={self.shingle_size} num_perm={self.num_perm} bands={self.bands}"


DEFAULT_SETTINGS = DedupSettings()


@dataclass(frozen=True)
class Match:
    """An indexed release similar to the text looked up."""

    release_id: int
    site: str
    similarity: float  # estimated Jaccard similarity of the shingle sets, 0..1


# --- text -> signature (pure) -------------------------------------------------------------------


def _words(text: str) -> list[str]:
    # Frozen: stored signatures depend on exactly these steps, in this order (NFKC before the
    # invisible characters go, so a soft hyphen still blocks composition across it).
    return alnum_runs(fold_yo(fold_case(strip_invisible(nfkc(text)))))


def normalise(text: str) -> str:
    """Casefolded words separated by single spaces: punctuation, markup remnants and whitespace
    differences vanish; ``ё`` becomes ``е``; compatibility forms (NBSP, ligatures) are unified."""
    return " ".join(_words(text))


def shingles(text: str, size: int = DEFAULT_SETTINGS.shingle_size) -> list[str]:
    """The distinct word ``size``-grams of the normalised text, in order of first appearance.
    A text of fewer than ``size`` words is a single shingle; an empty text has none.
    (:func:`signature` hashes the same shingles without building these strings.)"""
    words = _words(text)
    if not words:
        return []
    size = min(size, len(words))
    return list(dict.fromkeys(" ".join(words[i : i + size]) for i in range(len(words) - size + 1)))


_U64 = np.uint64
_POLY = _U64(0x9E3779B97F4A7C15)  # odd multiplier that chains word hashes into a shingle hash
_FMIX = (_U64(0xFF51AFD7ED558CCD), _U64(0xC4CEB9FE1A85EC53))  # MurmurHash3's 64-bit finaliser


def _fmix64(h: np.ndarray) -> np.ndarray:
    h = h ^ (h >> _U64(33))
    h *= _FMIX[0]
    h ^= h >> _U64(33)
    h *= _FMIX[1]
    return h ^ (h >> _U64(33))


def shingle_keys(text: str, size: int = DEFAULT_SETTINGS.shingle_size) -> np.ndarray:
    """32-bit keys of the distinct shingles of :func:`shingles`: each word is hashed with CRC-32,
    ``size`` consecutive word hashes are chained as a polynomial mod 2**64 and mixed with
    MurmurHash3's finaliser, whose top 32 bits are the key."""
    words = _words(text)
    if not words:
        return np.empty(0, dtype=_U64)
    word_hashes = np.fromiter((zlib.crc32(w.encode("utf-8")) for w in words), dtype=_U64, count=len(words))
    size = min(size, len(words))
    count = len(words) - size + 1
    with np.errstate(over="ignore"):
        h = word_hashes[:count].copy()
        for offset in range(1, size):
            h *= _POLY
            h += word_hashes[offset : offset + count]
        return np.unique(_fmix64(h) >> _U64(32))


def _label_u64(label: str) -> int:
    return int.from_bytes(hashlib.blake2b(label.encode("ascii"), digest_size=8).digest(), "little")


@lru_cache(maxsize=4)
def _permutations(num_perm: int) -> tuple[np.ndarray, np.ndarray]:
    """The fixed multipliers (odd) and increments of the ``num_perm`` hash functions."""
    a = np.array([_label_u64(f"iom-archive minhash a {i}") | 1 for i in range(num_perm)], dtype=_U64)
    b = np.array([_label_u64(f"iom-archive minhash b {i}") for i in range(num_perm)], dtype=_U64)
    return a, b


def signature(text: str, settings: DedupSettings = DEFAULT_SETTINGS) -> np.ndarray | None:
    """The MinHash of ``text`` (``num_perm`` uint32 values), or None when it has no words."""
    keys = shingle_keys(text, settings.shingle_size)
    if not len(keys):
        return None
    a, b = _permutations(settings.num_perm)
    with np.errstate(over="ignore"):
        values = np.multiply.outer(keys, a)  # arithmetic mod 2**64 is the point
        values += b
    # x >> 32 is monotone, so the minimum can be taken before the shift.
    return (values.min(axis=0) >> _U64(32)).astype(np.uint32)


@lru_cache(maxsize=16)
def _signature_of(text: str, settings: DedupSettings) -> np.ndarray | None:
    """:func:`signature`, remembered: the pipeline looks a text up, then adds the same text."""
    sig = signature(text, settings)
    if sig is not None:
        sig.flags.writeable = False
    return sig


def signature_similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity: the fraction of equal MinHash values."""
    return float(np.count_nonzero(a == b)) / len(a)


def similarity(a_text: str, b_text: str, settings: DedupSettings = DEFAULT_SETTINGS) -> float:
    """Estimated Jaccard similarity of two texts' shingle sets; 0.0 when either has no words."""
    a, b = signature(a_text, settings), signature(b_text, settings)
    if a is None or b is None:
        return 0.0
    return signature_similarity(a, b)


def is_near_duplicate(a_text: str, b_text: str, settings: DedupSettings = DEFAULT_SETTINGS) -> bool:
    """Whether two texts (of the same language) are near-duplicates under ``settings.threshold``."""
    return similarity(a_text, b_text, settings) >= settings.threshold


def _to_blob(sig: np.ndarray) -> bytes:
    return sig.astype("<u4").tobytes()


def _from_blob(blob: bytes) -> np.ndarray:
    return np.frombuffer(blob, dtype="<u4")


def band_keys(sig: np.ndarray, lang: str, settings: DedupSettings = DEFAULT_SETTINGS) -> list[tuple[int, int]]:
    """``(band, hash)`` for each LSH band; the language is hashed in, so languages never collide."""
    raw = _to_blob(sig)
    width = settings.rows * 4  # bytes per band
    prefix = lang.encode("utf-8") + b"\0"
    keys = []
    for band in range(settings.bands):
        digest = hashlib.blake2b(prefix + raw[band * width : (band + 1) * width], digest_size=8).digest()
        keys.append((band, int.from_bytes(digest, "little", signed=True)))
    return keys


# --- the index ----------------------------------------------------------------------------------


class NearDuplicateIndex:
    """Signatures and LSH bands of archived releases, in three tables of ``db``.

    Call :meth:`ensure_tables` once (idempotent). :meth:`add`, :meth:`add_many` and :meth:`remove`
    are atomic, and join the caller's transaction when one is open (``with db.atomic(): ...``).
    """

    def __init__(self, db: sqlite_utils.Database, settings: DedupSettings = DEFAULT_SETTINGS):
        self.db = db
        self.settings = settings
        if db[META_TABLE].exists():
            self._check_scheme()

    def ensure_tables(self) -> None:
        """Create the tables if missing and record the scheme; refuse an index of another scheme."""
        with self.db.atomic():
            for sql in _CREATE_SQL:
                self.db.execute(sql)
            self.db.execute(
                f"INSERT OR IGNORE INTO {META_TABLE} (key, value) VALUES ('scheme', ?)", [self.settings.scheme]
            )
            self._check_scheme()

    def _check_scheme(self) -> None:
        row = self.db.execute(f"SELECT value FROM {META_TABLE} WHERE key = 'scheme'").fetchone()
        if row and row[0] != self.settings.scheme:
            raise DedupError(
                f"the near-duplicate index was built with {row[0]!r}, not {self.settings.scheme!r}; "
                f"drop the {SIGNATURES_TABLE}, {BANDS_TABLE} and {META_TABLE} tables and re-index"
            )

    def __len__(self) -> int:
        return self.db.execute(f"SELECT COUNT(*) FROM {SIGNATURES_TABLE}").fetchone()[0]

    # --- writing ---

    def add(self, release_id: int, site: str, lang: str, text: str) -> bool:
        """Index (or re-index, replacing its previous text) a release. Returns False, leaving the
        release out of the index, when the text has no words."""
        sig = _signature_of(text, self.settings)
        with self.db.atomic():
            return self._replace(release_id, site, lang, sig)

    def add_many(self, releases: Iterable[tuple[int, str, str, str]]) -> int:
        """Index ``(release_id, site, lang, text)`` tuples, e.g. to build the index of an existing
        archive, in one transaction; returns how many were indexed."""
        with self.db.atomic():
            return sum(
                self._replace(release_id, site, lang, signature(text, self.settings))
                for release_id, site, lang, text in releases
            )

    def _replace(self, release_id: int, site: str, lang: str, sig: np.ndarray | None) -> bool:
        self._remove(release_id)
        if sig is None:
            return False
        self.db.execute(
            f"INSERT INTO {SIGNATURES_TABLE} (release_id, site, lang, signature) VALUES (?, ?, ?, ?)",
            [release_id, site, lang, _to_blob(sig)],
        )
        self.db.conn.executemany(
            f"INSERT OR IGNORE INTO {BANDS_TABLE} (band, hash, release_id) VALUES (?, ?, ?)",
            [(band, key, release_id) for band, key in band_keys(sig, lang, self.settings)],
        )
        return True

    def remove(self, release_id: int) -> bool:
        """Take a release out of the index; False when it was not in it."""
        with self.db.atomic():
            return self._remove(release_id)

    def _remove(self, release_id: int) -> bool:
        row = self.db.execute(
            f"SELECT lang, signature FROM {SIGNATURES_TABLE} WHERE release_id = ?", [release_id]
        ).fetchone()
        if row is None:
            return False
        lang, blob = row
        self.db.conn.executemany(
            f"DELETE FROM {BANDS_TABLE} WHERE band = ? AND hash = ? AND release_id = ?",
            [(band, key, release_id) for band, key in band_keys(_from_blob(blob), lang, self.settings)],
        )
        self.db.execute(f"DELETE FROM {SIGNATURES_TABLE} WHERE release_id = ?", [release_id])
        return True

    # --- reading ---

    def find(self, text: str, lang: str, exclude_release_id: int | None = None) -> list[Match]:
        """Indexed releases of language ``lang`` whose estimated similarity to ``text`` is at least
        the threshold, most similar first (then lowest id). Empty for a text without words."""
        sig = _signature_of(text, self.settings)
        if sig is None:
            return []
        return self._find(sig, lang, exclude_release_id)

    def find_by_id(self, release_id: int) -> list[Match]:
        """Near-duplicates of an indexed release (itself excluded), from its stored signature."""
        row = self.db.execute(
            f"SELECT lang, signature FROM {SIGNATURES_TABLE} WHERE release_id = ?", [release_id]
        ).fetchone()
        if row is None:
            return []
        return self._find(_from_blob(row[1]), row[0], release_id)

    def _find(self, sig: np.ndarray, lang: str, exclude_release_id: int | None) -> list[Match]:
        keys = band_keys(sig, lang, self.settings)
        values = ", ".join("(?, ?)" for _ in keys)
        rows = self.db.execute(
            f"""WITH q(band, hash) AS (VALUES {values})
                SELECT s.release_id, s.site, s.signature FROM {SIGNATURES_TABLE} s
                WHERE s.lang = ? AND s.release_id IN (
                    SELECT b.release_id FROM q CROSS JOIN {BANDS_TABLE} b
                    ON b.band = q.band AND b.hash = q.hash)""",
            [*(v for key in keys for v in key), lang],
        ).fetchall()
        rows = [row for row in rows if row[0] != exclude_release_id]
        if not rows:
            return []
        stacked = np.frombuffer(b"".join(row[2] for row in rows), dtype="<u4").reshape(len(rows), -1)
        scores = np.count_nonzero(stacked == sig, axis=1) / len(sig)
        matches = [
            Match(row[0], row[1], float(score))
            for row, score in zip(rows, scores)
            if score >= self.settings.threshold
        ]
        return sorted(matches, key=lambda m: (-m.similarity, m.release_id))


# --- the decision rule --------------------------------------------------------------------------


def _age(published_date: str | None, first_seen: str | None, release_id: int | None) -> tuple[bool, str, bool, str, int]:
    """Sort key for 'earliest': dated before undated, then by date, then by first seen (a release not
    yet archived, or of unknown first sighting, last), then by id (new last)."""
    return (published_date is None, published_date or "", first_seen is None, first_seen or "",
            sys.maxsize if release_id is None else release_id)


def earliest_original(
    matches: Iterable[Match],
    published: Mapping[int, str | None],
    *,
    site: str,
    published_date: str | None,
    release_id: int | None = None,
    first_seen: Mapping[int, str | None] | None = None,
    seen: str | None = None,
) -> int | None:
    """What ``duplicate_of`` should hold for a release on ``site`` whose near-duplicates are ``matches``.

    Only matches on another site count. The answer is the earliest of them by ``published``
    date (``published[release_id]``, ISO ``YYYY-MM-DD``; undated after dated), then by the time it
    was first seen (``first_seen[release_id]``, ISO timestamps; ``seen`` for the release itself),
    then by id; None when no match is on another site, or when the release itself
    (``published_date``, ``seen``, ``release_id``, None if not yet inserted) is earlier than all of
    them: it is then the original.
    """
    first_seen = first_seen or {}
    others = [m.release_id for m in matches if m.site != site]
    if not others:
        return None
    best = min(others, key=lambda rid: _age(published.get(rid), first_seen.get(rid), rid))
    if _age(published_date, seen, release_id) < _age(published.get(best), first_seen.get(best), best):
        return None
    return best
