"""`scrape schedule`: crontab lines mean what they mean to cron; runs happen one at a time; a signal
stops the scheduler cleanly, mid-run or between runs, and a real interrupted run leaves a consistent
archive that the next run completes."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import threading
import time
from datetime import datetime, timezone

import pytest
from apscheduler.triggers.interval import IntervalTrigger

from support.helpers import load_golden, query, scrape, write_config
from scraper.schedule import Scheduled, cron_weekdays, crontab_trigger, next_fire_times

GOLDEN = load_golden()["releases"]
WEDNESDAY = datetime(2026, 1, 7, 12, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize("field, expected", [
    ("*", "*"),
    ("0", "sun"),
    ("7", "sun"),
    ("1", "mon"),
    ("1-5", "mon,tue,wed,thu,fri"),
    ("5-7", "fri,sat,sun"),
    ("0-2", "mon,tue,sun"),
    ("*/2", "tue,thu,sat,sun"),
    ("1/3", "mon,thu,sun"),
    ("sun,6", "sat,sun"),
    ("MON-wed", "mon,tue,wed"),
])
def test_cron_weekday_numbers_become_day_names(field, expected):
    assert cron_weekdays(field) == expected


@pytest.mark.parametrize("field", ["8", "5-1", "*/0", "funday", "1-"])
def test_bad_weekday_fields_are_errors(field):
    with pytest.raises(ValueError):
        cron_weekdays(field)


def fires(expression: str, count: int = 6) -> list[datetime]:
    return next_fire_times(crontab_trigger(expression, timezone="UTC"), count, WEDNESDAY)


def test_zero_is_sunday_as_in_cron():
    assert [t.strftime("%a %H:%M") for t in fires("0 2 * * 0", 3)] == ["Sun 02:00"] * 3
    assert fires("0 2 * * 0") == fires("0 2 * * 7") == fires("0 2 * * sun")


def test_weekday_ranges_and_steps():
    assert {t.strftime("%a") for t in fires("30 2 * * 1-5", 10)} == {"Mon", "Tue", "Wed", "Thu", "Fri"}
    assert {t.strftime("%a") for t in fires("0 9 * * */2", 8)} == {"Sun", "Tue", "Thu", "Sat"}


def test_day_of_month_or_weekday_as_in_cron():
    times = fires("0 3 1 * 1", 8)  # the 1st of the month OR any Monday
    assert all(t.day == 1 or t.strftime("%a") == "Mon" for t in times)
    assert any(t.day == 1 and t.strftime("%a") != "Mon" for t in times)
    assert sum(t.strftime("%a") == "Mon" for t in times) >= 4


def test_daily_default_schedule():
    assert [t.isoformat() for t in fires("30 2 * * *", 2)] == ["2026-01-08T02:30:00+00:00", "2026-01-09T02:30:00+00:00"]


def test_schedule_next_prints_the_coming_runs(tmp_path):
    config = write_config(tmp_path, "http://127.0.0.1:9", schedule="0 2 * * 0")
    result = scrape("schedule", "--config", str(config), "--timezone", "UTC", "--next", "3")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == 3 and all(line.startswith("Sun ") and line.endswith(" 02:00 UTC") for line in lines)


def kill_soon(signum: int, delay: float) -> None:
    threading.Timer(delay, os.kill, (os.getpid(), signum)).start()


def test_runs_one_at_a_time_and_a_signal_interrupts_the_current_run():
    starts, ends, overlaps, settings = [], [], [], []
    busy = threading.Lock()

    def job():
        if not busy.acquire(blocking=False):
            overlaps.append(time.monotonic())
        starts.append(time.monotonic())
        if len(starts) == 1:
            settings.append(scheduled.scheduler.get_job("collect"))
        if len(starts) == 4:
            kill_soon(signal.SIGINT, 0.05)  # arrives while this run sleeps
        try:
            time.sleep(0.25)  # longer than the interval
        finally:
            ends.append(time.monotonic())
            busy.release()

    previous = signal.getsignal(signal.SIGINT)
    scheduled = Scheduled(job, IntervalTrigger(seconds=0.1), misfire_grace_time=30)
    began = time.monotonic()
    scheduled.start()
    elapsed = time.monotonic() - began
    assert elapsed < 3
    assert len(starts) == 4 and not overlaps
    assert all(later >= earlier for earlier, later in zip(ends, starts[1:]))  # each starts after the last ended
    assert ends[-1] - starts[-1] < 0.2  # the fourth run was cut short by the signal
    assert scheduled.interrupted_runs == 1 and not scheduled.scheduler.running
    (job_settings,) = settings
    assert (job_settings.coalesce, job_settings.max_instances, job_settings.misfire_grace_time) == (True, 1, 30)
    assert signal.getsignal(signal.SIGINT) is previous


def test_a_signal_between_runs_stops_without_interrupting_one():
    runs = []

    def job():
        runs.append(time.monotonic())
        if len(runs) == 2:
            kill_soon(signal.SIGTERM, 0.1)  # this run takes no time: the signal comes while idle

    previous = signal.getsignal(signal.SIGTERM)
    scheduled = Scheduled(job, IntervalTrigger(seconds=0.3), run_now=True)
    began = time.monotonic()
    scheduled.start()
    assert time.monotonic() - began < 2
    assert len(runs) == 2 and scheduled.interrupted_runs == 0
    assert signal.getsignal(signal.SIGTERM) is previous


def test_a_failing_run_does_not_stop_the_schedule():
    runs = []

    def job():
        runs.append(1)
        if len(runs) == 1:
            raise RuntimeError("site down")
        scheduled.stop()

    scheduled = Scheduled(job, IntervalTrigger(seconds=0.05))
    scheduled.start()
    assert len(runs) == 2


def stored_pages(db) -> int:
    try:
        return query(db, "SELECT count(*) FROM pages")[0][0] if db.exists() else 0
    except sqlite3.OperationalError:  # the archive is being created
        return 0


def test_sigterm_during_a_real_run_leaves_a_consistent_archive(server, tmp_path):
    """`scrape schedule --run-now` in a subprocess, stopped by SIGTERM in the middle of its run."""
    executable = shutil.which("scrape")
    assert executable, "the `scrape` console script is not installed (pip install -e .)"
    config = write_config(tmp_path, server.base_url, request_delay=0.05)
    db = tmp_path / "archive.db"
    process = subprocess.Popen([executable, "schedule", "--config", str(config), "--run-now"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if stored_pages(db) >= 3:
                break
            time.sleep(0.05)
        else:
            pytest.fail("the scheduled run stored no pages")
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=10)
    finally:
        process.kill()
    assert process.returncode == 0, stderr
    assert "stopped" in stderr and "interrupted" in stderr
    (run,) = query(db, "SELECT status, finished_at FROM runs")
    assert run["status"] == "interrupted" and run["finished_at"]
    assert query(db, "SELECT count(*) FROM releases")[0][0] < len(GOLDEN)
    assert query(db, "SELECT count(*) FROM releases r WHERE NOT EXISTS "
                     "(SELECT 1 FROM release_versions v WHERE v.release_id = r.id)")[0][0] == 0
    again = scrape("run", "--config", str(write_config(tmp_path, server.base_url)))  # no delay now
    assert again.exit_code == 0, again.output
    assert query(db, "SELECT count(*), count(DISTINCT url) FROM releases")[0][:] == (len(GOLDEN), len(GOLDEN))


def test_collection_job_with_days_collects_a_rolling_window(server, tmp_path):
    from datetime import date

    from scraper.config import load_config
    from scraper.pipeline import RunOptions
    from scraper.schedule import collection_job

    config = load_config(write_config(tmp_path, server.base_url))
    days = (datetime.now(timezone.utc).date() - date(2024, 1, 1)).days  # the window starts on 2024-01-01
    reports = []
    job = collection_job(config, tmp_path / "archive.db", RunOptions(langs=("kk",)),
                         on_report=lambda report, seconds: reports.append(report), days=days, zone=timezone.utc)
    job()
    (report,) = reports
    (run,) = query(tmp_path / "archive.db", "SELECT arguments FROM runs")
    assert json.loads(run["arguments"])["since"] == "2024-01-01"
    expected = [r for r in GOLDEN if r["lang"] == "kk" and str(r["date"]) >= "2024-01-01"]
    assert expected and report.counts["releases_new"] == len(expected)


def test_collection_job_skips_a_run_while_the_archive_is_locked(tmp_path, caplog):
    from archive.lock import ArchiveLock
    from scraper.config import load_config
    from scraper.pipeline import RunOptions
    from scraper.schedule import collection_job

    config = load_config(write_config(tmp_path, "http://127.0.0.1:9"))
    reports = []
    job = collection_job(config, tmp_path / "archive.db", RunOptions(), on_report=lambda *args: reports.append(args))
    with ArchiveLock(tmp_path / "archive.db"):
        job()
    assert reports == [] and "run skipped" in caplog.text
