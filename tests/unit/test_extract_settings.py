"""The extractor's thresholds come from the settings object it is given, not from module globals."""

from __future__ import annotations

import dataclasses

import pytest

from scraper.extract import DEFAULT_SETTINGS, ExtractionSettings, extract
from scraper.extract.templates import MIN_PAGES, learned_template

URL = "https://x.iom.int/news/a"
LEAD = "A short standfirst of about sixty characters, before the body."
BODY = [
    "The first paragraph of the story, long enough to vote, with a comma, another comma, and more words here.",
    "The second paragraph of the story, also long enough, with commas, clauses, and a few more words to count.",
    "The third paragraph of the story, closing it, with commas, details, and enough words to be scored too.",
]


def page(body: str) -> str:
    return f"<!DOCTYPE html><html lang='en'><head><title>T</title></head><body>{body}</body></html>"


def scored_page_with_lead() -> str:
    """No known body selector: the body is found by scoring, with a lead paragraph just before it."""
    paragraphs = "".join(f"<p>{text}</p>" for text in BODY)
    return page(f"<main><h1>A story</h1><div class='wrap'><p>{LEAD}</p><div class='story'>{paragraphs}</div></div></main>")


def test_defaults_are_the_default_settings():
    html = scored_page_with_lead()
    assert extract(html, URL) == extract(html, URL, settings=DEFAULT_SETTINGS)
    assert extract(html, URL) == extract(html, URL, settings=ExtractionSettings())


def test_lead_min_chars_decides_whether_the_lead_paragraph_is_kept():
    assert 40 < len(LEAD) < DEFAULT_SETTINGS.lead_min_chars
    html = scored_page_with_lead()
    default = extract(html, URL)
    assert LEAD not in default.body
    assert default.body.startswith(BODY[0])
    shorter_leads = dataclasses.replace(DEFAULT_SETTINGS, lead_min_chars=40)
    relaxed = extract(html, URL, settings=shorter_leads)
    assert relaxed.body.split("\n\n") == [LEAD, *BODY]


def test_min_paragraph_chars_decides_which_block_is_scored_the_body():
    """Many short paragraphs in one block, two long ones in another: the short ones only vote
    when ``min_paragraph_chars`` lets them, and then they outvote the long ones."""
    lines = [f"Line {i}, one, two, three" for i in range(8)]
    assert all(10 <= len(line) < DEFAULT_SETTINGS.min_paragraph_chars for line in lines)
    short = "".join(f"<p>{line}</p>" for line in lines)
    long = "".join(f"<p>{text}</p>" for text in BODY[:2])
    html = page(f"<main><h1>A story</h1><div class='b'>{short}</div><div class='a'>{long}</div></main>")
    assert extract(html, URL).body.split("\n\n") == BODY[:2]
    looser = extract(html, URL, settings=dataclasses.replace(DEFAULT_SETTINGS, min_paragraph_chars=10))
    assert looser.body.split("\n\n") == lines


def test_max_caption_chars_bounds_a_caption_read_after_an_image():
    caption = "Migrants waiting at the border crossing near the town, in the early morning light."
    html = page(f"""<article><h1>A story</h1><div class="field--name-body">
        <img src="/photo.jpg" width="600"><span>{caption}</span><p>{BODY[0]}</p></div></article>""")
    assert extract(html, URL).images[0]["caption"] == caption
    tight = dataclasses.replace(DEFAULT_SETTINGS, max_caption_chars=len(caption) - 1)
    assert extract(html, URL, settings=tight).images[0]["caption"] == ""


def test_template_threshold_is_a_setting():
    counts = {"a": 5, "b": 3, "c": 1}
    assert MIN_PAGES == DEFAULT_SETTINGS.min_template_pages == 5
    assert learned_template(counts) == {"a"}
    assert learned_template(counts, settings=dataclasses.replace(DEFAULT_SETTINGS, min_template_pages=3)) == {"a", "b"}
    assert learned_template(counts, 1) == {"a", "b", "c"}


def test_settings_are_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        DEFAULT_SETTINGS.lead_min_chars = 1  # type: ignore[misc]
