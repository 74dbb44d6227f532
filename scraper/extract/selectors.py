"""Every CSS selector the extractor uses, in one place: a template change is a one-file diff.

Selectors and tag names only; the numbers that tune extraction are in :mod:`scraper.extract.settings`.

None of these is specific to one IOM site. Site-specific hints live in ``config.yaml`` and are
tried first; everything here is the generic fallback.
"""

import functools

# Elements that hold no reader text at all: always removed first.
NON_TEXT = (
    "script", "style", "noscript", "template", "iframe", "svg", "canvas", "object", "embed",
    "button", "input", "select", "textarea", "label",
)

# Page furniture by element: removed before looking for the content, except ``<html>``, ``<body>``,
# ``<main>`` and the ancestors of ``<main>`` and of the page's title heading (a ``<header>``
# inside an article or ``<main>`` is the article's own header and stays).
STRUCTURE = ("nav", "header", "footer", "aside", "menu", "dialog")

# Furniture by attribute, and ``<form>``: an element that can also wrap a whole page (ASP.NET
# wraps every page in one ``<form>``; a script marks the page ``aria-hidden`` while a dialog is
# open). Removed only when small: at most ``settings.small_block_max_share`` of the page's text.
WRAPPERS = (
    "form",
    "[role=navigation]", "[role=banner]", "[role=contentinfo]", "[role=dialog]",
    "[role=search]", "[role=complementary]", "[role=alertdialog]",
    "[hidden]", "[aria-hidden=true]", ".visually-hidden", ".sr-only", ".element-invisible", ".skip-link",
    # reader comments: the usual containers of a comment thread (paragraphs in them are comments)
    "[id=comments]",
)

# Class and id names that mean furniture whatever the element holds (cookie and consent notices,
# footers, comment threads), matched as substrings. Names can sit on ``<body>`` or on a page
# wrapper (``<body class="cookies-not-set">``, ``<div id="page" class="gdpr-pending">``), so they
# apply only to small blocks (``settings.small_block_max_share`` of the page's text) and never to
# ``<html>``, ``<body>``, ``<main>`` or the ancestors of ``<main>`` and the title heading.
BOILERPLATE = (
    "[class*=cookie]", "[id*=cookie]", "[class*=consent]", "[id*=consent]", "[class*=gdpr]",
    "[id*=footer]", "[class*=commentlist]", "[class*=comment-list]",
)

# Class and id names of page furniture, matched as substrings. A name is a hint, not a fact
# (``blog_teaser_text``, ``shared-body``, ``subscriber-content`` can hold the article), so an
# element matched only here is kept when it holds a run of the article's paragraphs
# (``paragraph_run`` sibling paragraphs of ``run_paragraph_chars`` characters or more, see
# :class:`scraper.extract.settings.ExtractionSettings`); like :data:`BOILERPLATE`, it applies only to
# small blocks and never to the protected elements.
BOILERPLATE_HINTS = (
    "[class*=breadcrumb]", "[id*=breadcrumb]",
    "[class*=menu]", "[id*=navigation]", "[class*=navbar]",
    "[class*=language]", "[class*=lang-switch]",
    "[class*=related]", "[id*=related]", "[class*=teaser]",
    "[class*=share]", "[class*=social]", "[class*=newsletter]", "[class*=subscribe]",
    "[class*=sdg]", "[class*=footer]", "[class*=region-header]", "[class*=navigation]",
    "[class*=pager]", "[class*=pagenav]", "[class*=pagination]", "[class*=tabs]", "[class*=toolbar]",
    # advertising slots: a class or id token "ad" / "ad-…", ad network markup
    "[class~=ad]", "[class^='ad-']", "[class*=' ad-']", "[id^='ad-']", "[class*=advert]", "[id*=advert]",
    # reader comments and comment forms
    "[class*=comment]", "[id^=comment]",
    # author boxes, promotions and calls to action, sidebars, widgets, tickers,
    # "read more" / "most read" / "recommended" lists, citation and copyright boxes
    "[class*=author]", "[class*=promo]", "[class*=cta]",
    "[class*=signup]", "[class*=sign-up]", "[class*=paywall]", "[class*=donate]",
    "[class*=sidebar]", "[id*=sidebar]", "[class*=widget]", "[class*=ticker]", "[class*=banner]",
    "[class*=read-more]", "[class*=readmore]", "[class*=more-from]", "[class*=recommend]", "[class*=popular]",
    "[class*=most-read]", "[class*=trending]", "[class*=citation]", "[class*=cite-this]", "[class*=copyright]",
)

# Where IOM's Drupal themes (and many CMSs) put the body of an article, most specific first.
CONTENT = (
    ".field--name-body",
    ".field-name-body",  # Drupal 7
    ".field--type-text-with-summary",
    "[itemprop=articleBody]",
    ".news-body",
    ".article-body",
    ".node__content .text-formatted",
    "article .text-formatted",
    ".entry-content",
    ".post-content",
)

# Blocks of page furniture that sit next to the body inside an article: never body text, but
# they carry metadata (tags, files, images) that is read before the body is isolated.
# Metadata blocks that can sit inside the content node; removed after tags/files are read.
CONTENT_FURNITURE = ("[class*=field--name-field-tags]", "[class*=tags]", "[class*=article-info]", "dl.article-info")

# Media furniture inside the content, removed after the images (with their captions) are read:
# captions and credits, galleries and their controls ("Image 1 of 8", "Close"). Removed only when
# small (``settings.furniture_max_share`` of the content's text). A ``<figure>`` goes when it
# holds an image or video (a figure of a quotation stays).
MEDIA_FURNITURE = (
    "figcaption", "[class*=caption]", "[class*=credit]", "[class*=gallery]", "[class*=carousel]",
    "[class*=slideshow]", "[class*=slider]", "[class*=lightbox]", "[class*=swiper]",
)
MEDIA = "img, picture, video, audio"

TAG_LINKS = ("a[href*='/taxonomy/term/']", "[class*=field--name-field-tags] a", "[class*=tags] a", "a[rel=tag]")

TITLE = ("article h1", "main h1", "h1.page-title", "h1")

# Paragraph-like elements whose text votes for the block around them (text directly in a
# ``<div>``, ``<td>`` … votes too, see scraper.extract.content).
PARAGRAPHS = "p, pre, blockquote, li"
# Elements whose own text (outside child blocks) can be a paragraph or a run of ``<br>`` lines
# (text in an inline element, a <span> or <font>, counts as its block's own text).
TEXT_CONTAINERS = frozenset({"div", "td", "section", "article", "main", "center", "dd"})
# Inline elements: part of the line they sit in.
INLINE_TAGS = frozenset({
    "a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "dfn", "em", "font", "i", "kbd", "mark", "q", "s",
    "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var", "wbr", "del", "ins", "nobr",
})
# Where a paragraph is a caption or credit, not body text: it does not vote.
CAPTION_CONTAINERS = ("figure", "figcaption")
CAPTION_CLASS_WORDS = ("caption", "credit", "gallery", "slideshow", "carousel", "lightbox")

# Elements whose text is a date: read after machine-readable metadata, before the dateline
# (Drupal 7 prints "Submitted by <name> on Thu, 07/30/2020 - 10:15" in ``.submitted``).
DATE_ELEMENTS = ("[class*=published-date]", "[class*=news-date]", "[class*=date]", "[class*=published]", "time",
                 "[class*=submitted]")

DATE_META = (
    "meta[property='article:published_time']",
    "meta[name='article:published_time']",
    "meta[name='dcterms.date']",
    "meta[name='DC.date']",
    "meta[itemprop=datePublished]",
    "meta[name=date]",
)

# When the page says it was last edited (Drupal's metatag module writes article:modified_time).
MODIFIED_META = (
    "meta[property='article:modified_time']",
    "meta[name='article:modified_time']",
    "meta[property='og:updated_time']",
    "meta[itemprop=dateModified]",
    "meta[name='dcterms.modified']",
)

# Links that are downloads rather than pages.
ATTACHMENT_EXTENSIONS = (
    ".pdf", ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx", ".odt", ".ods", ".rtf", ".zip", ".csv", ".epub",
)

# Block-level tags: each starts a new paragraph in the extracted text.
BLOCK_TAGS = frozenset({
    "p", "div", "section", "article", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "pre",
    "table", "tr", "figure", "figcaption", "address", "dl", "dt", "dd", "main", "center", "hr",
})
LIST_TAGS = frozenset({"ul", "ol"})


@functools.lru_cache(maxsize=64)
def any_of(rules: tuple[str, ...]) -> str:
    """One selector matching what any of ``rules`` matches: a single query tells whether the
    rules, tried one by one in their order of preference, can match at all."""
    return f":is({', '.join(rules)})"
