"""Search latency and index build rate on synthetic archives of 100k and 1M releases (en, ru, kk).

    python benchmarks/search.py                       # 100,000 and 1,000,000 releases (first run ~50 min, 12 GB)
    python benchmarks/search.py --releases 20000      # a quick look (~1 min)
    python benchmarks/search.py --releases 1000000 --no-http

Each size is an archive made by ``archive.store.Archive`` (the real schema, both FTS5 indexes and
their triggers), kept in ``--cache`` (default /tmp/search-bench/synthetic-N.db) and measured again
by later runs (opened with ``Archive`` first, so a newer schema's migrations are applied and timed:
nothing is rebuilt). Releases get ~300 words of Zipf-distributed synthetic
vocabulary per language, with the real inflected forms of a few dozen topical words (миграция/миграции/
миграцию, мигранттар/мигранттарға, migrant/migrants …) mixed in at realistic rates. Figures printed:

* ``--rebuild N``: the stemmed index of the archive rebuilt in place N times with FTS5's default
  settings and with archive.search.index's bulk ones, in turn (releases per second, and the ratio);
* build (a new archive only): releases per second inserted with both indexes maintained by their
  triggers (the real write path), and the stemmed index alone rebuilt from ``releases`` (what
  migration 3 does);
* the results page's own work, p50/p95 over repeated queries, on the stemmed index (the search box)
  and on the plain one (exact forms, raw mode), for single words, two words, phrases, prefixes,
  rare words and a language filter (archive.serve.searchpage, as the plugin runs it): the matches
  from the index, then the in-memory filter, page, count and the six facets
  (archive.search.ranked), then the page's select of its 50 releases by id; and, once per query,
  the SQL Datasette's own table view would run for the same page (the 100 newest matches with
  every column, the count, the six facets), to compare;
* HTTP: p50/p95 of real requests for the results page (HTML) to ``scrape serve`` on the archive, in a
  subprocess, stemmed and raw, after one first search (the per-release columns are read as the
  server starts); each search is new to the server (it keeps the matches of its last 8, and ~40
  others come between), and after each, the same search with a facet clicked (matches kept).

Connections map the file into memory as the plugin's do. Nothing here is a timed test; targets
(issue 14): p95 < 50 ms at 1M, build >= 1,000 releases/s.
"""

from __future__ import annotations

import argparse
import random
import socket
import sqlite3
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import numpy as np

from archive.search import index as stemmed_index
from archive.search import ranked
from archive.search.query import quote_hyphenated, stemmed_match
from archive.serve import searchpage
from archive.serve.guard import MMAP_BYTES
from archive.serve.metadata import RELEASE_FACETS
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



SELECT_PAGE = "select * from releases where {where} order by published_date desc limit 101"
FACETS = [("site", "site"), ("lang", "lang"), ("year", "published_date"), ("tags", "tags"),
          ("needs_review", "needs_review"), ("status", "status")]
assert len(FACETS) == len(RELEASE_FACETS)  # the metadata's six facets


def stock_statements(where: str) -> list[tuple[str, str]]:
    """The statements Datasette's table view runs for a search page (page, count, the six facets)."""
    inner = f"select * from releases where {where}"
    found = [("page", SELECT_PAGE.format(where=where)), ("count", f"select count(*) from releases where {where}")]
    for kind, column in FACETS:
        if kind == "year":
            sql = (f"select substr(published_date, 1, 4) as value, count(*) as count from ({inner}) where "
                   "published_date glob '[0-9][0-9][0-9][0-9]*' group by value order by value desc")
        elif kind == "tags":
            sql = (f"select j.value as value, count(*) as count from ({inner}) r join json_each(r.tags) j "
                   "group by j.value order by count desc, value limit 7")
        else:
            sql = (f"select {column} as value, count(*) as count from ({inner}) where {column} is not null "
                   f"group by {column} order by count desc, value limit 7")
        found.append((f"facet {kind}", sql))
    return found


def connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    stemmed_index.register_functions(conn)
    conn.create_function("escape_fts", 1, lambda query: stemmed_match(query or "", LANGS), deterministic=True)
    conn.execute(f"PRAGMA mmap_size = {MMAP_BYTES}")  # as the plugin's connections (archive.serve.guard)
    return conn


def cases() -> list[tuple[str, str, str, bool, ranked.Filters]]:
    """(index label, query kind, query, raw, filters) for every measured search."""
    found = []
    kinds = [*QUERIES.items(), ("word, lang=ru", ["миграция", "мигрантам", "торговли"])]
    for label, raw in (("stemmed", False), ("plain", True)):
        for kind, queries in kinds:
            filters = ranked.Filters((("lang", "ru"),)) if "lang=" in kind else ranked.Filters()
            for query in queries:
                found.append((label, kind, quote_hyphenated(query) if raw else query, raw, filters))
    return found


def _ms(started: float) -> float:
    return (time.perf_counter() - started) * 1000


def measure_sql(path: Path, repeat: int, stock: bool) -> tuple[float, dict]:
    """Seconds to read the per-release columns, and {(index, kind): {part: [ms …], "hits": [...]}}."""
    conn = connect(path)
    started = time.perf_counter()
    columns = searchpage.load_columns(conn)
    load_s = time.perf_counter() - started
    results: dict = {}
    for label, kind, query, raw, filters in cases():
        fts = searchpage.EXACT_INDEX if raw else searchpage.STEMMED_INDEX
        times = results.setdefault((label, kind), {})
        for _ in range(repeat):
            started = time.perf_counter()
            found = searchpage._matches(conn, fts, query, raw)
            times.setdefault("match", []).append(_ms(started))
            started = time.perf_counter()
            kept = ranked.keep(columns, found, filters)
            ids = ranked.page(columns, kept, searchpage.RESULTS_PAGE_SIZE + 1)
            for kind_, _ in FACETS:
                ranked.facet_counts(columns, kept, "year" if kind_ == "year" else kind_)
            times.setdefault("memory", []).append(_ms(started))
            started = time.perf_counter()
            conn.execute(SELECT_PAGE.format(where=f"id in ({', '.join(map(str, ids.tolist())) or 'null'})")).fetchall()
            times.setdefault("select", []).append(_ms(started))
            times["page"] = [m + f + s for m, f, s in zip(times["match"], times["memory"], times["select"])]
        times.setdefault("hits", []).append(len(kept))
        if stock:
            match = ":q" if raw else "escape_fts(:q)"
            where = f"id in (select rowid from [{fts}] where [{fts}] match {match})"
            where += "".join(f" and {column} = '{value}'" for column, value in filters.equal)
            total = 0.0
            for part, sql in stock_statements(where):
                started = time.perf_counter()
                conn.execute(sql, {"q": query}).fetchall()
                elapsed = _ms(started)
                total += elapsed
                times.setdefault(f"stock {part.split()[0]}", []).append(elapsed)
            times.setdefault("stock total", []).append(total)
    conn.close()
    return load_s, results


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def measure_http(path: Path, repeat: int) -> tuple[float, dict]:
    """Seconds of the first search after start, and {(index, kind): [ms …]} of the results page over HTTP."""
    port = free_port()
    server = subprocess.Popen([str(Path(sys.executable).parent / "scrape"), "serve", "--archive", str(path), "--port",
                               str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}/{path.stem}/releases"
    try:
        for _ in range(600):
            try:
                urllib.request.urlopen(f"{base}.json?_size=1", timeout=60).read()
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError("scrape serve did not start")

        def fetch(query: str, raw: bool, filters: ranked.Filters) -> float:
            args = [("_search", query)] + ([("_searchmode", "raw")] if raw else []) + list(filters.equal)
            started = time.perf_counter()
            with urllib.request.urlopen(f"{base}?{urllib.parse.urlencode(args)}", timeout=120) as response:
                response.read()
                assert response.status == 200
            return _ms(started) / 1000

        first = fetch("migrants", False, ranked.Filters())
        results: dict = {}
        for _ in range(repeat):
            for label, kind, query, raw, filters in cases():  # ~40 searches: each one new to the server's
                results.setdefault((label, kind), []).append(fetch(query, raw, filters) * 1000)  # recent ones
                clicked = ranked.Filters(filters.equal + (("site", "site1"),))  # then a facet clicked
                results.setdefault(("facet clicked", ""), []).append(fetch(query, raw, clicked) * 1000)
        return first, results
    finally:
        server.terminate()
        server.wait(timeout=30)


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def _cell(values: list[float] | None) -> str:
    return f"{statistics.median(values):7.1f} {_p95(values):6.1f}" if values else f"{'-':>7} {'-':>6}"


def prepared_archive(cache: Path, size: int) -> tuple[Path, str]:
    """The cached archive of ``size`` releases (built if missing, migrated if older), and what was done."""
    cache.mkdir(parents=True, exist_ok=True)
    path = cache / f"synthetic-{size}.db"
    if not path.exists():
        rates = build(path, size)
        return path, (f"built: insert with both indexes {rates['insert_rate']:,.0f} releases/s; stemmed index "
                      f"rebuilt alone {rates['rebuild_rate']:,.0f} releases/s")
    with sqlite3.connect(path) as conn:
        before = conn.execute("PRAGMA user_version").fetchone()[0]
    started = time.perf_counter()
    Archive(path).close()
    with sqlite3.connect(path) as conn:
        after = conn.execute("PRAGMA user_version").fetchone()[0]
    done = f"cached; migrated from schema {before} to {after} in {time.perf_counter() - started:,.0f} s" \
        if after != before else "cached"
    return path, done


def measure_rebuild(path: Path, passes: int) -> dict[str, list[float]]:
    """Releases per second of the stemmed index rebuilt in place (what an archive does when the stemmers
    change), with FTS5's default settings and with the bulk ones of archive.search.index, in turn."""
    rates: dict[str, list[float]] = {}
    archive = Archive(path)
    count = archive.db.execute("SELECT count(*) FROM releases").fetchone()[0]
    for _ in range(passes):
        for label, settings in (("FTS5 defaults", ()), ("bulk settings", stemmed_index.BULK_SETTINGS)):
            started = time.perf_counter()
            with archive.db.atomic():
                stemmed_index.rebuild(archive.db, settings=settings)
            rates.setdefault(label, []).append(count / (time.perf_counter() - started))
    archive.close()
    return rates


def main() -> None:
    parser = argparse.ArgumentParser(description="Search latency and index build rate on synthetic archives.")
    parser.add_argument("--releases", default="100000,1000000", help="archive sizes, comma-separated")
    parser.add_argument("--repeat", type=int, default=15, help="passes over the queries (HTTP: a third of them)")
    parser.add_argument("--cache", type=Path, default=Path("/tmp/search-bench"),
                        help="where the built archives are kept and found again")
    parser.add_argument("--no-http", action="store_true", help="skip the HTTP requests to scrape serve")
    parser.add_argument("--no-stock", action="store_true", help="skip Datasette's own table-view SQL")
    parser.add_argument("--rebuild", type=int, default=0, metavar="PASSES",
                        help="first rebuild the stemmed index PASSES times with FTS5's defaults and with the bulk "
                             "settings, in turn (1M: ~10 min a rebuild)")
    args = parser.parse_args()
    for size in [int(s) for s in args.releases.split(",")]:
        path, done = prepared_archive(args.cache, size)
        print(f"\n{size:,} releases: {path} ({path.stat().st_size / 1e6:,.0f} MB), {done}")
        if args.rebuild:
            rates = measure_rebuild(path, args.rebuild)
            ratio = statistics.median(rates["bulk settings"]) / statistics.median(rates["FTS5 defaults"])
            print("  stemmed index rebuilt: " + "; ".join(
                f"{label} {statistics.median(values):,.0f} releases/s ({', '.join(f'{v:,.0f}' for v in values)})"
                for label, values in rates.items()) + f"; bulk / defaults {ratio:.2f}x", flush=True)
        load_s, sql = measure_sql(path, args.repeat, stock=not args.no_stock)
        print(f"  per-release columns read in {load_s:.2f} s (once, and again after the archive changes)")
        http_first, http = (None, {}) if args.no_http else measure_http(path, max(1, args.repeat // 3))
        if http_first is not None:
            print(f"  first search after scrape serve started: {http_first:.2f} s")
        print("  p50 and p95, ms" + " " * 12 + "results page's own work" + " " * 18 + "HTTP page"
              "    Datasette's own SQL for this page (once per query)")
        print(f"  {'index':8} {'queries':14} {'match':>14} {'in memory':>14} {'select':>14} {'page':>14} "
              f"{'page':>14} {'select':>14} {'count':>14} {'facet':>14} {'total':>14} {'hits':>7}")
        for (label, kind), times in sql.items():
            print(f"  {label:8} {kind:14} {_cell(times['match'])} {_cell(times['memory'])} {_cell(times['select'])} "
                  f"{_cell(times['page'])} {_cell(http.get((label, kind)))} {_cell(times.get('stock page'))} "
                  f"{_cell(times.get('stock count'))} {_cell(times.get('stock facet'))} "
                  f"{_cell(times.get('stock total'))} {statistics.median(times['hits']):7,.0f}")
        clicked = http.pop(("facet clicked", ""), None)
        if clicked:
            print(f"  the same search again with a facet clicked (site=site1; its matches kept by the server): "
                  f"HTTP p50 {statistics.median(clicked):.1f} / p95 {_p95(clicked):.1f} ms")
        everything = [v for t in sql.values() for v in t["page"]]
        over_http = [v for t in http.values() for v in t]
        print(f"  all queries: page's own work p50 {statistics.median(everything):.1f} / p95 {_p95(everything):.1f} ms"
              + (f"; HTTP p50 {statistics.median(over_http):.1f} / p95 {_p95(over_http):.1f} ms" if over_http else ""))


if __name__ == "__main__":
    main()
