"""The fetcher with httpx.MockTransport: host allow-list, redirects, retries, size cap, spacing."""

from __future__ import annotations

import httpx
import pytest

from scraper.fetch import (
    FetchError,
    Fetcher,
    FetchSettings,
    RobotsDisallowed,
    decode_body,
    looks_truncated,
    retry_after_seconds,
)

ALLOWED = frozenset({"kazakhstan.iom.int"})


def make(handler, **settings) -> tuple[Fetcher, list[float]]:
    slept: list[float] = []
    options = {"user_agent": "test-bot/1.0 (+https://example.org)", "allowed_hosts": ALLOWED,
               "request_delay": 0, "retries": 0, "backoff": 0.5, "obey_robots": False}
    options.update(settings)
    fetcher = Fetcher(FetchSettings(**options), transport=httpx.MockTransport(handler), sleep=slept.append)
    return fetcher, slept


def html(request, body="<html><body>ok</body></html>", status=200, **headers):
    return httpx.Response(status, headers={"content-type": "text/html; charset=utf-8", **headers}, content=body.encode())


def test_sends_the_configured_user_agent():
    seen = []
    fetcher, _ = make(lambda r: seen.append(r.headers["user-agent"]) or html(r))
    response = fetcher.get("https://kazakhstan.iom.int/news")
    assert response.status == 200 and response.is_html and "ok" in response.text
    assert seen == ["test-bot/1.0 (+https://example.org)"]


def test_hosts_outside_the_config_are_never_requested():
    calls = []
    fetcher, _ = make(lambda r: calls.append(r.url) or html(r))
    with pytest.raises(FetchError, match="www.example.com is not one of the configured sites"):
        fetcher.get("https://www.example.com/news")
    assert calls == []


def test_redirects_are_followed_within_configured_hosts_only():
    def handler(request):
        if request.url.path == "/old":
            return httpx.Response(301, headers={"location": "/news/new"})
        if request.url.path == "/away":
            return httpx.Response(302, headers={"location": "https://evil.example/x"})
        return html(request)

    fetcher, _ = make(handler)
    response = fetcher.get("https://kazakhstan.iom.int/old")
    assert response.url == "https://kazakhstan.iom.int/news/new"
    assert response.requested_url == "https://kazakhstan.iom.int/old"
    with pytest.raises(FetchError, match="evil.example is not one of the configured sites"):
        fetcher.get("https://kazakhstan.iom.int/away")


def test_redirect_loops_stop():
    fetcher, _ = make(lambda r: httpx.Response(302, headers={"location": "/loop"}))
    with pytest.raises(FetchError, match="more than 5 redirects"):
        fetcher.get("https://kazakhstan.iom.int/loop")


def test_transient_errors_are_retried_with_growing_backoff():
    statuses = iter([503, 502, 200])
    fetcher, slept = make(lambda r: html(r, status=next(statuses)), retries=2)
    assert fetcher.get("https://kazakhstan.iom.int/news").status == 200
    assert len(slept) == 2 and 0.5 <= slept[0] <= 0.75 and 1.0 <= slept[1] <= 1.5
    assert fetcher.requests_made == 3


def test_connection_errors_name_the_url_and_cause():
    def handler(request):
        raise httpx.ConnectError("[Errno 111] Connection refused")

    fetcher, _ = make(handler, retries=1)
    with pytest.raises(FetchError) as error:
        fetcher.get("https://kazakhstan.iom.int/news")
    assert str(error.value) == "https://kazakhstan.iom.int/news: cannot connect (connection refused)"
    assert fetcher.requests_made == 2


def test_oversized_responses_are_abandoned():
    fetcher, _ = make(lambda r: html(r, body="x" * 5000), max_page_bytes=1000)
    with pytest.raises(FetchError, match="larger than 1000 bytes"):
        fetcher.get("https://kazakhstan.iom.int/big")


def test_requests_to_one_host_are_spaced_by_the_delay():
    now = [100.0]
    slept: list[float] = []

    def sleep(seconds):
        slept.append(seconds)
        now[0] += seconds

    settings = FetchSettings(user_agent="b", allowed_hosts=ALLOWED, request_delay=2.0, retries=0, obey_robots=False)
    fetcher = Fetcher(settings, transport=httpx.MockTransport(html), sleep=sleep, clock=lambda: now[0])
    for _ in range(3):
        fetcher.get("https://kazakhstan.iom.int/news")
        now[0] += 0.5
    assert slept == [1.5, 1.5]


def test_conditional_headers_are_sent():
    seen = {}

    def handler(request):
        seen.update(request.headers)
        return httpx.Response(304)

    fetcher, _ = make(handler)
    assert fetcher.get("https://kazakhstan.iom.int/n", etag='"abc"', last_modified="Tue, 01 Nov 2022 00:00:00 GMT").status == 304
    assert seen["if-none-match"] == '"abc"' and seen["if-modified-since"].startswith("Tue")


@pytest.mark.parametrize("content, header, expected", [
    ("Миграция".encode("utf-8"), "utf-8", "Миграция"),
    ("Миграция".encode("cp1251"), "windows-1251", "Миграция"),
    ('<meta charset="windows-1251">Миграция'.encode("cp1251"), None, '<meta charset="windows-1251">Миграция'),
    (b"\xef\xbb\xbfBOM", "latin-1", "BOM"),
    ("Қазақстан".encode("utf-8"), "no-such-charset", "Қазақстан"),
    ("Қазақстан, миграция".encode("utf-8"), "windows-1251", "Қазақстан, миграция"),  # wrong header
    ("Миграция в Казахстане".encode("cp1251"), "utf-8", "Миграция в Казахстане"),  # wrong header
    ("Миграция".encode("cp1251"), None, "Миграция"),  # no charset anywhere
])
def test_decode_body(content, header, expected):
    assert decode_body(content, header) == expected


ROBOTS = "User-agent: *\nDisallow: /admin/\n\nUser-agent: iom-archive\nDisallow: /search/\nCrawl-delay: 3\n"


def robots_site(robots_status=200, robots_body=ROBOTS):
    calls: list[str] = []

    def handler(request):
        calls.append(request.url.path)
        if request.url.path == "/robots.txt":
            return httpx.Response(robots_status, text=robots_body)
        return html(request)

    return handler, calls


def test_robots_txt_is_read_once_and_obeyed_for_our_agent():
    handler, calls = robots_site()
    fetcher, _ = make(handler, obey_robots=True, user_agent="iom-archive/0.1 (+https://example.org)")
    fetcher.get("https://kazakhstan.iom.int/news")
    with pytest.raises(RobotsDisallowed, match="disallowed by the site's robots.txt"):
        fetcher.get("https://kazakhstan.iom.int/search/node?keys=x")
    fetcher.get("https://kazakhstan.iom.int/admin/x")  # only disallowed for other agents
    assert calls == ["/robots.txt", "/news", "/admin/x"]


def test_crawl_delay_raises_the_spacing_between_requests():
    handler, _ = robots_site()
    now = [0.0]
    slept: list[float] = []

    def sleep(seconds):
        slept.append(seconds)
        now[0] += seconds

    settings = FetchSettings(user_agent="iom-archive/0.1", allowed_hosts=ALLOWED, request_delay=1.0, retries=0)
    fetcher = Fetcher(settings, transport=httpx.MockTransport(handler), sleep=sleep, clock=lambda: now[0])
    fetcher.get("https://kazakhstan.iom.int/a")
    fetcher.get("https://kazakhstan.iom.int/b")
    assert slept == [3.0, 3.0]  # robots.txt -> /a -> /b, each at the Crawl-delay (3 s > 1 s config)


@pytest.mark.parametrize("status, allowed", [(404, True), (410, True), (503, False)])
def test_robots_txt_errors_follow_rfc_9309(status, allowed):
    handler, calls = robots_site(robots_status=status, robots_body="")
    fetcher, _ = make(handler, obey_robots=True)
    if allowed:
        assert fetcher.get("https://kazakhstan.iom.int/news").status == 200
    else:
        with pytest.raises(RobotsDisallowed):
            fetcher.get("https://kazakhstan.iom.int/news")
        assert calls == ["/robots.txt"]


def test_retry_after_is_honoured():
    responses = iter([httpx.Response(429, headers={"retry-after": "7"}), None])

    def handler(request):
        return next(responses) or html(request)

    fetcher, slept = make(handler, retries=1)
    assert fetcher.get("https://kazakhstan.iom.int/news").status == 200
    assert slept == [7.0]


@pytest.mark.parametrize("value, expected", [
    ("120", 120.0), ("100000", 300.0), (None, None), ("soon", None),
    ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0),
])
def test_retry_after_values(value, expected):
    assert retry_after_seconds(value, now=2_000_000_000) == expected


def test_truncated_html_is_retried_then_reported():
    bodies = iter(["<html><body><p>half a pa", "<html><body><p>whole</p></body></html>"])
    fetcher, slept = make(lambda r: html(r, body=next(bodies)), retries=1)
    assert "whole" in fetcher.get("https://kazakhstan.iom.int/news").text
    fetcher, _ = make(lambda r: html(r, body="<html><body><p>cut"), retries=0)
    with pytest.raises(FetchError, match="truncated response"):
        fetcher.get("https://kazakhstan.iom.int/news")


@pytest.mark.parametrize("content, kind, truncated", [
    (b"<html><body>x</body></html>", "text/html", False),
    (b"<html><body>x", "text/html", True),
    (b"%PDF-1.4", "application/pdf", False),
    (b"", "text/html", False),
])
def test_looks_truncated(content, kind, truncated):
    assert looks_truncated(content, kind) is truncated
