"""The text of attachments (scraper.extract.documents): PDF and Word files generated here."""

from __future__ import annotations

import io

import docx
import pytest
from fpdf import FPDF

from scraper.extract.documents import DOCX, PDF, document_kind, plain_text, read_document


def make_pdf(text: str = "") -> bytes:
    document = FPDF()
    document.set_font("helvetica", size=12)
    document.add_page()
    if text:
        document.multi_cell(0, 8, text)
    return bytes(document.output())


def make_docx(*paragraphs: str, table: list[list[str]] | None = None) -> bytes:
    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, cell in enumerate(row):
                grid.cell(r, c).text = cell
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_a_word_file_gives_its_paragraphs_and_tables_in_any_script():
    content = make_docx("Дорожная карта по трудовой миграции", "Еңбек көші-қоны жөніндегі жол картасы",
                        table=[["Год", "Мигранты"], ["2023", "5000"]])
    read = read_document(content, DOCX)
    assert read.status == "text"
    assert read.text == ("Дорожная карта по трудовой миграции\n\nЕңбек көші-қоны жөніндегі жол картасы\n\n"
                         "Год | Мигранты\n\n2023 | 5000")


def test_a_pdf_without_text_is_no_text_and_a_damaged_one_broken():
    assert read_document(make_pdf(), PDF).status == "no text"
    assert read_document(make_pdf("Hello migrants"), PDF).text == "Hello migrants"
    broken = read_document(make_pdf("Hello")[:200], PDF)
    assert broken.status == "broken" and broken.error.startswith("cannot read the PDF file")
    assert read_document(b"PK\x03\x04 not really a zip", DOCX).status == "broken"


@pytest.mark.parametrize("url, content_type, content, kind", [
    ("https://x.org/a.pdf", "application/pdf", b"%PDF-1.7 ...", PDF),
    ("https://x.org/download?id=3", "application/octet-stream", b"%PDF-1.4", PDF),  # sniffed
    ("https://x.org/a.docx", "application/octet-stream", b"PK\x03\x04", DOCX),  # by the URL
    ("https://x.org/a.pdf", "text/html", b"<html>log in</html>", None),  # a page served instead
    ("https://x.org/a.xlsx", "application/vnd.ms-excel", b"PK", None),
])
def test_document_kind(url, content_type, content, kind):
    assert document_kind(url, content_type, content) == kind


def test_plain_text_joins_lines_into_paragraphs_and_mends_hyphenated_words():
    assert plain_text(["IOM supports  the mi-\ngration of\nworkers.\n\nSecond\u00a0paragraph.", "Page two."]) == \
        "IOM supports the migration of workers.\n\nSecond paragraph.\n\nPage two."
