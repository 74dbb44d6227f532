"""Readable text for ``scrape status`` and ``scrape sites``: plain aligned tables, no colours.

The data comes from :mod:`archive.queries` (status) and the config (sites); this module only lays
it out, so the same dicts are what ``--json`` prints.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Sequence



def plural(count: int, word: str) -> str:
    """``1 run``, ``3 runs``."""
    return f"{count} {word}{'' if count == 1 else 's'}"


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]], indent: str = "  ") -> str:
    """Columns padded to their widest cell; numbers aligned right, text left; None as ``-``."""
    cells = [[("-" if value is None else str(value)) for value in row] for row in rows]
    numeric = [bool(rows) and all(isinstance(row[i], (int, float)) or row[i] is None for row in rows)
               for i in range(len(headers))]
    widths = [max([len(h)] + [len(row[i]) for row in cells]) for i, h in enumerate(headers)]

    def line(values: Sequence[str]) -> str:
        return indent + "  ".join(
            value.rjust(width) if numeric[i] else value.ljust(width) for i, (value, width) in enumerate(zip(values, widths))
        ).rstrip()

    return "\n".join([line(headers)] + [line(row) for row in cells])


def duration(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    seconds = int(round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h {minutes:02d}m"
    return f"{minutes}m {secs:02d}s" if minutes else f"{secs}s"


def when(timestamp: str | None) -> str:
    """``2026-11-30T02:30:00+00:00`` -> ``2026-11-30 02:30`` (UTC)."""
    return timestamp[:16].replace("T", " ") if timestamp else "-"


def shorten(text: str, width: int = 60) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def status_text(path: Path, summary: dict[str, Any], runs: list[dict], totals: list[dict], newest: list[dict]) -> str:
    parts = [
        f"Archive {path}: {plural(summary['releases'], 'release')}, {plural(summary['release_versions'], 'version')}, "
        f"{plural(summary['pages'], 'page')}, {plural(summary['runs'], 'run')} (schema version {summary['schema_version']})"
    ]
    if runs:
        parts.append("\nLast runs (newest first; times UTC)\n" + table(
            ["run", "started", "took", "status", "new", "updated", "unchanged", "older", "removed", "failed", "requests"],
            [[r["id"], when(r["started_at"]), duration(r["duration_s"]),
              r["status"], r["releases_new"], r["releases_updated"], r["releases_unchanged"],
              r["releases_skipped"], r["releases_removed"], r["errors"], r["requests"]] for r in runs],
        ))
        failed = next((r for r in runs if r["error_log"]), None)
        if failed:
            shown = failed["error_log"][:5]
            parts.append(f"\nFailures of run {failed['id']} ({len(failed['error_log'])}; retried by the next run):\n"
                         + "\n".join(f"  {e['url']}: {e['error']}" for e in shown)
                         + ("\n  …" if len(failed["error_log"]) > len(shown) else ""))
    else:
        parts.append("\nNo runs yet.")
    if totals:
        parts.append("\nReleases per site and language\n" + table(
            ["site", "lang", "releases", "live", "removed", "cross-posts", "undated", "review", "oldest", "newest"],
            [[t["site"], t["lang"], t["releases"], t["live"], t["removed"], t["cross_posts"], t["undated"],
              t.get("needs_review", 0), t["oldest"], t["newest"]] for t in totals],
        ))
        flagged = sum(t.get("needs_review") or 0 for t in totals)
        if flagged:
            parts.append(f"{flagged} release{'s' if flagged != 1 else ''} flagged for review: the body may be "
                         "incomplete (releases.needs_review = 1, the reason in review_reason; in Datasette, "
                         "the needs_review facet of releases)")
    if newest:
        parts.append("\nNewest release per site\n" + table(
            ["site", "published", "lang", "id", "title"],
            [[n["site"], n["published_date"], n["lang"], n["id"], shorten(n["title"])] for n in newest],
        ))
    return "\n".join(parts)
