"""What a run prints: log lines (text or JSON), a progress line on a terminal, and the run summary.

* ``-q`` shows warnings and errors only, the default adds the run summary, ``-v`` logs every
  release and ``-vv`` every request.
* ``--log-json`` writes one JSON object per line (``time``, ``level``, ``logger``, ``message`` and,
  for the summary, the run's counts) for log collectors; the summary is then a JSON line too.
* On an interactive terminal (and only there, at the default verbosity) one status line is redrawn
  in place while a run works; under cron or systemd, where stderr is not a terminal, nothing but
  plain log lines is written.

The progress line follows the run's typed events (see :class:`Progress` and
:mod:`scraper.pipeline.events`): ``scrape run`` passes :meth:`ConsoleHandler.on_event` to
:func:`scraper.pipeline.run`, so the pipeline needs no knowledge of the display.
"""

from __future__ import annotations

import json
import logging
import shutil
import sys
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import IO, Any, Callable

import click

from scraper.pipeline import events

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class JsonFormatter(logging.Formatter):
    """One JSON object per record; fields passed as ``extra={"fields": {...}}`` are merged in."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update(getattr(record, "fields", {}))
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


@dataclass
class SiteProgress:
    """One site's state in a run's progress line."""

    state: str = "discovering"  # then "checking", "done" or "unreachable"
    done: int = 0  # release URLs checked
    total: int = 0  # known work: URLs checked + URLs still to check
    checking_since: float = 0.0

    def text(self, key: str, now: float) -> str:
        if self.state == "discovering":
            return f"{key}: discovering"
        text = f"{key}: {self.done} of {self.total} URLs to check"
        left = self.seconds_left(now)
        return text + (f", ~{left:.0f} s left" if left is not None else "")

    def seconds_left(self, now: float) -> float | None:
        """The time the URLs still to check should take at this site's pace so far (None: no pace yet)."""
        if self.done == 0:
            return None
        return (self.total - self.done) * (now - self.checking_since) / self.done


class Progress:
    """A live status line for a run on a terminal: each site being collected with its state and
    "N of M" release URLs checked (with an estimate of the time left at the site's pace so far), how
    many sites are done or failed, requests made so far, what happened to the releases, and the
    elapsed time. Sites are read in parallel: the slowest (the most time left) comes first.

    It follows the run's events (:mod:`scraper.pipeline.events`), the same ones the run's counters
    are made of. M is the work known so far: a run learns it per site once it has read the site's
    listings and sitemap, and a page's hreflang links may add to it.
    """

    OUTCOMES = ("new", "updated", "unchanged", "skipped", "removed", "failed")

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.started = clock()
        self.sites: dict[str, SiteProgress] = {}
        self.requests = 0
        self.counts = dict.fromkeys(self.OUTCOMES, 0)

    def observe(self, event: events.Event) -> bool:
        """Update from a run event; True when it changed something shown."""
        match event:
            case events.RequestMade():
                self.requests += 1
            case events.SiteDiscovering(site=site):
                self.sites[site] = SiteProgress()
            case events.SiteStarted(site=site, urls_to_check=n):
                self.sites[site] = SiteProgress("checking", 0, n, self.clock())
            case events.UrlChecked(site=site, left=left):
                progress = self.sites.setdefault(site, SiteProgress("checking", checking_since=self.clock()))
                progress.done += 1
                progress.total = progress.done + left
            case events.SiteFinished(site=site):
                progress = self.sites.setdefault(site, SiteProgress())
                if progress.state != "unreachable":
                    progress.state = "done"
            case events.ReleaseStored(outcome=outcome):
                self.counts[outcome] += 1
            case events.ReleaseSkipped():
                self.counts["skipped"] += 1
            case events.ReleaseRemoved():
                self.counts["removed"] += 1
            case events.SiteUnreachable(site=site):
                self.sites.setdefault(site, SiteProgress()).state = "unreachable"
                self.counts["failed"] += 1
            case events.Failed() | events.DeadlineReached():
                self.counts["failed"] += 1
            case _:
                return False
        return True

    def line(self) -> str:
        now = self.clock()
        running = [(key, p) for key, p in self.sites.items() if p.state in ("discovering", "checking")]
        running.sort(key=lambda item: -(item[1].seconds_left(now) or 0))
        parts = []
        if len(self.sites) > 1:
            finished = sum(p.state == "done" for p in self.sites.values())
            unreachable = sum(p.state == "unreachable" for p in self.sites.values())
            parts.append(f"{len(self.sites)} sites: {len(running)} running, {finished} done"
                         + (f", {unreachable} unreachable" if unreachable else ""))
        parts.extend(p.text(key, now) for key, p in running)
        if not self.sites:
            parts.append("starting")
        parts.append(f"{self.requests} requests")
        done = ", ".join(f"{n} {name}" for name, n in self.counts.items() if n)
        if done:
            parts.append(done)
        parts.append(f"{now - self.started:.0f} s")
        return " · ".join(parts)


class ConsoleHandler(logging.Handler):
    """Writes log lines at ``display_level`` and above to stderr; optionally keeps a progress line.

    The stream is looked up at each write unless one is given, so a handler set up inside one
    click invocation never writes to a stream that was swapped out since.
    """

    redraw_interval = 0.1  # seconds: at most ten redraws a second

    def __init__(self, display_level: int, stream: IO[str] | None = None, progress: bool = False):
        super().__init__(level=logging.DEBUG)
        self.display_level = display_level
        self._stream = stream
        self.progress = Progress() if progress else None
        self._drawn = False
        self._drawn_once = False
        self._last_draw = 0.0

    @property
    def stream(self) -> IO[str]:
        return self._stream or sys.stderr

    def emit(self, record: logging.LogRecord) -> None:
        try:
            if record.levelno >= self.display_level:
                self._clear()
                self.stream.write(self.format(record) + "\n")
                if self._drawn_once:
                    self._draw(force=True)
            self.stream.flush()
        except Exception:  # pragma: no cover - logging must never break a run
            self.handleError(record)

    def on_event(self, event: events.Event) -> None:
        """Subscriber for :func:`scraper.pipeline.run`: redraw the progress line when it changed."""
        if self.progress is not None and self.progress.observe(event):
            self._draw()
            self.stream.flush()

    def _draw(self, force: bool = False) -> None:
        now = time.monotonic()
        if not force and self._drawn and now - self._last_draw < self.redraw_interval:
            return
        self.stream.write("\r\x1b[K" + self.progress.line()[: _terminal_width() - 1])
        self._drawn, self._drawn_once, self._last_draw = True, True, now

    def _clear(self) -> None:
        if self._drawn:
            self.stream.write("\r\x1b[K")
            self._drawn = False

    def finish(self) -> None:
        """Clear the progress line (the run summary takes its place) and start counting afresh."""
        self._clear()
        self._drawn_once = False
        if self.progress:
            self.progress = Progress(self.progress.clock)


def _level(verbose: int, quiet: bool) -> int:
    if quiet:
        return logging.WARNING
    return logging.DEBUG if verbose > 1 else logging.INFO if verbose else logging.WARNING


def setup_logging(
    verbose: int = 0,
    quiet: bool = False,
    log_json: bool = False,
    stream: IO[str] | None = None,
    progress: bool | None = None,
) -> ConsoleHandler:
    """Install the console handler on the root logger, replacing one set up earlier.

    ``progress=None`` shows the progress line when stderr is a terminal, at the default verbosity,
    without ``--log-json``.
    """
    display_level = _level(verbose, quiet)
    target = stream or sys.stderr
    if progress is None:
        progress = not (quiet or verbose or log_json) and _isatty(target)
    handler = ConsoleHandler(display_level, stream, progress=progress)
    handler.setFormatter(JsonFormatter() if log_json else logging.Formatter(TEXT_FORMAT))
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, ConsoleHandler)]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(display_level)
    # httpx logs each request at INFO: shown from -vv
    logging.getLogger("httpx").setLevel(logging.DEBUG if verbose > 1 else logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.DEBUG if verbose > 2 else logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.INFO if verbose else logging.WARNING)
    return handler


def _terminal_width() -> int:
    return shutil.get_terminal_size((100, 24)).columns


def _isatty(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


FAILURE_NAMES = {"page": "page", "listing": "listing page", "sitemap": "sitemap", "site": "site", "deadline": "time limit"}


def summary_text(path: Any, counts: dict[str, int], errors: int, seconds: float,
                 kinds: dict[str, int] | None = None) -> str:
    removed = f", {counts['releases_removed']} removed" if "releases_removed" in counts else ""
    not_modified = f" ({counts['pages_not_modified']} not modified)" if counts.get("pages_not_modified") else ""
    return (
        f"{path}: {counts['releases_new']} new, {counts['releases_updated']} updated, "
        f"{counts['releases_unchanged']} unchanged, {counts['releases_skipped']} older than --since{removed}; "
        f"{counts['pages_fetched']} pages{not_modified} in {counts['requests']} requests, "
        f"{errors} error{'' if errors == 1 else 's'}{_by_kind(kinds)}, {seconds:.1f} s"
    )


def _by_kind(kinds: dict[str, int] | None) -> str:
    """`` (2 pages, 1 listing page)``: what the errors were, by unit of failure (runs.error_log ``kind``)."""
    if not kinds:
        return ""
    parts = []
    for kind, count in kinds.items():
        name = FAILURE_NAMES.get(kind, kind)
        parts.append(f"{count} {name}" + ("s" if count != 1 and name != "time limit" else ""))
    return f" ({', '.join(parts)})"


SITE_OUTCOMES = {"ok": "ok", "partial": "partial (exit 3 if alone)", "failed": "unreachable (exit 4 if alone)"}


def site_lines(report: Any) -> list[str]:
    """One line per site of a run of several: its own outcome and its number of errors."""
    sites = getattr(report, "sites", None) or []
    if len(sites) < 2:
        return []
    errors: dict[str, int] = {}
    for error in report.errors:
        errors[error.get("site", "")] = errors.get(error.get("site", ""), 0) + 1
    width = max(len(site) for site in sites)
    return [f"  {site:<{width}}  {SITE_OUTCOMES[status]}"
            + (f", {errors[site]} error{'' if errors[site] == 1 else 's'}" if errors.get(site) else "")
            for site, status in report.site_statuses(sites).items()]


def echo_summary(path: Any, report: Any, seconds: float, quiet: bool = False, log_json: bool = False) -> None:
    """The one-line summary of a run (a JSON line with ``--log-json``), then its errors."""
    handler = next((h for h in logging.getLogger().handlers if isinstance(h, ConsoleHandler)), None)
    if handler:
        handler.finish()
    kinds = report.errors_by_kind() if hasattr(report, "errors_by_kind") else None
    text = summary_text(path, report.counts, len(report.errors), seconds, kinds)
    if log_json:
        if not quiet:
            record = logging.makeLogRecord({
                "name": "scraper.run", "levelno": logging.INFO, "levelname": "INFO", "msg": text,
                "fields": {"archive": str(path), "status": report.status, "errors": len(report.errors),
                           "errors_by_kind": kinds or {}, "seconds": round(seconds, 3), **report.counts,
                           **({"sites": report.site_statuses(report.sites)} if getattr(report, "sites", None) else {})},
            })
            click.echo(JsonFormatter().format(record), err=True)
        return  # each error is already a JSON log line from the pipeline
    if not quiet:
        click.echo(text, err=True)
        for line in site_lines(report):
            click.echo(line, err=True)
    for error in report.errors:
        click.echo(f"error: {error['url']}: {error['error']}", err=True)
