"""Release mapping: what extraction read from a page becomes the record the archive stores.

Pure functions, no I/O. The language of a release is identified from its text (the page's own
language as the prior), so a page under one language's prefix that serves another language's text
(Drupal's untranslated fallback) maps to that other release, seen under one more URL.
"""

from __future__ import annotations

from archive.store import ReleaseRecord
from scraper.config import Site
from scraper.extract import Extracted
from scraper.text.language import identify
from scraper.urls import normalize_url


def text_language(site: Site, page_lang: str, extracted: Extracted) -> str:
    """The language the release is written in: identified from its text, the page's language as prior."""
    prior = extracted.lang if extracted.lang in site.languages else page_lang
    try:
        guess = identify(f"{extracted.title}\n{extracted.body}", list(site.languages), prior=prior)
    except ValueError:  # a configured language the identifier does not know
        return prior
    return guess.lang if guess.lang in site.languages else prior


def release_record(site: Site, page_lang: str, urls: list[str], extracted: Extracted,
                   modified_time: str | None = None) -> ReleaseRecord:
    """The release as archived, from the page fetched under ``page_lang`` at ``urls`` (first: the
    stored page, then the aliases that led to it) that says it was last edited at ``modified_time``.
    Its identity (which archived release it is, its translation group, what it copies) is decided by
    :mod:`scraper.dedupe.identity`."""
    lang = text_language(site, page_lang, extracted)
    url = extracted.url
    if lang != page_lang and extracted.alternates.get(lang):
        url = extracted.alternates[lang]
    return ReleaseRecord(
        site=site.key,
        lang=lang,
        url=url,
        title=extracted.title,
        body=extracted.body,
        word_count=extracted.word_count,
        published_date=extracted.published_date.isoformat() if extracted.published_date else None,
        dateline=extracted.dateline,
        tags=extracted.tags,
        images=extracted.images,
        attachments=extracted.attachments,
        alternates=extracted.alternates,
        node_id=extracted.node_id,
        urls=[url, extracted.url, *(normalize_url(u) for u in urls)],
        extractor_version=extracted.extractor_version,
        needs_review=int(extracted.needs_review),
        review_reason=extracted.review,
        modified_time=modified_time,
    )
