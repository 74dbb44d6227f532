"""Which failed listing pages a run walks again (scraper.pipeline.plan.listing_retries), from the error
logs of earlier runs, and how a run after one cut by its time limit carries on."""

from __future__ import annotations

from datetime import date

import pytest

from archive.store import Archive
from scraper.config import parse_config
from scraper.discover import ListingResume
from scraper.pipeline.plan import RunOptions, listing_retries, plan_run

CONFIG = parse_config("""
sites:
  - key: kz
    base_url: https://kazakhstan.iom.int
    languages: {en: "", ru: /ru, kk: /kk}
""")
PAGE = "https://kazakhstan.iom.int/ru/news?page=3"


def listing_failure(url=PAGE, since="2024-01-01", lang="ru"):
    return {"url": url, "error": "listing page not read (HTTP 503)", "kind": "listing", "site": "kz", "lang": lang,
            "since": since}


@pytest.fixture
def archive(tmp_path):
    with Archive(tmp_path / "archive.db") as opened:
        yield opened


def record(archive, errors=(), status=None, sites=(), langs=(), since_used=None):
    run_id = archive.start_run({"since": None, "since_used": since_used, "incremental": False,
                                "sites": list(sites), "langs": list(langs)})
    archive.finish_run(run_id, status or ("partial" if errors else "ok"), {}, list(errors))


def test_a_failed_listing_page_is_walked_again_with_the_window_it_failed_in(archive):
    record(archive, [listing_failure()])
    assert listing_retries(archive, CONFIG) == {"kz": (ListingResume(PAGE, "ru", date(2024, 1, 1)),)}


def test_a_listing_page_of_the_whole_listing_keeps_no_since(archive):
    record(archive, [listing_failure(since="")])
    assert listing_retries(archive, CONFIG)["kz"][0].since is None


def test_a_later_run_that_covered_it_without_failing_settles_it(archive):
    record(archive, [listing_failure()])
    record(archive)
    assert listing_retries(archive, CONFIG) == {}


@pytest.mark.parametrize("later", [
    {"sites": ["other"]},
    {"langs": ["en"]},
    {"errors": [{"url": "https://kazakhstan.iom.int/news", "error": "site kz unreachable", "kind": "site", "site": "kz"}]},
    {"errors": [{"url": "https://kazakhstan.iom.int/news/x", "error": "time limit", "kind": "deadline", "site": "kz"}]},
    {"status": "interrupted"},
])
def test_a_later_run_that_did_not_walk_it_leaves_it_pending(archive, later):
    record(archive, [listing_failure()])
    record(archive, **later)
    assert PAGE in {page.url for page in listing_retries(archive, CONFIG).get("kz", ())}


def test_entries_of_older_versions_are_recognised_by_their_url_and_take_their_runs_window(archive):
    record(archive, [{"url": PAGE, "error": "listing page not read (HTTP 500)"}], since_used="2023-05-01")
    assert listing_retries(archive, CONFIG) == {"kz": (ListingResume(PAGE, "ru", date(2023, 5, 1)),)}


def test_release_pages_and_other_sites_urls_are_not_listing_retries(archive):
    record(archive, [{"url": "https://kazakhstan.iom.int/ru/news/a-release", "error": "HTTP 500", "kind": "page"},
                     {"url": "https://www.iom.int/news?page=2", "error": "HTTP 500", "kind": "listing"}])
    assert listing_retries(archive, CONFIG) == {}


def test_a_run_after_one_cut_by_its_time_limit_carries_on_with_its_window(archive):
    deadline = {"url": "https://kazakhstan.iom.int/news/x", "error": "time limit", "kind": "deadline", "site": "kz"}
    record(archive, [deadline], since_used="2024-03-01")
    plan = plan_run(CONFIG, archive, RunOptions())
    assert (plan.since, plan.incremental, plan.carries_on) == (date(2024, 3, 1), False, True)
    record(archive)  # that one finished
    plan = plan_run(CONFIG, archive, RunOptions())
    assert plan.incremental and not plan.carries_on
