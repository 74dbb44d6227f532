"""Helpers of the Datasette plugin, on strings: which URLs may be links, version diffs, release bodies."""

from __future__ import annotations

import pytest

from archive.serve.links import safe_url
from archive.serve.pages import body_html, word_diff


@pytest.mark.parametrize("url, safe", [
    ("https://kazakhstan.iom.int/sites/report.pdf", True), ("http://example.org/x", True),
    ("HTTPS://EXAMPLE.ORG/", True), ("  https://example.org/a  ", True),
    ("javascript:alert(1)", False), (" JavaScript:alert(1)", False), ("data:text/html;base64,PHNjcmlwdD4=", False),
    ("vbscript:msgbox", False), ("//evil.example/x.png", False), ("/relative/path", False), ("ftp://x.org/f", False),
    ("https://", False), ("https://exa\nmple.org/", False), ("", False), (None, False), (42, False),
    ("http://[::1", False),
])
def test_only_http_urls_with_a_host_are_links(url, safe):
    assert (safe_url(url) is not None) is safe


def test_word_diff_marks_what_changed_and_escapes_the_rest():
    diff = word_diff("The <b>old</b> text stays.", "The <b>new</b> text stays. More.")
    assert "<del>&lt;b&gt;old&lt;/b&gt;</del><ins>&lt;b&gt;new&lt;/b&gt;</ins>" in diff
    assert diff.endswith("<ins> More.</ins>") and diff.startswith("The ")
    assert word_diff("same", "same") == "same"


def test_body_html_makes_paragraphs_and_lists():
    assert body_html("One.\n\nA\nB\n\n<script>") == "<p>One.</p>\n<ul><li>A</li><li>B</li></ul>\n<p>&lt;script&gt;</p>"
