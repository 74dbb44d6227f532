"""What the article carries besides its text: images with alt text and captions, attached
documents, tags; and the captions printed in the text flow, which the body leaves to the image.
"""

from __future__ import annotations

from urllib.parse import urljoin

from selectolax.lexbor import LexborNode

from scraper import clean
from scraper.extract import selectors
from scraper.extract.blocks import inline_text
from scraper.extract.settings import DEFAULT_SETTINGS, ExtractionSettings


def images(scope: LexborNode, page_url: str, settings: ExtractionSettings = DEFAULT_SETTINGS) -> list[dict[str, str]]:
    """Content images with their alt text and caption (icons, logos and data URIs skipped)."""
    found: list[dict[str, str]] = []
    seen: set[str] = set()
    for img in scope.css("img"):
        src = img.attributes.get("src") or img.attributes.get("data-src") or ""
        if not src or src.startswith("data:") or "logo" in src.lower() or src.lower().endswith(".svg"):
            continue
        width = img.attributes.get("width") or ""
        if width.isdigit() and int(width) < settings.min_image_width or _is_linked_icon(img, settings):
            continue
        url = urljoin(page_url, src)
        if url in seen:
            continue
        seen.add(url)
        found.append({
            "url": url,
            "alt": clean.normalize_space(img.attributes.get("alt") or ""),
            "caption": _caption(img, settings),
        })
    return found


def _is_linked_icon(img: LexborNode, settings: ExtractionSettings = DEFAULT_SETTINGS) -> bool:
    """An image inside a link to something that is not an image: a print, e-mail or share button."""
    node = img.parent
    for _ in range(settings.icon_link_depth):
        if node is None:
            return False
        if node.tag == "a":
            href = (node.attributes.get("href") or "").lower().split("?")[0]
            return not href.endswith((".jpg", ".jpeg", ".png", ".gif", ".webp"))
        node = node.parent
    return False


def _caption(img: LexborNode, settings: ExtractionSettings = DEFAULT_SETTINGS) -> str:
    """``<figcaption>`` or a caption-classed element near the image, else a short text right after it."""
    node = img.parent
    for _ in range(settings.caption_depth):
        if node is None:
            break
        caption = node.css_first("figcaption, [class*=caption]")
        if caption is not None:
            return clean.normalize_space(inline_text(caption))
        node = node.parent
    sibling = img.next
    while sibling is not None and sibling.tag == "-text" and not (sibling.text_content or "").strip():
        sibling = sibling.next
    if sibling is not None and sibling.tag in ("span", "small", "em", "i", "p", "div"):
        text = clean.normalize_space(inline_text(sibling))
        if 0 < len(text) <= settings.max_caption_chars:
            return text
    return ""


def drop_captions(blocks: list[str], found_images: list[dict[str, str]]) -> list[str]:
    """Image captions printed in the text flow; they are kept with the image instead."""
    captions = {clean.said(image["caption"]) for image in found_images if image["caption"]}
    if not captions:
        return blocks
    return [block for block in blocks if clean.said(block) not in captions]


def attachments(scope: LexborNode, page_url: str) -> list[dict[str, str]]:
    """Links to documents (PDF, Word, Excel…) with their link text."""
    found: list[dict[str, str]] = []
    seen: set[str] = set()
    for anchor in scope.css("a[href]"):
        href = anchor.attributes.get("href") or ""
        if not href.split("?")[0].split("#")[0].lower().endswith(selectors.ATTACHMENT_EXTENSIONS):
            continue
        url = urljoin(page_url, href)
        if url in seen:
            continue
        seen.add(url)
        found.append({"url": url, "title": clean.normalize_space(inline_text(anchor))})
    return found


def tags(scope: LexborNode) -> list[str]:
    found: list[str] = []
    if scope.css_first(selectors.any_of(selectors.TAG_LINKS)) is None:
        return found
    for selector in selectors.TAG_LINKS:
        for anchor in scope.css(selector):
            text = clean.normalize_space(inline_text(anchor))
            if text and text not in found:
                found.append(text)
    return found
