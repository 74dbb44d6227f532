"""URL normalisation: one spelling per page."""

import pytest

from scraper.urls import normalize_url

BASE = "https://kazakhstan.iom.int/news/forum"


@pytest.mark.parametrize("url, expected", [
    (BASE, BASE),
    (BASE + "/", BASE),
    (BASE + "#comments", BASE),
    ("HTTPS://Kazakhstan.IOM.int/news/forum", BASE),
    ("https://kazakhstan.iom.int:443/news/forum", BASE),
    ("http://kazakhstan.iom.int:80/news/forum", "http://kazakhstan.iom.int/news/forum"),
    ("http://127.0.0.1:8765/news/forum/", "http://127.0.0.1:8765/news/forum"),
    (BASE + "?utm_source=fb&utm_medium=social", BASE),
    (BASE + "?fbclid=abc123", BASE),
    (BASE + "?gclid=1&page=2", BASE + "?page=2"),
    ("https://kazakhstan.iom.int/news?page=1&a=2", "https://kazakhstan.iom.int/news?a=2&page=1"),
    ("https://kazakhstan.iom.int/ru/news/%d0%b0", "https://kazakhstan.iom.int/ru/news/%D0%B0"),
    ("https://kazakhstan.iom.int/ru/news/а", "https://kazakhstan.iom.int/ru/news/%D0%B0"),
    ("https://kazakhstan.iom.int", "https://kazakhstan.iom.int/"),
    ("  " + BASE + "  ", BASE),
    ("mailto:info@iom.int", "mailto:info@iom.int"),
    (BASE + "?", BASE),
    (BASE + "?utm_campaign=x&mc_cid=1&mc_eid=2", BASE),
    (BASE + "?_ga=2.1&igshid=abc&yclid=9", BASE),
    (BASE + "/#", BASE),
    ("https://KAZAKHSTAN.iom.int/news/Forum", "https://kazakhstan.iom.int/news/Forum"),  # paths keep their case
    ("https://kazakhstan.iom.int/news?b=%20x&a=1", "https://kazakhstan.iom.int/news?a=1&b=+x"),
    ("https://kazakhstan.iom.int/kk/news/көші-қон", "https://kazakhstan.iom.int/kk/news/%D0%BA%D3%A9%D1%88%D1%96-%D2%9B%D0%BE%D0%BD"),
])
def test_normalize_url(url, expected):
    assert normalize_url(url) == expected
    assert normalize_url(expected) == expected


# The plain URLs that normalize_url spells without w3lib: the same spelling as the general rules.
_HOSTS = ["example.org", "a-b.example.co.uk", "127.0.0.1", "xn--80ak6aa92e.com", "localhost", "a" * 63 + ".org",
          "www.iom.int", "1.example", "kazakhstan.iom.int"]
_PORTS = ["", ":80", ":443", ":8765", ":1", ":9999"]
_PATHS = ["", "/", "/news", "/news/", "/a.b/c~d_e-f", "/.well-known/x", "/a/./b", "/a/../b", "/..", "/.", "/a..b",
          "/...", "/A/B", "/news//x", "/news/x.aspx", "/2024/05/14/slug/", "/-/_/~/", "/ru/novosti/zashchita"]
_PLAIN_URLS = [f"{scheme}://{host}{port}{path}" for scheme in ("http", "https") for host in _HOSTS
               for port in _PORTS for path in _PATHS]


def _fixture_urls() -> list[str]:
    from urllib.parse import urljoin

    from selectolax.lexbor import LexborHTMLParser
    from support.helpers import FIXTURES

    urls = set()
    for path in sorted(FIXTURES.rglob("*.html")):
        for node in LexborHTMLParser(path.read_text(encoding="utf-8")).css("a[href], link[href], img[src]"):
            value = node.attributes.get("href") or node.attributes.get("src") or ""
            urls.add(urljoin("https://kazakhstan.iom.int/news/page", value))
    return sorted(urls)


def test_plain_urls_are_spelt_as_the_general_rules_spell_them():
    from scraper.urls import _PLAIN, _canonicalize

    urls = _PLAIN_URLS + _fixture_urls()
    plain = [url for url in urls if _PLAIN.fullmatch(url)]
    assert len(plain) > len(urls) / 3  # the short way is taken, and often
    assert [normalize_url(url) for url in urls] == [_canonicalize(url) for url in urls]
