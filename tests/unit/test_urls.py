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
