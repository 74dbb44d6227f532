"""Stage 6, dedupe: what a release *is*, decided here and nowhere else.

For every extracted release the pipeline hands over, :class:`Deduplicator` decides, in one
transaction of the archive:

1. **Which archived release it is.** One already known under any of its URLs (canonical, fetched,
   aliases); else one of the same site and language with exactly the same text (the same release
   at another address); else a new release.
2. **Its translation group**, the key its language versions share (:func:`translation_group`):
   the Drupal node id, else the smallest of its hreflang URLs; else, for a release that names
   none, the group it already has in the archive, or that of a release of the same site published
   the same day in another language citing the same figures (:func:`same_story`); else its URL.
3. **Which release it copies** (``duplicate_of``): near-duplicates of its text on other sites
   (:class:`~scraper.dedupe.near_duplicates.NearDuplicateIndex`), each member of a cluster pointing
   at the earliest (:func:`~scraper.dedupe.near_duplicates.earliest_original`: by published date,
   then first seen), whichever site was read first, in one run or in separate runs.
4. **Whether it is a new version, and why**: a version records what changed
   (:func:`~archive.columns.version_changes`: title, body, publication date; a page that no longer
   shows a date keeps the date archived, :func:`kept_date`) and its cause (:func:`version_cause`): an
   edit by the site, or the same page read by a better extractor (``release_versions.cause``).
5. **Where a captured text goes** (:meth:`Deduplicator.save_capture`, for ``scrape import`` and
   ``scrape recover``): a text the release already had changes nothing; a new one is the current
   text when the capture is newer than the last sight of the current text, else an earlier
   version, in time order among the others.

:mod:`archive.store` only persists these answers: it reads and writes rows, it decides nothing.
"""

from __future__ import annotations

from collections.abc import Mapping

from archive.columns import version_changes
from archive.store import Archive, Capture, ReleaseRecord, utc_now
from scraper.dedupe.near_duplicates import DEFAULT_SETTINGS, DedupSettings, NearDuplicateIndex, earliest_original
from scraper.dedupe.translations import same_story


def translation_group(site: str, url: str, node_id: str | None, alternates: Mapping[str, str]) -> str:
    """The group a page names for itself: ``<site>/node/<id>``, else its smallest hreflang URL,
    else its own URL (meaning: the page names none)."""
    if node_id:
        return f"{site}/node/{node_id}"
    if alternates:
        return min(alternates.values())
    return url


def version_cause(seen_online: bool, previous_extractor: int | None, extractor: int | None) -> str:
    """Why a changed text is a new version (``release_versions.cause``): ``reextract`` when the same
    stored page was read again (re-extraction, or a template learned during the run); ``site`` when
    the page was fetched again and read by the extractor that read the previous version; ``mixed``
    when it was fetched again but the extractor changed since (or is unknown): an edit by the site
    and a better extractor cannot then be told apart."""
    if not seen_online:
        return "reextract"
    if previous_extractor is None or previous_extractor != extractor:
        return "mixed"
    return "site"


def kept_date(found: str | None, archived: str | None) -> str | None:
    """The publication date to keep: the one found on the page, else the one archived (a page that
    stops showing its date, or an extractor that misses it, never erases a known date)."""
    return found or archived


class Deduplicator:
    """Release identity over one open archive; owns the archive's near-duplicate index."""

    def __init__(self, archive: Archive, settings: DedupSettings = DEFAULT_SETTINGS):
        self.archive = archive
        self.index = NearDuplicateIndex(archive.db, settings)
        self.index.ensure_tables()

    def save(self, release: ReleaseRecord, page_url: str, seen_at: str | None = None, seen_online: bool = True) -> str:
        """Archive one release and link its raw page, atomically. Returns 'new', 'updated' or
        'unchanged'. ``seen_online=False`` (re-extraction) leaves ``last_seen`` alone."""
        store = self.archive
        seen_at = seen_at or utc_now()
        with store.transaction():
            urls, existing = self.identify(release)
            if existing is None:
                release_id, outcome = store.insert_release(release, seen_at), "new"
            else:
                release_id = existing
                changed = self.changes(existing, release)
                cause = version_cause(seen_online, store.release_field(existing, "extractor_version"),
                                      release.extractor_version)
                outcome = store.refresh_release(release_id, release, seen_at, seen_online, cause, changed)
            store.add_urls(release_id, urls, seen_at, seen_online)
            store.link_page(page_url, release_id)
            if outcome != "unchanged":
                self.link_cross_posts(release_id, release)
        return outcome

    def save_capture(self, release: ReleaseRecord, page_url: str | None, capture: Capture) -> str:
        """Archive a release read from a capture (a WARC record, a web archive's copy), atomically.
        Returns 'new', 'updated' (the capture is newer than the current text and says something
        else), 'earlier' (an older text the release did not have: inserted before the later
        versions, the current text stays) or 'unchanged' (a text the release has had)."""
        store = self.archive
        with store.transaction():
            urls, existing = self.identify(release)
            if existing is None:
                release_id = store.insert_release(release, capture.captured_at, capture=capture)
                outcome = "new"
            else:
                release_id = existing
                if release.content_hash in store.version_hashes(release_id):
                    outcome = "unchanged"
                elif capture.captured_at > store.current_text_seen(release_id):
                    outcome = store.refresh_release(release_id, release, capture.captured_at, seen_online=False,
                                                    cause="site", changed=self.changes(release_id, release),
                                                    capture=capture)
                else:
                    store.add_earlier_version(release_id, release, capture)
                    outcome = "earlier"
            store.add_urls(release_id, urls, capture.captured_at, seen_online=False, capture=capture)
            if page_url is not None:
                store.link_page(page_url, release_id)
            if outcome in ("new", "updated"):
                self.link_cross_posts(release_id, release)
        return outcome

    def identify(self, release: ReleaseRecord) -> tuple[list[str], int | None]:
        """Steps 1 and 2: the release's URLs, the archived release it is (None: a new one), and its
        translation group (set on ``release``)."""
        store = self.archive
        urls = list(dict.fromkeys([release.url, *release.urls]))
        existing = store.release_id_for_urls(urls) or store.same_text_release(
            release.site, release.lang, release.url, release.content_hash
        )
        release.translation_group = self.group_of(release, existing)
        return urls, existing

    def changes(self, existing: int, release: ReleaseRecord) -> list[str]:
        """Step 4: what the release's text changes against the archived one's current version (a page
        without a date keeps the archived date, set on ``release``)."""
        title, body, published = self.archive.current_version(existing)
        release.published_date = kept_date(release.published_date, published)
        return version_changes((title, body, published), (release.title, release.body, release.published_date))

    def group_of(self, release: ReleaseRecord, existing: int | None) -> str:
        """Step 2 of the module docstring."""
        named = translation_group(release.site, release.url, release.node_id, release.alternates)
        if named != release.url:
            return named
        if existing is not None:
            return self.archive.release_field(existing, "translation_group") or named
        if release.published_date:
            for group, body in self.archive.same_day_releases(release.site, release.published_date, release.lang):
                if same_story(release.body, body):
                    return group
        return named

    def link_cross_posts(self, release_id: int, release: ReleaseRecord) -> None:
        """Index the release's text and point it and its near-copies on other sites at the earliest."""
        self.index.add(release_id, release.site, release.lang, release.body)
        for member in [release_id, *(m.release_id for m in self.index.find_by_id(release_id))]:
            matches = self.index.find_by_id(member)
            site, published, seen = self.archive.site_date_and_first_seen(member)
            ids = [m.release_id for m in matches]
            original = earliest_original(matches, self.archive.published_dates(ids), site=site,
                                         published_date=published, release_id=member,
                                         first_seen=self.archive.first_seen(ids), seen=seen)
            self.archive.set_duplicate_of(member, original)
