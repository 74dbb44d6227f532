"""What a version records (issue 12): what changed (title, body, publication date), the page's own
last-edited time, and its cause; the page's ``article:modified_time`` as a hint that has the other
language versions of an edited release checked the same night."""

from __future__ import annotations

import re

import pytest
from support.fixture_server import FixtureServer, Served
from support.helpers import KAZAKHSTAN, copy_archive, downgrade, query, scrape, write_config

from archive import schema
from archive.store import Archive

SITE = KAZAKHSTAN / "site"
ROADMAP = "/news/kazakhstan-and-uzbekistan-agree-roadmap-safe-and-orderly-labour-migration"  # node 105: en, ru, kk
ROADMAP_RU, ROADMAP_KK = "/ru" + ROADMAP, "/kk" + ROADMAP
HOTLINE = "/news/iom-and-partners-launch-nationwide-campaign-promote-1409-hotline-safe-migration"  # node 102
HOTLINE_RU = "/ru" + HOTLINE
EDITED_AT = "2025-12-01T10:00:00+05:00"  # the site's last-edited time of night 2's edits (05:00 UTC)


def page(path: str, base: str, *replacements: tuple[str, str]) -> Served:
    """The fixture page at ``path`` as the site serves it, with each ``(old, new)`` replaced."""
    text = (SITE / (path.lstrip("/") + ".html")).read_text(encoding="utf-8").replace("__BASE__", base)
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new)
    return Served(200, "text/html; charset=utf-8", text.encode("utf-8"))


def sitemap(base: str, lastmods: dict[str, str]) -> Served:
    """The fixture sitemap with another ``<lastmod>`` for some URLs (path -> date)."""
    text = (SITE / "sitemap.xml").read_text(encoding="utf-8").replace("__BASE__", base)
    for path, lastmod in lastmods.items():
        text, count = re.subn(rf"(<loc>{re.escape(base + path)}</loc>.*?<lastmod>)[^<]*", rf"\g<1>{lastmod}", text,
                              count=1, flags=re.DOTALL)
        assert count == 1, path
    return Served(200, "application/xml", text.encode("utf-8"))


def modified(old: str) -> tuple[str, str]:
    return (f'<meta property="article:modified_time" content="{old}" />',
            f'<meta property="article:modified_time" content="{EDITED_AT}" />')


@pytest.fixture(scope="module")
def nights(tmp_path_factory):
    """Night 1 reads the site. Night 2 (no revalidation sample): the English roadmap release is edited
    (its sitemap ``lastmod`` and ``article:modified_time`` move), its Russian version is edited too
    but the sitemap says nothing of it; the hotline release's page gives another publication date
    (its ``lastmod`` moves, its ``article:modified_time`` does not)."""
    directory = tmp_path_factory.mktemp("versions")
    with FixtureServer(SITE) as site:
        base = site.base_url
        config = write_config(directory, base, revalidate_per_run=0)
        runs = [scrape("run", "--config", str(config), "--since", "2021-01-01")]
        site.overrides.update({
            "/sitemap.xml": sitemap(base, {ROADMAP: "2025-12-01", HOTLINE: "2025-12-01"}),
            ROADMAP: page(ROADMAP, base, modified("2023-05-18T09:30:00+05:00"),
                          ("most of them employed in construction", "most of them employed in construction, trade")),
            ROADMAP_RU: page(ROADMAP_RU, base, ('content="2023-05-18T09:30:00+05:00"', f'content="{EDITED_AT}"'),
                             ("Дорожная карта предусматривает следующие приоритетные меры:",
                              "Дорожная карта предусматривает следующие первоочередные меры:")),
            HOTLINE: page(HOTLINE, base, ('"article:published_time" content="2023-07-28T17:00:00+05:00"',
                                          '"article:published_time" content="2023-07-27T17:00:00+05:00"')),
        })
        site.reset()
        runs.append(scrape("run", "--config", str(config)))
        requested = set(site.paths_requested())
    return {"runs": runs, "db": directory / "archive.db", "base": base, "requested": requested,
            "directory": directory}


def versions(nights, path: str) -> list[tuple]:
    return [tuple(row) for row in query(
        nights["db"], "SELECT v.version, v.changed, v.cause, v.published_date, v.modified_time FROM release_versions v "
                      "JOIN releases r ON r.id = v.release_id WHERE r.url = ? ORDER BY v.version",
        (nights["base"] + path,))]


def test_both_nights_succeed(nights):
    for result in nights["runs"]:
        assert result.exit_code == 0, result.output


def test_a_body_edit_is_a_version_saying_what_changed_and_when_the_site_edited_it(nights):
    assert versions(nights, ROADMAP) == [
        (1, None, "site", "2023-05-17", "2023-05-18T04:30:00Z"),
        (2, "body", "site", "2023-05-17", "2025-12-01T05:00:00Z"),
    ]
    (row,) = query(nights["db"], "SELECT modified_time, body FROM releases WHERE url = ?", (nights["base"] + ROADMAP,))
    assert row["modified_time"] == "2025-12-01T05:00:00Z" and "construction, trade" in row["body"]


def test_a_changed_publication_date_alone_is_a_version_and_the_old_date_stays_in_history(nights):
    assert versions(nights, HOTLINE) == [
        (1, None, "site", "2023-07-28", "2023-07-29T04:30:00Z"),
        (2, "date", "site", "2023-07-27", "2023-07-29T04:30:00Z"),
    ]
    (row,) = query(nights["db"], "SELECT published_date FROM releases WHERE url = ?", (nights["base"] + HOTLINE,))
    assert row["published_date"] == "2023-07-27"
    texts = query(nights["db"], "SELECT count(DISTINCT v.content_hash) FROM release_versions v JOIN releases r "
                                "ON r.id = v.release_id WHERE r.url = ?", (nights["base"] + HOTLINE,))
    assert texts[0][0] == 1  # same title and body in both versions


def test_an_edited_release_has_its_language_versions_checked_the_same_night(nights):
    assert {ROADMAP_RU, ROADMAP_KK} <= nights["requested"]
    assert versions(nights, ROADMAP_RU)[1][:3] == (2, "body", "site")  # edited, and the sitemap said nothing
    assert len(versions(nights, ROADMAP_KK)) == 1  # checked, unchanged: no version


def test_a_page_whose_edit_time_did_not_move_does_not_have_its_language_versions_checked(nights):
    assert HOTLINE in nights["requested"] and HOTLINE_RU not in nights["requested"]


def test_nothing_else_was_requested_for_release_pages(nights):
    releases = {path for path in nights["requested"] if "/news/" in path}
    assert releases == {ROADMAP, ROADMAP_RU, ROADMAP_KK, HOTLINE}


def test_reextraction_records_its_cause_and_changes_no_date(nights, tmp_path):
    db = tmp_path / "archive.db"
    copy_archive(nights["db"], db)
    with Archive(db) as archive:  # as if an older extractor had read the roadmap's Russian page
        archive.db.execute("UPDATE releases SET body = body || ' Extra.', content_hash = 'x' WHERE url = ?",
                           [nights["base"] + ROADMAP_RU])
        archive.db.conn.commit()
    config = write_config(tmp_path, nights["base"], revalidate_per_run=0)
    config.write_text(config.read_text(encoding="utf-8").replace("archive.db", str(db)), encoding="utf-8")
    result = scrape("reextract", "--config", str(config))
    assert result.exit_code == 0, result.output
    (row,) = query(db, "SELECT v.changed, v.cause, v.published_date FROM release_versions v JOIN releases r "
                       "ON r.id = v.release_id WHERE r.url = ? ORDER BY v.version DESC LIMIT 1",
                   (nights["base"] + ROADMAP_RU,))
    assert tuple(row) == ("body", "reextract", "2023-05-17")


def test_migration_7_works_out_what_earlier_versions_changed_losing_nothing(nights, tmp_path):
    db = tmp_path / "v6.db"
    copy_archive(nights["db"], db)
    before = query(db, "SELECT id, release_id, version, title, body, seen_at, cause FROM release_versions ORDER BY id")
    downgrade(db, 6)
    with Archive(db) as upgraded:
        assert upgraded.db.execute("PRAGMA user_version").fetchone()[0] == len(schema.MIGRATIONS) >= 7
    after = query(db, "SELECT id, release_id, version, title, body, seen_at, cause FROM release_versions ORDER BY id")
    assert [tuple(row) for row in after] == [tuple(row) for row in before]
    rows = query(db, "SELECT v.version, v.changed, v.published_date FROM release_versions v JOIN releases r "
                     "ON r.id = v.release_id WHERE r.url = ? ORDER BY v.version", (nights["base"] + ROADMAP,))
    assert [tuple(row) for row in rows] == [(1, None, None), (2, "body", "2023-05-17")]
    rows = query(db, "SELECT v.version, v.changed FROM release_versions v JOIN releases r "
                     "ON r.id = v.release_id WHERE r.url = ? ORDER BY v.version", (nights["base"] + HOTLINE,))
    assert [tuple(row) for row in rows] == [(1, None), (2, None)]  # a date change was not known before schema 7
