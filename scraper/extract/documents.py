"""The text of a release's attachments: PDF (pypdf) and Word ``.docx`` (python-docx) files.

Pure functions over the downloaded bytes, no I/O. :func:`document_kind` says whether a linked file
is one we read (by its media type, else its URL's extension); :func:`read_document` returns its
plain text (paragraphs separated by a blank line, as release bodies are) or why there is none: an
encrypted PDF that opens with no password, a damaged file, a scan without a text layer. Nothing a
file holds makes it raise: every failure is a :class:`DocumentText` with its ``status``.
"""

from __future__ import annotations

import io
import logging
import re
import zipfile
from dataclasses import dataclass
from urllib.parse import urlsplit

PDF = "pdf"
DOCX = "docx"
MEDIA_TYPES = {
    "application/pdf": PDF,
    "application/x-pdf": PDF,
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": DOCX,
}
EXTENSIONS = {".pdf": PDF, ".docx": DOCX}
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u3000]+")

logging.getLogger("pypdf").setLevel(logging.ERROR)  # its per-object warnings for damaged files: we say it once


@dataclass(frozen=True)
class DocumentText:
    """What a document holds: ``status`` ``text``, ``no text``, ``encrypted`` or ``broken``."""

    status: str
    text: str | None = None
    pages: int | None = None
    error: str | None = None


def url_kind(url: str) -> str | None:
    """``pdf`` or ``docx`` by the URL's extension, else None."""
    path = urlsplit(url).path.lower()
    return next((kind for ext, kind in EXTENSIONS.items() if path.endswith(ext)), None)


def document_kind(url: str, content_type: str | None, content: bytes = b"") -> str | None:
    """The kind of a downloaded file: a PDF by its first bytes (``%PDF-``), else by its media type,
    else its URL's extension; None for a file we do not read (an HTML page served instead)."""
    media = (content_type or "").split(";")[0].strip().lower()
    if content.lstrip()[:5] == b"%PDF-":
        return PDF
    if media.startswith("text/") or content.lstrip()[:1] == b"<":  # an HTML page instead (a login, an error)
        return None
    return MEDIA_TYPES.get(media) or url_kind(url)


def plain_text(pages: list[str]) -> str:
    """Pages of extracted lines as release text: each run of non-empty lines one paragraph (lines joined
    by a space, a word broken by a hyphen at a line end joined again), paragraphs separated by a blank line."""
    paragraphs: list[str] = []
    for page in pages:
        lines: list[str] = []
        for raw in page.splitlines() + [""]:
            line = _SPACES.sub(" ", raw).strip()
            if line:
                lines.append(line)
                continue
            if lines:
                text = lines[0]
                for nxt in lines[1:]:
                    text = text[:-1] + nxt if text.endswith("-") and text[-2:-1].isalpha() and nxt[:1].islower() \
                        else f"{text} {nxt}"
                paragraphs.append(text)
                lines = []
    return "\n\n".join(paragraphs)


def read_document(content: bytes, kind: str) -> DocumentText:
    """The text of a PDF or .docx file (``kind``), or why there is none."""
    reader = _read_pdf if kind == PDF else _read_docx
    try:
        return reader(content)
    except Exception as exc:  # noqa: BLE001 (pypdf and python-docx raise many kinds for a damaged file)
        return DocumentText("broken", error=f"cannot read the {kind.upper()} file: {type(exc).__name__}: {exc}"[:500])


def _read_pdf(content: bytes) -> DocumentText:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(content))
    if reader.is_encrypted:
        try:
            opened = reader.decrypt("")  # an owner password only: readable by anyone
        except Exception as exc:  # noqa: BLE001 (an encryption pypdf cannot open without the cryptography package)
            return DocumentText("encrypted", error=f"encrypted PDF ({exc})"[:500])
        if not opened:
            return DocumentText("encrypted", error="encrypted PDF: it opens only with a password")
    pages = [page.extract_text() or "" for page in reader.pages]
    text = plain_text(pages)
    if not text:
        return DocumentText("no text", pages=len(pages), error="no text layer (a scanned document?)")
    return DocumentText("text", text=text, pages=len(pages))


def _read_docx(content: bytes) -> DocumentText:
    import docx

    if not zipfile.is_zipfile(io.BytesIO(content)):
        return DocumentText("broken", error="cannot read the DOCX file: not a ZIP archive")
    document = docx.Document(io.BytesIO(content))
    blocks = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            blocks.append(" | ".join(cell.text.strip() for cell in row.cells))
    text = plain_text(["\n\n".join(blocks)])
    return DocumentText("text", text=text) if text else DocumentText("no text", error="the document holds no text")
