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

    # --- trailing furniture blocks (scraper.extract.blocks) ---
    # links a block needs for the "mostly links" rule ("Share: Facebook Twitter")
    furniture_min_links: int = 2
    # share of a block's text that is link text for the "mostly links" rule
    furniture_link_share: float = 0.5
    # share of the text after a "Label:" that is link text for a label-and-links block
    furniture_label_link_share: float = 0.8

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
