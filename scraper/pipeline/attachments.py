"""A site's attachments: the PDF and Word files its releases link to, downloaded and read.

After a site's releases are extracted, every ``.pdf`` / ``.docx`` link of ``releases.attachments``
without a row in ``attachments`` is fetched with the run's :class:`~scraper.fetch.Fetcher` (the
same robots.txt, per-host delay, configured hosts and ``max_page_bytes`` cap as pages; the file is
in the run's WARC like any response), read by :mod:`scraper.extract.documents`, and stored with
its text, which the stemmed index adds to the release's. A file linked by several releases (the
language versions of one release) is downloaded once.

Nothing here fails the run: an encrypted or damaged file is kept (``encrypted``, ``broken``) and
logged as a warning; a 404 is ``missing``; a file on a host that is no configured site's, or that
robots.txt disallows, is ``not fetched``; a file over the size cap is ``too large``. A download
that fails for a passing reason (a timeout, a 5xx) writes no row and is tried again by the next run.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from archive.store import Archive, AttachmentRecord, utc_now
from scraper.config import Site
from scraper.extract.documents import document_kind, read_document, url_kind
from scraper.fetch import FetchError, Fetcher, RobotsDisallowed, RobotsUnreachable, RunDeadlineReached
from scraper.pipeline import events


def collect_attachments(site: Site, fetcher: Fetcher, archive: Archive) -> int:
    """Download and read the site's attachments not read yet; returns how many rows were written.
    At the run's time limit it stops; what is left is read by the next run."""
    written = 0
    read: dict[str, AttachmentRecord | None] = {}
    for row in archive.attachments_to_fetch(site.key):
        url = row["url"]
        if not url_kind(url):
            continue  # another kind of file (Excel, an image): listed in releases.attachments only
        if url not in read:
            known = archive.attachment_of_url(url)
            try:
                read[url] = known or _download(url, fetcher)
            except RunDeadlineReached:
                events.log.info("%s: time limit reached; the remaining attachments are read by the next run", site.key)
                return written
        found = read[url]
        if found is None:
            continue
        archive.save_attachment(AttachmentRecord(**{**found.__dict__, "release_id": row["release_id"],
                                                    "title": row["title"]}))
        written += 1
    return written


def _download(url: str, fetcher: Fetcher) -> AttachmentRecord | None:
    """The document at ``url`` downloaded and read, or None when it should be tried again next run."""
    now = utc_now()
    try:
        response = fetcher.get(url)
    except (RobotsDisallowed, RobotsUnreachable) as exc:
        return _row(url, "not fetched", exc.cause, now)
    except FetchError as exc:
        if "is not one of the configured sites" in exc.cause:  # the fetcher's own host rule
            events.log.info("%s: attachment on %s, not a configured site's host; not fetched", url,
                            urlsplit(url).netloc.lower())
            return _row(url, "not fetched", exc.cause, now)
        if "larger than" in exc.cause:
            events.log.warning("%s: attachment %s; kept as a link only", url, exc.cause)
            return _row(url, "too large", exc.cause, now)
        events.log.warning("%s: attachment not downloaded (%s); tried again next run", url, exc.cause)
        return None
    if response.status in (404, 410):
        events.log.warning("%s: attachment missing (HTTP %s)", url, response.status)
        return _row(url, "missing", f"HTTP {response.status}", now)
    if response.status != 200:
        events.log.warning("%s: attachment not downloaded (HTTP %s); tried again next run", url, response.status)
        return None
    kind = document_kind(response.url, response.content_type, response.content)
    facts = {"fetched_at": response.fetched_at, "content_type": response.content_type, "size": len(response.content),
             "warc": response.warc, "content": response.content}
    if kind is None:
        events.log.warning("%s: attachment is not a PDF or Word file (%s); kept", url, response.content_type)
        return _row(url, "broken", f"not a PDF or Word file: {response.content_type or 'no content type'}", **facts)
    document = read_document(response.content, kind)
    if document.status in ("encrypted", "broken"):
        events.log.warning("%s: attachment %s: %s; kept as downloaded", url, document.status, document.error)
    return _row(url, document.status, document.error, pages=document.pages, text=document.text, **facts)


def _row(url: str, status: str, error: str | None, fetched_at: str | None = None, **facts) -> AttachmentRecord:
    return AttachmentRecord(release_id=0, url=url, title=None, status=status, error=error,
                            fetched_at=fetched_at or utc_now(), **facts)
