"""What a run prints: log lines (text or JSON), a progress line on a terminal, and the run summary.

* ``-q`` shows warnings and errors only, the default adds the run summary, ``-v`` logs every
  release and ``-vv`` every request.
* ``--log-json`` writes one JSON object per line (``time``, ``level``, ``logger``, ``message`` and,
  for the summary, the run's counts) for log collectors; the summary is then a JSON line too.
* On an interactive terminal (and only there, at the default verbosity) one status line is redrawn
  in place while a run works; under cron or systemd, where stderr is not a terminal, nothing but
  plain log lines is written.

The progress line follows log records (see :class:`Progress`), so the pipeline needs no
knowledge of the display.
"""

from __future__ import annotations

import json
import logging
import shutil
import sys
import time
from datetime import datetime, timezone
from typing import IO, Any, Callable

import click

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
PIPELINE_LOGGER = "scraper.pipeline"

# The pipeline's INFO message for each release stored: outcome, language, URL (scraper/pipeline.py).
STORED = "%s %s: %s"


def logging_options(command: Callable) -> Callable:
    """``-v/--verbose``, ``-q/--quiet`` and ``--log-json``, shared by the commands that collect."""
    command = click.option("--log-json", is_flag=True,
                           help="Log one JSON object per line (for log collectors).")(command)
    command = click.option("-q", "--quiet", is_flag=True, help="Only warnings and errors, no summary.")(command)
    command = click.option("-v", "--verbose", count=True, help="Log each release (-vv: each request).")(command)
    return command


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


class Progress:
    """A live status line for a run on a terminal: the site being collected, how many URLs it has to
    check, requests made so far, what happened to the releases, and the elapsed time.

    It follows log records rather than calls from the pipeline: httpx's INFO line per request, and
    the pipeline's INFO lines (URLs to check per site, one line per release stored or skipped) and
    its ERROR lines (one per failure). The pipeline therefore needs no knowledge of the display;
    there is no total to draw a bar against, because a run decides per URL whether to fetch it.
    """

    OUTCOMES = ("new", "updated", "unchanged", "skipped", "removed", "failed")

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.started = clock()
        self.site = ""
        self.to_check = 0
        self.requests = 0
        self.counts = dict.fromkeys(self.OUTCOMES, 0)

    def observe(self, record: logging.LogRecord) -> bool:
        """Update from a log record; True when it changed something shown."""
        args = record.args if isinstance(record.args, tuple) else ()
        msg = record.msg if isinstance(record.msg, str) else ""
        if record.name.startswith("httpx") and msg.startswith("HTTP Request"):
            self.requests += 1
        elif record.name != PIPELINE_LOGGER:
            return False
        elif record.levelno >= logging.ERROR:
            self.counts["failed"] += 1
        elif "release URLs" in msg and len(args) == 2:
            self.site, self.to_check = args
        elif msg == STORED and args and args[0] in self.counts:
            self.counts[args[0]] += 1
        elif "before --since" in msg:
            self.counts["skipped"] += 1
        elif msg.startswith("removed"):
            self.counts["removed"] += 1
        else:
            return False
        return True

    def line(self) -> str:
        parts = [f"{self.site}: {self.to_check} URLs to check" if self.site else "discovering",
                 f"{self.requests} requests"]
        done = ", ".join(f"{n} {name}" for name, n in self.counts.items() if n)
        if done:
            parts.append(done)
        parts.append(f"{self.clock() - self.started:.0f} s")
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
        self._last_draw = 0.0

    @property
    def stream(self) -> IO[str]:
        return self._stream or sys.stderr

    def emit(self, record: logging.LogRecord) -> None:
        try:
            redraw = self.progress.observe(record) if self.progress else False
            if record.levelno >= self.display_level:
                self._clear()
                self.stream.write(self.format(record) + "\n")
            if redraw:
                self._draw()
            self.stream.flush()
        except Exception:  # pragma: no cover - logging must never break a run
            self.handleError(record)

    def _draw(self) -> None:
        now = time.monotonic()
        if self._drawn and now - self._last_draw < self.redraw_interval:
            return
        self.stream.write("\r\x1b[K" + self.progress.line()[: _terminal_width() - 1])
        self._drawn, self._last_draw = True, now

    def _clear(self) -> None:
        if self._drawn:
            self.stream.write("\r\x1b[K")
            self._drawn = False

    def finish(self) -> None:
        """Clear the progress line (the run summary takes its place) and start counting afresh."""
        self._clear()
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
    root.setLevel(min(display_level, logging.INFO) if progress else display_level)
    # httpx logs each request at INFO: shown from -vv, counted by the progress line
    logging.getLogger("httpx").setLevel(logging.DEBUG if verbose > 1 else logging.INFO if progress else logging.WARNING)
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


def summary_text(path: Any, counts: dict[str, int], errors: int, seconds: float) -> str:
    removed = f", {counts['releases_removed']} removed" if "releases_removed" in counts else ""
    not_modified = f" ({counts['pages_not_modified']} not modified)" if counts.get("pages_not_modified") else ""
    return (
        f"{path}: {counts['releases_new']} new, {counts['releases_updated']} updated, "
        f"{counts['releases_unchanged']} unchanged, {counts['releases_skipped']} older than --since{removed}; "
        f"{counts['pages_fetched']} pages{not_modified} in {counts['requests']} requests, "
        f"{errors} errors, {seconds:.1f} s"
    )


def echo_summary(path: Any, report: Any, seconds: float, quiet: bool = False, log_json: bool = False) -> None:
    """The one-line summary of a run (a JSON line with ``--log-json``), then its errors."""
    handler = next((h for h in logging.getLogger().handlers if isinstance(h, ConsoleHandler)), None)
    if handler:
        handler.finish()
    text = summary_text(path, report.counts, len(report.errors), seconds)
    if log_json:
        if not quiet:
            record = logging.makeLogRecord({
                "name": "scraper.run", "levelno": logging.INFO, "levelname": "INFO", "msg": text,
                "fields": {"archive": str(path), "status": report.status, "errors": len(report.errors),
                           "seconds": round(seconds, 3), **report.counts},
            })
            click.echo(JsonFormatter().format(record), err=True)
        return  # each error is already a JSON log line from the pipeline
    if not quiet:
        click.echo(text, err=True)
    for error in report.errors:
        click.echo(f"error: {error['url']}: {error['error']}", err=True)
