"""What ``scrape sites`` prints: each configured site and where its releases are discovered."""

from __future__ import annotations

from typing import Any

from archive.status import table
from scraper.config import Config, Site


def site_entry(site: Site) -> dict[str, Any]:
    """Where a site's releases are discovered, per language."""
    return {
        "key": site.key,
        "base_url": site.base_url,
        "languages": {lang: site.language_root(lang) + site.news_path for lang in site.languages},
        "sitemap": site.base_url + site.sitemap if site.sitemap else None,
        "release_pattern": site.release_pattern,
        "max_listing_pages": site.max_listing_pages,
        "hints": {k: v for k, v in site.hints.model_dump().items() if v},
    }


def sites_text(config: Config) -> str:
    blocks = []
    for site in config.sites:
        entry = site_entry(site)
        lines = [f"{site.key}  {site.base_url}",
                 table(["lang", "news listing (paged with ?page=N)"], list(entry["languages"].items()))]
        lines.append(f"  sitemap: {entry['sitemap']} (sitemap indexes followed)" if entry["sitemap"]
                     else "  sitemap: none (listing pages only)")
        lines.append(f"  releases: language-relative paths matching {site.release_pattern}; "
                     f"at most {site.max_listing_pages} listing pages per language")
        if entry["hints"]:
            lines.append("  hints: " + ", ".join(f"{k}={v!r}" for k, v in entry["hints"].items()))
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)
