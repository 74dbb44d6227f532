"""The fetcher's limits with httpx.MockTransport: robots.txt redirects, the Crawl-delay cap, the run's
deadline, a host that is down, and charsets that lie (the socket-level deadline per request is tested
end to end, against a server trickling bytes: tests/end_to_end/test_hostile_sites.py)."""

from __future__ import annotations

import httpx
import pytest

from scraper.fetch import FetchError, Fetcher, FetchSettings, RobotsDisallowed, RunDeadlineReached, decode_body
from scraper.fetch.client import HOST_DOWN_AFTER, implausible

ALLOWED = frozenset({"kazakhstan.iom.int", "www.iom.int"})
AGENT = "iom-archive/0.1 (+https://example.org)"


def fetcher_for(handler, clock=None, deadline=None, **settings):
    now = [0.0]
    slept: list[float] = []

    def sleep(seconds):
        slept.append(seconds)
        now[0] += seconds

    options = {"user_agent": AGENT, "allowed_hosts": ALLOWED, "request_delay": 0, "retries": 0, "backoff": 1.0,
               "obey_robots": False}
    options.update(settings)
    fetcher = Fetcher(FetchSettings(**options), transport=httpx.MockTransport(handler), sleep=sleep,
                      clock=clock or (lambda: now[0]), deadline=deadline)
    return fetcher, slept, now


def page(request, status=200, **headers):
    return httpx.Response(status, headers={"content-type": "text/html", **headers},
                          content=b"<html><body>ok</body></html>")


def test_robots_txt_redirects_are_followed_within_the_configured_hosts():
    seen = []

    def handler(request):
        seen.append(str(request.url))
        if request.url.path == "/robots.txt" and request.url.scheme == "http":
            return httpx.Response(301, headers={"location": "https://kazakhstan.iom.int/robots.txt"})
        if request.url.path == "/robots.txt":
            return httpx.Response(200, text="User-agent: *\nDisallow: /search/\n")
        return page(request)

    fetcher, _, _ = fetcher_for(handler, obey_robots=True)
    assert fetcher.get("http://kazakhstan.iom.int/news").status == 200
    with pytest.raises(RobotsDisallowed):
        fetcher.get("http://kazakhstan.iom.int/search/x")
    assert seen == ["http://kazakhstan.iom.int/robots.txt", "https://kazakhstan.iom.int/robots.txt",
                    "http://kazakhstan.iom.int/news"]


@pytest.mark.parametrize("location", ["http://169.254.169.254/robots.txt", "/robots.txt"])
def test_robots_txt_redirecting_off_site_or_in_a_loop_is_unavailable_so_everything_is_allowed(location):
    seen = []

    def handler(request):
        seen.append(request.url.host)
        if request.url.path == "/robots.txt":
            return httpx.Response(302, headers={"location": location})
        return page(request)

    fetcher, _, _ = fetcher_for(handler, obey_robots=True)
    assert fetcher.get("https://kazakhstan.iom.int/news").status == 200
    assert "169.254.169.254" not in seen


def test_crawl_delay_is_capped():
    def handler(request):
        if request.url.path == "/robots.txt":
            return httpx.Response(200, text="User-agent: *\nCrawl-delay: 86400\n")
        return page(request)

    fetcher, slept, _ = fetcher_for(handler, obey_robots=True, request_delay=1.0, max_crawl_delay=30.0)
    fetcher.get("https://kazakhstan.iom.int/a")
    fetcher.get("https://kazakhstan.iom.int/b")
    assert slept == [30.0, 30.0]


def test_no_request_starts_after_the_run_deadline_and_waits_never_pass_it():
    fetcher, slept, now = fetcher_for(page, deadline=10.0, request_delay=4.0)
    fetcher.get("https://kazakhstan.iom.int/a")  # t = 0
    fetcher.get("https://kazakhstan.iom.int/b")  # waits 4 s
    fetcher.get("https://kazakhstan.iom.int/c")  # t = 8
    with pytest.raises(RunDeadlineReached) as stopped:
        fetcher.get("https://kazakhstan.iom.int/d")  # would start at 12
    assert stopped.value.url == "https://kazakhstan.iom.int/d"
    assert sum(slept) <= 10.0
    assert not isinstance(stopped.value, Exception)  # no `except Exception` for one page swallows it


def test_a_retry_backoff_never_sleeps_past_the_run_deadline():
    fetcher, slept, _ = fetcher_for(lambda r: page(r, status=503), deadline=5.0, retries=3, backoff=4.0)
    with pytest.raises(RunDeadlineReached):
        fetcher.get("https://kazakhstan.iom.int/a")
    assert sum(slept) <= 5.0


def test_a_host_refusing_connections_fails_its_urls_at_once():
    calls = []

    def handler(request):
        calls.append(request.url.path)
        raise httpx.ConnectError("[Errno 111] Connection refused", request=request)

    fetcher, slept, _ = fetcher_for(handler, retries=5, backoff=2.0)
    with pytest.raises(FetchError, match="cannot connect"):
        fetcher.get("https://kazakhstan.iom.int/a")
    assert len(calls) == HOST_DOWN_AFTER  # its retries stop once the host is taken as down
    for path in ("/b", "/c", "/d"):
        with pytest.raises(FetchError, match="is down"):
            fetcher.get(f"https://kazakhstan.iom.int{path}")
    assert len(calls) == HOST_DOWN_AFTER
    with pytest.raises(FetchError, match="cannot connect"):  # another host is tried: it is not down
        fetcher.get("https://www.iom.int/news")
    assert calls[-1] == "/news"


RUSSIAN = "<html><body><p>Международная организация по миграции провела семинар для сотрудников " \
          "миграционной полиции по защите прав трудовых мигрантов в Алматы.</p></body></html>"


@pytest.mark.parametrize("encoding, header", [
    ("cp1251", "iso-8859-1"),
    ("cp1251", "windows-1252"),
    ("koi8-r", None),
    ("koi8-r", "windows-1251"),
    ("cp1251", None),
])
def test_cyrillic_decoded_with_the_wrong_code_page_is_detected(encoding, header):
    assert decode_body(RUSSIAN.encode(encoding), header) == RUSSIAN


@pytest.mark.parametrize("text, charset, wrong", [
    ("Ìåæäóíàðîäíàÿ îðãàíèçàöèÿ ïî ìèãðàöèè", "iso-8859-1", True),
    ("Élève à l'école, déjà été; Grüße aus Köln, Straße", "iso-8859-1", False),
    ("МЕЖДУНАРОДНАЯ ОРГАНИЗАЦИЯ ПО МИГРАЦИИ ПРОВЕЛА СЕМИНАР", "windows-1251", True),
    ("Международная организация по миграции провела семинар", "windows-1251", False),
])
def test_implausible_text(text, charset, wrong):
    assert implausible(text, charset) is wrong
