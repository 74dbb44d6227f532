"""Screenshots of the real pages for the README's researcher walkthrough.

Builds an archive of the fixture site with ``scrape run`` (the site served on 127.0.0.1), serves it with
``scrape serve``, and photographs each step in headless Chromium at 1400x1000 (Debian's ``chromium``
driven by Playwright, as in the browser tests), into ``tests/support/screenshots/``:

    python tests/support/screenshots.py            # all of them
    python tests/support/screenshots.py --out DIR  # elsewhere

Run it again after changing a page and commit the images with the change.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # `support` importable when run as a script

from support.browser import VIEWPORT, ScrapeServe, archive_of_the_fixture_site, launch_chromium  # noqa: E402

HERE = Path(__file__).resolve().parent / "screenshots"

#: (file name, path to open, what to do there before the picture, full page?)
SHOTS = [
    ("1-home.png", "/", None, False),
    ("2-search-russian.png", "/archive/releases?_search=миграция", None, False),
    ("3-search-kazakh.png", "/archive/releases?_search=көші-қон", None, False),
    ("4-release-page.png", None, "first-kk-result", True),
    ("5-translation.png", None, "follow-translation", False),
    ("6-across-languages.png", "/archive/releases?_search=мигрантам&_translations=group", None, False),
    ("7-export-and-feed.png", "/archive/releases?lang=ru", "scroll-to-export", False),
]


def take(out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory() as scratch, launch_chromium() as browser:
        archive = archive_of_the_fixture_site(Path(scratch))
        with ScrapeServe(archive) as served:
            page = browser.new_page(viewport=VIEWPORT)
            for name, path, action, full in SHOTS:
                if path:
                    page.goto(served.url(path))
                if action == "first-kk-result":
                    page.goto(served.url("/archive/releases?_search=көші-қон"))
                    page.locator("li.iom-result:has(.iom-others a) .iom-title a").first.click()
                elif action == "follow-translation":
                    page.locator("ul.translations a").first.click()
                elif action == "scroll-to-export":
                    page.locator("p.iom-export").scroll_into_view_if_needed()
                page.wait_for_load_state("networkidle")
                target = out / name
                page.screenshot(path=str(target), full_page=full)
                written.append(target)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE, help="folder for the PNG files")
    for path in take(parser.parse_args().out):
        print(path)


if __name__ == "__main__":
    main()
