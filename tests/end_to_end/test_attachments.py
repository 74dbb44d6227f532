"""Attachments (issue 15, item 4): the PDFs a release links to are downloaded by the run (politely,
once per file), their text kept in ``attachments``, found by the stemmed search, listed on the
release page; an encrypted or broken PDF is logged and kept and never fails the run. The PDFs are
generated here (fpdf2) and served by the fixture server."""

from __future__ import annotations

import asyncio
from urllib.parse import quote

import pytest
from fpdf import FPDF

from archive.serve.metadata import make_datasette
from support.fixture_server import FixtureServer, Served
from support.helpers import KAZAKHSTAN, load_golden, query, scrape, write_config

GOLDEN = load_golden()["releases"]
PDF_PATH = next(r for r in GOLDEN if r["attachments"])["attachments"][0]["href"]
WITH_PDF = [r for r in GOLDEN if any(a["href"] == PDF_PATH for a in r["attachments"])]  # its language versions
SINCE = min(str(r["date"]) for r in WITH_PDF)
ONLY_IN_THE_PDF = "apprenticeships"  # a word no release body has


def pdf(*pages: str, encrypt: bool = False) -> bytes:
    document = FPDF()
    document.set_font("helvetica", size=12)
    for text in pages:
        document.add_page()
        document.multi_cell(0, 8, text)
    if encrypt:
        document.set_encryption(owner_password="owner", user_password="secret")
    return bytes(document.output())


ROADMAP = pdf("Joint roadmap on labour migration 2023-2025.\n\nThe parties agree to open seasonal "
              f"work and {ONLY_IN_THE_PDF} for young workers.", "Annex: contact points of both ministries.")


def serve_pdf(site, body: bytes) -> None:
    site.overrides[PDF_PATH] = Served(200, "application/pdf", body)


@pytest.fixture
def site():
    with FixtureServer(KAZAKHSTAN / "site") as server:
        yield server


def run(tmp_path, site, **settings):
    result = scrape("run", "--config", str(write_config(tmp_path, site.base_url, **settings)), "--since", SINCE)
    return result


def attachments(db) -> list[dict]:
    """The rows of the PDF served here (the fixture site's other links answer 404: ``missing``)."""
    return [dict(row) for row in query(db, "SELECT a.*, r.lang FROM attachments a JOIN releases r ON r.id = a.release_id "
                                           "WHERE a.url LIKE '%' || ? ORDER BY r.lang", (PDF_PATH,))]


def test_a_linked_pdf_is_downloaded_once_read_and_found_by_the_stemmed_search(site, tmp_path):
    serve_pdf(site, ROADMAP)
    result = run(tmp_path, site)
    assert result.exit_code == 0, result.output
    assert [r.path for r in site.requests].count(PDF_PATH) == 1  # linked by three language versions
    db = tmp_path / "archive.db"
    rows = attachments(db)
    assert [row["lang"] for row in rows] == sorted(r["lang"] for r in WITH_PDF)
    for row in rows:
        assert row["status"] == "text" and row["pages"] == 2 and row["error"] is None
        assert row["url"] == site.base_url + PDF_PATH and row["size"] == len(ROADMAP)
        assert ONLY_IN_THE_PDF in row["text"] and "Annex: contact points" in row["text"]
        assert row["warc_file"] and row["content"] is None  # the file is kept once, in the run's WARC
    titles = {row["lang"]: row["title"] for row in rows}
    assert titles == {r["lang"]: next(a["title"] for a in r["attachments"] if a["href"] == PDF_PATH) for r in WITH_PDF}
    # the stemmed search finds the releases by a word of their PDF ("apprenticeship" finds "apprenticeships")
    ds = make_datasette(db)
    found = asyncio.run(ds.client.get(f"/archive/releases.json?_search={quote('apprenticeship')}&_shape=array"))
    assert sorted(r["url"] for r in found.json()) == sorted(site.base_url + r["path"] for r in WITH_PDF)
    # the release page lists the attachment with what was read of it
    release_id = rows[0]["release_id"]
    page = asyncio.run(ds.client.get(f"/archive/release/{release_id}"))
    assert page.status_code == 200
    assert "2 pages" in page.text and "words of text, searched with the release" in page.text
    # the next night asks for nothing again
    site.requests.clear()
    assert run(tmp_path, site).exit_code == 0
    assert PDF_PATH not in [r.path for r in site.requests]


@pytest.mark.parametrize("body, status, says", [
    (pdf("Confidential.", encrypt=True), "encrypted", "opens only with a password"),
    (b"%PDF-1.7\n" + b"\x00garbage, not a PDF body" * 50, "broken", "cannot read the PDF file"),
    (b"<html><body>Please log in</body></html>", "broken", "not a PDF or Word file"),
])
def test_an_encrypted_or_broken_pdf_is_logged_and_kept_and_the_run_succeeds(site, tmp_path, body, status, says):
    site.overrides[PDF_PATH] = Served(200, "application/pdf" if body.startswith(b"%PDF") else "text/html", body)
    result = run(tmp_path, site, warc=False)
    assert result.exit_code == 0, result.output
    assert f"attachment {status}" in result.output or "is not a PDF or Word file" in result.output
    rows = attachments(tmp_path / "archive.db")
    assert len(rows) == len(WITH_PDF)
    for row in rows:
        assert row["status"] == status and says in row["error"]
        assert row["content"] == body and row["text"] is None  # kept as downloaded (capture off: in the row)
    assert query(tmp_path / "archive.db", "SELECT count(*) FROM releases")[0][0] == len(
        [r for r in GOLDEN if str(r["date"]) >= SINCE])


def test_a_missing_pdf_is_recorded_and_a_failing_one_tried_again_next_run(site, tmp_path):
    result = run(tmp_path, site)  # the fixture site has no such file: 404
    assert result.exit_code == 0, result.output
    assert {row["status"] for row in query(tmp_path / "archive.db", "SELECT status FROM attachments")} == {"missing"}
    other = tmp_path / "other"
    other.mkdir()
    site.overrides[PDF_PATH] = Served(503, "text/html", b"<p>busy</p>")
    assert run(other, site).exit_code == 0
    assert attachments(other / "archive.db") == []  # nothing recorded: the next run asks again
    serve_pdf(site, ROADMAP)
    assert run(other, site).exit_code == 0
    assert {row["status"] for row in attachments(other / "archive.db")} == {"text"}


def test_attachments_can_be_turned_off(site, tmp_path):
    serve_pdf(site, ROADMAP)
    assert run(tmp_path, site, attachments=False).exit_code == 0
    assert PDF_PATH not in [r.path for r in site.requests]
    assert attachments(tmp_path / "archive.db") == []
