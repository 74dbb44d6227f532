"""``scrape export``: releases as JSON Lines or CSV, for people who work outside SQLite.

JSON Lines: one object per release, the JSON columns (``tags``, ``images``, ``attachments``,
``alternates``) as real arrays and objects. CSV: one row per release with a header; those columns
stay JSON text and the body keeps its blank lines inside a quoted field (any CSV reader handles it).
A file is written to a temporary name and renamed when complete, so an interrupted export never
leaves a half file behind (:func:`write_binary_file`, also used for WARC exports).
"""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from pathlib import Path
from typing import IO, Any, Callable, Iterable, Sequence, TypeVar

from archive.queries import JSON_COLUMNS

FORMATS = ("jsonl", "csv")  # and "warc": archive.export_warc

T = TypeVar("T")


def write_jsonl(rows: Iterable[dict[str, Any]], out: IO[str], columns: Sequence[str] = ()) -> int:
    count = 0
    for row in rows:
        record = {key: json.loads(value) if key in JSON_COLUMNS and value else value for key, value in row.items()}
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
        count += 1
    return count


def write_csv(rows: Iterable[dict[str, Any]], out: IO[str], columns: Sequence[str]) -> int:
    writer = csv.DictWriter(out, fieldnames=list(columns), lineterminator="\r\n")
    writer.writeheader()
    count = 0
    for row in rows:
        writer.writerow(row)
        count += 1
    return count


WRITERS = {"jsonl": write_jsonl, "csv": write_csv}


def export(rows: Iterable[dict[str, Any]], fmt: str, out: IO[str], columns: Sequence[str]) -> int:
    """Write ``rows`` (dicts with ``columns``) to an open text stream; returns how many were written."""
    return WRITERS[fmt](rows, out, columns)


def export_to_file(
    rows: Iterable[dict[str, Any]], fmt: str, path: str | Path, columns: Sequence[str], bom: bool = False
) -> int:
    """Write ``rows`` to ``path`` atomically (UTF-8; with ``bom`` a byte order mark for Excel)."""
    def write(binary: IO[bytes]) -> int:
        out = io.TextIOWrapper(binary, encoding="utf-8-sig" if bom else "utf-8", newline="")
        count = export(rows, fmt, out, columns)
        out.flush()
        out.detach()  # the binary file is closed by write_binary_file
        return count
    return write_binary_file(path, write)


def write_binary_file(path: str | Path, write: Callable[[IO[bytes]], T]) -> T:
    """Call ``write`` with a binary stream that becomes ``path`` only when it returns: written to a
    temporary file beside it, then renamed, so an interrupted export never leaves a half file."""
    path = Path(path)
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent or ".")
    try:
        with os.fdopen(fd, "wb") as out:
            result = write(out)
        os.chmod(temporary, 0o644)  # mkstemp makes it private; an export is meant to be shared
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return result
