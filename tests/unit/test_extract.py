"""Extraction of single pages: what a release page turns into, without any network."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from scraper.config import Hints
from scraper.extract import ExtractionError, extract, text_blocks
from selectolax.lexbor import LexborHTMLParser

PAGES = Path(__file__).parent.parent / "fixtures" / "pages"
SEED_URL = "https://kazakhstan.iom.int/news/forum-adoption-separate-law-combating-human-trafficking-republic-kazakhstan-was-held-astana"
MENU_TEXT = [
    "Who We Are", "WHO WE ARE", "IOM has had a presence in the Republic of Kazakhstan since 2002.", "IOM Global",
    "Our Work", "Cross-cutting (Global)", "Data and Resources", "Take Action", "2030 Agenda", "International Organization for Migration 2024",
]


@pytest.fixture(scope="module")
def seed():
    html = (PAGES / "seed-forum.html").read_text(encoding="utf-8")
    title, _, body = (PAGES / "seed-forum.expected.txt").read_text(encoding="utf-8").partition("\n\n")
    return extract(html, SEED_URL + "?utm_source=newsletter"), title, body.strip()


def test_seed_page_body_is_exactly_the_release(seed):
    extracted, _, body = seed
    assert extracted.body == body


@pytest.mark.parametrize("text", MENU_TEXT)
def test_seed_page_menu_does_not_leak(seed, text):
    assert text not in seed[0].body


def test_seed_page_metadata(seed):
    extracted, title, _ = seed
    assert extracted.title == title
    assert extracted.published_date == date(2022, 11, 2)
    assert extracted.date_source == "meta" or extracted.date_source == "visible"
    assert extracted.lang == "en"
    assert extracted.url == SEED_URL
    assert extracted.dateline == "Astana"
    assert extracted.node_id == "1234"
    assert extracted.alternates["ru"].startswith("https://kazakhstan.iom.int/ru/news/")
    assert extracted.word_count > 250


def page(body: str, head: str = "", lang: str = "en") -> str:
    return f"<!DOCTYPE html><html lang='{lang}'><head>{head}</head><body>{body}</body></html>"


def test_lists_keep_one_item_per_line_and_paragraphs_a_blank_line():
    html = page("""<article><h1>Training for border officials</h1><div class="field--name-body">
        <p>First   paragraph&nbsp;with <strong>bold</strong> text.</p><p>&nbsp;</p>
        <ul><li>one</li><li>two <em>items</em></li></ul><p>Last<br>line</p></div></article>""")
    extracted = extract(html, "https://x.iom.int/news/a")
    assert extracted.body == "First paragraph with bold text.\n\none\ntwo items\n\nLast\nline"


def test_title_is_not_repeated_at_the_top_of_the_body():
    html = page("""<article><h1>Same title</h1><div class="field--name-body"><h2>Same title</h2>
        <p>The text of the release that follows the repeated title.</p></div></article>""")
    assert extract(html, "https://x.iom.int/news/a").body == "The text of the release that follows the repeated title."


def test_body_found_without_known_selectors_by_scoring():
    paragraphs = "".join(f"<p>Paragraph {i}, with enough words, commas, and content to score well here.</p>" for i in range(5))
    html = page(f"""<div class="top"><div class="links"><a href="/a">Home</a> <a href="/b">About us, who we are</a></div></div>
        <div class="x1"><div class="x2"><h1>Untemplated page</h1><div class="x3">{paragraphs}</div></div></div>
        <div class="bottom"><p><a href="/c">Some long link text in the bottom area of the page, many words</a></p></div>""")
    extracted = extract(html, "https://x.iom.int/news/a")
    assert extracted.body.startswith("Paragraph 0,") and extracted.body.endswith("score well here.")
    assert "Home" not in extracted.body and "bottom area" not in extracted.body


def test_config_hint_is_used_when_it_matches():
    html = page("""<div class="story"><h1>Hinted</h1><div class="custom-text"><p>Short body.</p></div>
        <div class="other"><p>A much longer paragraph that a scorer would prefer, with commas, words, and more words.</p></div></div>""")
    extracted = extract(html, "https://x.iom.int/news/a", hints=Hints(content=".custom-text"))
    assert extracted.body == "Short body."


def test_visible_russian_date_is_read_when_there_is_no_metadata():
    html = page("""<div class="node node--type-news"><h1>Заголовок</h1><span class="news-date">2 ноября 2022 г.</span>
        <div class="news-body"><p>Алматы – Текст пресс-релиза.</p></div></div>""", lang="ru")
    extracted = extract(html, "https://x.iom.int/ru/news/a")
    assert extracted.published_date == date(2022, 11, 2)
    assert extracted.dateline == "Алматы"
    assert extracted.lang == "ru"


def test_dateline_date_is_the_last_resort():
    html = page("""<article><h1>T</h1><div class="field--name-body"><p>ASTANA, 30 July 2015. The Ministry met.</p></div></article>""")
    extracted = extract(html, "https://x.iom.int/news/a")
    assert (extracted.published_date, extracted.date_source, extracted.dateline) == (date(2015, 7, 30), "dateline", "ASTANA")


def test_missing_date_stays_null():
    html = page("""<article><h1>T</h1><div class="field--name-body"><p>Text without any date at all.</p></div></article>""")
    assert extract(html, "https://x.iom.int/news/a").published_date is None


def test_images_attachments_and_tags():
    html = page("""<article class="node"><h1>T</h1>
        <div class="field--name-field-image"><figure><img src="/files/a.jpg" alt="Alt"><figcaption>Caption  text</figcaption></figure></div>
        <img src="/themes/iom/logo.svg"><img src="/x.png" width="16">
        <div class="field--name-body"><p>Body with a <a href="/files/doc.PDF">linked report</a>.</p></div>
        <div class="field--name-field-tags"><a href="/taxonomy/term/1">Counter-trafficking</a><a href="/taxonomy/term/2">Labour Migration</a></div>
        </article>""")
    extracted = extract(html, "https://x.iom.int/news/a")
    assert extracted.images == [{"url": "https://x.iom.int/files/a.jpg", "alt": "Alt", "caption": "Caption text"}]
    assert extracted.attachments == [{"url": "https://x.iom.int/files/doc.PDF", "title": "linked report"}]
    assert extracted.tags == ["Counter-trafficking", "Labour Migration"]


def test_canonical_on_another_host_is_not_trusted():
    html = page("<article><h1>T</h1><div class='field--name-body'><p>Body.</p></div></article>",
                head="<link rel='canonical' href='https://elsewhere.example/x'>")
    assert extract(html, "https://x.iom.int/news/a/").url == "https://x.iom.int/news/a"


@pytest.mark.parametrize("html, reason", [
    ("<html><body><nav><a href='/'>Home</a></nav></body></html>", "no block"),
    (page("<article><div class='field--name-body'><p>Body without any title.</p></div></article>"), "no title"),
    (page("<article><h1>Only a title</h1><div class='field--name-body'><p>Only a title</p></div></article>"), "empty"),
])
def test_pages_without_a_release_raise_a_clear_error(html, reason):
    with pytest.raises(ExtractionError, match=reason):
        extract(html, "https://x.iom.int/news/a")


def test_text_blocks_table_cells_are_separated():
    node = LexborHTMLParser("<div><table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table></div>").css_first("div")
    assert [" ".join(b.split()) for b in text_blocks(node)] == ["a b", "c"]


# --- generic fallback on article pages of other sites (structure only: no template, no hints) -----

LONG = (
    "The committee met on Tuesday to discuss the plan, and its members agreed, after a long debate, "
    "that the proposal needs more work before the vote{n}."
)


def paragraphs(count: int, tag: str = "p", start: int = 0) -> str:
    return "".join(f"<{tag}>{LONG.format(n=f' (part {i})')}</{tag}>" for i in range(start, start + count))


def test_body_whose_class_name_sounds_like_furniture_is_kept():
    html = page(f"""<div class="blog_teaser_text"><h1>Plan</h1>{paragraphs(4)}</div>
        <div class="share-tools"><a href="/fb">Facebook</a> <a href="/tw">Twitter</a></div>""")
    body = extract(html, "https://news.example.org/a").body
    assert "(part 0)" in body and "(part 3)" in body and "Facebook" not in body


def test_ad_slots_and_ad_labels_are_not_body_text():
    html = page(f"""<main><h1>Plan</h1><div class="text">{paragraphs(2)}
        <div class="ad ad-box"><span>Promoted gadget on sale now, click here to buy it today</span></div>
        <p>PUBLICIDAD</p><div id="ad-slot-2">Sponsored offer of the week for readers like you</div>
        {paragraphs(2, start=2)}<p>Реклама</p></div></main>""", lang="es")
    body = extract(html, "https://news.example.org/a").body
    assert "(part 0)" in body and "(part 3)" in body
    for leak in ("Promoted gadget", "PUBLICIDAD", "Sponsored offer", "Реклама"):
        assert leak not in body


def test_lead_paragraph_before_the_body_is_kept_and_the_photo_caption_passed_over():
    lead = "The plan, which was announced on Monday after months of talks, will cost more than expected."
    html = page(f"""<div class="story"><h1>Plan</h1><div class="intro"><p>{lead}</p></div>
        <div class="photo"><figure><img src="/a.jpg"><figcaption>The committee at work. Photo: Agency</figcaption></figure></div>
        <div class="copy">{paragraphs(4)}</div></div>""")
    body = extract(html, "https://news.example.org/a").body
    assert body.startswith(lead) and "(part 3)" in body and "Photo: Agency" not in body


def test_endless_scroll_page_keeps_the_story_under_the_page_title():
    html = page(f"""<div class="feed">
        <div class="story"><h1>Storm closes the harbour</h1><div class="copy">{paragraphs(3)}</div></div>
        <div class="story"><h1>Elections next spring</h1><div class="copy">{paragraphs(6, start=10)}</div></div></div>""",
        head="<meta property='og:title' content='Storm closes the harbour | Daily News'>")
    body = extract(html, "https://news.example.org/storm").body
    assert "(part 0)" in body and "(part 10)" not in body


def test_list_of_teasers_with_linked_headlines_is_not_the_body():
    teasers = "".join(
        f"<h2><a href='/story-{i}'>Other story {i}</a></h2>{paragraphs(2, start=20 + 2 * i)}" for i in range(3)
    )
    html = page(f"""<div class="post"><h1>Plan</h1><div class="copy">{paragraphs(3)}</div></div>
        <div class="more-stories">{teasers}</div>""")
    body = extract(html, "https://news.example.org/a").body
    assert "(part 0)" in body and "Other story" not in body and "(part 20)" not in body


def test_reader_comments_and_comment_forms_are_not_the_body():
    comments = "".join(f"<li id='comment-{i}'><cite>Reader {i}</cite>{paragraphs(2, start=30 + 2 * i)}</li>" for i in range(4))
    html = page(f"""<div class="post"><h1>Plan</h1><div class="entry">{paragraphs(2)}</div></div>
        <h3 id="comments">4 comments</h3><ol class="commentlist">{comments}</ol>
        <div class="comment-box"><div class="comment-head">Write a comment</div></div>""")
    body = extract(html, "https://news.example.org/a").body
    assert "(part 1)" in body
    for leak in ("(part 30)", "Reader", "Write a comment"):
        assert leak not in body


def test_link_box_post_navigation_and_entry_footer_are_not_body_text():
    html = page(f"""<div class="post"><h1>Plan</h1><div class="entry">{paragraphs(3)}
        <p>Read the <a href="/report">full report</a> for the details of the plan and its costs.</p>
        <div class="box"><div class="box-head">Further reading</div><div><a href="/other">Another page</a></div></div>
        <div class="entryfooter"><p>Tags: <a href="/t/a">alpha</a>, <a href="/t/b">beta</a></p></div>
        <div class="navigation"><div><a href="/prev">« Previous story</a></div><div><a href="/next">Next story »</a></div></div>
        </div></div><div id="page-footer">© Daily News, all rights reserved</div>""")
    body = extract(html, "https://news.example.org/a").body
    assert "(part 2)" in body and "full report for the details" in body
    for leak in ("Further reading", "Another page", "Tags:", "Previous story", "Next story", "rights reserved"):
        assert leak not in body
