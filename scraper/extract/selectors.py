"""Every CSS selector the extractor uses, in one place: a template change is a one-file diff.

Selectors and tag names only; the numbers that tune extraction are in :mod:`scraper.extract.settings`.

None of these is specific to one IOM site. Site-specific hints live in ``config.yaml`` and are
tried first; everything here is the generic fallback.
"""

# Elements that are never part of a release body: removed before looking for the content.
BOILERPLATE = (
    "script", "style", "noscript", "template", "iframe", "svg", "canvas", "object", "embed",
    "form", "button", "input", "select", "textarea", "label",
    "nav", "header", "footer", "aside", "menu", "dialog",
    "[role=navigation]", "[role=banner]", "[role=contentinfo]", "[role=dialog]",
    "[role=search]", "[role=complementary]", "[role=alertdialog]",
    "[hidden]", "[aria-hidden=true]", ".visually-hidden", ".sr-only", ".element-invisible",
    ".skip-link", "[class*=cookie]", "[id*=cookie]", "[class*=consent]", "[id*=consent]", "[class*=gdpr]",
    "[id*=footer]",
    # reader comments: the usual containers of a comment thread (paragraphs in them are comments)
    "[id=comments]", "[class*=commentlist]", "[class*=comment-list]",
)

# Class and id names of page furniture, matched as substrings. A name is a hint, not a fact
# (``blog_teaser_text``, ``shared-body``, ``subscriber-content`` can hold the article), so an
# element matched only here is kept when it holds a run of the article's paragraphs
# (``paragraph_run`` sibling paragraphs of ``run_paragraph_chars`` characters or more, see
# :class:`scraper.extract.settings.ExtractionSettings`).
BOILERPLATE_HINTS = (
    "[class*=breadcrumb]", "[id*=breadcrumb]",
    "ul.menu", ".menu--main", "[class*=mega-menu]", "[id*=navigation]", "[class*=navbar]", "[class*=block-menu]",
    "[class*=language-switcher]", "[class*=block-language]", "[class*=lang-switch]",
    "[class*=related]", "[id*=related]", "[class*=teaser]",
    "[class*=share]", "[class*=social]", "[class*=newsletter]", "[class*=subscribe]",
    "[class*=sdg]", "[class*=footer]", "[class*=region-header]", "[class*=navigation]",
    "[class*=pager]", "[class*=pagenav]", "[class*=pagination]", "[class*=tabs]", "[class*=toolbar]",
    # advertising slots: a class or id token "ad" / "ad-…", ad network markup
    "[class~=ad]", "[class^='ad-']", "[class*=' ad-']", "[id^='ad-']", "[class*=advert]", "[id*=advert]",
    # reader comments and comment forms
    "[class*=comment]", "[id^=comment]",
)

# Where IOM's Drupal themes (and many CMSs) put the body of an article, most specific first.
CONTENT = (
    ".field--name-body",
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

TAG_LINKS = ("a[href*='/taxonomy/term/']", "[class*=field--name-field-tags] a", "[class*=tags] a", "a[rel=tag]")

TITLE = ("article h1", "main h1", "h1.page-title", "h1")

# Elements whose text is a date: read after machine-readable metadata, before the dateline.
DATE_ELEMENTS = ("[class*=published-date]", "[class*=news-date]", "[class*=date]", "[class*=published]", "time")

DATE_META = (
    "meta[property='article:published_time']",
    "meta[name='article:published_time']",
    "meta[name='dcterms.date']",
    "meta[name='DC.date']",
    "meta[itemprop=datePublished]",
    "meta[name=date]",
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
