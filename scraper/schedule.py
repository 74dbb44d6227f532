"""``scrape schedule``: run collection on a crontab schedule until SIGTERM or SIGINT.

Built on APScheduler 3.x (``BlockingScheduler``) with three deliberate choices:

* **Cron semantics.** APScheduler 3 numbers weekdays 0 = Monday, cron 0 (and 7) = Sunday, and it
  ANDs a restricted day-of-month with a restricted day-of-week where cron ORs them.
  :func:`crontab_trigger` translates, so a crontab line means exactly what it means to cron.
* **One run at a time, in the main thread.** Jobs run inline (APScheduler's ``DebugExecutor``), so
  runs cannot overlap; a run that outlasts its interval delays the next one, missed fire times are
  coalesced into one run, and a run later than the misfire grace time is skipped with a warning.
* **Clean shutdown.** The first SIGTERM/SIGINT raises :class:`Shutdown` in the main thread. During
  a run, that abandons it: the release being written is rolled back (each is one transaction), the
  pipeline records the run as ``interrupted``, and the next run collects what is missing. Between
  runs, it ends the scheduler's wait. Either way the scheduler then stops and ``start()`` returns.
  Further signals while stopping are ignored.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from dataclasses import replace
from datetime import datetime, timedelta, tzinfo
from pathlib import Path
from threading import TIMEOUT_MAX
from typing import Any, Callable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import tzlocal

from apscheduler.executors.debug import DebugExecutor
from apscheduler.schedulers.base import STATE_STOPPED
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.combining import OrTrigger
from apscheduler.triggers.cron import CronTrigger

from archive.errors import IomArchiveError
from scraper import pipeline
from scraper.config import Config
from scraper.pipeline import RunOptions, RunReport

log = logging.getLogger(__name__)

CRON_WEEKDAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")  # cron: 0 and 7 are Sunday
DEFAULT_MISFIRE_GRACE = 3600
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


class Shutdown(BaseException):
    """Raised inside a run when a stop signal arrives (a BaseException, like KeyboardInterrupt,
    so no ``except Exception`` on the way swallows it)."""


def _cron_day(text: str) -> int:
    text = text.strip().lower()
    if text.isdigit() and 0 <= int(text) <= 7:
        return int(text)
    if text[:3] in CRON_WEEKDAYS and len(text) == 3:
        return CRON_WEEKDAYS.index(text)
    raise ValueError(f"{text!r} is not a weekday (0-7 or sun-sat; 0 and 7 are Sunday)")


def cron_weekdays(field: str) -> str:
    """A crontab day-of-week field as APScheduler 3 day names: ``"0"`` -> ``"sun"``, ``"1-5"`` ->
    ``"mon,tue,wed,thu,fri"``, ``"*/2"`` -> ``"tue,thu,sat,sun"``; ``"*"`` stays ``"*"``."""
    if field == "*":
        return "*"
    days: set[int] = set()
    for part in field.split(","):
        span, slash, step_text = part.partition("/")
        step = int(step_text) if step_text.isdigit() else None
        if slash and not step:
            raise ValueError(f"{part!r}: the step after '/' must be a positive number")
        if span == "*":
            first, last = 0, 6
        elif "-" in span:
            first, last = (_cron_day(bound) for bound in span.split("-", 1))
        else:
            first = _cron_day(span)
            last = 7 if slash else first  # cron reads "1/2" as "1-7/2"
        if first > last:
            raise ValueError(f"{part!r}: a range must go from a smaller to a larger day")
        days.update(day % 7 for day in range(first, last + 1, step or 1))
    return ",".join(CRON_WEEKDAYS[day] for day in sorted(days, key=lambda day: (day - 1) % 7))


def crontab_trigger(expression: str, timezone: Any = None) -> BaseTrigger:
    """An APScheduler trigger that fires when cron would run ``expression`` (five fields)."""
    fields = expression.split()
    if len(fields) != 5:
        raise ValueError(f"{expression!r}: a crontab expression has five fields (minute hour day month weekday)")
    minute, hour, day, month, weekday = fields
    weekday = cron_weekdays(weekday)
    common = {"minute": minute, "hour": hour, "month": month, "timezone": timezone}
    if not day.startswith("*") and not weekday.startswith("*"):
        # cron: when both day fields are restricted, a time matching EITHER of them runs
        return OrTrigger([CronTrigger(day=day, **common), CronTrigger(day_of_week=weekday, **common)])
    return CronTrigger(day=day, day_of_week=weekday, **common)


def time_zone(name: str | None) -> tzinfo:
    """The named IANA time zone, or the machine's; ValueError for an unknown name."""
    if not name:
        return tzlocal.get_localzone()  # what APScheduler itself uses by default
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"{name!r} is not a time zone name such as Europe/Berlin or Asia/Almaty") from None


def collection_job(
    config: Config,
    archive_path: str | Path,
    options: RunOptions,
    on_report: Callable[[RunReport, float], None],
    days: int | None = None,
    zone: tzinfo | None = None,
) -> Callable[[], None]:
    """The scheduled job: one :func:`scraper.pipeline.run`, then ``on_report(report, seconds)``.

    With ``days``, each run collects releases from the last ``days`` days (``since`` is computed
    when the run starts). A run refused because the archive is busy or unusable is logged and
    skipped; the next scheduled run tries again.
    """

    def collect() -> None:
        started = time.monotonic()
        run_options = replace(options, since=datetime.now(zone).date() - timedelta(days=days)) if days else options
        try:
            report = pipeline.run(config, archive_path, run_options)
        except IomArchiveError as exc:
            log.error("run skipped: %s", exc)
            return
        on_report(report, time.monotonic() - started)

    return collect


def next_fire_times(trigger: BaseTrigger, count: int, now: datetime) -> list[datetime]:
    """The next ``count`` times ``trigger`` fires after ``now`` (an aware datetime)."""
    times: list[datetime] = []
    previous = None
    while len(times) < count:
        fire = trigger.get_next_fire_time(previous, now)
        if fire is None:
            break
        times.append(fire)
        previous, now = fire, fire + timedelta(microseconds=1)
    return times


class _Scheduler(BlockingScheduler):
    """A BlockingScheduler whose loop also ends when ``stop_requested`` is set (checked after each
    round of job processing). A run can thus end the loop without calling ``shutdown()`` from inside
    APScheduler's job processing, which would empty the job store while it is being updated, and a
    signal handler only sets a flag (no lock is taken inside a handler)."""

    stop_requested = False

    def _main_loop(self) -> None:  # BlockingScheduler._main_loop (APScheduler 3.11) plus the flag
        wait_seconds = TIMEOUT_MAX
        while self.state != STATE_STOPPED and not self.stop_requested:
            self._event.wait(wait_seconds)
            self._event.clear()
            if self.stop_requested:
                break
            wait_seconds = self._process_jobs()


class Scheduled:
    """Run ``job`` on ``trigger`` until a stop signal; see the module docstring for the rules.

    ``run_now`` adds one run at start-up. The job may call :meth:`stop` to end the schedule after
    it returns. Signals are handled only while :meth:`start` runs in the main thread.
    """

    def __init__(
        self,
        job: Callable[[], Any],
        trigger: BaseTrigger,
        misfire_grace_time: int = DEFAULT_MISFIRE_GRACE,
        run_now: bool = False,
        timezone: Any = None,
    ):
        self.job = job
        self.trigger = trigger
        self.misfire_grace_time = misfire_grace_time
        self.run_now = run_now
        self.scheduler = _Scheduler(executors={"default": DebugExecutor()},
                                    **({"timezone": timezone} if timezone else {}))
        self.in_run = False
        self.interrupted_runs = 0

    @property
    def stopping(self) -> bool:
        return self.scheduler.stop_requested

    def start(self) -> None:
        """Block until stopped. Installs SIGTERM/SIGINT handlers and restores the old ones after."""
        self.scheduler.add_job(
            self._run_job, self.trigger, id="collect", name="collect", max_instances=1, coalesce=True,
            misfire_grace_time=self.misfire_grace_time,
        )
        if self.run_now:
            self.scheduler.add_job(self._run_job, id="collect-now", name="collect (at start)",
                                   misfire_grace_time=None)
        previous = {}
        if threading.current_thread() is threading.main_thread():
            previous = {sig: signal.signal(sig, self._on_signal) for sig in STOP_SIGNALS}
        try:
            self.scheduler.start()
        except Shutdown:  # a signal while waiting for the next run
            pass
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            if self.scheduler.running:
                self.scheduler.shutdown(wait=False)

    def stop(self) -> None:
        """End the schedule once the current round of runs is over (call it from the job)."""
        self.scheduler.stop_requested = True

    def _on_signal(self, signum: int, frame: Any) -> None:
        name = signal.Signals(signum).name
        if self.stopping:
            log.warning("received %s while stopping; ignored", name)
            return
        self.stop()
        log.warning("received %s: stopping%s", name, " (abandoning the release being collected)" if self.in_run else "")
        raise Shutdown(signum)  # ends the run in progress, or the scheduler's wait

    def _run_job(self) -> None:
        if self.stopping:
            return
        try:
            self.in_run = True
            self.job()
        except Shutdown:
            self.interrupted_runs += 1
            log.warning("run interrupted by a stop signal; the next run collects what is missing")
        except Exception:
            log.exception("the scheduled run failed; trying again at the next scheduled time")
        finally:
            self.in_run = False
