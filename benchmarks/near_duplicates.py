"""Near-duplicate detection at archive scale: time, memory, disk, recall and false positives.

    python benchmarks/near_duplicates.py [--sizes 10000,30000,100000] [--repeat 1] [--batch 1]

Each size runs in a fresh subprocess (so sizes don't share memory or caches) that ingests synthetic
releases into a file-backed SQLite index the way the pipeline would: for each release in
publication order, ``find`` its near-duplicates among the releases already indexed, then ``add`` it
(one transaction per release, or per ``--batch`` releases as a backfill would; WAL and
synchronous=NORMAL, as ``archive.store`` opens the archive). "ingest s" is that loop's wall time,
commits included, synthetic text generation and scoring excluded; "ms/release" is its mean, split
into (find, add, commit) means; "find ms" and "add ms" are medians. It then times ``find`` for 1,000 releases against the full index.

The releases are synthetic but shaped like IOM's: 250-340 words of Zipf-distributed vocabulary
(30,000 word forms per language; English in Latin script, Russian and Kazakh in Cyrillic) in
sentences and paragraphs, a few stock phrases, and in 70% of them the IOM boilerplate sentence and
their site's contact paragraph (about 290-400 words in all); the stock text is what makes unrelated
releases collide in LSH buckets. A fraction (``--copy-rate``) are cross-posts of an earlier release
on another site, edited in one of several ways; recall is the share of those whose original (or an
earlier copy of it) is found, and a false pair is a match between releases that are not copies of
one another. Missed copies are listed with their similarity to their original, which tells a
threshold miss (below 0.5) from a banding miss.

Peak memory is the subprocess's maximum resident set (``getrusage``), which includes SQLite's page
cache (invisible to tracemalloc); ``--tracemalloc`` adds Python's own peak but slows the run.
Where a size is repeated, medians are shown. Nothing here is asserted by the tests.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import sqlite_utils  # noqa: E402

from scraper.dedupe import near_duplicates as dedup  # noqa: E402

SEED = 20241
LANGS = ("en", "ru", "kk")
SITES = ("kazakhstan", "kyrgyzstan", "tajikistan", "uzbekistan", "turkmenistan", "rovienna", "www", "geneva")
ALPHABETS = {
    "en": ("bcdfghjklmnprstvwz", "aeiouy"),
    "ru": ("бвгдзклмнпрстфхцчшщ", "аеиоуыэюяё"),
    "kk": ("бгғджзйкқлмнңпрстшх", "аәеіиоөұүы"),
}
BOILERPLATE = {
    "en": "IOM is the leading inter-governmental organization promoting humane and orderly migration for "
    "the benefit of all, with presence in over 100 countries.",
    "ru": "МОМ является ведущей межправительственной организацией, содействующей гуманной и упорядоченной "
    "миграции на благо всех, и имеет представительства более чем в 100 странах.",
    "kk": "ХКҰ – барлығының игілігі үшін ізгілікті және реттелген көші-қонға жәрдемдесетін жетекші "
    "үкіметаралық ұйым, ол 100-ден астам елде жұмыс істейді.",
}
EDIT_KINDS = ("3% words", "8% words", "sentence -/+", "regional repost", "restyled", "all combined")


class Corpus:
    """Deterministic synthetic releases: ``release(i)`` always returns the same text for ``i``."""

    def __init__(self, seed: int = SEED, copy_rate: float = 0.02, vocabulary: int = 30_000):
        self.seed, self.copy_rate = seed, copy_rate
        rng = np.random.default_rng(seed)
        self.vocab = {lang: self._words(rng, lang, vocabulary) for lang in LANGS}
        ranks = np.arange(1, vocabulary + 1)
        weights = 1.0 / (ranks + 2.7)  # Zipf-Mandelbrot, as in running text
        self.cdf = np.cumsum(weights) / weights.sum()
        self.phrases = {lang: [self._phrase(rng, lang) for _ in range(60)] for lang in LANGS}
        self.contacts = {
            (site, lang): "Contact: " + self._phrase(rng, lang, 25, 35) + f" {site}@iom.int."
            for site in SITES for lang in LANGS
        }

    @staticmethod
    def _words(rng: np.random.Generator, lang: str, count: int) -> list[str]:
        consonants, vowels = ALPHABETS[lang]
        syllables = [c + v for c in consonants for v in vowels]
        words: dict[str, None] = {}
        while len(words) < count:
            lengths = rng.integers(1, 5, size=count)
            picks = iter(rng.integers(len(syllables), size=int(lengths.sum())).tolist())
            for length in lengths.tolist():
                words["".join(syllables[next(picks)] for _ in range(length))] = None
        return list(words)[:count]

    def _phrase(self, rng: np.random.Generator, lang: str, low: int = 3, high: int = 9) -> str:
        return " ".join(self._draw(rng, lang, int(rng.integers(low, high))))

    def _draw(self, rng: np.random.Generator, lang: str, n: int) -> list[str]:
        vocab = self.vocab[lang]
        return [vocab[k] for k in np.searchsorted(self.cdf, rng.random(n))]

    def _rng(self, *key: int) -> np.random.Generator:
        return np.random.default_rng([self.seed, *key])

    def is_copy(self, i: int) -> bool:
        return i >= 100 and self._rng(i, 1).random() < self.copy_rate

    def original_of(self, i: int) -> int:
        """The release ``i`` was copied from (itself for an original)."""
        if not self.is_copy(i):
            return i
        rng = self._rng(i, 2)
        while True:
            j = int(rng.integers(0, i))
            if not self.is_copy(j):
                return j

    def edit_kind(self, i: int) -> str:
        return EDIT_KINDS[int(self._rng(i, 3).integers(len(EDIT_KINDS)))]

    def release(self, i: int) -> tuple[str, str, str]:
        """``(site, lang, text)`` of release ``i``."""
        j = self.original_of(i)
        site, lang, sentences = self._original(j)
        if j == i:
            return site, lang, self._render(sentences)
        rng = self._rng(i, 4)
        copy_site = SITES[(SITES.index(site) + 1 + int(rng.integers(len(SITES) - 1))) % len(SITES)]
        return copy_site, lang, self._edit(rng, self.edit_kind(i), sentences, lang, copy_site)

    def _original(self, j: int) -> tuple[str, str, list[str]]:
        rng = self._rng(j, 0)
        lang, site = LANGS[int(rng.integers(3))], SITES[int(rng.integers(len(SITES)))]
        words = self._draw(rng, lang, int(rng.integers(250, 341)))
        for _ in range(int(rng.integers(0, 5))):  # stock phrases
            at = int(rng.integers(len(words)))
            words[at:at] = self.phrases[lang][int(rng.integers(60))].split()
        sentences, at = [], 0
        while at < len(words):
            n = int(rng.integers(10, 29))
            chunk = words[at : at + n]
            if rng.random() < 0.3:
                chunk[int(rng.integers(len(chunk)))] = str(int(rng.integers(1, 5000)))
            sentence = " ".join(chunk)
            sentences.append(sentence[:1].upper() + sentence[1:] + ".")
            at += n
        if rng.random() < 0.7:
            sentences += [BOILERPLATE[lang], self.contacts[(site, lang)]]
        return site, lang, sentences

    @staticmethod
    def _render(sentences: list[str]) -> str:
        paragraphs = [" ".join(sentences[k : k + 4]) for k in range(0, len(sentences), 4)]
        return "\n\n".join(paragraphs)

    def _edit(self, rng: np.random.Generator, kind: str, sentences: list[str], lang: str, site: str) -> str:
        sentences = list(sentences)
        if kind in ("sentence -/+", "all combined"):
            del sentences[int(rng.integers(1, len(sentences) - 1))]
            sentences.insert(int(rng.integers(1, len(sentences))), self._phrase(rng, lang, 12, 20).capitalize() + ".")
        if kind in ("regional repost", "all combined"):
            sentences = [b for b in sentences if not b.startswith("Contact:")]
            sentences.insert(0, self._phrase(rng, lang, 12, 18).capitalize() + ".")
            if BOILERPLATE[lang] not in sentences:
                sentences.append(BOILERPLATE[lang])
            sentences.append(self.contacts[(site, lang)])
        text = self._render(sentences)
        if kind in ("3% words", "8% words", "all combined"):
            tokens = text.split(" ")
            share = 0.08 if kind == "8% words" else 0.03
            replacements = self._draw(rng, lang, len(tokens))
            for k in rng.choice(len(tokens), round(share * len(tokens)), replace=False):
                tokens[k] = replacements[k]
            text = " ".join(tokens)
        if kind in ("restyled", "all combined"):
            text = text.replace("\n\n", "\n").replace(". ", ".  ").replace(", ", " ,").replace("–", "-")
            text = text.upper() if rng.random() < 0.2 else text.replace("е", "ё")
        return text


# --- one size, in its own process --------------------------------------------------------------


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


class Tally:
    """Recall on the planted copies and false pairs, from each release's matches."""

    def __init__(self) -> None:
        self.copies = self.found = self.false_pairs = 0
        self.missed: list[float] = []  # similarity of each missed copy to its original
        self.per_kind: dict[str, list[int]] = {kind: [0, 0] for kind in EDIT_KINDS}

    def record(self, corpus: Corpus, i: int, text: str, matches: list[dedup.Match]) -> None:
        group = corpus.original_of(i)
        hits = [m for m in matches if corpus.original_of(m.release_id) == group]
        self.false_pairs += len(matches) - len(hits)
        if group == i:
            return
        self.copies += 1
        self.found += bool(hits)
        self.per_kind[corpus.edit_kind(i)][0] += 1
        self.per_kind[corpus.edit_kind(i)][1] += bool(hits)
        if not hits:
            self.missed.append(dedup.similarity(corpus.release(group)[2], text))


def run_size(size: int, path: Path, copy_rate: float, batch: int, cache_mb: int, trace: bool) -> dict:
    if trace:
        import tracemalloc

        tracemalloc.start()
    corpus = Corpus(copy_rate=copy_rate)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    if cache_mb:
        conn.execute(f"PRAGMA cache_size = -{cache_mb * 1024}")  # in KiB when negative
    db = sqlite_utils.Database(conn)
    index = dedup.NearDuplicateIndex(db)
    index.ensure_tables()
    baseline_rss = _rss_mb()

    tally, find_times, add_times, text_bytes, excluded = Tally(), [], [], 0, 0.0
    started = time.perf_counter()
    for first in range(0, size, batch):
        with db.atomic():  # --batch 1: one transaction per release, as the pipeline writes them
            for i in range(first, min(first + batch, size)):
                t0 = time.perf_counter()
                site, lang, text = corpus.release(i)
                t1 = time.perf_counter()
                matches = index.find(text, lang)
                t2 = time.perf_counter()
                index.add(i, site, lang, text)
                t3 = time.perf_counter()
                tally.record(corpus, i, text, matches)
                text_bytes += len(text.encode("utf-8"))
                find_times.append(t2 - t1)
                add_times.append(t3 - t2)
                excluded += (t1 - t0) + (time.perf_counter() - t3)
    ingest = time.perf_counter() - started - excluded

    full_find = []
    for i in range(0, size, max(1, size // 1000)):
        site, lang, text = corpus.release(i)
        t0 = time.perf_counter()
        index.find(text, lang, exclude_release_id=i)
        full_find.append(time.perf_counter() - t0)

    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    tables = dict(conn.execute("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name").fetchall())
    traced = tracemalloc.get_traced_memory()[1] / 2**20 if trace else None
    conn.close()
    return {
        "size": size,
        "ingest_s": ingest,
        "generation_s": excluded,
        "find_total_s": sum(find_times),
        "add_total_s": sum(add_times),
        "find_ms": statistics.median(find_times) * 1e3,
        "add_ms": statistics.median(add_times) * 1e3,
        "full_find_ms": statistics.median(full_find) * 1e3,
        "peak_rss_mb": _rss_mb(),
        "baseline_rss_mb": baseline_rss,
        "tracemalloc_mb": traced,
        "db_bytes": os.path.getsize(path),
        "signatures_bytes": tables.get(dedup.SIGNATURES_TABLE, 0),
        "bands_bytes": tables.get(dedup.BANDS_TABLE, 0),
        "text_bytes": text_bytes,
        "copies": tally.copies,
        "found": tally.found,
        "false_pairs": tally.false_pairs,
        "per_kind": tally.per_kind,
        "missed": tally.missed,
    }


# --- the report --------------------------------------------------------------------------------


def _in_subprocess(size: int, folder: Path, args: argparse.Namespace) -> dict:
    path = folder / f"dedup-{size}.db"
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    command = [sys.executable, __file__, "--worker", str(size), "--db", str(path)]
    command += ["--copy-rate", str(args.copy_rate), "--batch", str(args.batch), "--cache-mb", str(args.cache_mb)]
    if args.tracemalloc:
        command.append("--tracemalloc")
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    path.unlink(missing_ok=True)
    return json.loads(output)


def _median_result(results: list[dict]) -> dict:
    merged = dict(results[0])
    for key, value in results[0].items():
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            merged[key] = statistics.median(r[key] for r in results)
    return merged


def report(results: list[dict]) -> None:
    header = (
        "releases  ingest s  ms/release  (find  add  commit)  find ms  add ms  find@full ms  peak RSS MB"
        "  (+ over start)  DB MB  bytes/release  copies  recall  false pairs"
    )
    print(header)
    print("-" * len(header))
    for r in results:
        n = r["size"]
        commit = r["ingest_s"] - r["find_total_s"] - r["add_total_s"]
        print(
            f"{n:>8,}  {r['ingest_s']:>8.1f}  {r['ingest_s'] / n * 1e3:>10.2f}  ({r['find_total_s'] / n * 1e3:.2f}"
            f"  {r['add_total_s'] / n * 1e3:.2f}  {commit / n * 1e3:.2f})  {r['find_ms']:>7.2f}"
            f"  {r['add_ms']:>6.2f}  {r['full_find_ms']:>12.2f}  {r['peak_rss_mb']:>11.0f}"
            f"  {r['peak_rss_mb'] - r['baseline_rss_mb']:>+14.0f}  {r['db_bytes'] / 2**20:>5.1f}"
            f"  {r['db_bytes'] / n:>13,.0f}  {r['copies']:>6,}  {r['found'] / max(r['copies'], 1):>6.1%}"
            f"  {r['false_pairs']:>11,}"
        )
    if results[0].get("tracemalloc_mb") is not None:
        print("tracemalloc peak MB: " + ", ".join(f"{r['size']:,}: {r['tracemalloc_mb']:.1f}" for r in results))
    last = results[-1]
    per_release = {key: last[key] / last["size"] for key in ("signatures_bytes", "bands_bytes", "text_bytes")}
    print(
        f"\nindex bytes per release at {last['size']:,}: signatures {per_release['signatures_bytes']:,.0f},"
        f" bands {per_release['bands_bytes']:,.0f} (the release text itself: {per_release['text_bytes']:,.0f})"
    )
    print(
        f"recall by edit at {last['size']:,}: "
        + ", ".join(f"{kind} {hit}/{total}" for kind, (total, hit) in last["per_kind"].items())
    )
    threshold = dedup.DEFAULT_SETTINGS.threshold
    below = sum(sim < threshold for sim in last["missed"])
    print(
        f"missed copies at {last['size']:,}: {len(last['missed'])}, {below} with an estimated similarity below"
        f" {threshold} (the threshold), {len(last['missed']) - below} at or above it (no LSH band in common);"
        f" similarities {sorted(round(sim, 2) for sim in last['missed'])}"
    )
    first = results[0]
    if len(results) > 1:
        for r in results[1:]:
            print(
                f"growth {first['size']:,} -> {r['size']:,}: time x{r['ingest_s'] / first['ingest_s']:.2f}"
                f" (linear x{r['size'] / first['size']:.1f}), DB x{r['db_bytes'] / first['db_bytes']:.2f}"
            )
    print(f"(synthetic text generation, excluded above: {sum(r['generation_s'] for r in results):.0f} s in all)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,30000,100000", help="comma-separated release counts")
    parser.add_argument("--repeat", type=int, default=1, help="runs per size (medians are shown)")
    parser.add_argument("--copy-rate", type=float, default=0.02, help="share of releases that are cross-posts")
    parser.add_argument(
        "--batch", type=int, default=1, help="releases per transaction (1, the default, is what the pipeline does)"
    )
    parser.add_argument(
        "--cache-mb", type=int, default=0, help="SQLite page cache in MB (default: SQLite's 2 MB, as the archive uses)"
    )
    parser.add_argument("--tracemalloc", action="store_true", help="also trace Python allocations (slower)")
    parser.add_argument("--dir", type=Path, help="where to put the databases (default: a temporary folder)")
    parser.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(run_size(args.worker, args.db, args.copy_rate, args.batch, args.cache_mb, args.tracemalloc)))
        return
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",")]
    print(f"near-duplicate index, {dedup.DEFAULT_SETTINGS.scheme}, threshold {dedup.DEFAULT_SETTINGS.threshold}")
    print(
        f"sizes {sizes}, repeat {args.repeat}, copy rate {args.copy_rate:.0%}, {args.batch} release(s) per transaction,"
        f" page cache {f'{args.cache_mb} MB' if args.cache_mb else 'SQLite default'},"
        f" python {sys.version.split()[0]}, SQLite {sqlite3.sqlite_version}\n"
    )
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.dir or Path(tmp)
        results = []
        for size in sizes:
            runs = [_in_subprocess(size, folder, args) for _ in range(args.repeat)]
            results.append(_median_result(runs))
            seconds = sum(r["ingest_s"] + r["generation_s"] for r in runs)
            print(f"  {size:,} done in {seconds:.0f} s", file=sys.stderr, flush=True)
    report(results)


if __name__ == "__main__":
    main()
