"""Text blocks: a node's text as paragraph-like blocks (one per block element, one per list),
with link statistics, and the choice of the body's blocks among them (the main segment between
learned template blocks, trailing furniture cut off, template lines dropped).
"""

from __future__ import annotations

from dataclasses import dataclass

from selectolax.lexbor import LexborNode

from scraper import clean
from scraper.extract import selectors
from scraper.extract.keys import block_key
from scraper.extract.settings import DEFAULT_SETTINGS, ExtractionSettings


def inline_text(node: LexborNode) -> str:
    """The text of a node as one line, block boundaries becoming spaces."""
    return " ".join(block.replace("\n", " ") for block in text_blocks(node))


@dataclass(frozen=True)
class Block:
    """A paragraph-like piece of text, with how much of it is link text."""

    text: str
    link_chars: int = 0
    links: int = 0
    mail_links: int = 0

    @property
    def is_furniture(self) -> bool:
        """:meth:`furniture` with the default settings."""
        return self.furniture()

    def furniture(self, settings: ExtractionSettings = DEFAULT_SETTINGS) -> bool:
        """Page furniture at the end of an article rather than a paragraph of it.

        Several links making up most of the text ("Share: Facebook Twitter"), a short line that
        is one link ("Print", "Back to news"), a short label followed only by links to pages or
        files ("Topics: Climate Migration", "Downloads: report (PDF)"; not a "Contact:
        name@iom.int" line), or a dangling label ("Attachments:").
        """
        text = clean.normalize_space(self.text)
        if not text:
            return True
        links_enough = self.links >= settings.furniture_min_links
        if links_enough and self.link_chars >= settings.furniture_link_share * len(text):
            return True
        if (self.links > self.mail_links and len(text) <= settings.furniture_link_line_chars
                and self.link_chars >= len(text) - settings.teaser_heading_slack_chars):
            return True
        label, colon, rest = text.partition(":")
        if not colon or len(label) > settings.max_label_chars:
            return False
        if not rest.strip():
            return True
        rest_linked = self.link_chars >= settings.furniture_label_link_share * len(rest.strip())
        return self.links > self.mail_links and rest_linked


def text_blocks(root: LexborNode) -> list[str]:
    """The text of ``root`` as blocks: one per paragraph-like element, one per list (item per line)."""
    return [block.text for block in blocks_of(root)]


def blocks_of(root: LexborNode) -> list[Block]:
    """:func:`text_blocks` with link statistics per block."""
    blocks: list[Block] = []
    current: list[str] = []
    links = {"chars": 0, "count": 0, "mail": 0}

    def flush() -> None:
        if current:  # most flushes (one before and one after each block element) find nothing
            text = "".join(current)
            current.clear()
            if text.strip():
                blocks.append(Block(text, links["chars"], links["count"], links["mail"]))
        links["chars"] = links["count"] = links["mail"] = 0

    def walk(node: LexborNode) -> None:
        for child in node.iter(include_text=True):
            tag = child.tag
            if tag == "-text":
                current.append((child.text_content or "").replace("\n", " "))
            elif tag == "br":
                if "".join(current).rstrip(" \t").endswith("\n"):  # <br><br>: a new paragraph
                    flush()
                else:
                    current.append("\n")
            elif tag in selectors.LIST_TAGS:
                flush()
                items = [clean.normalize_space(inline_text(li)) for li in child.iter() if li.tag == "li"]
                linked = child.css("a")
                text = "\n".join(item for item in items if item)
                if text:
                    blocks.append(Block(text, sum(len(a.text(deep=True, strip=True)) for a in linked), len(linked)))
            elif tag in ("td", "th"):
                current.append(" ")
                walk(child)
                current.append(" ")
            elif tag in selectors.BLOCK_TAGS or tag == "li":
                flush()
                walk(child)
                flush()
            elif tag.startswith("-"):
                continue
            else:
                if tag == "a":
                    links["count"] += 1
                    links["chars"] += len(child.text(deep=True, strip=True))
                    links["mail"] += (child.attributes.get("href") or "").startswith(("mailto:", "tel:"))
                walk(child)

    walk(root)
    flush()
    return blocks


def main_segment(
    blocks: list[Block], template: frozenset[str], settings: ExtractionSettings = DEFAULT_SETTINGS
) -> list[Block]:
    """For content found by scoring: the body's blocks among learned template blocks.

    Learned template blocks (menus, notices, "Related News" headings) cut the blocks into runs;
    the run with the most non-link text is the body. A neighbouring run joins it when at most
    ``settings.segment_gap_blocks`` template blocks separate them (an "Advertisement" label, a
    recurring "Read also" heading inside the article) and it reads like body text: a paragraph of
    ``settings.min_paragraph_chars`` or more, at most ``settings.segment_max_link_share`` link
    text, and links in at most half of its blocks (teasers after a "Related News" heading all
    link). Trailing furniture ("Topics: A B", :meth:`Block.furniture`) is cut off.
    """
    if not template:
        chosen = list(blocks)
        while chosen and chosen[-1].furniture(settings):
            chosen.pop()
        return chosen
    segments: list[list[Block]] = [[]]
    gaps: list[int] = []  # template blocks before each segment after the first
    for block in blocks:
        if block_key(block.text) in template:
            if segments[-1]:
                segments.append([])
                gaps.append(1)
            elif gaps:
                gaps[-1] += 1
        else:
            segments[-1].append(block)
    if not segments[-1] and len(segments) > 1:
        segments.pop()
        gaps.pop()
    best = max(range(len(segments)), key=lambda i: _own_chars(segments[i]))
    first = last = best
    while first > 0 and gaps[first - 1] <= settings.segment_gap_blocks and _reads_like_body(segments[first - 1], settings):
        first -= 1
    while last + 1 < len(segments) and gaps[last] <= settings.segment_gap_blocks and _reads_like_body(segments[last + 1], settings):
        last += 1
    chosen = [block for segment in segments[first:last + 1] for block in segment]
    while chosen and chosen[-1].furniture(settings):
        chosen = chosen[:-1]
    return chosen


def _own_chars(segment: list[Block]) -> int:
    return sum(len(b.text) - b.link_chars for b in segment)


def _reads_like_body(segment: list[Block], settings: ExtractionSettings) -> bool:
    total = sum(len(b.text) for b in segment)
    if not total or not any(len(b.text) - b.link_chars >= settings.min_paragraph_chars for b in segment):
        return False
    linked_blocks = sum(1 for b in segment if b.links > b.mail_links)
    return (sum(b.link_chars for b in segment) <= settings.segment_max_link_share * total
            and 2 * linked_blocks <= len(segment))


def drop_template_blocks(blocks: list[str], template: frozenset[str]) -> list[str]:
    """Blocks (and lines of list blocks) that are not learned template text."""
    if not template:
        return blocks
    kept = []
    for block in blocks:
        lines = [line for line in block.split("\n") if block_key(line) not in template]
        if lines and block_key(block) not in template:
            kept.append("\n".join(lines))
    return kept
