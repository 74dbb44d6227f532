"""Every tunable of extraction in one frozen object: lengths, counts, ratios and depths.

The defaults (:data:`DEFAULT_SETTINGS`) are what the collection run uses. :func:`scraper.extract.extract`
takes an :class:`ExtractionSettings` and passes it down to each function that needs one of these
numbers; nothing reads them from module globals, so an experiment or a test can change one
(``dataclasses.replace(DEFAULT_SETTINGS, lead_min_chars=40)``) for one call.

CSS selectors are not tunables of this kind: they live in :mod:`scraper.extract.selectors`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ExtractionSettings:
    """Thresholds of the extractor, grouped by the stage that uses them."""

    # --- boilerplate removal (scraper.extract.boilerplate) ---
    # largest share of the page's text a block removed by a class, id or attribute rule (cookie,
    # consent, related, share, hidden …) or as a <form> may hold: a bigger one wraps the page
    small_block_max_share: float = 0.4
    # sibling <p> needed for a "run" that keeps an element matched only by a class/id name hint
    paragraph_run: int = 3
    # shortest paragraph (characters) that counts towards such a run
    run_paragraph_chars: int = 80

    # --- scoring the content block (scraper.extract.content) ---
    # shortest paragraph (characters) that votes for its parent block
    min_paragraph_chars: int = 25
    # a voting paragraph earns one extra point per this many characters ...
    score_chars_per_point: int = 100
    # ... up to this many extra points
    max_length_points: int = 3
    # share of a paragraph's score that goes to the grandparent block
    grandparent_weight: float = 0.5
    # best-scored blocks compared by link-weighted score (and how many are passed over as teasers: twice this)
    top_candidates: int = 5
    # headings a block needs (and linked headings it needs) to be a teaser list
    teaser_min_headings: int = 2
    # share of its headings that must be bare links for a block to be a teaser list
    teaser_linked_share: float = 0.5
    # characters a heading may have beyond its link text and still be a bare link (punctuation)
    teaser_heading_slack_chars: int = 2
    # most text (characters, headings excluded) per linked heading of a teaser list: a body with a
    # few linked sub-headings has far more text under each than a teaser's summary
    teaser_max_chars_per_heading: int = 400
    # a teaser list is passed over only for a block scoring at least this share of it (else it is the body)
    teaser_min_alternative_share: float = 0.3
    # fewest words of a title (and of an <h1>) that can tell which <h1> is the article's
    title_min_words: int = 2
    # the title's container is its closest ancestor holding a block scoring this share of the best
    title_container_min_share: float = 0.3

    # --- assembling the body from sibling blocks (scraper.extract.assembly) ---
    # shortest text (characters) of a sibling block of the same kind joined to the body
    kin_min_chars: int = 25
    # most link text (share of its text) of a sibling block joined to the body
    kin_max_link_density: float = 0.5
    # a candidate scoring less than this share of the best is not assembled with its siblings to compete
    kin_min_share: float = 0.2

    # --- lead paragraphs before the scored body (scraper.extract.content) ---
    # paragraphs at most taken as the lead / standfirst
    max_lead_paragraphs: int = 2
    # shortest lead paragraph (characters); a media block with less text is passed over
    lead_min_chars: int = 80
    # most <p> inside one lead element
    lead_max_inner_paragraphs: int = 2
    # link text of a lead paragraph must stay below this share of its text
    lead_max_link_share: float = 0.25

    # --- link boxes inside the body (scraper.extract.content) ---
    # longest text (characters) of a "Read more" box of links
    link_box_chars: int = 200
    # text blocks a link box has at least (a label and the links)
    link_box_min_blocks: int = 2
    # share of a box's text that is link text enough to make it a link box ...
    link_box_link_share: float = 0.5
    # ... or else the most non-link text (characters, the label) it may have
    link_box_label_chars: int = 40

    # --- furniture inside the body (scraper.extract.content) ---
    # largest share of a body part's text a tag list, caption, credit or gallery element may hold to be removed
    furniture_max_share: float = 0.3

    # --- the body's blocks (scraper.extract.body, blocks) ---
    # most learned template blocks between two runs of body text that are still joined ("Advertisement")
    segment_gap_blocks: int = 2
    # most link text (share of its text) of a run of blocks joined to the body across template blocks
    segment_max_link_share: float = 0.2
    # fewest words of a block dropped because another block of the body says it again (a pull quote)
    pull_quote_min_words: int = 6

    # --- safety and review (scraper.extract.body) ---
    # cleaning that leaves less than this share of the content block's text (learned template blocks
    # aside) falls back to the uncleaned block, and the release is flagged for review
    fallback_min_share: float = 0.2
    # fewer words than this in a body: stored, flagged for review (no press release is this short)
    review_min_words: int = 40
    # blocks at the top of the body searched for a dateline with a date (its place only from the first)
    dateline_search_blocks: int = 3

    # --- trailing furniture blocks (scraper.extract.blocks) ---
    # links a block needs for the "mostly links" rule ("Share: Facebook Twitter")
    furniture_min_links: int = 2
    # share of a block's text that is link text for the "mostly links" rule
    furniture_link_share: float = 0.5
    # share of the text after a "Label:" that is link text for a label-and-links block
    furniture_label_link_share: float = 0.8
    # longest line (characters) that is one link and nothing else ("Print", "Back to news")
    furniture_link_line_chars: int = 60

    # --- labels, dates and the article (scraper.extract.article, blocks) ---
    # longest "Label:" prefix (characters) before a date or a list of links
    max_label_chars: int = 25
    # shortest text (characters) read as a printed date
    date_text_min_chars: int = 6
    # longest text (characters) read as a printed date
    date_text_max_chars: int = 60
    # longest block (characters) dropped as a date line above the body
    leading_date_max_chars: int = 60
    # elements after the <h1> looked at for a date in unknown markup
    max_date_candidates: int = 12
    # ancestors of the content node climbed to find the article around it
    article_scope_depth: int = 6

    # --- images (scraper.extract.media) ---
    # narrowest image (width attribute, pixels) kept as a content image
    min_image_width: int = 50
    # ancestors of an image searched for a link around it (a print, e-mail or share button)
    icon_link_depth: int = 3
    # ancestors of an image searched for a caption element
    caption_depth: int = 3
    # longest text (characters) right after an image taken as its caption
    max_caption_chars: int = 300

    # --- learned templates (scraper.extract.templates) ---
    # pages of a site and language a block must appear on to be learned as template
    min_template_pages: int = 5


DEFAULT_SETTINGS = ExtractionSettings()
