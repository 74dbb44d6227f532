"""The WARC writer and reader (archive.warcs): rotation, one warcinfo per file, records read back by offset."""

from __future__ import annotations

import os

import pytest
from warcio.archiveiterator import ArchiveIterator

from archive.warcs import WarcReadError, WarcRecorder, read_response, warc_dir


def write(recorder: WarcRecorder, n: int, body: bytes, encoding: str | None = None) -> tuple[str, int]:
    headers = [("Content-Type", "text/html; charset=windows-1251"), ("Content-Length", "3")]
    if encoding:
        headers.append(("Content-Encoding", encoding))
    return recorder.record(f"https://kazakhstan.iom.int/news/{n}", "GET", [("User-Agent", "test")], "HTTP/1.1",
                           200, "OK", headers, body)


def test_files_rotate_past_their_size_each_opening_with_warcinfo(tmp_path):
    bodies = [os.urandom(3000) for _ in range(6)]  # incompressible: each record ~3 KB gzipped
    with WarcRecorder(tmp_path, {"software": "test"}, max_bytes=5000) as recorder:
        places = [write(recorder, n, body) for n, body in enumerate(bodies)]
    assert len(recorder.files) == 3 and len({name for name, _ in places}) == 3
    for name in recorder.files:
        with open(tmp_path / name, "rb") as stream:
            types = [record.rec_type for record in ArchiveIterator(stream)]
        assert types[0] == "warcinfo" and types.count("warcinfo") == 1
        assert types[1:] == ["response", "request"] * ((len(types) - 1) // 2)
    for (name, offset), body in zip(places, bodies):
        assert read_response(tmp_path, name, offset) == (body, "text/html; charset=windows-1251")


def test_a_decoded_body_keeps_its_original_encoding_header_renamed(tmp_path):
    with WarcRecorder(tmp_path, {}) as recorder:
        name, offset = write(recorder, 1, b"<html>decoded</html>", encoding="gzip")
    with open(tmp_path / name, "rb") as stream:
        stream.seek(offset)
        record = next(iter(ArchiveIterator(stream)))
        assert record.http_headers.get_header("Content-Encoding") is None
        assert record.http_headers.get_header("X-Archive-Orig-Content-Encoding") == "gzip"
        assert record.http_headers.get_header("Content-Length") == "20"
        assert record.content_stream().read() == b"<html>decoded</html>"


def test_a_missing_file_or_a_wrong_offset_is_a_clear_error(tmp_path):
    with WarcRecorder(tmp_path, {}) as recorder:
        name, offset = write(recorder, 1, b"<html></html>")
    with pytest.raises(WarcReadError, match="no response record there|offset 0"):
        read_response(tmp_path, name, 0)  # the warcinfo record
    with pytest.raises(WarcReadError, match="No such file"):
        read_response(tmp_path, "gone.warc.gz", offset)


def test_the_warc_directory_is_beside_the_archive():
    assert str(warc_dir("/data/iom/archive.db")) == "/data/iom/archive.warc"
