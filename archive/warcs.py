"""WARC files beside the archive: every HTTP exchange of a run, as the web archives keep them (ISO 28500).

A run writes gzip-compressed WARC files (one gzip member per record, so any record can be read on
its own from its offset) into the directory :func:`warc_dir` gives for an archive. A file is
rotated once it passes ``max_bytes``; every file starts with a ``warcinfo`` record describing the
run. Each exchange is a ``request`` record and a ``response`` record (``WARC-Concurrent-To`` links
them). The ``pages`` table points at the response record (``warc_file``, ``warc_offset``) instead of
holding the page a second time; :func:`read_response` reads it back for re-extraction.

Bodies are stored as the client decoded them (gzip/brotli transfer coding removed): the
``Content-Encoding`` header is then renamed ``X-Archive-Orig-Content-Encoding`` and
``Content-Length`` set to the stored length, as pywb and warcprox do for decoded payloads.
"""

from __future__ import annotations

import io
import threading
from datetime import datetime, timezone
from importlib.metadata import version
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

DEFAULT_MAX_BYTES = 100_000_000
_DROPPED = {"transfer-encoding", "content-length"}


def warcinfo(is_part_of: str, description: str, **fields: str) -> dict[str, str]:
    """The fields of a ``warcinfo`` record this software writes (a run's files, an export): who
    wrote it, in which format, what it is part of, then ``fields`` and the ``description``."""
    return {"software": f"iom-archive {version('iom-archive')} (warcio)", "format": "WARC File Format 1.1",
            "conformsTo": "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/",
            "isPartOf": is_part_of, **fields, "description": description}


def warc_dir(archive_path: str | Path) -> Path:
    """Where an archive's WARC files live: ``archive.db`` -> ``archive.warc/`` beside it."""
    path = Path(archive_path)
    return path.with_name(path.stem + ".warc")


def _decoded_headers(headers: list[tuple[str, str]], length: int) -> list[tuple[str, str]]:
    kept = []
    for name, value in headers:
        lower = name.lower()
        if lower in _DROPPED:
            continue
        kept.append(("X-Archive-Orig-Content-Encoding" if lower == "content-encoding" else name, value))
    kept.append(("Content-Length", str(length)))
    return kept


class WarcRecorder:
    """Writes one run's exchanges into rotating ``.warc.gz`` files under ``directory`` (thread-safe:
    a run reads several hosts in parallel)."""

    def __init__(self, directory: str | Path, info: dict[str, str], max_bytes: int = DEFAULT_MAX_BYTES):
        self.directory = Path(directory)
        self.info = info
        self.max_bytes = max_bytes
        self._lock = threading.Lock()
        self._file = None
        self._writer: WARCWriter | None = None
        self._name: str | None = None
        self._serial = 0
        self._stamp = datetime.now(timezone.utc).strftime("%Y%m%d%H%M%S%f")
        self.files: list[str] = []
        self.bytes_written = 0

    def __enter__(self) -> "WarcRecorder":
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def close(self) -> None:
        with self._lock:
            self._close_file()

    def _close_file(self) -> None:
        if self._file is not None:
            self.bytes_written += self._file.tell()
            self._file.close()
            self._file = self._writer = self._name = None

    def _open_file(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        self._serial += 1
        self._name = f"iom-archive-{self._stamp}-{self._serial:05d}.warc.gz"
        self._file = open(self.directory / self._name, "xb")
        self._writer = WARCWriter(self._file, gzip=True)
        self.files.append(self._name)
        self._writer.write_record(self._writer.create_warcinfo_record(self._name, self.info))

    def record(self, url: str, method: str, request_headers: list[tuple[str, str]], http_version: str,
               status: int, reason: str, response_headers: list[tuple[str, str]], body: bytes,
               fetched_at: str | None = None) -> tuple[str, int]:
        """Write one exchange; returns ``(file name, offset)`` of its response record."""
        protocol = http_version if http_version.startswith("HTTP/") else "HTTP/1.1"
        target = url.split("://", 1)[-1]
        path = "/" + target.split("/", 1)[1] if "/" in target else "/"
        request = StatusAndHeaders(f"{method} {path} {protocol}", request_headers, is_http_request=True)
        response = StatusAndHeaders(f"{status} {reason}".strip(), _decoded_headers(response_headers, len(body)),
                                    protocol=protocol)
        with self._lock:
            if self._file is None or self._file.tell() >= self.max_bytes:
                self._close_file()
                self._open_file()
            writer = self._writer
            date = _warc_date(fetched_at)
            resp = writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=response,
                                             warc_headers_dict={"WARC-Date": date} if date else None)
            req = writer.create_warc_record(url, "request", http_headers=request,
                                            warc_headers_dict={"WARC-Date": date} if date else None)
            req.rec_headers.add_header("WARC-Concurrent-To", resp.rec_headers.get_header("WARC-Record-ID"))
            offset = self._file.tell()
            writer.write_record(resp)
            writer.write_record(req)
            self._file.flush()  # the run's extraction reads it back before the file is closed
            return self._name, offset


def _warc_date(fetched_at: str | None) -> str | None:
    if not fetched_at:
        return None
    try:
        moment = datetime.fromisoformat(fetched_at.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class WarcReadError(Exception):
    """A WARC record that cannot be read (file gone, offset not a record)."""


def read_response(directory: str | Path, name: str, offset: int) -> tuple[bytes, str | None]:
    """The body and ``Content-Type`` header of the response record at ``offset`` in ``directory/name``."""
    path = Path(directory) / name
    try:
        with open(path, "rb") as stream:
            stream.seek(offset)
            for record in ArchiveIterator(stream):
                if record.rec_type != "response":
                    break
                content_type = record.http_headers.get_header("Content-Type") if record.http_headers else None
                return record.content_stream().read(), content_type
    except OSError as exc:
        raise WarcReadError(f"{path}: {exc.strerror or exc}") from None
    except Exception as exc:  # noqa: BLE001 (warcio raises many kinds for a damaged file)
        raise WarcReadError(f"{path} at offset {offset}: {exc}") from None
    raise WarcReadError(f"{path} at offset {offset}: no response record there")
