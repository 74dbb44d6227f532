"""The rules of issue 11 one by one, on small pages: cleaning never removes the page or the body,
siblings of the same kind are joined, text outside <p> counts, furniture and notices go, cleaning
that empties a body falls back and flags it, and dates in bylines and datelines are read."""

from __future__ import annotations

from datetime import date

import pytest
from selectolax.lexbor import LexborHTMLParser

from scraper import clean
from scraper.extract import EXTRACTOR_VERSION, ExtractionError, extract, text_blocks
from scraper.extract.assembly import same_kind
from scraper.text.dates import drupal_date

LONG = ("The committee met on Tuesday to discuss the plan, and its members agreed, after a long debate, "
        "that the proposal needs more work before the vote{n}.")


def paragraphs(count: int, start: int = 0, tag: str = "p") -> str:
    return "".join(f"<{tag}>{LONG.format(n=f' (part {i})')}</{tag}>" for i in range(start, start + count))


def body_of(count: int, start: int = 0) -> str:
    return "\n\n".join(LONG.format(n=f" (part {i})") for i in range(start, start + count))


def page(body: str, html_attrs: str = "", body_attrs: str = "", head: str = "") -> str:
    return f"<!DOCTYPE html><html lang='en' {html_attrs}><head>{head}</head><body {body_attrs}>{body}</body></html>"


MENU = "<nav><ul><li><a href='/'>Home</a></li><li><a href='/news'>News</a></li></ul></nav>"


# --- no rule removes the page, <main>, the body or its ancestors ----------------------------------

@pytest.mark.parametrize("html_attrs, body_attrs, wrapper", [
    ("class='cookie-consent-pending'", "", "div"),
    ("", "class='single cookies-not-set gdpr-banner-open'", "div"),
    ("", "", "div id='page' class='share-wrapper related-layout'"),
    ("", "", "div aria-hidden='true'"),  # a dialog script hid the page
    ("", "", "form id='aspnetForm' method='post'"),  # ASP.NET wraps every page in one form
    ("", "", "main class='main-content consent-required'"),
])
def test_a_rule_never_removes_the_page_or_a_wrapper_of_the_body(html_attrs, body_attrs, wrapper):
    tag = wrapper.split()[0]
    html = page(f"{MENU}<{wrapper}><div class='story'><h1>Plan approved</h1>{paragraphs(4)}</div></{tag}>",
                html_attrs, body_attrs)
    assert extract(html, "https://news.example.org/a").body == body_of(4)


def test_the_title_headings_ancestors_are_kept_even_when_a_name_rule_matches_them():
    html = page(f"""{MENU}<div class="related-stories-layout"><h1>Plan approved</h1>{paragraphs(2)}</div>
        <div class="archive">{''.join(f'<p>{LONG.format(n=f" (old {i})")} Older text.</p>' for i in range(6))}</div>""",
        head="<meta property='og:title' content='Plan approved'>")
    assert extract(html, "https://news.example.org/a").body == body_of(2)


def test_small_blocks_matched_by_name_rules_still_go():
    html = page(f"""<div class="story"><h1>Plan approved</h1>{paragraphs(3)}
        <div class="cookie-banner"><p>We use cookies to give you the best experience on this website.</p></div>
        <form class="newsletter-form"><p>Get the morning briefing in your inbox every day of the week.</p></form>
        <div class="share-tools"><a href="/fb">Facebook</a> <a href="/x">X</a></div></div>""")
    assert extract(html, "https://news.example.org/a").body == body_of(3)


# --- the body is every content block of the article ------------------------------------------------

def test_known_body_fields_of_one_article_are_joined_and_other_articles_left_out():
    html = page(f"""<article class="node"><h1>Plan approved</h1>
        <div class="field--name-body">{paragraphs(1)}</div><figure><img src="/a.jpg"><figcaption>A photo of the plan.</figcaption></figure>
        <div class="field--name-body">{paragraphs(2, start=1)}</div></article>
        <aside><article class="node node--view-mode-teaser"><h3>Other</h3><div class="field--name-body">{paragraphs(1, start=9)}</div></article></aside>""")
    assert extract(html, "https://x.iom.int/news/a").body == body_of(3)


def test_scored_chunks_of_the_same_kind_are_joined_and_the_furniture_between_them_dropped():
    html = page(f"""{MENU}<div class="story"><h1>Plan approved</h1>
        <div class="chunk text">{paragraphs(2)}</div>
        <div class="adslot"><span>Advertisement</span></div>
        <div class="chunk photo"><img src="/b.jpg" width="800"><span class="caption">The hall during the vote, with many members present.</span></div>
        <div class="chunk text">{paragraphs(1, start=2)}</div>
        <div class="chunk quote"><blockquote><p>{LONG.format(n=" (part 1)")}</p></blockquote></div>
        <div class="chunk text">{paragraphs(2, start=3)}</div></div>""")
    assert extract(html, "https://news.example.org/a").body == body_of(5)


def test_a_short_text_part_holding_a_caption_stays_and_only_the_caption_goes():
    html = page(f"""{MENU}<div class="story"><h1>Plan approved</h1>
        <div class="chunk text">{paragraphs(3)}</div>
        <div class="chunk text"><figure><img src="/c.jpg" width="800"><figcaption>The members at the vote.</figcaption></figure>
          <p>{LONG.format(n=" (part 3)")}</p></div>
        <div class="chunk text">{paragraphs(2, start=4)}</div></div>""")
    assert extract(html, "https://news.example.org/a").body == body_of(6)


@pytest.mark.parametrize("a, b, kind", [
    ("<div class='paragraph paragraph--type--text'>", "<div class='paragraph paragraph--type--image'>", True),
    ("<div class='field__item'>", "<div class='field__item'>", True),
    ("<div>", "<div>", True),
    ("<div class='clearfix row'>", "<div class='clearfix row'>", True),  # only layout helpers: the same list
    ("<div class='clearfix'>", "<div class='row'>", False),
    ("<div class='text'>", "<section class='text'>", False),
    ("<div data-component='text-block'>", "<div data-component='text-block' class='x'>", True),
    ("<li class='content'>", "<li class='left'>", False),
])
def test_same_kind(a, b, kind):
    tree = LexborHTMLParser(f"<body>{a}x</div>{b}y</div></body>".replace("</div>", f"</{a[1:].split()[0].rstrip('>')}>"))
    first, second = [node for node in tree.body.iter() if node.is_element_node][:2]
    assert same_kind(first, second) is kind


# --- text outside <p> -------------------------------------------------------------------------------

def test_text_in_br_runs_is_found_and_split_into_paragraphs():
    runs = "<br><br>".join(LONG.format(n=f" (part {i})") for i in range(4))
    html = page(f"""<table><tr><td class="side"><ul>{''.join(f'<li><a href="/n{i}">{LONG.format(n=i)}</a></li>' for i in range(5))}</ul></td>
        <td class="main"><h1>Plan approved</h1>{runs}</td></tr></table>""")
    assert extract(html, "https://news.example.org/a").body == body_of(4)


def test_a_single_br_stays_a_line_break_and_two_make_a_paragraph():
    node = LexborHTMLParser("<div>one<br>two<br><br>three<br> <br>four</div>").css_first("div")
    assert [" ".join(b.split(" ")) for b in text_blocks(node)] == ["one\ntwo\n", "three\n ", "four"]


def test_bare_divs_of_text_are_paragraphs():
    html = page(f"""<div class="side">{''.join(f'<div><a href="/n{i}">{LONG.format(n=i)}</a></div>' for i in range(5))}</div>
        <div class="main"><h1>Plan approved</h1>{paragraphs(3, tag='div')}</div>""")
    assert extract(html, "https://news.example.org/a").body == body_of(3)


# --- furniture and notices ----------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "Image 1 of 8", "Фото 1 из 3", "Сурет 2 / 5", "Bild 1 von 8", "3/12", "Close", "Закрыть", "Жабу", "Schließen",
    "Caption", "Подпись",
])
def test_gallery_and_player_controls(text):
    assert clean.is_control(text)


@pytest.mark.parametrize("text", ["Closing the border was discussed.", "1 in 8 migrants", "Next year the forum moves."])
def test_text_that_is_not_a_control(text):
    assert not clean.is_control(text)


@pytest.mark.parametrize("text, notice", [
    ("© 2024 Daily News. All rights reserved.", True),
    ("Copyright 2023 The Centre", True),
    ("При перепечатке материалов ссылка на сайт обязательна.", True),
    ("Барлық құқықтар қорғалған.", True),
    ("Suggested citation: Doe, J. 2024. Title. Centre.", True),
    ("The law on copyright was also discussed by the ministers, who agreed to review it.", False),
])
def test_notices(text, notice):
    assert clean.is_notice(text) is notice


def test_trailing_notices_and_repeated_blocks_are_dropped_but_not_earlier_text():
    blocks = ["© 2024 first line stays", "A quote of the minister that the body gives in full.",
              "He said: a quote of the minister that the body gives in full. And more.", "© 2024 Daily News."]
    assert clean.drop_trailing_notices(clean.drop_repeats(blocks)) == [blocks[0], blocks[2]]


# --- safety net and review ----------------------------------------------------------------------------

def test_cleaning_that_would_empty_the_body_falls_back_and_flags_it():
    captions = [LONG.format(n=f" (photo {i})") for i in range(3)]
    figures = "".join(f"<div class='shot'><img src='/p{i}.jpg' width='900'><span class='caption'>{c}</span></div>"
                      for i, c in enumerate(captions))
    body = "".join(f"<p>{c}</p>" for c in captions)  # a photo story whose text is its captions
    html = page(f"{MENU}<div class='story'><h1>A day at the port</h1>{figures}<div class='text'>{body}</div></div>")
    result = extract(html, "https://news.example.org/a")
    assert result.body == "\n\n".join(captions)
    assert result.needs_review and result.review.startswith("cleaning left nothing")


def test_a_short_body_is_flagged_for_review():
    html = page("<article><h1>Plan approved</h1><div class='field--name-body'><p>The plan was approved.</p></div></article>")
    result = extract(html, "https://x.iom.int/news/a")
    assert result.body == "The plan was approved."
    assert result.review == "short body: 4 words, fewer than 40" and result.extractor_version == EXTRACTOR_VERSION


def test_a_body_of_normal_length_is_not_flagged():
    html = page(f"<article><h1>Plan approved</h1><div class='field--name-body'>{paragraphs(3)}</div></article>")
    assert not extract(html, "https://x.iom.int/news/a").needs_review


def test_an_empty_page_is_still_an_error_not_a_release():
    with pytest.raises(ExtractionError, match="no block"):
        extract(page(MENU), "https://x.iom.int/news/a")


# --- dates --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("Submitted by iom_admin on Thu, 07/30/2020 - 10:15", date(2020, 7, 30)),
    ("Submitted by a very long user name of an editor of the site on Thu, 07/30/2020 - 10:15", date(2020, 7, 30)),
    ("Posted on Wed, 11/02/2022 - 12:00 by admin", date(2022, 11, 2)),
    ("Fri, 11/02/2022 - 12:00", date(2022, 2, 11)),  # the weekday says day first
    ("Опубликовано admin в Чт, 07/30/2020 - 10:15", date(2020, 7, 30)),
    ("07/30/2020 - 10:15", date(2020, 7, 30)),
    ("Tue, 07/30/2020 - 10:15", None),  # neither reading is a Tuesday
    ("Submitted by admin on 11/02/2022", None),  # no Drupal time: not Drupal's format, ambiguous
])
def test_drupal_medium_dates(text, expected):
    assert drupal_date(text) == expected


@pytest.mark.parametrize("lang, first, expected", [
    ("en", "Bishkek, 19 March 2025 – Ministers met to agree on the plan.", date(2025, 3, 19)),
    ("ru", "Бишкек, 19 марта 2025 года – Министры обсудили план.", date(2025, 3, 19)),
    ("kk", "Бішкек, 2025 жылғы 19 наурыз – Министрлер жоспарды талқылады.", date(2025, 3, 19)),
])
def test_a_date_only_in_the_dateline(lang, first, expected):
    html = page(f"<article><h1>Plan</h1><div class='field--name-body'><p>{first}</p>{paragraphs(3)}</div></article>")
    result = extract(html, "https://x.iom.int/news/a", lang_hint=lang)
    assert (result.published_date, result.date_source, result.dateline) == (expected, "dateline", first.split(",")[0])


def test_a_dateline_after_an_editors_note_still_gives_the_date_but_not_the_place():
    html = page(f"""<article><h1>Plan</h1><div class='field--name-body'><p>This release was first published by IOM Kyrgyzstan.</p>
        <p>Bishkek, 19 March 2025 – Ministers met to agree on the plan.</p>{paragraphs(3)}</div></article>""")
    result = extract(html, "https://x.iom.int/news/a")
    assert (result.published_date, result.date_source, result.dateline) == (date(2025, 3, 19), "dateline", None)
