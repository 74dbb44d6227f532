"""``scrape export --format warc``: a selection of releases as one WARC file, to hand to a web archive.

The file opens with a ``warcinfo`` record saying what was selected. Then, for each release, oldest
first:

* the HTTP exchange its page was read from, copied byte for byte from the archive's own WARC files
  (the ``response`` record and the ``request`` record concurrent to it, each its own gzip member):
  record ids, dates and digests stay those of the capture, so the export is as authentic as the
  capture itself;
* for a page stored before WARC capture (only ``pages.raw_html``), a ``resource`` record of the
  page as stored, dated when it was fetched: the HTTP headers were not kept then, so it does not
  pretend to be a response;
* a ``metadata`` record (``application/json``, ``WARC-Refers-To`` the page's record) with what
  the archive read from it: the release's columns and every URL that served it.

A page whose record cannot be read (a WARC file gone or damaged, and no ``raw_html``) is left out
and reported; the rest is written. Only the latest capture of each page is exported (``pages``
keeps one per URL), not the redirect hops that led to it.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Callable, Iterable

from warcio.archiveiterator import ArchiveIterator
from warcio.warcwriter import WARCWriter

from archive.queries import JSON_COLUMNS
from archive.store import decompress
from archive.warcs import WarcReadError, _warc_date


@dataclass
class WarcExport:
    """What an export wrote: releases and page records, and the pages it had to leave out (URL, why)."""

    releases: int = 0
    captures: int = 0  # exchanges copied from the archive's WARC files
    resources: int = 0  # pages stored before WARC capture, written as resource records
    missing: list[tuple[str, str]] = field(default_factory=list)


def exchange_bytes(directory: str | Path, name: str, offset: int) -> tuple[bytes, str]:
    """The gzip members of the response record at ``offset`` in ``directory/name`` and of the request
    record concurrent to it, as stored; and the response's ``WARC-Record-ID``."""
    path = Path(directory) / name
    try:
        with open(path, "rb") as stream:
            stream.seek(offset)
            records = ArchiveIterator(stream)
            response = next(records, None)
            if response is None or response.rec_type != "response":
                raise WarcReadError(f"{path} at offset {offset}: no response record there")
            record_id = response.rec_headers.get_header("WARC-Record-ID")
            records.read_to_end(response)
            end = offset + records.get_record_length()
            request = next(records, None)
            if request is not None and request.rec_type == "request" and \
                    request.rec_headers.get_header("WARC-Concurrent-To") == record_id:
                records.read_to_end(request)
                end = records.get_record_offset() + records.get_record_length()
            stream.seek(offset)
            return stream.read(end - offset), record_id
    except OSError as exc:
        raise WarcReadError(f"{path}: {exc.strerror or exc}") from None
    except WarcReadError:
        raise
    except Exception as exc:  # noqa: BLE001 (warcio raises many kinds for a damaged file)
        raise WarcReadError(f"{path} at offset {offset}: {exc}") from None


def release_metadata(release: dict[str, Any], urls: list[str]) -> bytes:
    """The metadata record's payload: the release's columns (JSON columns as JSON) and its URLs."""
    record = {key: json.loads(value) if key in JSON_COLUMNS and value else value for key, value in release.items()}
    record["release_urls"] = urls
    return json.dumps(record, ensure_ascii=False, indent=1).encode("utf-8")


def write_warc(
    releases: Iterable[dict[str, Any]],
    out: IO[bytes],
    pages: Callable[[int], list[dict[str, Any]]],
    urls: Callable[[int], list[str]],
    warc_directory: str | Path,
    info: dict[str, str],
    filename: str = "export.warc.gz",
) -> WarcExport:
    """Write the WARC of ``releases`` (rows of ``releases``) to a binary stream. ``pages(id)`` gives a
    release's stored pages (``pages`` rows), ``urls(id)`` its ``release_urls``."""
    writer = WARCWriter(out, gzip=True)
    writer.write_record(writer.create_warcinfo_record(filename, info))
    done = WarcExport()
    for release in releases:
        refers_to = None
        for page in pages(release["id"]):
            refers_to = _write_page(writer, out, page, warc_directory, done) or refers_to
        metadata = writer.create_warc_record(
            release["url"], "metadata", payload=io.BytesIO(release_metadata(release, urls(release["id"]))),
            warc_content_type="application/json",
        )
        if refers_to:
            metadata.rec_headers.add_header("WARC-Refers-To", refers_to)
        writer.write_record(metadata)
        done.releases += 1
    return done


def _write_page(writer: WARCWriter, out: IO[bytes], page: dict[str, Any], warc_directory: str | Path,
                done: WarcExport) -> str | None:
    """One page's record(s); returns the id of the record holding the page, None if it was left out."""
    why = None
    if page.get("warc_file"):
        try:
            data, record_id = exchange_bytes(warc_directory, page["warc_file"], page["warc_offset"])
        except WarcReadError as exc:
            why = str(exc)
        else:
            out.write(data)
            done.captures += 1
            return record_id
    if page.get("raw_html") is None:
        done.missing.append((page["url"], why or "no capture and no raw_html kept"))
        return None
    date = _warc_date(page.get("fetched_at"))
    record = writer.create_warc_record(
        page["url"], "resource", payload=io.BytesIO(decompress(page["raw_html"]).encode("utf-8")),
        warc_content_type=_html_type(page.get("content_type")),
        warc_headers_dict={"WARC-Date": date} if date else None,
    )
    writer.write_record(record)
    done.resources += 1
    return record.rec_headers.get_header("WARC-Record-ID")


def _html_type(content_type: str | None) -> str:
    """The stored page's media type, with the charset it is stored in (decoded, written as UTF-8)."""
    media = (content_type or "text/html").split(";")[0].strip() or "text/html"
    return f"{media}; charset=utf-8"
