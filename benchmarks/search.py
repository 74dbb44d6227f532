"""Search latency and index build rate on synthetic archives of 100k and 1M releases (en, ru, kk).

    python benchmarks/search.py                    # 100,000 and 1,000,000 releases (~50 min, 18 GB of disk)
    python benchmarks/search.py --sizes 20000      # a quick look

Each size is a fresh archive made by ``archive.store.Archive`` (the real schema, both FTS5 indexes and
their triggers) in a temporary folder. Releases get ~300 words of Zipf-distributed synthetic
vocabulary per language, with the real inflected forms of a few dozen topical words (миграция/миграции/
миграцию, мигранттар/мигранттарға, migrant/migrants …) mixed in at realistic rates. Figures printed:

* build: releases per second inserted with both indexes maintained by their triggers (the real write
  path), and the stemmed index alone rebuilt from ``releases`` (what migration 3 does);
* search: p50/p95 over repeated queries, on the stemmed index (``escape_fts`` queries) and on the
  plain one (exact forms, the raw mode), for single words, two words, phrases, prefixes and a
  language filter: the FTS5 match alone (first 101 rowids), and the two statements the Datasette
  table page runs for ``?_search=``: its first page (the 100 newest matches, every column) and its
  count. Connections map the file into memory as the plugin's do.

Nothing here is a timed test; targets (issue 14): p95 < 50 ms at 1M, build >= 1,000 releases/s.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

from archive.search import index as stemmed_index
from archive.search.query import stemmed_match
from archive.serve.guard import MMAP_BYTES
from archive.store import Archive

LANGS = ("en", "ru", "kk")
TOPICAL = {
    "en": ["migration", "migrations", "migrant", "migrants", "trafficking", "traffickers", "labour", "workers",
           "returned", "returning", "refugees", "border", "borders", "climate", "remittances", "counter-trafficking"],
    "ru": ["миграция", "миграции", "миграцию", "миграцией", "мигранты", "мигрантов", "мигрантам", "мигрантами",
           "торговля", "торговли", "торговлей", "трудовой", "трудовых", "беженцев", "границы", "климата"],
    "kk": ["көші-қон", "көші-қонның", "мигрант", "мигранттар", "мигранттарға", "мигранттардың", "мигранттарының",
           "еңбек", "еңбекке", "саудасы", "саудасына", "шекара", "шекарада", "климаттың", "отбасы", "отбасына"],
}
ALPHABET = {"en": "abcdefghiklmnoprstuvw", "ru": "абвгдежзиклмнопрстуфхцчшы", "kk": "абғдеж зиқклмнңоөпрстұүшыі".replace(" ", "")}
ENDINGS = {"en": ["", "s", "ed", "ing", "ion", "er"], "ru": ["", "а", "ы", "ов", "ам", "ой", "ии", "ение"],
           "kk": ["", "тар", "ға", "дың", "ы", "да", "мен", "лер"]}
QUERIES = {
    "word": ["миграция", "мигрантам", "migrants", "trafficking", "мигранттарға", "көші-қон",
                                  "торговли", "remittances"],
    "two words": ["labour migrants", "трудовых мигрантов", "еңбек мигранттары", "climate migration"],
    "phrase": ['"labour migrants"', '"трудовых мигрантов"', '"еңбек мигранттарының"'],
    "prefix": ["мигра*", "traffick*", "шекара*"],
    "rare word": ["refugees", "беженцев", "отбасына"],
}


def vocabulary(lang: str, size: int, rng: random.Random) -> list[str]:
    letters = ALPHABET[lang]
    words = set()
    while len(words) < size:
        root = "".join(rng.choice(letters) for _ in range(rng.randint(3, 8)))
        words.add(root + rng.choice(ENDINGS[lang]))
    return sorted(words)


def synthetic_bodies(lang: str, count: int, seed: int, words_per_release: int = 300):
    """``count`` bodies of ``words_per_release`` words: Zipf over a synthetic vocabulary, topical words mixed in."""
    rng = random.Random(seed)
    vocab = np.array(vocabulary(lang, 30_000, rng) + TOPICAL[lang], dtype=object)
    topical_ids = np.arange(len(vocab) - len(TOPICAL[lang]), len(vocab))
    generator = np.random.default_rng(seed)
    ranks = np.arange(1, len(vocab) - len(TOPICAL[lang]) + 1)
    weights = 1.0 / ranks ** 1.05
    weights /= weights.sum()
    for _ in range(count):
        ids = generator.choice(len(ranks), size=words_per_release, p=weights)
        topical = generator.random(words_per_release) < 0.004  # a topical word about once in 250
        ids[topical] = generator.choice(topical_ids, size=int(topical.sum()))
        words = vocab[ids]
        yield " ".join(words[:12]), " ".join(words[12:])


def build(path: Path, size: int) -> dict[str, float]:
    archive = Archive(path)
    db = archive.db
    seen = "2026-01-01T00:00:00+00:00"
    started = time.perf_counter()
    number = 0
    batch = []
    generators = {lang: synthetic_bodies(lang, size // 3 + 1, seed=index) for index, lang in enumerate(LANGS)}
    generating = 0.0
    for number in range(size):
        lang = LANGS[number % 3]
        made = time.perf_counter()
        title, body = next(generators[lang])
        generating += time.perf_counter() - made
        day = 1 + number % 3650
        batch.append((f"site{number % 4}", lang, f"https://example.org/{lang}/{number}", title, body, 300,
                      f"{2015 + day // 365:04d}-{1 + day % 12:02d}-{1 + day % 28:02d}", f"h{number}",
                      f"g{number // 3}", seen, seen, seen))
        if len(batch) == 5_000 or number == size - 1:
            with db.atomic():
                db.conn.executemany(
                    "INSERT INTO releases (site, lang, url, title, body, word_count, published_date, content_hash, "
                    "translation_group, first_seen, last_seen, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    batch)
            batch = []
    inserted = time.perf_counter() - started - generating
    started = time.perf_counter()
    with db.atomic():
        stemmed_index.rebuild(db)
    rebuilt = time.perf_counter() - started
    started = time.perf_counter()
    db.execute("INSERT INTO releases_fts (releases_fts) VALUES ('optimize')")
    archive.close()
    return {"insert_rate": size / inserted, "rebuild_rate": size / rebuilt, "optimize_s": time.perf_counter() - started}


FTS_SQL = "select rowid from [{table}] where [{table}] match :q order by rowid desc limit 101"
PAGE_SQL = ("select id, site, lang, title, published_date from releases where {lang}id in "
            "(select rowid from [{table}] where [{table}] match :q) order by published_date desc limit 101")
COUNT_SQL = "select count(*) from releases where {lang}id in (select rowid from [{table}] where [{table}] match :q)"


def exact(query: str) -> str:
    """The raw-mode query on the plain index (hyphenated words quoted, as the plugin does)."""
    from archive.search.query import quote_hyphenated

    return quote_hyphenated(query)


def measure(path: Path, repeat: int) -> list[tuple[str, str, float, float, float, float]]:
    import sqlite3

    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    stemmed_index.register_functions(conn)
    conn.execute(f"PRAGMA mmap_size = {MMAP_BYTES}")  # as the plugin's connections (archive.serve.guard)
    rows = []
    for table, translate in (("releases_stemmed_fts", lambda q: stemmed_match(q, LANGS)), ("releases_fts", exact)):
        for kind, queries in [*QUERIES.items(), ("word, lang=ru", ["миграция", "мигрантам", "торговли"])]:
            lang = "lang = 'ru' and " if "lang=" in kind else ""
            page_times, count_times, fts_times, hits = [], [], [], []
            for _ in range(repeat):
                for query in queries:
                    fts = translate(query)
                    started = time.perf_counter()
                    conn.execute(FTS_SQL.format(table=table), {"q": fts}).fetchall()
                    fts_times.append((time.perf_counter() - started) * 1000)
                    started = time.perf_counter()
                    conn.execute(PAGE_SQL.format(table=table, lang=lang), {"q": fts}).fetchall()
                    page_times.append((time.perf_counter() - started) * 1000)
                    started = time.perf_counter()
                    (count,) = conn.execute(COUNT_SQL.format(table=table, lang=lang), {"q": fts}).fetchone()
                    count_times.append((time.perf_counter() - started) * 1000)
                    hits.append(count)
            rows.append((table, kind, statistics.median(fts_times), _p95(fts_times), statistics.median(page_times),
                         _p95(page_times), statistics.median(count_times), _p95(count_times), statistics.median(hits)))
    conn.close()
    return rows


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description="Search latency and index build rate on synthetic archives.")
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--keep", type=Path, help="build the archives in this folder and keep them (an archive "
                                                 "already there is measured again, not rebuilt)")
    args = parser.parse_args()
    for size in [int(s) for s in args.sizes.split(",")]:
        with tempfile.TemporaryDirectory() as folder:
            path = (args.keep or Path(folder)) / f"synthetic-{size}.db"
            if path.exists():  # kept from an earlier --keep run: measure only
                rates = None
            else:
                rates = build(path, size)
            megabytes = path.stat().st_size / 1e6
            print(f"\n{size:,} releases: {megabytes:,.0f} MB", end="")
            print(f"; insert with both indexes {rates['insert_rate']:,.0f} releases/s; stemmed index rebuilt alone "
                  f"{rates['rebuild_rate']:,.0f} releases/s" if rates else " (kept from an earlier run)")
            print(f"  {'index':21} {'queries':15} {'match p50':>9} {'p95':>7} {'page p50':>9} {'p95':>7} "
                  f"{'count p50':>9} {'p95':>7} {'hits':>7}")
            for table, kind, f50, f95, p50, p95, c50, c95, hits in measure(path, args.repeat):
                print(f"  {table:21} {kind:15} {f50:7.1f}ms {f95:5.1f}ms {p50:7.1f}ms {p95:5.1f}ms "
                      f"{c50:7.1f}ms {c95:5.1f}ms {hits:7,.0f}")


if __name__ == "__main__":
    main()
